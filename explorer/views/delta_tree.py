"""The snapshot tree around one revision: which revisions build on which chunk.

A revision is rebuilt from its delta chain (a full snapshot, maybe
intermediate snapshots, then deltas). Its neighbours in the revlog often
build on the same chunks: the tree shows the chain of the selected revision
and, hanging off each link, the revisions near it whose delta parent is that
link, so one sees which snapshot serves which revisions and at what level.
Only index entries are read (no chunk), and a bounded number of them: the
chain (long chains are cut in the middle) and a window of nearby revisions.
The layout (which row and column each node takes) is done here too, so a
front end only draws it.
"""

from __future__ import annotations

from typing import NamedTuple

from explorer.engine import CorruptionError
from explorer.views.chain_links import delta_type
from explorer.views.revlog_view import RevlogView

NEAR = 48  # revisions either side of the selected one searched for delta children
CHAIN_HEAD = 4  # links kept from the start of a long chain (snapshots are there)
CHAIN_TAIL = 6  # and from its end (the selected revision's own bases)
CHILDREN = 6  # children shown under one link; the others are counted


class TreeNode(NamedTuple):
    """One revision of the tree, at ``row`` (links from the chain's start, with the
    cut counted as one row) and ``column`` (0 for the chain, children to the right).
    ``level`` is its snapshot level, None for a plain delta; ``base`` its delta parent."""

    rev: int
    base: int
    level: int | None
    why: str
    stored: int
    on_chain: bool
    row: int
    column: int


class DeltaTree(NamedTuple):
    """The tree of ``rev``: nodes, the links left out of a long chain (``cut``:
    how many, drawn as one row), per node the children not shown, and what the
    chain costs to read (its chunks' stored sizes)."""

    rev: int
    chain_length: int
    read: int  # bytes of chunks read to rebuild ``rev``
    nodes: list[TreeNode]
    cut: int
    cut_row: int | None
    more: dict[int, int]


def delta_tree(view: RevlogView, rev: int) -> DeltaTree:
    """The tree around ``rev`` (reads index entries only; raises ``CorruptionError``
    when the chain itself cannot be followed)."""
    rl = view.revlog
    with view.lock:
        chain = rl.delta_chain(rev)
        shown, cut = _cut(chain)
        levels = _snapshot_levels(rl, chain)
        nodes = [_node(rl, r, levels.get(r), True, row, 0)
                 for row, r in enumerate(shown) if r is not None]
        cut_row = shown.index(None) if cut else None
        children, more = _children(rl, rev, {r for r in shown if r is not None})
        rows = {n.rev: n.row for n in nodes}
        for base, kids in children.items():
            for column, kid in enumerate(kids, 1):
                level = rl.snapshot_depth(kid) if _is_snapshot(rl, kid) else None
                nodes.append(_node(rl, kid, level, False, rows[base] + 1, column))
        read = sum(rl.entry(r).compressed_length for r in chain)
    return DeltaTree(rev, len(chain), read, nodes, cut, cut_row, more)


def _cut(chain: list[int]) -> tuple[list[int | None], int]:
    """The links shown (None where the middle of a long chain is left out)."""
    if len(chain) <= CHAIN_HEAD + CHAIN_TAIL + 1:
        return list(chain), 0
    return [*chain[:CHAIN_HEAD], None, *chain[-CHAIN_TAIL:]], len(chain) - CHAIN_HEAD - CHAIN_TAIL


def _snapshot_levels(rl, chain: list[int]) -> dict[int, int]:
    """Snapshot level of the links that are snapshots: they start the chain (a
    snapshot builds only on snapshots), so the walk stops at the first delta."""
    levels = {}
    for level, r in enumerate(chain):
        if not rl.is_snapshot(r):
            break
        levels[r] = level
    return levels


def _is_snapshot(rl, rev: int) -> bool:
    try:
        return rl.is_snapshot(rev)
    except CorruptionError:
        return False


def _node(rl, rev: int, level: int | None, on_chain: bool, row: int, column: int) -> TreeNode:
    return TreeNode(rev, rl.delta_parent(rev), level, delta_type(rl, rev),
                    rl.entry(rev).compressed_length, on_chain, row, column)


def _children(rl, rev: int, links: set[int]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Revisions near ``rev``, off the chain, whose delta parent is one of ``links``;
    at most ``CHILDREN`` a link, the rest counted."""
    children: dict[int, list[int]] = {}
    more: dict[int, int] = {}
    for r in range(max(0, rev - NEAR), min(len(rl), rev + NEAR + 1)):
        if r in links:
            continue
        try:
            base = rl.delta_parent(r)
        except CorruptionError:
            continue
        if base not in links:
            continue
        kids = children.setdefault(base, [])
        if len(kids) < CHILDREN:
            kids.append(r)
        else:
            more[base] = more.get(base, 0) + 1
    return children, more
