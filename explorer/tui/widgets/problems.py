"""The problems pane: what went wrong reading the store, and what verify found.

Read errors are listed as they happen (a damaged revision shows in its index
row and here; everything else stays usable); a verify run adds its findings.
Enter on a problem opens its revlog at its revision and puts the hex cursor
on its byte.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from explorer.engine import Problem
from explorer.tui.widgets.plain import plain
from explorer.tui.widgets.table import Cell, Column, VirtualTable

_COLUMNS = [
    Column("", 1),
    Column("revlog", 14, "path"),
    Column("rev", 4),
    Column("problem", 0, "left"),
]


class ProblemsTable(VirtualTable):
    """Problems, newest findings last; duplicates are listed once."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.problems: list[Problem] = []
        self._seen: set[tuple] = set()

    def on_mount(self) -> None:
        self.reset(_COLUMNS, 0)

    def add(self, problems: Iterable[Problem]) -> int:
        """List ``problems`` not listed yet; return how many were new."""
        new = 0
        for problem in problems:
            key = (problem.path, problem.rev, problem.offset, problem.message)
            if key not in self._seen:
                self._seen.add(key)
                self.problems.append(problem)
                new += 1
        if new:
            self.row_count = len(self.problems)
            self._fit_columns()
            if self.row_count == new:
                self.post_message(self.CursorMoved(self, self.cursor))
        return new

    def describe(self, row: int) -> str:
        """The whole of problem ``row``: where, what, and the hint."""
        if not 0 <= row < len(self.problems):
            return ""
        p = self.problems[row]
        where = ", ".join(part for part in (
            p.path or "store", None if p.rev is None else f"rev {p.rev}",
            None if p.field is None else f"field {p.field}",
            None if p.offset is None else f"byte {p.offset}") if part)
        hint = f" Hint: {p.hint}" if p.hint else ""
        return f"{where}: {p.message}.{hint}"

    def clear(self, source: str | None = None) -> None:
        """Forget every problem (or only those found by ``source``: "read", "verify")."""
        keep = [] if source is None else [p for p in self.problems if _source(p) != source]
        self.problems, self._seen = [], set()
        self.row_count = 0
        self.add(keep)
        self.invalidate()

    def row_cells(self, row: int) -> list[Cell]:
        p = self.problems[row]
        mark = ("✕", "bad") if p.severity == "error" else ("!", "mark")
        return [
            mark,
            (p.path or "store", ""),
            ("" if p.rev is None else str(p.rev), "accent"),
            (p.message, ""),
        ]


def _source(problem: Problem) -> str:
    return "read" if problem.kind == "read" else "verify"


class ProblemsPane(Vertical):
    """The problems table, a status line and the verify progress bar."""

    ALLOW_MAXIMIZE = True

    def compose(self) -> ComposeResult:
        yield Static("none met so far", id="problems-status", classes="explain")
        yield ProgressBar(id="verify-progress", show_eta=False)
        yield ProblemsTable(id="problems-table")

    @property
    def table(self) -> ProblemsTable:
        return self.query_one(ProblemsTable)

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        if self.table.problems:
            self.status(self.table.describe(event.row))

    def status(self, text: str) -> None:
        self.query_one("#problems-status", Static).update(plain(text), layout=False)

    def progress(self, done: int | None, total: int | None) -> None:
        """Show verify progress (None hides the bar)."""
        bar = self.query_one(ProgressBar)
        bar.display = done is not None
        if done is not None:
            bar.update(total=max(total or 1, 1), progress=done)
