"""Explaining a revision that does not hash right: which bytes are wrong, and how.

A hash mismatch says only that the text, the parents or the node changed.
These tests narrow it down from the bytes alone:

* a stored node that still shares most bytes with the hash of the text was
  itself damaged (two unrelated SHA-1s agree in a byte one time in 256);
* a chunk that is nothing but zeros was zeroed (a filesystem losing a block);
* a parent field that no longer names the parent is found by trying the
  earlier revisions until the hash matches;
* a single flipped bit is found by flipping each bit of the chunk back in
  turn until the revision hashes right (or its zlib stream checks out): the
  damaged byte and bit are then known exactly. The search is skipped when
  the chunk and text are too big for it to finish quickly.

``LinearChains`` reads a non-generaldelta revlog the way Mercurial does,
ignoring the base fields inside a chain, to tell a damaged field from lost data.
"""

from __future__ import annotations

from ..errors import CorruptionError, RevlogError
from ..format import compression
from ..format.constants import NULL_REV
from ..format.mpatch import PatchError, apply_delta
from ..format.nodeid import hash_revision
from ..format.reading import read_at
from ..revlog.revlog import Revlog

# Node bytes two unrelated hashes may share by chance before we call it damage.
_SAME_BYTES = 8
# Bit-flip search cost: chunk bits times bytes handled per try (chunk and text). One
# search may cost this much (a 500-byte chunk of a 3.5 KB text)...
SEARCH_LIMIT = 1 << 24
# ... and all the searches of one revlog this much, so heavy damage cannot make verify crawl.
SEARCH_BUDGET = 1 << 26


def node_damaged(stored: bytes, computed: bytes) -> bool:
    """True when ``stored`` is ``computed`` with a few bytes changed."""
    return sum(a == b for a, b in zip(stored, computed)) >= _SAME_BYTES


def is_zeroed(raw: bytes) -> bool:
    return bool(raw) and not raw.strip(b"\0")


def search_cost(rl: Revlog, rev: int) -> int:
    """What ``find_bit_flip`` would cost on ``rev`` (in the units of ``SEARCH_LIMIT``)."""
    e = rl.entry(rev)
    clen = max(e.compressed_length, 0)
    size = e.uncompressed_length
    text = size if size is not None and size >= 0 else 4 * clen
    return 8 * clen * (clen + text)


def find_bit_flip(rl: Revlog, rev: int, p1: bytes, p2: bytes
                  ) -> tuple[int, int, bytes] | None:
    """(byte offset in the data file, bit, right text) when flipping that bit back makes
    ``rev`` hash to its node.

    Only for chunks stored with a header byte (v0/v1), rebuilt from an intact
    delta parent; None when no single flip does it. Callers check
    ``search_cost`` first: the search tries every bit of the chunk.
    """
    if rl.docket is not None:
        return None
    try:
        raw = rl.raw_chunk(rev)
        parent = rl.delta_parent(rev)
        base = rl.revision(parent) if parent != -1 else None
        size = rl.entry(rev).uncompressed_length
    except RevlogError:
        return None
    text_size = size if size is not None and size >= 0 else 4 * len(raw)
    if not raw:
        return None
    target = rl.node(rev)
    limit = max(text_size, 0) + 4096 if base is None else 16 * max(text_size, 0) + 4096
    start = rl.chunk_offset(rev)
    buf = bytearray(raw)
    for i in range(len(buf)):
        for bit in range(8):
            buf[i] ^= 1 << bit
            text = _rebuild(bytes(buf), base, limit)
            buf[i] ^= 1 << bit
            if text is not None and hash_revision(text, p1, p2) == target:
                return start + i, bit, text
    return None


def _rebuild(chunk: bytes, base: bytes | None, limit: int) -> bytes | None:
    try:
        data = compression.decompress(chunk, limit)
        return data if base is None else apply_delta(base, data)
    except (compression.DecompressionError, PatchError):
        return None


