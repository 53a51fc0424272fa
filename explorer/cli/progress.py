"""Verify's progress on a terminal, as hg shows its own: one line on stderr, redrawn.

``checking changesets 1234/3333 revisions · revlog 1/318 · 1.2s, about 2.0s left``
stays on one line (a carriage return goes back to its start), and is
erased before the report prints, so the report on stdout is the same
whether or not a terminal watched. When stderr is not a terminal (a pipe,
a file, a test), nothing is written at all.
"""

from __future__ import annotations

import shutil
import sys
from typing import TextIO

from explorer.views.printable import printable
from explorer.views.verify_progress import Tick, VerifyProgress

ERASE = "\r\x1b[K"  # back to the line's start, clear to its end


class TerminalLine:
    """One line of ``stream``, redrawn in place for each tick, erased by ``close``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.drawn = False

    def show(self, tick: Tick) -> None:
        width = shutil.get_terminal_size().columns - 1
        line = printable(tick.line(), keep_newlines=False)[:max(width, 20)]
        self.stream.write(ERASE + line)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write(ERASE)
            self.stream.flush()
            self.drawn = False


def terminal_progress(stream: TextIO | None = None) -> tuple[VerifyProgress | None,
                                                            TerminalLine | None]:
    """A progress callable drawing on ``stream`` (stderr) and its line, when it is a
    terminal; (None, None) otherwise."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        return None, None
    line = TerminalLine(stream)
    return VerifyProgress(line.show), line
