"""The parents graph near one revision, laid out for drawing: a bounded window.

The DAG pane lays out a whole revlog (``dag_layout``), a pass over every
entry; a notebook view of the selected revision needs only its neighbours.
This lays out revisions ``rev - BEFORE`` to ``rev + AFTER`` with the same
column rules (``DagLayout`` over the window), and names the parents that lie
outside it, so a front end draws them as stubs. Only index entries are read.
"""

from __future__ import annotations

from typing import NamedTuple

from explorer.engine import CorruptionError
from explorer.views.dag_layout import DagLayout
from explorer.views.revlog_view import RevlogView

BEFORE = 9
AFTER = 6


class DagNode(NamedTuple):
    """A revision at ``row`` (0 = the window's first, lowest rev) and ``column``;
    ``parents`` all of them, ``outside`` those not in the window; ``broken`` when its
    entry cannot be read or names a parent that cannot be (damage)."""

    rev: int
    row: int
    column: int
    parents: tuple[int, ...]
    outside: tuple[int, ...]
    broken: bool


class DagWindow(NamedTuple):
    rev: int
    first: int
    nodes: list[DagNode]
    width: int


def dag_window(view: RevlogView, rev: int, before: int = BEFORE, after: int = AFTER
               ) -> DagWindow:
    """The window around ``rev``; a damaged entry shows with no parents."""
    first = max(0, rev - before)
    stop = min(len(view), rev + after + 1)
    read = {r: _parents(view, r) for r in range(first, stop)}
    parents = {r: found for r, (found, _) in read.items()}

    def local(i: int) -> tuple[int, int]:
        inside = [p - first for p in parents[first + i] if p >= first]
        return (*inside, -1, -1)[:2]

    layout = DagLayout(stop - first, local)
    layout.compute()
    nodes = [
        DagNode(first + row.rev, row.rev, row.node, parents[first + row.rev],
                tuple(p for p in parents[first + row.rev] if p < first),
                read[first + row.rev][1])
        for row in layout.rows(0, stop - first)
    ]
    return DagWindow(rev, first, nodes, layout.width)


def _parents(view: RevlogView, rev: int) -> tuple[tuple[int, ...], bool]:
    """The parents of ``rev`` that can be drawn, and whether any could not."""
    try:
        e = view.entry(rev)
    except CorruptionError:  # a damaged entry is drawn without parents
        return (), True
    found = [p for p in (e.p1, e.p2) if 0 <= p < rev]
    return tuple(dict.fromkeys(found)), any(p != -1 and not 0 <= p < rev for p in (e.p1, e.p2))
