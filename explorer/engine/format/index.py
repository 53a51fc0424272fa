"""Index files: the fixed-size entry of every version (the header word is ``header.py``).

An ``Index`` wraps the bytes of an index file (an mmap for big files, a plain
read for small ones) and decodes an entry only when asked, with one
``Struct.unpack_from`` at the entry's position. Opening is O(1), except for
inline revlogs, whose entries sit between their chunks and must be found by
walking the file; Mercurial splits inline revlogs at 128 KiB of data, so that
walk is short.

Entries are decoded faithfully, garbage included: the index pane must be able
to show a damaged entry. Values are checked where they are *used* (the delta
chain walk, parents), which is where ``CorruptionError`` is raised.
"""

from __future__ import annotations

import mmap
import os
import struct
import sys
from array import array
from itertools import repeat
from typing import NamedTuple

from ..errors import CorruptionError, LookupError
from .constants import (
    CHANGELOG_V2,
    COMP_MODE_INLINE,
    NULL_NODE,
    NULL_REV,
    RANK_UNKNOWN,
    REVLOG_V0,
    REVLOG_V1,
    REVLOG_V2,
)
from .header import RevlogFormat
from .reading import held_size, open_regular, read_fd

V0_ENTRY = struct.Struct(">4l20s20s20s")
V1_ENTRY = struct.Struct(">Qiiiiii20s12x")
V2_ENTRY = struct.Struct(">Qiiiiii20s12xQiB19x")
CL_V2_ENTRY = struct.Struct(">Qiiii20s12xQiBi23x")
assert V0_ENTRY.size == 76 and V1_ENTRY.size == 64
assert V2_ENTRY.size == 96 and CL_V2_ENTRY.size == 96

# Narrow views used on hot paths: (compressed length, base) of v1/v2 entries,
# and the first word (offset << 16 | flags).
_V1_CHAIN = struct.Struct(">8xi4xi")
V1_LINK = struct.Struct(">Qiii")
_CL_V2_LINK = struct.Struct(">Qii")
_V0_LINK = struct.Struct(">lli")
_V0_CHAIN = struct.Struct(">4xii")
_OFFSET_FLAGS = struct.Struct(">Q")
_V0_OFFSET = struct.Struct(">l")

MMAP_THRESHOLD = 1 << 20

# Byte offset of the p1 field in a split entry (p2 follows it), by version.
_PARENTS_AT = {REVLOG_V1: 24, REVLOG_V2: 24, CHANGELOG_V2: 16}
# Byte offsets of the compressed length and base fields, by version (where both are stored).
_CHAIN_AT = {REVLOG_V1: (8, 16), REVLOG_V2: (8, 16)}


class IndexEntry(NamedTuple):
    """One decoded index entry, in the same terms for every version.

    ``uncompressed_length`` is the length of the full raw text (None when the
    version does not store it, v0, as Mercurial reports it). Changelog-v2
    stores no base or link rev: both equal ``rev`` there, as Mercurial says.
    """

    rev: int
    offset: int
    flags: int
    compressed_length: int
    uncompressed_length: int | None
    base: int
    link_rev: int
    p1: int
    p2: int
    node: bytes
    sidedata_offset: int = 0
    sidedata_length: int = 0
    data_compression_mode: int = COMP_MODE_INLINE
    sidedata_compression_mode: int = COMP_MODE_INLINE
    rank: int = RANK_UNKNOWN


NULL_ENTRY = IndexEntry(NULL_REV, 0, 0, 0, 0, NULL_REV, NULL_REV, NULL_REV, NULL_REV, NULL_NODE)


def entry_struct(version: int) -> struct.Struct:
    return {
        REVLOG_V0: V0_ENTRY,
        REVLOG_V1: V1_ENTRY,
        REVLOG_V2: V2_ENTRY,
        CHANGELOG_V2: CL_V2_ENTRY,
    }[version]


def load_bytes(path: str, limit: int | None = None) -> bytes | mmap.mmap:
    """The content of ``path`` up to ``limit`` bytes: mmap when big, a plain read when small
    or when mmap fails.

    A missing file is empty (a revlog with no revision yet); one that is no
    regular file or cannot be read is a ``CorruptionError``. A sparse file is
    read up to its first hole: past it the file holds no data, and an index
    counts its entries from the size it is given.
    """
    fd = open_regular(path)
    if fd is None:
        return b""
    try:
        size = held_size(fd)
        if limit is not None:
            size = min(size, limit)
        if size >= MMAP_THRESHOLD:
            try:
                return mmap.mmap(fd, size, access=mmap.ACCESS_READ)
            except (OSError, ValueError):
                pass
        return read_fd(fd, size, path)
    except OSError as exc:
        raise CorruptionError(f"cannot read: {exc.strerror}", file=path) from None
    finally:
        os.close(fd)


