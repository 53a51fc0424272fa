"""A one-line prompt in place of the key hints, as a pager asks for a line number.

Go-to, find and the store's filter ask here rather than in a dialog, and keep
the focus where it is: the app hands the line the keys while it asks. A dialog
(or an input taking the focus) restyles every pane twice, losing and regaining
focus, which measured four times the work of the jump itself. The prompt is
drawn by the key hints line (``KeyHints``) instead of its hints: a widget of its
own shown and hidden over that line changed the screen's layout each time,
which laid out and repainted every pane (10-20 ms on the key that answers).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import events


class CommandLine:
    """``ask`` shows a prompt; typed keys come through ``key`` until Enter answers
    (with the text, None when empty) or Escape drops the question (None).
    ``redraw`` repaints the line that shows it."""

    def __init__(self, redraw: Callable[[], None]) -> None:
        self._redraw = redraw
        self._answer: Callable[[str | None], None] | None = None
        self.prompt = self.hint = self.typed = ""

    @property
    def asking(self) -> bool:
        return self._answer is not None

    def ask(self, prompt: str, hint: str, answer: Callable[[str | None], None]) -> None:
        self._answer = answer
        self.prompt, self.hint, self.typed = prompt, hint, ""
        self._redraw()

    def key(self, event: events.Key) -> None:
        """One key typed while asking (the app stops it going anywhere else)."""
        if event.key == "escape":
            self._finish(None)
        elif event.key == "enter":
            self._finish(self.typed.strip() or None)
        elif event.key == "backspace":
            self.typed = self.typed[:-1]
            self._redraw()
        elif event.is_printable and event.character:
            self.typed += event.character
            self._redraw()

    def text(self, width: int, style: Style) -> Text:
        """The prompt, what was typed and a cursor (or the hint), ``width`` cells wide."""
        line = Text.assemble((f" {self.prompt} ", "bold"), self.typed, ("▏", "bold"),
                             ("" if self.typed else self.hint, "dim"),
                             style=style, no_wrap=True, overflow="crop", end="")
        line.truncate(width, pad=True)
        return line

    def _finish(self, value: str | None) -> None:
        answer, self._answer = self._answer, None
        self._redraw()
        if answer is not None:
            answer(value)
