"""The parents graph of a revlog laid out one line per revision, rev 0 at the top.

The DAG pane scrolls in lockstep with the index table, so every revision
gets exactly one line and no line may be inserted between two revisions for
an edge (as ``hg log -G`` does for merges). Each line therefore carries the
node and the horizontal connectors to its parents; vertical lines run through
the columns of revisions whose children are still to come.

A revlog is append-only, so parents always have lower numbers than their
children and rev order is already topological: one pass from rev 0 up places
every revision. A first pass records each revision's parents and its last
child (when its column may close); a second places the nodes and keeps a copy
of the column list every ``CHECKPOINT`` revisions, so any window of lines is
rebuilt by replaying at most that many revisions. Nothing here imports
Textual: the layout is plain data, drawn in Unicode or ASCII by ``draw``.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import NamedTuple

CHECKPOINT = 64  # a jump redraws a page from here: 64 steps replayed, ~1 ms (256: ~10)
_PROGRESS_EVERY = 4096

# Directions of the lines meeting in one cell.
UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8

_UNICODE = {
    UP | DOWN: "│", LEFT | RIGHT: "─", UP | DOWN | LEFT | RIGHT: "┼",
    UP | LEFT: "╯", UP | RIGHT: "╰", DOWN | LEFT: "╮", DOWN | RIGHT: "╭",
    UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", UP | LEFT | RIGHT: "┴",
    DOWN | LEFT | RIGHT: "┬", UP: "╵", DOWN: "╷", LEFT: "╴", RIGHT: "╶", 0: " ",
}
_ASCII = {UP | DOWN: "|", LEFT | RIGHT: "-", 0: " "}

NODE = {"unicode": "○", "ascii": "o"}
CURRENT = {"unicode": "●", "ascii": "@"}
BROKEN = {"unicode": "✕", "ascii": "x"}


class Row(NamedTuple):
    """One revision's line: the node's column, the lines meeting in each column's
    cell, whether a horizontal line crosses the gap after each column, and
    whether a parent could not be placed (a damaged parent field)."""

    rev: int
    node: int
    cells: tuple[int, ...]
    gaps: tuple[bool, ...]
    broken: bool


Parents = Callable[[int], tuple[int, int]]


class Cancelled(Exception):
    """The layout was abandoned (the revlog was closed or replaced)."""


class DagLayout:
    """Column assignment for ``count`` revisions whose parents ``parents(rev)`` gives.

    ``parents`` may raise (a damaged entry): that revision is then drawn as a
    root marked broken. Call ``compute`` (in a worker: it reads every entry)
    before ``rows``.
    """

    def __init__(self, count: int, parents: Parents) -> None:
        self.count = count
        self._parents = parents
        self._p1 = array("i")
        self._p2 = array("i")
        self._last_child = array("i")
        self._broken = bytearray()
        self._checkpoints: list[tuple[int | None, ...]] = []
        self.width = 0
        self.done = False

    # -- computing -----------------------------------------------------------

    def compute(self, progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> None:
        """Both passes; ``progress`` gets the fraction done now and then,
        ``cancelled`` is polled as often and stops the work (``Cancelled``)."""
        report = progress or (lambda fraction: None)
        stop = cancelled or (lambda: False)
        self._read_parents(report, stop)
        self._place(report, stop)
        self.done = True
        report(1.0)

    def _read_parents(self, report, stop) -> None:
        n = self.count
        p1s, p2s = array("i", bytes(4 * n)), array("i", bytes(4 * n))
        last = array("i", [-1]) * n
        broken = bytearray(n)
        parents = self._parents
        for rev in range(n):
            if rev % _PROGRESS_EVERY == 0 and rev:
                if stop():
                    raise Cancelled
                report(0.5 * rev / n)
            try:
                p1, p2 = parents(rev)
            except Exception:  # noqa: BLE001 - any unreadable entry is drawn as broken
                p1 = p2 = -2
            for p in (p1, p2):
                if 0 <= p < rev:
                    last[p] = rev
                elif p != -1:
                    broken[rev] = 1
            p1s[rev], p2s[rev] = p1, p2
        self._p1, self._p2, self._last_child, self._broken = p1s, p2s, last, broken

    def _place(self, report, stop) -> None:
        columns: list[int | None] = []
        checkpoints = []
        width = 0
        for rev in range(self.count):
            if rev % CHECKPOINT == 0:
                checkpoints.append(tuple(columns))
                if rev % _PROGRESS_EVERY == 0 and rev:
                    if stop():
                        raise Cancelled
                    report(0.5 + 0.5 * rev / self.count)
            row = self._step(rev, columns)
            width = max(width, len(row.cells))
        self._checkpoints = checkpoints
        self.width = width

    def _step(self, rev: int, columns: list[int | None]) -> Row:
        """Place ``rev`` given the columns open above it; update them for the next row."""
        last = self._last_child
        parents = [p for p in (self._p1[rev], self._p2[rev]) if 0 <= p < rev]
        if len(parents) == 2 and parents[0] == parents[1]:
            parents.pop()
        where = {p: columns.index(p) for p in parents if p in columns}
        node = next((where[p] for p in parents if p in where and last[p] == rev), None)
        if node is None:
            node = columns.index(None) if None in columns else len(columns)
        width = max(len(columns), node + 1)
        cells = [UP | DOWN if i < len(columns) and columns[i] is not None else 0
                 for i in range(width)]
        gaps = [False] * max(width - 1, 0)
        for p, col in where.items():
            if col != node and last[p] == rev:
                cells[col] = UP  # the parent's line ends here, turning to the node
        for col in where.values():
            if col != node:
                self._connect(cells, gaps, col, node)
        # the columns after this row
        for p, col in where.items():
            if last[p] == rev:
                columns[col] = None
        while len(columns) <= node:
            columns.append(None)
        columns[node] = rev if last[rev] > rev else None
        while columns and columns[-1] is None:
            columns.pop()
        cells[node] = 0
        return Row(rev, node, tuple(cells), tuple(gaps),
                   bool(self._broken[rev]) or len(where) < len(parents))

    @staticmethod
    def _connect(cells: list[int], gaps: list[bool], col: int, node: int) -> None:
        """A horizontal line from a parent's column ``col`` to the node's column."""
        step = 1 if node > col else -1
        cells[col] |= RIGHT if step == 1 else LEFT
        for i in range(col + step, node, step):
            cells[i] |= LEFT | RIGHT
        for i in range(min(col, node), max(col, node)):
            gaps[i] = True

    # -- reading -------------------------------------------------------------

    def rows(self, start: int, stop: int) -> list[Row]:
        """The lines of revisions ``start`` to ``stop - 1``."""
        if not self.done:
            raise RuntimeError("DagLayout.rows before compute")
        start, stop = max(0, start), min(stop, self.count)
        if start >= stop:
            return []
        first = start - start % CHECKPOINT
        columns = list(self._checkpoints[first // CHECKPOINT])
        out = []
        for rev in range(first, stop):
            row = self._step(rev, columns)
            if rev >= start:
                out.append(row)
        return out


def draw(row: Row, style: str = "unicode", current: bool = False) -> str:
    """The text of one line: two characters per column (cell, then gap)."""
    table = _UNICODE if style == "unicode" else _ASCII
    node = (BROKEN if row.broken else CURRENT if current else NODE)[style]
    out = []
    for i, bits in enumerate(row.cells):
        if i == row.node:
            out.append(node)
        else:
            out.append(table.get(bits, "+"))
        if i < len(row.gaps):
            out.append(("─" if style == "unicode" else "-") if row.gaps[i] else " ")
    return "".join(out)