class Index:
    """The entries of one index file.

    ``data`` holds the index file's bytes (an mmap, bytes, or a bytearray once
    the writer appends); ``format`` comes from the header (or the v2 docket)
    and decides the entry layout.
    """

    def __init__(self, data, fmt: RevlogFormat, file: str) -> None:
        self.data = data
        self.file = file
        self._use_format(fmt)
        self._positions: array | None = None
        if self.inline:
            self._positions, self.trailing_bytes = self._scan_inline()
            self.count = len(self._positions)
        else:
            self.count, self.trailing_bytes = divmod(len(data), self.entry_size)
        self._v0_nodemap: dict[bytes, int] | None = None

    def _use_format(self, fmt: RevlogFormat) -> None:
        """Take the layout facts of ``fmt`` as plain attributes (read on every entry)."""
        self.format = fmt
        self.version = fmt.version
        self.inline = fmt.inline
        self.struct = entry_struct(fmt.version)
        self.entry_size = self.struct.size
        self.header_in_entry = fmt.header_in_entry
        # Split v1/v2: entry r at r * size with (offset, lengths, base) up front.
        self.plain_v1_layout = not self.inline and fmt.version in (REVLOG_V1, REVLOG_V2)

    # -- growing (the writer appends; readers see new entries at once) ------------

    def make_writable(self) -> None:
        """Hold the index in a bytearray, so appended entries are readable in place."""
        if not isinstance(self.data, bytearray):
            old = self.data
            self.data = bytearray(old)
            if hasattr(old, "close"):
                old.close()
        if self.inline and self._positions is None:
            self._positions = array("q")

    def append(self, entry: bytes, chunk: bytes = b"") -> None:
        """Add one entry (and, inline, its chunk right after it)."""
        pos = len(self.data)
        self.data += entry
        self.data += chunk
        if self._positions is not None:
            self._positions.append(pos)
        if self._v0_nodemap is not None:
            self._v0_nodemap[self.node(self.count)] = self.count
        self.count += 1

    def drop_inline(self, entries: bytes) -> None:
        """Become a split index holding ``entries`` (the chunks moved to a data file)."""
        self.data = bytearray(entries)
        self._use_format(self.format.split())
        self._positions = None

    # -- layout ------------------------------------------------------------

    def _scan_inline(self) -> tuple[array, int]:
        """Find every entry of an inline index by hopping over the chunks."""
        positions = array("q")
        size = len(self.data)
        esize = self.entry_size
        pos = 0
        unpack = _V1_CHAIN.unpack_from
        while pos + esize <= size:
            positions.append(pos)
            clen = unpack(self.data, pos)[0]
            if clen < 0:
                break  # garbage length: later entries cannot be located
            pos += esize + clen
        trailing = max(0, size - pos)
        return positions, trailing

    def entry_position(self, rev: int) -> int:
        """Byte offset of entry ``rev`` in the index file."""
        if self._positions is not None:
            return self._positions[rev]
        return rev * self.entry_size

    def entry_positions(self) -> range | array:
        """Byte offset of every entry in the index file, by rev (for reading all of them
        in one pass)."""
        if self._positions is not None:
            return self._positions
        return range(0, self.count * self.entry_size, self.entry_size)

    def data_position(self, rev: int, offset: int) -> int:
        """Where the chunk whose logical start is ``offset`` lives in its file."""
        if self.inline:
            return offset + (rev + 1) * self.entry_size
        return offset

    def entry_bytes(self, rev: int) -> bytes:
        pos = self.entry_position(rev)
        return bytes(self.data[pos : pos + self.entry_size])

    # -- decoding ------------------------------------------------------------

    def check_rev(self, rev: int) -> None:
        """Refuse a revision outside the index; the one just past the end, when a
        partial entry sits there, is damage rather than a bad argument."""
        if 0 <= rev < self.count:
            return
        if rev == self.count and self.trailing_bytes:
            raise CorruptionError(
                f"entry {rev} is truncated ({self.trailing_bytes} of {self.entry_size} bytes)",
                file=self.file,
                rev=rev,
                offset=len(self.data) - self.trailing_bytes,
            )
        raise LookupError(f"revision {rev} out of range (0..{self.count - 1})")

    def entry(self, rev: int) -> IndexEntry:
        """Decode entry ``rev`` (must be in range; -1 gives the null entry)."""
        if rev == NULL_REV:
            return NULL_ENTRY
        self.check_rev(rev)
        pos = self.entry_position(rev)
        version = self.version
        if version == REVLOG_V1:
            word, clen, ulen, base, link, p1, p2, node = self.struct.unpack_from(self.data, pos)
            return IndexEntry(rev, self._offset(rev, word), word & 0xFFFF, clen, ulen, base, link,
                              p1, p2, node)
        if version == REVLOG_V2:
            (word, clen, ulen, base, link, p1, p2, node,
             sd_off, sd_len, modes) = self.struct.unpack_from(self.data, pos)
            return IndexEntry(rev, word >> 16, word & 0xFFFF, clen, ulen, base, link, p1, p2, node,
                              sd_off, sd_len, modes & 3, (modes >> 2) & 3)
        if version == CHANGELOG_V2:
            (word, clen, ulen, p1, p2, node,
             sd_off, sd_len, modes, rank) = self.struct.unpack_from(self.data, pos)
            return IndexEntry(rev, word >> 16, word & 0xFFFF, clen, ulen, rev, rev, p1, p2, node,
                              sd_off, sd_len, modes & 3, (modes >> 2) & 3, rank)
        offset, clen, base, link, p1node, p2node, node = self.struct.unpack_from(self.data, pos)
        p1 = self._v0_parent(rev, p1node, pos + 16)
        p2 = self._v0_parent(rev, p2node, pos + 36)
        return IndexEntry(rev, offset, 0, clen, None, base, link, p1, p2, node)

    def entries(self) -> list[IndexEntry]:
        """Every entry decoded, as ``entry`` decodes it: for v1 in one pass over the
        index (a check of every entry pays no method call per entry); the other
        versions entry by entry (v0 may raise, as ``entry`` does)."""
        if self.version != REVLOG_V1:
            return [self.entry(rev) for rev in range(self.count)]
        unpack = self.struct.unpack_from
        out = [IndexEntry(rev, word >> 16, word & 0xFFFF, clen, ulen, base, link, p1, p2, node)
               for rev, (word, clen, ulen, base, link, p1, p2, node)
               in enumerate(map(unpack, repeat(self.data), self.entry_positions()))]
        if out and self.header_in_entry:
            out[0] = out[0]._replace(offset=0)
        return out

    def _offset(self, rev: int, word: int) -> int:
        if rev == 0 and self.header_in_entry:
            return 0
        return word >> 16

    def chain_fields(self, rev: int) -> tuple[int, int]:
        """(compressed length, base) of ``rev``: what a delta-chain walk needs."""
        pos = self.entry_position(rev)
        if self.version == REVLOG_V0:
            return _V0_CHAIN.unpack_from(self.data, pos)
        if self.version == CHANGELOG_V2:
            return self.struct.unpack_from(self.data, pos)[1], rev
        return _V1_CHAIN.unpack_from(self.data, pos)

    def link(self, rev: int) -> tuple[int, int, int, int]:
        """(offset, compressed length, uncompressed length, base) in one read.

        This is what rebuilding a text needs of each revision in its chain;
        the uncompressed length is -1 for v0, which does not store it.
        """
        pos = rev * self.entry_size if self._positions is None else self._positions[rev]
        version = self.version
        if version == REVLOG_V1 or version == REVLOG_V2:
            word, clen, ulen, base = V1_LINK.unpack_from(self.data, pos)
            return (0 if rev == 0 and self.header_in_entry else word >> 16), clen, ulen, base
        if version == CHANGELOG_V2:
            word, clen, ulen = _CL_V2_LINK.unpack_from(self.data, pos)
            return word >> 16, clen, ulen, rev
        offset, clen, base = _V0_LINK.unpack_from(self.data, pos)
        return offset, clen, -1, base

    def start(self, rev: int) -> int:
        """Logical data offset of ``rev``'s chunk."""
        pos = self.entry_position(rev)
        if self.version == REVLOG_V0:
            return _V0_OFFSET.unpack_from(self.data, pos)[0]
        return self._offset(rev, _OFFSET_FLAGS.unpack_from(self.data, pos)[0])

    def node(self, rev: int) -> bytes:
        if rev == NULL_REV:
            return NULL_NODE
        pos = self.entry_position(rev)
        at = pos + (56 if self.version == REVLOG_V0 else 32 if self.version != CHANGELOG_V2 else 24)
        return bytes(self.data[at : at + 20])

    def parent_columns(self) -> tuple[array, array]:
        """(p1, p2) of every entry, as two ``array('i')`` indexed by rev, unchecked.

        The graph queries walk millions of parents: reading them as columns
        (strided slices of the index, one per byte of the big-endian field)
        costs a few C-level copies instead of a struct call per entry.
        Inline and v0 indexes (small, or parents stored as nodes) are read
        entry by entry.
        """
        count = self.count
        at = _PARENTS_AT.get(self.version)
        if at is None or self._positions is not None:
            p1, p2 = array("i"), array("i")
            for rev in range(count):
                e = self.entry(rev)
                p1.append(e.p1)
                p2.append(e.p2)
            return p1, p2
        return self._columns(at, at + 4)

    @property
    def node_scannable(self) -> bool:
        """Whether ``find_node`` can search this index (a split one, nodes in place)."""
        return self._positions is None and self.version != REVLOG_V0

    def find_node(self, node: bytes) -> int | None:
        """The last revision whose node is ``node``, or None: the index searched from
        its end at C speed (a few ms for 10^6 entries, microseconds near the tip), as
        hg's C index answers its first lookups without building a node tree. Only
        when ``node_scannable``."""
        at_field = 24 if self.version == CHANGELOG_V2 else 32
        size, data = self.entry_size, self.data
        end = self.count * size
        while True:
            at = data.rfind(node, 0, end)
            if at < 0:
                return None
            rev, offset = divmod(at - at_field, size)
            if offset == 0 and rev >= 0:
                return rev
            end = at + len(node) - 1

    def node_prefixes(self, width: int) -> bytes:
        """The first ``width`` bytes of every entry's node, back to back: what hg's
        caches key their records by (the rev-branch cache keeps 4), read for a million
        entries as ``parent_columns`` reads (strided slices of a split index)."""
        count = self.count
        if self._positions is not None or self.version == REVLOG_V0:
            return b"".join(self.node(rev)[:width] for rev in range(count))
        at = 24 if self.version == CHANGELOG_V2 else 32
        size = self.entry_size
        raw = bytearray(width * count)
        with memoryview(self.data) as whole, whole[: count * size] as view:
            for byte in range(width):
                raw[byte::width] = view[at + byte :: size]
        return bytes(raw)

    def chain_columns(self) -> tuple[array, array]:
        """(compressed length, base) of every entry, as ``chain_fields`` gives them, in
        two ``array('i')`` indexed by rev (read as ``parent_columns`` reads)."""
        at = _CHAIN_AT.get(self.version)
        if at is None or self._positions is not None:
            lengths, bases = array("i"), array("i")
            for rev in range(self.count):
                clen, base = self.chain_fields(rev)
                lengths.append(clen)
                bases.append(base)
            return lengths, bases
        return self._columns(*at)

    def _columns(self, *offsets: int) -> tuple[array, ...]:
        """The 32-bit fields at ``offsets`` of every entry of a split index."""
        with memoryview(self.data) as whole, whole[: self.count * self.entry_size] as view:
            return tuple(self._column(view, at) for at in offsets)

    def _column(self, view: memoryview, at: int) -> array:
        """The signed big-endian 32-bit field at ``at`` of every entry."""
        size = self.entry_size
        raw = bytearray(4 * self.count)
        for byte in range(4):
            raw[byte::4] = view[at + byte :: size]
        column = array("i", raw)
        if sys.byteorder == "little":
            column.byteswap()
        return column

    # -- v0 parents are stored as nodes --------------------------------------

    def _v0_parent(self, rev: int, pnode: bytes, field_offset: int) -> int:
        if pnode == NULL_NODE:
            return NULL_REV
        if self._v0_nodemap is None:
            self._v0_nodemap = {self.node(r): r for r in range(self.count)}
        prev = self._v0_nodemap.get(pnode)
        if prev is None:
            raise CorruptionError(
                f"parent node {pnode.hex()} is not in this revlog",
                file=self.file,
                rev=rev,
                offset=field_offset,
            )
        return prev


