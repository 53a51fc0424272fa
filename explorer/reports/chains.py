"""Delta-chain facts as Mercurial's debug commands compute them.

The engine answers "how do I rebuild this revision"; the reports must answer
"what does hg print", which differs in a few corners:

* Snapshot detection follows Mercurial's C index: it reads the raw base field
  (also in non-generaldelta revlogs, where that field is the chain base) and
  walks a parent down through empty deltas by that same field.
* ``hg debugrevlog`` counts chain lengths by following the base field and
  counts empty deltas; ``hg debugdeltachain`` uses the rebuild chain, which
  skips empty deltas. Both are here, each named for what it counts.

Everything is computed once per revision and kept in arrays, so a report over
all revisions stays linear however long the chains are.
"""

from __future__ import annotations

from array import array
from typing import NamedTuple

from explorer.engine import NULL_REV, Revlog


class ChainSummary(NamedTuple):
    """The rebuild chain of a revision, without the list itself.

    ``base``: first revision of the chain (a full text); ``length``: revisions
    in it; ``previous``: the one before the last (-1 if none); ``size``: sum
    of their compressed lengths.
    """

    base: int
    length: int
    previous: int
    size: int


class HgChains:
    """Per-revision delta facts of one revlog, memoized, in Mercurial's terms."""

    def __init__(self, revlog: Revlog, *, sparse_revlog: bool) -> None:
        self.revlog = revlog
        self.sparse_revlog = sparse_revlog
        self.generaldelta = revlog.generaldelta
        n = len(revlog)
        self.entry = revlog.entry
        # Rebuild-chain summaries: base, length, last, previous, size; known[r] set once filled.
        self._known = bytearray(n)
        self._base = array("q", bytes(8 * n))
        self._length = array("q", bytes(8 * n))
        self._last = array("q", bytes(8 * n))
        self._previous = array("q", bytes(8 * n))
        self._size = array("q", bytes(8 * n))

    def delta_parent(self, rev: int) -> int:
        """What ``revlog.deltaparent`` says: -1 for a full text, else base (or rev - 1)."""
        base = self.entry(rev).base
        if base == rev:
            return NULL_REV
        if not -1 <= base < rev:
            self.revlog.delta_parent(rev)  # raises the engine's CorruptionError, with offsets
        return base if self.generaldelta else rev - 1

    def _next_in_chain(self, rev: int) -> int:
        """The revision a chain walk goes to from ``rev``; ``rev`` itself at a chain start."""
        base = self.entry(rev).base
        if base == rev or base == NULL_REV:
            return rev
        next_rev = base if self.generaldelta else rev - 1
        if not 0 <= next_rev < rev:
            self.revlog.delta_parent(rev)  # raises the engine's CorruptionError, with offsets
        return next_rev

    # -- rebuild chain (what debugdeltachain shows) -------------------------------

    def summary(self, rev: int) -> ChainSummary:
        """Base, length, previous revision and size of the rebuild chain of ``rev``."""
        if not self._known[rev]:
            self._fill(rev)
        return ChainSummary(self._base[rev], self._length[rev], self._previous[rev],
                            self._size[rev])

    def _fill(self, rev: int) -> None:
        pending = []
        r = rev
        while not self._known[r]:
            pending.append(r)
            nxt = self._next_in_chain(r)
            if nxt == r:
                break
            r = nxt
        for r in reversed(pending):
            nxt = self._next_in_chain(r)
            clen = self.entry(r).compressed_length
            if nxt == r:
                self._set(r, r, 1, r, NULL_REV, clen)
            elif clen > 0:
                self._set(r, self._base[nxt], self._length[nxt] + 1, r, self._last[nxt],
                          self._size[nxt] + clen)
            else:  # an empty delta changes nothing: the rebuild chain leaves it out
                self._set(r, self._base[nxt], self._length[nxt], self._last[nxt],
                          self._previous[nxt], self._size[nxt])

    def _set(self, rev: int, base: int, length: int, last: int, previous: int, size: int) -> None:
        self._base[rev] = base
        self._length[rev] = length
        self._last[rev] = last
        self._previous[rev] = previous
        self._size[rev] = size
        self._known[rev] = 1

    def chain(self, rev: int) -> list[int]:
        """The rebuild chain of ``rev``, oldest first, empty deltas left out."""
        revs = []
        r = rev
        while True:
            nxt = self._next_in_chain(r)
            if nxt == r:
                revs.append(r)
                break
            if self.entry(r).compressed_length > 0:
                revs.append(r)
            r = nxt
        revs.reverse()
        return revs

    # -- snapshots ------------------------------------------------------------------

    def is_snapshot(self, rev: int) -> bool:
        """Mercurial's snapshot test: full texts, and in sparse revlogs, deltas against
        a snapshot that is neither parent (parents seen through their empty deltas)."""
        if not self.sparse_revlog:
            return self.delta_parent(rev) == NULL_REV
        while rev >= 0:
            e = self.entry(rev)
            base = e.base
            if base == rev or base == NULL_REV:
                return True
            if base > rev:
                self.revlog.delta_parent(rev)  # raises: a base above its revision
            if base in (self._through_empty(e.p1), self._through_empty(e.p2)):
                return False
            rev = base
        return rev == NULL_REV

    def _through_empty(self, parent: int) -> int:
        while parent >= 0 and self.entry(parent).compressed_length == 0:
            base = self.entry(parent).base
            if base == parent:
                break
            parent = base
        return parent

    def snapshot_depth(self, rev: int) -> int:
        """0 for a full snapshot, k for an intermediate snapshot k levels up."""
        return self.summary(rev).length - 1

    # -- walks along the base field (what debugrevlog shows) ------------------------

    def stored_chain_length(self, rev: int, known: dict[int, int]) -> int:
        """Deltas between ``rev`` and its chain base, empty ones included.

        ``known`` caches results; a scan in revision order makes this O(1) each.
        """
        steps = 0
        r = rev
        while True:
            if r in known:
                steps += known[r]
                break
            nxt = self._next_in_chain(r)
            if nxt == r:
                break
            steps += 1
            r = nxt
        known[rev] = steps
        return steps

    def chain_base_start(self, rev: int) -> int:
        """Offset of the chain base reached by following the stored base field
        (the null revision, offset 0, for a base of -1)."""
        r = rev
        base = self.entry(r).base
        while base != r:
            if not -1 <= base < r:
                self.revlog.delta_parent(r)
            r = base
            base = self.entry(r).base
        return self.entry(r).offset

    # -- ancestry -----------------------------------------------------------------

    def is_ancestor(self, a: int, b: int) -> bool:
        """Whether ``a`` is ``b`` or one of its ancestors (null is everyone's)."""
        if a == NULL_REV or a == b:
            return True
        if a > b:
            return False
        seen = bytearray(b - a + 1)
        stack = [b]
        while stack:
            r = stack.pop()
            e = self.entry(r)
            for p in (e.p1, e.p2):
                if p == a:
                    return True
                if a < p < r and not seen[p - a]:
                    seen[p - a] = 1
                    stack.append(p)
        return False
