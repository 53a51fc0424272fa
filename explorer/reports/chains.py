"""Delta-chain facts as Mercurial's debug commands compute them.

The engine answers "how do I rebuild this revision"; the reports must answer
"what does hg print", which differs in a few corners:

* Snapshot detection is the engine's, which follows Mercurial's C index
  (``Revlog.is_snapshot``).
* ``hg debugdeltachain`` uses the rebuild chain, which leaves out empty
  deltas (they change nothing); ``hg debugrevlog --dump`` counts every step
  down to the chain base, empty deltas included. Both are here.

Every fact is computed once per revision, from the facts of the revision it
is a delta against, and kept in arrays: a report over all revisions stays
linear however long the chains are.
"""

from __future__ import annotations

from array import array
from typing import NamedTuple

from explorer.engine import NULL_REV, Revlog


class ChainSummary(NamedTuple):
    """The rebuild chain of a revision, without the list itself.

    ``base``: first revision (a full text); ``length``: revisions in the
    chain; ``last`` and ``previous``: its last two revisions (``previous`` is
    -1 for a chain of one); ``size``: sum of their compressed lengths;
    ``steps``: deltas walked from the revision down to the base, empty ones
    included.
    """

    base: int
    length: int
    last: int
    previous: int
    size: int
    steps: int


class HgChains:
    """Per-revision delta facts of one revlog, memoized, in Mercurial's terms."""

    def __init__(self, revlog: Revlog) -> None:
        self.revlog = revlog
        self.entry = revlog.entry
        self.generaldelta = revlog.generaldelta
        n = len(revlog)
        self._known = bytearray(n)
        self._facts = {name: array("q", bytes(8 * n)) for name in ChainSummary._fields}

    def delta_parent(self, rev: int) -> int:
        """What ``revlog.deltaparent`` says: -1 for a full text, else base (or rev - 1)."""
        base = self.entry(rev).base
        if base == rev:
            return NULL_REV
        if not -1 <= base < rev:
            self.revlog.delta_parent(rev)  # raises the engine's CorruptionError, with offsets
        return base if self.generaldelta else rev - 1

    def _next_in_chain(self, rev: int, base: int) -> int:
        """Where a chain walk goes from ``rev`` (whose base field is ``base``):
        ``rev`` itself at a chain start."""
        if base == rev or base == NULL_REV:
            return rev
        next_rev = base if self.generaldelta else rev - 1
        if not 0 <= next_rev < rev:
            self.revlog.delta_parent(rev)  # raises the engine's CorruptionError, with offsets
        return next_rev

    # -- chains ---------------------------------------------------------------------

    def summary(self, rev: int) -> ChainSummary:
        """The chain facts of ``rev`` (see ``ChainSummary``)."""
        if not self._known[rev]:
            self._fill(rev)
        return ChainSummary(*(self._facts[name][rev] for name in ChainSummary._fields))

    def _fill(self, rev: int) -> None:
        """Walk down to a known revision or a chain start, then fill upwards."""
        pending = []
        r = rev
        while not self._known[r]:
            e = self.entry(r)
            nxt = self._next_in_chain(r, e.base)
            pending.append((e, nxt))
            if nxt == r:
                break
            r = nxt
        for e, nxt in reversed(pending):
            r, clen = e.rev, e.compressed_length
            if nxt == r:
                facts = ChainSummary(r, 1, r, NULL_REV, clen, 0)
            else:
                down = self.summary(nxt)
                if clen > 0:
                    facts = ChainSummary(down.base, down.length + 1, r, down.last,
                                         down.size + clen, down.steps + 1)
                else:  # an empty delta changes nothing: the rebuild chain leaves it out
                    facts = down._replace(steps=down.steps + 1)
            for name, value in zip(ChainSummary._fields, facts):
                self._facts[name][r] = value
            self._known[r] = 1

    # -- snapshots ------------------------------------------------------------------

    def is_snapshot(self, rev: int) -> bool:
        """Mercurial's snapshot test (the engine follows hg's C index exactly)."""
        return self.revlog.is_snapshot(rev)

    def snapshot_depth(self, rev: int) -> int:
        """0 for a full snapshot, k for an intermediate snapshot k levels up."""
        return self.summary(rev).length - 1

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
