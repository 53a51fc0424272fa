"""Documents of styled lines built on demand, for the panes that show long texts.

A revision can be megabytes: the text pane must not style every line of it
before showing the first. A ``Document`` is a list of blocks, each either a
few ready ``Text`` lines or a count with a function making line ``i`` when
it scrolls into view.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

from rich.text import Text


class Block:
    """``count`` lines, line ``i`` made by ``make(i)``."""

    def __init__(self, count: int, make: Callable[[int], Text]) -> None:
        self.count = count
        self.make = make


def ready(lines: Sequence[Text | str]) -> Block:
    """A block of lines made already."""
    made = [line if isinstance(line, Text) else Text(line) for line in lines]
    return Block(len(made), made.__getitem__)


class Document:
    """Lines from blocks, in order; ``width`` is a hint for horizontal scrolling.
    A ``prose`` document (a few sentences) is wrapped to the pane's width."""

    def __init__(self, blocks: Sequence[Block], width: int = 0, prose: bool = False) -> None:
        self.blocks = [b for b in blocks if b.count]
        self._starts = []
        total = 0
        for block in self.blocks:
            self._starts.append(total)
            total += block.count
        self.count = total
        self.width = width
        self.prose = prose

    def __len__(self) -> int:
        return self.count

    def line(self, i: int) -> Text:
        at = bisect_right(self._starts, i) - 1
        return self.blocks[at].make(i - self._starts[at])

    def plain(self) -> str:
        """Every line's text, for tests and copying."""
        return "\n".join(self.line(i).plain for i in range(self.count))


def message(*lines: Text | str) -> Document:
    """A document of a few lines of prose (an explanation, an error)."""
    return Document([ready(lines)], prose=True)
