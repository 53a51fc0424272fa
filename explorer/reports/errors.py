"""The one exception the report layer raises on purpose.

A report either prints, or stops with a ``ReportError`` whose message is a
single line meant for a person. The CLI prints it on stderr and exits with
``exit_code``: 255 like Mercurial's ``abort``, so scripts that drive both
tools can treat failures alike.
"""

from __future__ import annotations

ABORT = 255


class ReportError(Exception):
    """Arguments that name nothing we can report on, or a report that cannot start."""

    def __init__(self, message: str, exit_code: int = ABORT) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
