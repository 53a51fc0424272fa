"""Forward walks over a revlog's parent columns, one step a revision, in pure Python
(the reference; ``format._kernels`` has the compiled twins, ``format.walks`` chooses).

The columns are ``array('i')`` of parents (each an earlier revision or -1, checked by
whoever read them); the byte arrays have one slot past the last revision, the null
revision's, so ``values[-1]`` answers for a parent -1 without a test.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import sub


def raise_to_parents(p1: Sequence[int], p2: Sequence[int], values: bytearray,
                     start: int) -> None:
    """Each revision from ``start`` on takes the highest of its value and its parents',
    in place: how phases flow from their roots to every descendant."""
    for rev in range(start, len(p1)):
        value, a, b = values[rev], values[p1[rev]], values[p2[rev]]
        if a > value:
            value = a
        if b > value:
            value = b
        values[rev] = value


def mark_labelled_parents(p1: Sequence[int], p2: Sequence[int], labels: Sequence[int],
                          excluded: bytearray, marks: bytearray) -> None:
    """Over the revisions not ``excluded``, set bit 1 of ``marks`` (zeroed, a byte a
    revision and one more) on each parent with its child's label, bit 2 on each revision
    with no such parent; excluded revisions get bit 1. With branch numbers as labels,
    revisions without bit 1 are the branch head candidates, and a branch's first
    changeset is its lowest with bit 2."""
    for rev in range(len(p1)):
        if excluded[rev]:
            marks[rev] |= 1
            continue
        label, a, b, rooted = labels[rev], p1[rev], p2[rev], 2
        if a >= 0 and labels[a] == label:
            marks[a] |= 1
            if not excluded[a]:
                rooted = 0
        if b >= 0 and labels[b] == label:
            marks[b] |= 1
            if not excluded[b]:
                rooted = 0
        marks[rev] |= rooted


def first_bad_parent(p1: Sequence[int], p2: Sequence[int]) -> int:
    """The first revision with a parent that is neither an earlier revision nor -1, or
    -1 when every parent is one (checked with C-level min and max first)."""
    revs = range(len(p1))
    if not revs or (min(p1) >= -1 and min(p2) >= -1 and max(map(sub, p1, revs)) < 0
                    and max(map(sub, p2, revs)) < 0):
        return -1
    return next(rev for rev in revs if not (-1 <= p1[rev] < rev and -1 <= p2[rev] < rev))


def mark_parents(p1: Sequence[int], p2: Sequence[int], marks: bytearray) -> None:
    """Set the byte of every revision that is a parent (a parent -1 sets the last
    byte, the null revision's), in place: what is left unset are the heads."""
    for p in p1:
        marks[p] = 1
    for p in p2:
        marks[p] = 1
