"""Branch heads as hg's branchmap computes them.

A branch head is a changeset of the branch with no descendant on that branch (among
the changesets the filter leaves). Obsolete changesets belong to no branch (hg ignores
them, so an obsolete head leaves its visible parent the head), but their ancestors
are still no heads when a later changeset of the branch descends from them. The
candidates are the branch's changesets no child on the branch names as parent; of
those, one that is an ancestor of another is no head -- hg's own two steps. A head
is closed when its changeset's extra has ``close``; a branch is closed when all its
heads are. The branch's tip is its highest open head, else its highest head.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..format import walks
from ..revlog.revlog import Revlog
from .revbranch import Branches


@dataclass(frozen=True)
class BranchHeads:
    """One named branch: its heads ascending, which of them are closed."""

    name: str
    heads: tuple[int, ...]
    closed_heads: frozenset[int]

    @property
    def open_heads(self) -> list[int]:
        return [h for h in self.heads if h not in self.closed_heads]

    @property
    def closed(self) -> bool:
        return not self.open_heads

    @property
    def tip(self) -> int:
        return (self.open_heads or self.heads)[-1]


def branch_map(changelog: Revlog, excluded: bytearray, of: Branches) -> dict[str, BranchHeads]:
    """Every branch of the changesets ``excluded`` leaves (a byte a revision and one
    more, 1 for those the filter hides and the obsolete ones) with its heads; ``of`` is
    every changeset's branch. Branches in order of their first changeset."""
    p1, p2 = changelog.parent_columns()
    marks = bytearray(len(excluded))
    walks.mark_labelled_parents(p1, p2, of.number, excluded, marks)
    count = len(p1)
    candidates: dict[int, list[int]] = {}
    for rev in _found(marks.translate(_HAS_CHILD), 0, count):
        candidates.setdefault(of.number[rev], []).append(rev)
    first: dict[int, int] = {}
    for rev in _found(marks.translate(_ROOTED), 1, count):
        first.setdefault(of.number[rev], rev)
    out = {}
    for label in sorted(candidates, key=first.__getitem__):
        heads = _drop_ancestors(changelog, candidates[label])
        closed = frozenset(h for h in heads if of.closes[h])
        out[of.names[label]] = BranchHeads(of.names[label], tuple(heads), closed)
    return out


_HAS_CHILD = bytes(m & 1 for m in range(256))  # excluded, or a child on its branch
_ROOTED = bytes(m >> 1 & 1 for m in range(256))  # no parent on its branch


def _found(flags: bytearray, value: int, count: int):
    """The revisions below ``count`` whose byte in ``flags`` is ``value``, ascending."""
    at = flags.find(value, 0, count)
    while at >= 0:
        yield at
        at = flags.find(value, at + 1, count)


def _drop_ancestors(changelog: Revlog, candidates: list[int]) -> list[int]:
    """``candidates`` but those that are ancestors of another (hg walks the
    ancestors of all of them, down to the lowest)."""
    if len(candidates) < 2:
        return candidates
    below = changelog.ancestors(candidates, stoprev=candidates[0])
    return [r for r in candidates if r not in below]
