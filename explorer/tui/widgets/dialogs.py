"""Modal screens: confirmation, choice, text editor, key help, and an error page.

Their titles and questions name revlogs and files of the store: they are shown
through ``plain`` (escaped bytes, no markup read in them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from explorer.tui.widgets.plain import plain
from explorer.views.sizes import TERMS as SIZE_TERMS


class ConfirmScreen(ModalScreen[bool]):
    """A question that changes files: nothing happens until the user says yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield Static(plain(self.question), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


# What the colours of the tables mean: (sample, theme variable, meaning). The
# variables are those of the table styles in app.tcss.
LEGEND = [
    ("12  6ef5b0aa218c", "text-primary", "revision numbers and nodes"),
    ("12  0001  2", "warning", "a full snapshot's base (base = rev), flags that are set, "
     "snapshot levels"),
    ("-1  0000  …", "text-muted", "no parent, no flag, a fact still being worked out"),
    ("12  !", "error", "damaged: cannot be read or does not verify (problems pane: why)"),
    ("● ○", "text-primary", "DAG: the selected revision, the others"),
]


class HelpScreen(ModalScreen[None]):
    """Every key of every pane, made from the bindings themselves (never out of date),
    and what the colours mean."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self, sections: Iterable[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        text = Text()
        for title, keys in self.sections:
            text.append(f"{title}\n", style="bold")
            for key, description in keys:
                text.append(f"  {key:<18}", style="bold cyan")
                text.append(f"{description}\n")
            text.append("\n")
        text.append("Colours\n", style="bold")
        colours = self.app.get_css_variables()
        for sample, variable, meaning in LEGEND:
            colour = colours.get(variable, "")  # "auto 60%" (muted) is no colour: dim
            text.append(f"  {sample:<18}", style=colour if colour.startswith("#") else "dim")
            text.append(f"{meaning}\n")
        text.append("\nSizes\n", style="bold")
        for term, meaning in SIZE_TERMS:
            text.append(f"  {term:<18}", style="bold cyan")
            text.append(f"{meaning}\n")
        text.append("\nEvery action is also in the command palette (ctrl+p).")
        with VerticalScroll(classes="dialog help"):
            yield Label("Keys", classes="dialog-title")
            yield Static(text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)


class CannotOpenScreen(Screen[None]):
    """Shown instead of the panes when the path cannot be explored."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, path: str | None, reason: str) -> None:
        super().__init__()
        self.path = path
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog cannot-open"):
            yield Label("revlog-explorer cannot open this", classes="dialog-title")
            yield Static(plain(self.reason), id="cannot-open-reason")
            yield Static("revlog-explorer opens a Mercurial repository (or any directory in "
                         "one), its .hg, a store directory, or one revlog .i file; with no "
                         "argument, the built-in demo store.\n\nPress q to quit.",
                         classes="explain")


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of a few named options (each with a line saying what it does)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: dict[str, str], note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog choice"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield OptionList(*(Option(Text.assemble((f"{name:<20}", "bold"), words), id=name)
                               for name, words in self.options.items()), id="choices")
            if self.note:
                yield Static(self.note, classes="explain")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditorScreen(ModalScreen[str | None]):
    """Edit a text in a TextArea; ctrl+s keeps it, Escape drops it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog editor"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield TextArea(self.text, id="editor", show_line_numbers=True)
            yield Static(self.note or "ctrl+s: keep this text · escape: drop it",
                         classes="explain")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
