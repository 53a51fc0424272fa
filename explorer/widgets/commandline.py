"""A one-line prompt over the footer, as a pager asks for a line number.

Go-to and find ask here rather than in a dialog: the line sits on its own
layer over the footer, so showing and hiding it repaints one line, where
closing a modal screen repaints every pane (measured: about four times the
work of the jump itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label


class CommandLine(Horizontal):
    """``ask`` shows a prompt; Enter answers it, Escape drops it (the answer is None)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._answer: Callable[[str | None], None] | None = None
        self._return_to: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Label(id="command-prompt")
        yield Input(id="command-input")

    def ask(self, prompt: str, placeholder: str, answer: Callable[[str | None], None]) -> None:
        self._answer = answer
        self._return_to = self.app.focused
        self.query_one(Label).update(prompt)
        line = self.query_one(Input)
        line.value = ""
        line.placeholder = placeholder
        self.display = True
        line.focus()

    @property
    def asking(self) -> bool:
        return self._answer is not None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish(event.value.strip() or None)

    def action_cancel(self) -> None:
        self._finish(None)

    def _finish(self, value: str | None) -> None:
        answer, self._answer = self._answer, None
        self.display = False
        if self._return_to is not None:
            self._return_to.focus()
        if answer is not None:
            answer(value)
