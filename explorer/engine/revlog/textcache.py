"""A small byte-bounded cache of rebuilt texts, so a chain stops at the nearest one held.

Keeping only the last text serves a linear history: each revision is a delta
against the one before. In a history with merges the delta parent is often a
revision read a while ago, and every chain would be rebuilt from its snapshot
(90,909 deltas for the 5,518 manifest revisions of a converted git project).
Holding the texts read recently, least recently used dropped first, lets the
chain walk stop at the first revision whose text is held.

The last text stored is always kept, even when it alone is over the bound:
a sequential scan of big texts still applies one delta per revision.
"""

from __future__ import annotations

from collections.abc import KeysView

# Per revlog, and a writer may hold many revlogs open: small. Room for a few hundred
# manifests of a mid-sized project, enough for the branches a sequential scan
# interleaves (click's manifest, 3,321 revisions of 8 KB: 3,373 deltas applied with
# 2 MiB, 3,266 with 8 MiB, 4,313 with 256 KiB, 38,702 with the last text only).
DEFAULT_BYTES = 2 << 20


class TextCache:
    """Texts by revision, the least recently used dropped past ``max_bytes`` in total."""

    __slots__ = ("max_bytes", "size", "_texts")

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._texts: dict[int, bytes] = {}  # insertion order is use order

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, rev: object) -> bool:
        return rev in self._texts

    @property
    def revs(self) -> KeysView[int]:
        """The revisions held, as a live view (chain walks test it once per link: a dict
        view answers ``in`` without a Python call)."""
        return self._texts.keys()

    def get(self, rev: int) -> bytes | None:
        """The text of ``rev`` if held (then it becomes the most recently used)."""
        text = self._texts.pop(rev, None)
        if text is not None:
            self._texts[rev] = text
        return text

    def put(self, rev: int, text: bytes) -> None:
        """Hold ``text`` as the text of ``rev``, dropping the oldest past the bound."""
        texts = self._texts
        old = texts.pop(rev, None)
        if old is not None:
            self.size -= len(old)
        texts[rev] = text
        self.size += len(text)
        if self.size > self.max_bytes:
            self._shrink()

    def put_many(self, revs: list[int], texts: list[bytes]) -> None:
        """``put`` of each pair (new revisions: a chain's chunks just decompressed), the
        bound enforced once at the end."""
        held = self._texts
        for rev, text in zip(revs, texts):
            old = held.pop(rev, None)
            if old is not None:
                self.size -= len(old)
            held[rev] = text
            self.size += len(text)
        if self.size > self.max_bytes:
            self._shrink()

    def _shrink(self) -> None:
        """Drop the least recently used texts until within the bound (the last one stays)."""
        texts = self._texts
        while self.size > self.max_bytes and len(texts) > 1:
            self.size -= len(texts.pop(next(iter(texts))))

    def clear(self) -> None:
        self._texts.clear()
        self.size = 0