def find_parent(rl: Revlog, rev: int, text: bytes, other: bytes,
                limit: int = 100_000) -> int | None:
    """The earlier revision that, as the damaged parent, makes ``rev`` hash to its node.

    ``other`` is the node of the intact parent. Tries the likeliest first (the
    previous revision, then the nearest ones), at most ``limit`` candidates.
    """
    target = rl.node(rev)
    for candidate in [NULL_REV, *range(rev - 1, max(-1, rev - 1 - limit), -1)]:
        if hash_revision(text, rl.node(candidate), other) == target:
            return candidate
    return None


def find_base(rl: Revlog, rev: int, parents: tuple[bytes, bytes]
              ) -> tuple[int, bytes] | None:
    """(base, text) when the chunk of ``rev`` hashes right as a full text or as a delta
    against a likely base (the parents, the previous revision)."""
    target = rl.node(rev)
    try:
        data = rl.chunk(rev)
    except RevlogError:
        return None
    if hash_revision(data, *parents) == target:
        return rev, data
    e = rl.entry(rev)
    for base in dict.fromkeys((e.p1, e.p2, rev - 1)):
        if not 0 <= base < rev:
            continue
        try:
            text = apply_delta(rl.revision(base), data)
        except (RevlogError, PatchError):
            continue
        if hash_revision(text, *parents) == target:
            return base, text
    return None


def text_at(rl: Revlog, rev: int, start: int, parents: tuple[bytes, bytes]) -> bytes | None:
    """The text of ``rev`` when its chunk is read from logical offset ``start`` instead of
    the stored one, if that hashes right (v0/v1 only)."""
    e = rl.entry(rev)
    if rl.docket is not None or e.compressed_length <= 0:
        return None
    position = start + (rev + 1) * rl.entry_size if rl.inline else start
    try:
        raw = read_at(rl.data_path, position, e.compressed_length)
        full = e.base in (rev, NULL_REV)
        size = max(e.uncompressed_length or 0, 0)
        data = compression.decompress(raw, size if full else 16 * size + 4096)
        parent = NULL_REV if full else (e.base if rl.generaldelta else rev - 1)
        text = data if full else apply_delta(rl.revision(parent), data)
    except (RevlogError, compression.DecompressionError, PatchError):
        return None
    return text if hash_revision(text, *parents) == rl.node(rev) else None


class LinearChains:
    """Texts of a non-generaldelta revlog rebuilt as Mercurial rebuilds them.

    Such a chain runs back from a revision to the nearest one whose base
    field names itself; the base fields of the revisions in between are never
    read. A damaged base field therefore does not stop Mercurial from
    reading, and this reader does the same, so verify can tell a wrong field
    from lost data.
    """

    def __init__(self, rl: Revlog) -> None:
        self.rl = rl
        self._last: tuple[int, bytes] | None = None

    def _is_full(self, rev: int) -> bool:
        return self.rl.entry(rev).base == rev

    def text(self, rev: int) -> bytes:
        if self._is_full(rev):
            text = self.rl.chunk(rev)
        elif self._last is not None and self._last[0] == rev - 1:
            text = self._apply(self._last[1], rev)
        else:
            start = rev
            while not self._is_full(start):
                start -= 1
                if start < 0:
                    raise CorruptionError("no full text before this revision", rev=rev,
                                          file=self.rl.index_path,
                                          offset=self.rl.entry_offset(rev))
            text = self.rl.chunk(start)
            for r in range(start + 1, rev + 1):
                text = self._apply(text, r)
        self._last = (rev, text)
        return text

    def remember(self, rev: int, text: bytes) -> None:
        """Use ``text`` (checked by the caller) as the text of ``rev``."""
        self._last = (rev, text)

    def _apply(self, text: bytes, rev: int) -> bytes:
        if self.rl.length(rev) == 0:
            return text
        try:
            return apply_delta(text, self.rl.chunk(rev))
        except PatchError as exc:
            raise CorruptionError(f"delta does not apply: {exc}", rev=rev,
                                  file=self.rl.data_path,
                                  offset=self.rl.chunk_offset(rev)) from None
