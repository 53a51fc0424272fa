"""The links of a revision as a list to choose from (``l``): the keyboard's way along them.

Each option says what the link leads to (a changeset, a manifest revision, a
file revision, a directory's manifest, a copy's source) and its name; Enter
or a click follows it, Escape closes the list. Names come from the store:
they are shown as the bytes they hold (``plain``).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from explorer.tui.widgets.plain import plain
from explorer.views.links import Link
from explorer.views.printable import printable

KIND_WIDTH = 12


def option_text(link: Link) -> Text:
    """The kind, then the name without repeating it: "changeset  12", "file  a.txt"."""
    name = link.label.removeprefix(link.kind + " ")
    return Text.assemble((f"{link.kind:<{KIND_WIDTH}}", "bold"),
                         printable(name, keep_newlines=False))


class LinksScreen(ModalScreen[Link | None]):
    """Choose one of ``links``; the screen's result is the link chosen (None: none)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,l", "cancel", "Close"),
    ]

    def __init__(self, title: str, links: list[Link]) -> None:
        super().__init__()
        self.title_text = title
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog choice links"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield OptionList(*(Option(option_text(link), id=str(i))
                               for i, link in enumerate(self.links)), id="links")
            yield Static("Enter or a click follows a link · Escape closes · back: < or "
                         "alt+← · forward: > or alt+→", classes="explain")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)
