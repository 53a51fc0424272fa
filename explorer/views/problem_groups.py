"""Problems grouped by root cause, for the problems pane.

One damaged chunk can make hundreds of revisions unreadable: every revision
whose delta chain goes through it is a problem of its own, and each names
the same damaged bytes. A person wants the fault first and its reach
second, as the CLI prints "revs 85-150" on one line: problems naming the
same bytes (file and offset) are one root cause, shown once, with the range
of revisions it reaches and the first changeset it damages (history before
that changeset is intact: "where it starts").

The same damage is also met twice: once while browsing (a pane fails to
read a revision) and once by verify, in other words. ``merge`` keeps one
record per damaged revision, verify's when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from explorer.engine import Problem, RevlogError
from explorer.views.revlog_view import RevlogView

# Problems that follow from another at the same bytes: never the root when another is there
CONSEQUENCES = frozenset({"broken-chain", "parent-node-damaged", "missing-revision", "read"})


class Group(NamedTuple):
    """The problems of one root cause: ``root`` names the fault, ``members`` (root
    included) everything it damages, in the order found."""

    root: Problem
    members: tuple[Problem, ...]

    @property
    def revs(self) -> list[int]:
        """The damaged revisions of the root's revlog, in order."""
        return sorted({p.rev for p in self.members
                       if p.path == self.root.path and p.rev is not None})

    def rev_range(self) -> str:
        """"84", or "84-150" as the CLI names a run of revisions; "" without any."""
        revs = self.revs
        if not revs:
            return ""
        return str(revs[0]) if len(revs) == 1 else f"{revs[0]}-{revs[-1]}"

    @property
    def first_changeset(self) -> int | None:
        """The lowest changeset an error of the group belongs to."""
        return min((p.changeset for p in self.members
                    if p.is_error and p.changeset is not None), default=None)

    @property
    def is_error(self) -> bool:
        return any(p.is_error for p in self.members)


def root_key(problem: Problem) -> tuple[str, int] | None:
    """The damaged bytes a problem names, when it names them."""
    if problem.file is None or problem.offset is None:
        return None
    return problem.file, problem.offset


def group_problems(problems: Iterable[Problem]) -> list[Group]:
    """Problems naming the same bytes as one group each, groups in the order found."""
    groups: list[list[Problem]] = []
    by_key: dict[tuple[str, int], list[Problem]] = {}
    for p in problems:
        key = root_key(p)
        if key is None:
            groups.append([p])
        elif key in by_key:
            by_key[key].append(p)
        else:
            by_key[key] = [p]
            groups.append(by_key[key])
    return [Group(_root(members), tuple(members)) for members in groups]


def _root(members: list[Problem]) -> Problem:
    return next((p for p in members if p.kind not in CONSEQUENCES), members[0])


def first_damaged_changeset(groups: Iterable[Group]) -> int | None:
    """Where the damage starts: the lowest changeset any error belongs to."""
    return min((g.first_changeset for g in groups if g.first_changeset is not None),
               default=None)


def is_read(problem: Problem) -> bool:
    """Met while browsing (a pane could not read it), not found by verify."""
    return problem.kind == "read"


def merge(listed: list[Problem], new: Iterable[Problem]) -> tuple[list[Problem], int]:
    """``listed`` with ``new`` added, and how many of ``new`` were news.

    A problem already listed is not listed again; a revision met damaged while
    browsing and also found by verify is listed once, as verify found it (its
    words explain more), whichever came first.
    """
    result = list(listed)
    seen = {_identity(p) for p in result}
    verified = {(p.path, p.rev) for p in result if not is_read(p)}
    added = 0
    for p in new:
        where = (p.path, p.rev)
        if _identity(p) in seen or is_read(p) and where in verified:
            continue
        if not is_read(p) and where not in verified:
            verified.add(where)
            result = [q for q in result if not (is_read(q) and (q.path, q.rev) == where)]
        seen.add(_identity(p))
        result.append(p)
        added += 1
    return result, added


def _identity(p: Problem) -> tuple:
    # A read problem is about a revision: met again in other words, it is the same one
    if is_read(p) and p.rev is not None:
        return ("read", p.path, p.rev)
    return (p.path, p.rev, p.offset, p.message)


def changeset_of(view: RevlogView, rev: int | None) -> int | None:
    """The changeset a revision of ``view`` belongs to (its link revision), if it can tell."""
    if rev is None or not 0 <= rev < len(view):
        return None
    if view.ref.kind == "changelog":
        return rev
    try:
        link = view.entry(rev).link_rev
    except RevlogError:  # a damaged entry: the changeset is unknown
        return None
    return link if link >= 0 else None
