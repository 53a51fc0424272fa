"""The problems pane: what went wrong reading the store, and what verify found.

Read errors are listed as they happen (a damaged revision shows in its index
row and here; everything else stays usable); a verify run adds its findings.
Enter on a problem opens its revlog at its revision and puts the hex cursor
on its byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from explorer.engine import Problem
from explorer.tui.widgets.plain import plain
from explorer.tui.widgets.table import Cell, Column, VirtualTable
from explorer.views.problem_groups import Group, first_damaged_changeset, group_problems, merge

if TYPE_CHECKING:
    from explorer.views.verify_progress import Tick  # verify's, loaded when it runs

_COLUMNS = [
    Column("", 1),
    Column("revlog", 14, "path"),
    Column("rev", 4),
    Column("problem", 0, "left"),
]


class ProblemsTable(VirtualTable):
    """Problems, one row per root cause (``explorer.views.problem_groups``), newest
    findings last; the same damage met twice is listed once."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.problems: list[Problem] = []
        self.groups: list[Group] = []

    def on_mount(self) -> None:
        self.reset(_COLUMNS, 0)

    def add(self, problems: Iterable[Problem]) -> int:
        """List ``problems`` not listed yet; return how many were new."""
        self.problems, new = merge(self.problems, problems)
        if new:
            had = self.row_count
            self._regroup()
            if not had:
                self.post_message(self.CursorMoved(self, self.cursor))
        return new

    def _regroup(self) -> None:
        self.groups = group_problems(self.problems)
        self.row_count = len(self.groups)
        revs = max((len(g.rev_range()) for g in self.groups), default=0)
        self.column_specs = [c._replace(width=max(4, revs)) if c.title == "rev" else c
                             for c in _COLUMNS]
        self.cursor = min(self.cursor, max(0, self.row_count - 1))
        self._fit_columns()
        self.invalidate()
        self.post_message(self.Changed())

    class Changed(Message):
        """The problems listed changed (the pane retitles itself)."""

    def problem_at(self, row: int) -> Problem:
        """The problem a row stands for: its root cause."""
        return self.groups[row].root

    def row_of(self, problem: Problem) -> int:
        """The row listing ``problem`` (as a root cause or one of its consequences)."""
        return next(i for i, g in enumerate(self.groups) if problem in g.members)

    def first_damaged_changeset(self) -> int | None:
        return first_damaged_changeset(self.groups)

    def describe(self, row: int) -> str:
        """The whole of row ``row``: where, what, the hint, and what else it damages."""
        if not 0 <= row < len(self.groups):
            return ""
        group = self.groups[row]
        p = group.root
        where = ", ".join(part for part in (
            p.path or "store", None if p.rev is None else f"rev {p.rev}",
            None if p.field is None else f"field {p.field}",
            None if p.offset is None else f"byte {p.offset}") if part)
        hint = f" Hint: {p.hint}." if p.hint else ""
        return f"{where}: {p.message}.{hint}{_reach(group)}"

    def clear(self, source: str | None = None) -> None:
        """Forget every problem (or only those found by ``source``: "read", "verify")."""
        keep = [] if source is None else [p for p in self.problems if _source(p) != source]
        self.problems = []
        self.add(keep)
        self._regroup()

    def row_cells(self, row: int) -> list[Cell]:
        group = self.groups[row]
        p = group.root
        mark = ("✕", "bad") if group.is_error else ("!", "mark")
        more = len(group.members) - 1
        return [
            mark,
            (p.path or "store", ""),
            (group.rev_range(), "accent"),
            (p.message + (f" (+{more} more from it)" if more else ""), ""),
        ]


def _reach(group: Group) -> str:
    """What else a root cause damages, and the changeset where it starts."""
    words = []
    others = [p for p in group.members if p is not group.root]
    if others:
        revs = group.revs
        words.append(f" It damages {len(group.members)} records"
                     + (f", revs {group.rev_range()} of {group.root.path}" if len(revs) > 1
                        else "")
                     + _elsewhere(group) + ".")
    if group.first_changeset is not None:
        words.append(f" First damaged changeset: {group.first_changeset}.")
    return "".join(words)


def _elsewhere(group: Group) -> str:
    paths = sorted({p.path for p in group.members if p.path != group.root.path})
    return f", and in {', '.join(paths)}" if paths else ""


def _source(problem: Problem) -> str:
    return "read" if problem.kind == "read" else "verify"


class ProblemsPane(Vertical):
    """The problems table, a status line and the verify progress bar."""

    ALLOW_MAXIMIZE = True

    def compose(self) -> ComposeResult:
        yield Static("none met so far", id="problems-status", classes="explain")
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

    def on_problems_table_changed(self, event: ProblemsTable.Changed) -> None:
        event.stop()
        self.retitle()

    def retitle(self) -> None:
        """Causes and records in the title; where the damage starts under it."""
        table = self.table
        causes, found = len(table.groups), len(table.problems)
        if not found:
            self.border_title = "problems"
        elif causes == found:
            self.border_title = f"problems ({found})"
        else:
            self.border_title = f"problems ({causes} cause{'s' if causes != 1 else ''}, " \
                                f"{found} found)"
        first = table.first_damaged_changeset()
        self.border_subtitle = "" if first is None else f"damage starts at changeset {first}"

    def progress(self, tick: Tick | None) -> None:
        """Show verify's progress: a bar, and counts with the time left (None hides it).
        The bar is mounted by the first verify: at start-up its four widgets and their
        import were ~40 M instructions of the first frame."""
        from textual.widgets import ProgressBar

        bars = self.query(ProgressBar)
        if tick is None:
            bars.set(display=False)
            return
        if bars:
            bar = bars.first()
            bar.display = True
        else:
            bar = ProgressBar(id="verify-progress", show_eta=False)
            self.mount(bar, before=self.table)
        bar.update(total=max(tick.total, 1), progress=tick.done)
        self.status(tick.line())
