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

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..format.constants import NULL_REV
from ..revlog.revlog import Revlog


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


def branch_map(changelog: Revlog, revs: Iterable[int],
               branch_of: Callable[[int], tuple[str, bool]]) -> dict[str, BranchHeads]:
    """Every branch of ``revs`` (ascending: the changesets the filter leaves, but the
    obsolete ones) with its heads; ``branch_of(rev)`` is the changeset's (branch,
    closes it). Branches in order of their first changeset."""
    members: dict[str, list[int]] = {}
    closing: set[int] = set()
    branch: dict[int, str] = {}
    for rev in revs:
        name, closes = branch_of(rev)
        branch[rev] = name
        members.setdefault(name, []).append(rev)
        if closes:
            closing.add(rev)
    not_head: set[int] = set()
    for rev, name in branch.items():
        not_head.update(p for p in changelog.parents(rev)
                        if p != NULL_REV and branch.get(p) == name)
    out = {}
    for name, revs_of in members.items():
        candidates = [r for r in revs_of if r not in not_head]
        heads = _drop_ancestors(changelog, candidates)
        out[name] = BranchHeads(name, tuple(heads), frozenset(closing.intersection(heads)))
    return out


def _drop_ancestors(changelog: Revlog, candidates: list[int]) -> list[int]:
    """``candidates`` but those that are ancestors of another (hg walks the
    ancestors of all of them, down to the lowest)."""
    if len(candidates) < 2:
        return candidates
    below = changelog.ancestors(candidates, stoprev=candidates[0])
    return [r for r in candidates if r not in below]
