"""The links of a revision as a list to choose from (``l``): the keyboard's way along them.

Each option says what the link leads to (a changeset, a manifest revision, a
file revision, a directory's manifest, a copy's source) and its name; Enter
or a click follows it, Escape closes the list. A manifest can have 100,000
entries: the list shows the first ``SHOWN`` that match what is typed in the
filter line above it (a list of 20,000 options takes seconds to build).
Names come from the store: they are shown as the bytes they hold.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from explorer.tui.widgets.plain import plain
from explorer.views.links import Link
from explorer.views.printable import printable

KIND_WIDTH = 12
SHOWN = 500  # options listed at most; typing narrows the rest down


def option_text(link: Link) -> Text:
    """The kind, then the name without repeating it: "changeset  12", "file  a.txt"."""
    name = link.label.removeprefix(link.kind + " ")
    return Text.assemble((f"{link.kind:<{KIND_WIDTH}}", "bold"),
                         printable(name, keep_newlines=False))


class LinksScreen(ModalScreen[Link | None]):
    """Choose one of ``links``; the screen's result is the link chosen (None: none).
    Typing filters them by name; Up/Down move in the list, Enter follows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close"),
        Binding("down", "move('cursor_down')", "Next link", show=False),
        Binding("up", "move('cursor_up')", "Previous link", show=False),
        Binding("pagedown", "move('page_down')", "Page down", show=False),
        Binding("pageup", "move('page_up')", "Page up", show=False),
    ]

    def __init__(self, title: str, links: list[Link]) -> None:
        super().__init__()
        self.title_text = title
        self.links = links
        self.shown: list[int] = []  # the indexes in ``links`` of the options listed

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog choice links"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield Input(placeholder=f"{len(self.links)} links · type part of a name to "
                        "narrow them", id="links-filter")
            yield OptionList(id="links")
            yield Static("", id="links-count", classes="explain")

    def on_mount(self) -> None:
        self._list("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._list(event.value)

    def _list(self, typed: str) -> None:
        needle = typed.lower()
        matches = [i for i, link in enumerate(self.links)
                   if needle in link.label.lower() or needle in link.kind]
        self.shown = matches[:SHOWN]
        options = self.query_one("#links", OptionList)
        options.clear_options()
        options.add_options([Option(option_text(self.links[i])) for i in self.shown])
        if self.shown:
            options.highlighted = 0
        more = (f"showing {len(self.shown)} of {len(matches)}: type to narrow · "
                if len(matches) > len(self.shown) else "")
        self.query_one("#links-count", Static).update(
            f"{more}Enter or a click follows a link · Escape closes · back: < or alt+← · "
            "forward: > or alt+→")

    def action_move(self, how: str) -> None:
        getattr(self.query_one("#links", OptionList), f"action_{how}")()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        highlighted = self.query_one("#links", OptionList).highlighted
        if highlighted is not None:
            self.dismiss(self.links[self.shown[highlighted]])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[self.shown[event.option_index]])

    def action_cancel(self) -> None:
        self.dismiss(None)
