"""A one-line prompt over the footer, as a pager asks for a line number.

Go-to and find ask here rather than in a dialog, and keep the focus where it
is: the app hands this line the keys while it asks. A dialog (or an input
taking the focus) restyles every pane twice, losing and regaining focus,
which measured four times the work of the jump itself; this line sits on a
layer of its own over the footer and is only made visible or hidden.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.widgets import Static


class CommandLine(Static):
    """``ask`` shows a prompt; typed keys come through ``key`` until Enter answers
    (with the text, None when empty) or Escape drops the question (None)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._answer: Callable[[str | None], None] | None = None
        self.prompt = self.hint = self.typed = ""

    @property
    def asking(self) -> bool:
        return self._answer is not None

    def ask(self, prompt: str, hint: str, answer: Callable[[str | None], None]) -> None:
        self._answer = answer
        self.prompt, self.hint, self.typed = prompt, hint, ""
        self.styles.visibility = "visible"
        self._draw()

    def key(self, event: events.Key) -> None:
        """One key typed while asking (the app stops it going anywhere else)."""
        if event.key == "escape":
            self._finish(None)
        elif event.key == "enter":
            self._finish(self.typed.strip() or None)
        elif event.key == "backspace":
            self.typed = self.typed[:-1]
            self._draw()
        elif event.is_printable and event.character:
            self.typed += event.character
            self._draw()

    def _draw(self) -> None:
        self.update(Text.assemble((f" {self.prompt} ", "bold"), self.typed, ("▏", "bold"),
                                  ("" if self.typed else self.hint, "dim")), layout=False)

    def _finish(self, value: str | None) -> None:
        answer, self._answer = self._answer, None
        self.styles.visibility = "hidden"
        if answer is not None:
            answer(value)
