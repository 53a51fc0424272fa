"""The revlog being explored, with what the panes learn about it as they go.

The panes read one revlog from several threads: the index draws entries on
the main thread while workers rebuild texts, walk chains and lay out the
graph. Decoding an entry touches no shared state, but reading chunks moves
the engine's read window, so every read of the data file holds ``lock``.

Per-revision facts that cost a chain walk (chain length, snapshot depth)
are filled in lazily, for the rows on screen, by ``fill_facts`` in a worker
(a walk reads only index entries: a thousand links take a fraction of a ms);
the index shows them when they arrive. Revisions found damaged are
remembered with the reason, so their rows are marked wherever they show.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterable

from explorer.engine import CorruptionError, IndexEntry, Revlog
from explorer.views.source import RevlogRef

UNKNOWN = -2  # fact not computed yet
NOT_SNAPSHOT = -1
DAMAGED = -3


class RevlogView:
    """One open revlog and the facts found about it so far."""

    def __init__(self, ref: RevlogRef, revlog: Revlog) -> None:
        self.ref = ref
        self.revlog = revlog
        self.lock = threading.RLock()
        n = len(revlog)
        self.chain_length = array("i", [UNKNOWN]) * n
        self.snapshot_depth = array("i", [UNKNOWN]) * n
        self.damage: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.revlog)

    @property
    def name(self) -> str:
        return self.ref.path

    def entry(self, rev: int) -> IndexEntry:
        """The decoded index entry (safe from any thread)."""
        return self.revlog.entry(rev)

    def fill_facts(self, revs: Iterable[int], cancelled: Callable[[], bool]) -> list[int]:
        """Compute chain length and snapshot depth of ``revs`` not known yet; return
        the revisions filled (damaged ones included, marked as such)."""
        filled = []
        with self.lock:
            for rev in revs:
                if cancelled():
                    break
                if self.chain_length[rev] != UNKNOWN:
                    continue
                try:
                    length = len(self.revlog.delta_chain(rev))
                    snapshot = self.revlog.is_snapshot(rev)
                except CorruptionError as err:
                    self.mark_damaged(rev, err.message)
                    self.chain_length[rev] = self.snapshot_depth[rev] = DAMAGED
                else:
                    self.chain_length[rev] = length
                    self.snapshot_depth[rev] = length - 1 if snapshot else NOT_SNAPSHOT
                filled.append(rev)
        return filled

    def mark_damaged(self, rev: int | None, message: str) -> bool:
        """Remember that ``rev`` is damaged; True when this is news."""
        if rev is None or not 0 <= rev < len(self) or rev in self.damage:
            return False
        self.damage[rev] = message
        return True

    def close(self) -> None:
        with self.lock:
            self.revlog.close()