def pack_entry(version: int, e: IndexEntry, p1_node: bytes = NULL_NODE,
               p2_node: bytes = NULL_NODE) -> bytes:
    """The on-disk bytes of entry ``e`` (v0 stores parent nodes, hence the extra args).

    Rev 0 of a v1 index carries the header in its first four bytes: the
    caller overlays it.
    """
    word = e.offset << 16 | e.flags
    if version == REVLOG_V1:
        return V1_ENTRY.pack(word, e.compressed_length, e.uncompressed_length, e.base,
                             e.link_rev, e.p1, e.p2, e.node)
    if version == REVLOG_V2:
        modes = e.data_compression_mode | e.sidedata_compression_mode << 2
        return V2_ENTRY.pack(word, e.compressed_length, e.uncompressed_length, e.base,
                             e.link_rev, e.p1, e.p2, e.node, e.sidedata_offset,
                             e.sidedata_length, modes)
    if version == CHANGELOG_V2:
        modes = e.data_compression_mode | e.sidedata_compression_mode << 2
        return CL_V2_ENTRY.pack(word, e.compressed_length, e.uncompressed_length, e.p1, e.p2,
                                e.node, e.sidedata_offset, e.sidedata_length, modes, e.rank)
    return V0_ENTRY.pack(e.offset, e.compressed_length, e.base, e.link_rev, p1_node, p2_node,
                         e.node)
