"""Documents of styled lines built on demand, for the panes that show long texts.

A revision can be megabytes: the text pane must not style every line of it
before showing the first. A ``Document`` is a list of blocks, each either a
few ready lines or a count with a function making line ``i`` when it
scrolls into view. A ``Line`` is plain data: runs of text, each with a style
in the terminal's words ("bold cyan", "dim"); the TUI draws it, so nothing
here imports a UI library. A line may lead somewhere (``link``: a revision of
another revlog, ``explorer.views.links``); a click on it follows the link.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import NamedTuple

from explorer.views.links import Link

Run = tuple[str, str]  # a piece of text and its style ("" for none)


class Line(NamedTuple):
    """Runs of text in order; ``style`` lies under all of them; ``link``: where the
    line leads, if anywhere."""

    runs: tuple[Run, ...] = ()
    style: str = ""
    link: Link | None = None

    @property
    def plain(self) -> str:
        """The text without its styles."""
        return "".join(text for text, _ in self.runs)


def styled(*parts: str | Run, style: str = "", link: Link | None = None) -> Line:
    """A line of ``parts``: plain strings, or (text, style) pairs."""
    return Line(tuple((part, "") if isinstance(part, str) else part for part in parts), style,
                link)


class Block:
    """``count`` lines, line ``i`` made by ``make(i)``."""

    def __init__(self, count: int, make: Callable[[int], Line]) -> None:
        self.count = count
        self.make = make


def ready(lines: Sequence[Line | str]) -> Block:
    """A block of lines made already."""
    made = [line if isinstance(line, Line) else styled(line) for line in lines]
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

    def line(self, i: int) -> Line:
        at = bisect_right(self._starts, i) - 1
        return self.blocks[at].make(i - self._starts[at])

    def plain(self) -> str:
        """Every line's text, for tests and copying."""
        return "\n".join(self.line(i).plain for i in range(self.count))


def message(*lines: Line | str) -> Document:
    """A document of a few lines of prose (an explanation, an error)."""
    return Document([ready(lines)], prose=True)
