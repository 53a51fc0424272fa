"""The commit dialog: who commits, with what message, and the diff it makes.

Adding a revision (``a``) ends here: the user types the user and the
message, reads the diff of what will be committed against the tip, and only
then commits (ctrl+s or the button); Escape drops it. The diff comes from
``explorer.tui.edits.commit_diff``; its lines hold text from the store and
are shown as plain text, never read as markup.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from explorer.tui.widgets.plain import plain
from explorer.views.printable import printable

DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


class Commit(NamedTuple):
    """What the dialog answers: the user and the message to commit with."""

    user: str
    message: str


def diff_text(lines: list[str]) -> Text:
    """A unified diff coloured as ``hg diff`` colours it."""
    text = Text()
    for line in lines:
        style = next((s for prefix, s in DIFF_STYLES if line.startswith(prefix)), "")
        text.append(printable(line.rstrip("\n"), keep_newlines=False) + "\n", style=style)
    return text


class CommitScreen(ModalScreen[Commit | None]):
    """User, message and the diff; the result is the ``Commit`` (None: cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "commit", "Commit", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, user: str, message: str, diff: list[str],
                 where: str) -> None:
        super().__init__()
        self.title_text = title
        self.user = user
        self.message = message
        self.diff = diff
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog editor commit"):
            yield Label(plain(self.title_text, one_line=True), classes="dialog-title")
            yield Label("user")
            yield Input(self.user, id="commit-user")
            yield Label("message")
            yield TextArea(self.message, id="commit-message")
            yield Label(f"what it commits ({len(self.diff)} diff lines)" if self.diff
                        else "what it commits")
            with VerticalScroll(id="commit-diff"):
                yield Static(diff_text(self.diff) if self.diff else
                             "no file changes: a changeset with a message only",
                             id="commit-diff-text")
            yield Static(plain(self.where), classes="explain")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Commit (ctrl+s)", variant="error", id="commit")
                yield Button("Cancel (escape)", variant="primary", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#commit-message", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "commit":
            self.action_commit()
        else:
            self.dismiss(None)

    def action_commit(self) -> None:
        user = self.query_one("#commit-user", Input).value
        if not user.strip():
            self.notify("a changeset needs a user", severity="error")
            return
        self.dismiss(Commit(user, self.query_one("#commit-message", TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)
