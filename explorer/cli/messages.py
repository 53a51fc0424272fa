"""What the command line says on stderr: one line each, a failure or a warning.

Messages name files of a store, which may hold bytes that are not UTF-8
or control characters: they are shown escaped (``\\xe9``,
``explorer.views.printable``), so nothing reaches the terminal as it is.
Reports print on stdout what hg prints; a warning (a requirement the
explorer does not know) goes here, so their output still diffs clean
against hg's.
"""

from __future__ import annotations

import sys

from explorer.views.printable import printable

PROG = "revlog-explorer"


def fail(message: str, code: int) -> int:
    """Say why the command stopped; returns the exit status ``code``."""
    sys.stderr.write(f"{PROG}: {printable(message, keep_newlines=False)}\n")
    return code


def warn(message: str) -> None:
    """Say what the user should know about the output that follows."""
    sys.stderr.write(f"{PROG}: warning: {printable(message, keep_newlines=False)}\n")
