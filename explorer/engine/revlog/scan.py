"""Every text of a revlog in revision order, each rebuilt once from its delta parent's text.

A reader asked for one revision walks its delta chain back to a text it
holds; a check that reads every revision (verify) would pay that walk, the
cache bookkeeping and a struct call per field for each revision. Reading
them all in order, it knows in advance which texts later revisions are
deltas against (the base column), so it can hold exactly those, each until
its last dependant is rebuilt: every revision is then one decompression and
at most one delta, with the entries' fields decoded in one pass.

Only the common case is handled here: a v1 revlog (split or inline), a
full text that is no light-weight copy, or a delta against a text held.
Anything else (v0, a docket, a base not held, a chunk that does not
decompress or apply, any damage) goes to ``InnerRevlog.revision``, which
rebuilds it or raises as it always does. A text obtained here is therefore
always the one ``revision`` returns: it is the same chunk applied to the
same parent text, under the same size bounds.
"""

from __future__ import annotations

from itertools import repeat
from typing import TYPE_CHECKING

from ..format import compression
from ..format.constants import NULL_REV, REVIDX_COPY_DELTA, REVLOG_V1
from ..format.index import V1_LINK
from ..format.mpatch import PatchError, apply_delta

if TYPE_CHECKING:
    from .inner import InnerRevlog

# Texts held for later revisions, in bytes: past it a dependant is rebuilt by the reader.
HELD_BYTES = 16 << 20
_UNKNOWN = -2  # no delta parent to rebuild from: a damaged base field


class TextScan:
    """The texts of one revlog, asked for in ascending revision order (gaps allowed)."""

    def __init__(self, inner: InnerRevlog, held_bytes: int = HELD_BYTES) -> None:
        self._inner = inner
        self._max = held_bytes
        self._held: dict[int, bytes] = {}
        self._size = 0
        self._next = 0  # the revisions before it were asked for, or passed over
        self._fields = _fields(inner)
        self._parents = _delta_parents(self._fields, inner.format.generaldelta)
        self._uses = _uses(self._parents)  # later revisions that are deltas against each
        self._copies = inner.kind == "filelog"  # a full text may be a light-weight copy
        self._delta: tuple[int, bytes] | None = None  # the last delta decompressed here

    def chunk(self, rev: int) -> bytes:
        """The decompressed chunk of ``rev`` (``InnerRevlog.chunk``): the delta just applied
        is not decompressed again (the manifest check reads the lines it inserts)."""
        if self._delta is not None and self._delta[0] == rev:
            return self._delta[1]
        return self._inner.chunk(rev)

    def text(self, rev: int) -> bytes:
        """The raw text of ``rev``, as ``InnerRevlog.revision`` gives it (or its error)."""
        if not self._fields:
            return self._inner.revision(rev)
        for passed in range(self._next, rev):
            self._release(self._parents[passed])
        self._next = rev + 1
        parent = self._parents[rev]
        try:
            text = self._quick(rev, parent)
            if text is None:
                text = self._inner.revision(rev)
        finally:
            self._release(parent)
        if self._uses[rev] and self._size + len(text) <= self._max:
            self._held[rev] = text
            self._size += len(text)
        return text

    def _release(self, parent: int) -> None:
        """One dependant of ``parent`` is done: drop its text after the last."""
        if parent < 0:
            return
        self._uses[parent] -= 1
        if not self._uses[parent]:
            text = self._held.pop(parent, None)
            if text is not None:
                self._size -= len(text)

    def _quick(self, rev: int, parent: int) -> bytes | None:
        """The text of ``rev`` from its own chunk and a held text; None when the reader
        must rebuild it (anything unusual, damage included)."""
        offset, flags, clen, ulen, _ = self._fields[rev]
        if ulen < 0 or clen < 0 or parent == _UNKNOWN:
            return None
        if parent == NULL_REV:
            if clen == 0 or (self._copies and flags & REVIDX_COPY_DELTA):
                return None
            return self._chunk(rev, offset, clen, ulen)
        base = self._held.get(parent)
        if base is None or not clen:
            return base  # an empty delta's text is its parent's
        delta = self._chunk(rev, offset, clen, 16 * ulen + 4096)
        if delta is None:
            return None
        self._delta = rev, delta
        try:
            return apply_delta(base, delta, ulen)
        except PatchError:
            return None

    def _chunk(self, rev: int, offset: int, clen: int, limit: int) -> bytes | None:
        """The chunk decompressed within ``limit`` bytes, None when it is not whole or
        does not decompress."""
        inner = self._inner
        if inner.index.inline:
            offset += (rev + 1) * inner.index.entry_size
        raw = inner.read_span(offset, clen)
        if len(raw) != clen:
            return None
        try:
            if raw[:1] == b"(":
                return compression.decompress_zstd(raw, limit)
            return compression.decompress(raw, limit)
        except compression.DecompressionError:
            return None


def _fields(inner: InnerRevlog) -> list[tuple[int, int, int, int, int]]:
    """(offset, flags, compressed length, text length, base) of every entry, decoded in
    one pass; empty when the revlog is not one this scan reads itself (v0, v2, a docket)."""
    index = inner.index
    if inner.docket is not None or index.version != REVLOG_V1:
        return []
    fields = [(word >> 16, word & 0xFFFF, clen, ulen, base) for word, clen, ulen, base
              in map(V1_LINK.unpack_from, repeat(index.data), index.entry_positions())]
    if fields and index.header_in_entry:
        fields[0] = (0, *fields[0][1:])
    return fields


def _delta_parents(fields: list[tuple[int, int, int, int, int]], generaldelta: bool
                   ) -> list[int]:
    """Each revision's delta parent as the reader's chain walk finds it: -1 for a full
    text, ``_UNKNOWN`` for a base field that names no earlier revision."""
    parents = []
    for rev, (_, _, _, _, base) in enumerate(fields):
        if base == rev or base == NULL_REV:
            parents.append(NULL_REV)
        elif not 0 <= base < rev:
            parents.append(_UNKNOWN)
        else:
            parents.append(base if generaldelta else rev - 1)
    return parents


def _uses(parents: list[int]) -> list[int]:
    """How many revisions are deltas against each revision."""
    uses = [0] * len(parents)
    for parent in parents:
        if parent >= 0:
            uses[parent] += 1
    return uses
