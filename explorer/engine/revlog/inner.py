"""The one object that owns a revlog's files and what is cached from them.

``InnerRevlog`` holds the index, the data and sidedata files, the v2 docket,
the texts rebuilt recently and the node lookups, and is the only code that reads
chunks or rebuilds texts from them. The public ``Revlog`` and the writer
both work through it (as Mercurial's revlog and its inner revlog do), so the
writer changes the revlog through named operations (``start_empty``,
``append``, ``split_inline``, ``reload``) rather than another object's
private state, and format facts come from one ``RevlogFormat``.

A text is rebuilt from its chain's full snapshot by applying each delta. The
texts rebuilt recently are kept (``TextCache``, bounded in bytes) and a chain
stops at the nearest one held: a sequential scan applies one delta per
revision, as Mercurial does, and in a history with merges, where the delta
parent was often read a while ago, still a few rather than the whole chain.

The chunks a chain still needs are read as Mercurial's InnerRevlog reads them:
sliced into blocks (``slicing.py``, by the ``ReadConfig``), one read per block,
and decompressed chunks are kept in a cache of their own (``chunks``, bounded
to a few times the largest text met, as hg's uncompressed chunk cache), so
chains sharing a snapshot, or a reader asking for the delta of the text it just
read, decompress nothing twice.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Container
from typing import TYPE_CHECKING

from ..errors import CorruptionError
from ..format import compression, walks
from ..format.constants import (
    COMP_MODE_DEFAULT,
    COMP_MODE_INLINE,
    COMP_MODE_PLAIN,
    NULL_REV,
    REVIDX_COPY_DELTA,
    REVIDX_DELTA_IS_SNAPSHOT,
    REVLOG_V0,
)
from ..format.header import RevlogFormat
from ..format.index import V1_LINK, Index, IndexEntry, load_bytes
from ..format.mpatch import PatchError, TextSizeError, apply_delta, apply_deltas
from .datafile import DataFile
from .nodes import NodeIndex
from .slicing import TARGET_FACTOR, ReadConfig, ReadSlice, plan
from .textcache import TextCache

if TYPE_CHECKING:
    from ..format.docket import Docket

# Deltas decompressed at once: four times the text's size and this much more.
BATCH_SLACK = 1 << 20
_NO_BUDGET = 1 << 62
# Decompressed chunks kept: at least this, else four times the largest text met (as hg's
# uncompressed chunk cache), never more than CHUNK_CACHE_MAX.
CHUNK_CACHE_BYTES = 64 * 1024
CHUNK_CACHE_MAX = 32 << 20

# rev, chunk position in its file, length, decompressed size bound, declared text size (-1:
# none: v0, or damage)
Link = tuple[int, int, int, int, int]


def _kind_from_name(name: str) -> str:
    base = os.path.basename(name)
    if base.startswith("00changelog"):
        return "changelog"
    if base.startswith("00manifest"):
        return "manifest"
    return "filelog"


def _ascending(links: list[Link]) -> bool:
    """Each chunk starts at or after the end of the one before (not so only when damaged)."""
    end = 0
    for link in links:
        if link[1] < end:
            return False
        end = link[1] + link[2]
    return True


class _SnapshotWalk:
    """``index_is_snapshot`` over columns, each revision's answer kept (for the many
    revisions ``find_snapshots`` asks about)."""

    def __init__(self, inner: InnerRevlog) -> None:
        self._inner = inner
        self._lengths, self._bases = inner.chain_columns()
        self._p1, self._p2 = inner.parent_columns()
        self._known = bytearray(len(self._bases) + 1)  # 0 unknown, 1 snapshot, 2 not
        self._known[NULL_REV] = 1

    def is_snapshot(self, rev: int) -> bool:
        """A revision is a snapshot when its base is itself or null, is not one when
        its base is a parent (seen through empty deltas), and otherwise is what
        its base is: every revision of the walk gets the answer of its end."""
        known, bases = self._known, self._bases
        walked = []
        while not known[rev]:
            base = bases[rev]
            if base == rev or base == NULL_REV:
                known[rev] = 1
                break
            if not -1 <= base < rev:
                return self._inner.index_is_snapshot(rev)  # raises, naming the damage
            if base == self._skip_empty(self._p1[rev]) or base == self._skip_empty(self._p2[rev]):
                known[rev] = 2
                break
            walked.append(rev)
            rev = base
        answer = known[rev]
        for r in walked:
            known[r] = answer
        return answer == 1

    def _skip_empty(self, p: int) -> int:
        """``InnerRevlog._skip_empty`` over the columns."""
        lengths, bases = self._lengths, self._bases
        while p >= 0:
            base = bases[p]
            if lengths[p] or base == p or not -1 <= base < p:
                break
            p = base
        return p


class InnerRevlog:
    """The files of one revlog, read and appended to. Open with ``InnerRevlog.open``.

    ``index_file`` is the ``.i`` (or v2 docket) path; ``name`` the unencoded
    store path used in messages; ``kind`` changelog, manifest or filelog;
    ``sparse`` whether the store uses sparse-revlog (it decides which
    revisions count as snapshots); ``sidefile(suffix)`` maps
    ``<radix><suffix>`` names (v2 ``-uid.idx``, nodemap ``.n``) to paths.
    """

    def __init__(self, index_file: str, data_path: str, sidefile: Callable[[str], str],
                 name: str, kind: str, sparse: bool, read_config: ReadConfig | None = None
                 ) -> None:
        self.index_file = index_file
        self.name = name
        self.kind = kind
        self.sparse = sparse
        self.read_config = read_config or ReadConfig(sparse=sparse)
        self.sidefile = sidefile
        self._data_path = data_path
        # (payload, declared size) -> text of a light-weight copy (format/copydelta.py):
        # set by the store, which can open the source filelog
        self.copy_base: Callable[[bytes, int], bytes] | None = None
        self._read_files()

    @classmethod
    def open(cls, index_path: str | os.PathLike, *, data_path: str | None = None,
             sidefile: Callable[[str], str] | None = None, name: str | None = None,
             kind: str | None = None, sparse: bool | None = None,
             read_config: ReadConfig | None = None) -> InnerRevlog:
        """Open the revlog whose index (or v2 docket) is ``index_path``; the options
        are ``Revlog.open``'s."""
        index_file = os.fspath(index_path)
        radix = index_file[:-2] if index_file.endswith(".i") else index_file
        name = name or index_file
        return cls(index_file, radix + ".d" if data_path is None else data_path,
                   radix.__add__ if sidefile is None else sidefile, name,
                   kind or _kind_from_name(name), True if sparse is None else sparse,
                   read_config)

    def _read_files(self) -> None:
        """Read the header (and docket) and map the index; chunks are read when asked."""
        raw = load_bytes(self.index_file)
        fmt = RevlogFormat.read(raw, self.index_file)
        self.docket: Docket | None = None
        self.sidedata_file: DataFile | None = None
        if fmt.has_docket:
            from ..format.docket import parse_docket  # v2 only: not for the common stores

            self.docket = parse_docket(bytes(raw), self.index_file)
            idx_path = self.sidefile(self.docket.index_suffix())
            self.index = Index(load_bytes(idx_path, self.docket.index_end), fmt, idx_path)
            self.data_file: DataFile | None = DataFile(
                self.sidefile(self.docket.data_suffix()), self.docket.data_end)
            self.sidedata_file = DataFile(self.sidefile(self.docket.sidedata_suffix()),
                                          self.docket.sidedata_end)
        else:
            self.index = Index(raw, fmt, self.index_file)
            self.data_file = None if fmt.inline else DataFile(self._data_path)
        self.nodes = NodeIndex(self.index, self.sidefile, self.name)
        self.texts = TextCache()
        self.chunks = TextCache(CHUNK_CACHE_BYTES)
        self._columns: tuple[Index, int, tuple[array, array]] | None = None
        self._chain_columns: tuple[Index, int, tuple[array, array]] | None = None
        self.note_written()

    def _disk_state(self) -> tuple:
        """What tells whether another process changed the files since we read them:
        identity, size and time of the index (or docket) and of the data file."""
        state = []
        for path in (self.index_file, self.data_path):
            try:
                st = os.stat(path)
            except OSError:
                state.append(None)
            else:
                state.append((st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(state)

    def note_written(self) -> None:
        """The files are as we know them (just read, or just written by us)."""
        self._seen = self._disk_state()

    def is_current(self) -> bool:
        """True when no one else wrote the files since we read or wrote them."""
        return self._disk_state() == self._seen

    @property
    def format(self) -> RevlogFormat:
        return self.index.format

    def __len__(self) -> int:
        return self.index.count

    def close(self) -> None:
        for f in (self.data_file, self.sidedata_file):
            if f is not None:
                f.close()
        data = self.index.data
        if hasattr(data, "close"):
            data.close()

    def forget_caches(self) -> None:
        """Forget the cached texts and chunks and the read windows (cold reads, or after
        writes)."""
        self.texts.clear()
        self.chunks.clear()
        for f in (self.data_file, self.sidedata_file):
            if f is not None:
                f.forget()

    @property
    def data_path(self) -> str:
        """The file holding the chunks (the index file itself when inline)."""
        return self.index.file if self.data_file is None else self.data_file.path

    def data_size(self) -> int:
        """Bytes of the data file (of the ``.i`` when inline)."""
        if self.data_file is None:
            return len(self.index.data)
        return self.data_file.size()

    # -- entries ------------------------------------------------------------------------

    def entry(self, rev: int) -> IndexEntry:
        return self.index.entry(rev)

    def node(self, rev: int) -> bytes:
        if rev != NULL_REV:
            self.index.check_rev(rev)
        return self.index.node(rev)

    def parents(self, rev: int) -> tuple[int, int]:
        """Parent revisions, checked to be earlier revisions of this revlog."""
        e = self.index.entry(rev)
        for which, p in ((1, e.p1), (2, e.p2)):
            if not -1 <= p < rev:
                self.damaged(rev, f"parent {which} is {p}, not an earlier revision",
                             self.index.file, self.field_offset(rev, 24 if which == 1 else 28))
        return e.p1, e.p2

    def parent_columns(self) -> tuple[array, array]:
        """(p1, p2) of every revision as two columns indexed by rev (what the graph
        queries walk), each parent checked to be an earlier revision or null: a
        damaged one raises as ``parents`` does. Kept until the index changes."""
        index = self.index
        cached = self._columns
        if cached is not None and cached[0] is index and cached[1] == index.count:
            return cached[2]
        p1, p2 = index.parent_columns()
        self._check_parent_columns(p1, p2)
        self._columns = (index, index.count, (p1, p2))
        return p1, p2

    def chain_columns(self) -> tuple[array, array]:
        """(compressed length, base) of every revision as columns indexed by rev
        (unchecked: the walks that use them check what they follow). Kept until
        the index changes."""
        index = self.index
        cached = self._chain_columns
        if cached is None or cached[0] is not index or cached[1] != index.count:
            cached = self._chain_columns = (index, index.count, index.chain_columns())
        return cached[2]

    def _check_parent_columns(self, p1: array, p2: array) -> None:
        """Raise at the first revision whose parent is not an earlier one (found by
        one walk over the columns: ``format/walks.py``)."""
        bad = walks.first_bad_parent(p1, p2)
        if bad >= 0:
            self.parents(bad)

    def flags(self, rev: int) -> int:
        return self.index.entry(rev).flags

    def start(self, rev: int) -> int:
        """Logical offset of the chunk (as stored in the entry)."""
        self.index.check_rev(rev)
        return self.index.start(rev)

    def length(self, rev: int) -> int:
        """Compressed length of the chunk."""
        self.index.check_rev(rev)
        return self.index.chain_fields(rev)[0]

    def end(self, rev: int) -> int:
        return self.start(rev) + self.length(rev)

    def raw_size(self, rev: int) -> int:
        """Length of the raw text (computed for v0, which does not store it)."""
        size = self.index.entry(rev).uncompressed_length
        return size if size is not None and size >= 0 else len(self.revision(rev))

    def field_offset(self, rev: int, within: int) -> int:
        """Byte offset in the index file of the field ``within`` bytes into entry ``rev``."""
        return self.index.entry_position(rev) + within

    def damaged(self, rev: int, message: str, file: str, offset: int | None):
        raise CorruptionError(message, file=file, rev=rev, offset=offset)

    # -- delta chains -------------------------------------------------------------------

    def delta_parent(self, rev: int) -> int:
        """The revision ``rev`` is stored as a delta against; -1 for a full text."""
        self.index.check_rev(rev)
        base = self.index.chain_fields(rev)[1]
        if base == rev or base == NULL_REV:
            return NULL_REV
        if not -1 <= base < rev:
            self._bad_base(rev, base)
        return base if self.format.generaldelta else rev - 1

    def delta_chain(self, rev: int, stop: int | None = None) -> list[int]:
        """Revisions whose chunks rebuild ``rev``, from the full snapshot up to ``rev``."""
        return [link[0] for link in self.chain(rev, () if stop is None else (stop,))[0]]

    def chain(self, rev: int, stop: Container[int]) -> tuple[list[Link], int | None]:
        """The links rebuilding ``rev``, oldest first, and the revision in ``stop`` (revisions
        whose text we hold) where the walk stopped early, without including it, if it did.

        Each link is (rev, position of its chunk in the data file, compressed
        length, largest decompressed size accepted). Revisions with an empty
        chunk change nothing and are left out, as Mercurial does.
        """
        self.index.check_rev(rev)
        if self.index.plain_v1_layout:
            return self._plain_chain(rev, stop)
        link = self.index.link
        generaldelta = self.format.generaldelta
        esize = self.index.entry_size if self.index.inline else 0
        links = []
        r = rev
        offset, clen, ulen, base = link(r)
        while r != base and base != NULL_REV:
            if r in stop:
                links.reverse()
                return links, r
            if not -1 <= base < r:
                self._bad_base(r, base)
            if clen > 0:
                links.append((r, offset + (r + 1) * esize, clen, self._bound(ulen, clen, False),
                              ulen))
            elif clen:
                self._bad_length(r, clen)
            r = base if generaldelta else r - 1
            offset, clen, ulen, base = link(r)
        if r in stop:
            links.reverse()
            return links, r
        links.append((r, offset + (r + 1) * esize, clen, self._bound(ulen, clen, True), ulen))
        links.reverse()
        return links, None

    def _plain_chain(self, rev: int, stop: Container[int]) -> tuple[list[Link], int | None]:
        """``chain`` for split v1/v2 indexes, where entry r sits at r * size: the hot case,
        unrolled to one unpack per link."""
        index = self.index
        data, esize, unpack = index.data, index.entry_size, V1_LINK.unpack_from
        header = 1 if index.header_in_entry else 0
        generaldelta = self.format.generaldelta
        links = []
        r = rev
        word, clen, ulen, base = unpack(data, r * esize)
        while r != base and base != NULL_REV:
            if r in stop:
                links.reverse()
                return links, r
            if not -1 <= base < r:
                self._bad_base(r, base)
            if clen > 0:
                links.append((r, 0 if r == 0 and header else word >> 16, clen,
                              16 * ulen + 4096 if ulen >= 0 else -1, ulen))
            elif clen:
                self._bad_length(r, clen)
            r = base if generaldelta else r - 1
            word, clen, ulen, base = unpack(data, r * esize)
        if r in stop:
            links.reverse()
            return links, r
        links.append((r, 0 if r == 0 and header else word >> 16, clen, ulen, ulen))
        links.reverse()
        return links, None

    def _bad_base(self, rev: int, base: int):
        within = 8 if self.index.version == REVLOG_V0 else 16
        self.damaged(rev, f"delta base {base} is not an earlier revision", self.index.file,
                     self.field_offset(rev, within))

    def _bad_length(self, rev: int, clen: int):
        within = 4 if self.index.version == REVLOG_V0 else 8
        self.damaged(rev, f"chunk has length {clen}", self.index.file,
                     self.field_offset(rev, within))

    def is_snapshot(self, rev: int) -> bool:
        """True for a full text, or (sparse-revlog) a delta against another snapshot
        that is not a parent: an *intermediate snapshot*.

        Exactly Mercurial's test (its C index): the walk follows the stored base
        field even in a non-generaldelta revlog of a sparse store (where that
        field is the chain base), and sees a parent through its empty deltas by
        the same field; with delta-info flags the writer's flag is the answer.
        """
        if rev == NULL_REV:
            return True
        if not self.sparse:
            return self.delta_parent(rev) == NULL_REV
        return self.index_is_snapshot(rev)

    def index_is_snapshot(self, rev: int) -> bool:
        """``is_snapshot`` by the sparse-revlog rule whatever the store's setting, as
        hg's C index (``issnapshot``, ``findsnapshots``) answers."""
        if self.format.delta_info:
            return bool(self.flags(rev) & REVIDX_DELTA_IS_SNAPSHOT)
        while True:
            self.index.check_rev(rev)
            base = self.index.chain_fields(rev)[1]
            if base == rev or base == NULL_REV:
                return True
            if not -1 <= base < rev:
                self._bad_base(rev, base)
            e = self.index.entry(rev)
            if base in (self._skip_empty(e.p1), self._skip_empty(e.p2)):
                return False
            rev = base

    def find_snapshots(self, start: int, end: int) -> dict[int, list[int]]:
        """hg's ``index.findsnapshots``: the snapshots of ``start``..``end`` (inclusive)
        by the sparse-revlog rule, keyed by their stored base field (-1 for a full
        text: a base that is the revision itself).

        The fields are read as columns and each revision's answer is kept, so
        a chain is walked once however many revisions end on it.
        """
        found: dict[int, list[int]] = {}
        if self.format.delta_info:
            snapshot = self.index_is_snapshot
        else:
            snapshot = _SnapshotWalk(self).is_snapshot
        bases = self.chain_columns()[1]
        for rev in range(max(start, 0), end + 1):
            if snapshot(rev):
                base = bases[rev]
                found.setdefault(NULL_REV if base == rev else base, []).append(rev)
        return found

    def _skip_empty(self, p: int) -> int:
        """Follow a parent down through empty deltas by their base field."""
        while 0 <= p < self.index.count:
            clen, base = self.index.chain_fields(p)
            if clen or base == p or not -1 <= base < p:
                break
            p = base
        return p

    def snapshot_depth(self, rev: int) -> int:
        """0 for a full snapshot, k for an intermediate snapshot k levels up."""
        return len(self.delta_chain(rev)) - 1

    # -- chunks -------------------------------------------------------------------------

    def _bound(self, ulen: int, clen: int, full: bool) -> int:
        """Largest decompressed size accepted for a chunk (the bomb guard).

        A full text must be exactly its declared size; a delta stays within a
        generous multiple of it. v0 declares no size: a bound from the chunk's
        length and zlib's best ratio stands in. A negative declared size is
        damage: a negative bound makes the decompressor refuse the chunk.
        """
        if self.index.version == REVLOG_V0:
            return 1100 * clen + 1024
        if ulen < 0:
            return -1
        return ulen if full else 16 * ulen + 4096

    def link(self, rev: int) -> Link:
        """The chain link of ``rev`` alone (its chunk's position, length and size bounds)."""
        self.index.check_rev(rev)
        offset, clen, ulen, base = self.index.link(rev)
        limit = self._bound(ulen, clen, base == rev or base == NULL_REV)
        return rev, self.index.data_position(rev, offset), clen, limit, ulen

    def raw_chunk(self, rev: int) -> bytes:
        """The chunk exactly as stored on disk."""
        return self.read_chunks([self.link(rev)])[0]

    def chunk(self, rev: int) -> bytes:
        """The chunk decompressed: a full text or a delta (kept in ``chunks``)."""
        data = self.chunks.get(rev)
        return self._inflate(self.link(rev)) if data is None else data

    def decompress(self, links: list[Link], raws: list[bytes | None], start: int = 0,
                   budget: int = _NO_BUDGET, known: list[bytes | None] | None = None
                   ) -> list[bytes]:
        """Decompressed chunks of ``links[start:]``, each refused past its link's size bound
        and kept in ``chunks``; they stop once their sizes add up to more than ``budget``
        bytes (the caller comes back for the rest). ``known[i]``, when given and not
        None, is chunk i already decompressed (``raws[i]`` is then None)."""
        out: list[bytes] = []
        used = 0
        new_revs: list[int] = []  # those decompressed here, to keep in ``chunks``
        new_data: list[bytes] = []
        keep_rev, keep_data = new_revs.append, new_data.append
        i, count = start, len(links)
        try:
            if self.docket is None:
                decompress = compression.decompress
                zstd = compression.decompress_zstd
                while i < count:
                    data = None if known is None else known[i]
                    if data is None:
                        raw, link = raws[i], links[i]
                        # zstd is the common case: skip one dispatch level for it
                        data = zstd(raw, link[3]) if raw[:1] == b"(" else decompress(raw, link[3])
                        keep_rev(link[0])
                        keep_data(data)
                    out.append(data)
                    used += len(data)
                    i += 1
                    if used > budget:
                        break
            else:
                while i < count:
                    data = None if known is None else known[i]
                    if data is None:
                        data = self._decompress_v2(links[i], raws[i])
                        keep_rev(links[i][0])
                        keep_data(data)
                    out.append(data)
                    used += len(data)
                    i += 1
                    if used > budget:
                        break
        except compression.DecompressionError as exc:
            self.damaged(links[i][0], str(exc), self.data_path, links[i][1])
        self.chunks.put_many(new_revs, new_data)
        return out

    def _inflate(self, link: Link) -> bytes:
        """The chunk of ``link`` read and decompressed (``decompress`` for one chunk, without
        its batching: the hot path of a scan), kept in ``chunks``."""
        raw = self.read_chunks([link])[0]
        try:
            if self.docket is not None:
                data = self._decompress_v2(link, raw)
            elif raw[:1] == b"(":
                data = compression.decompress_zstd(raw, link[3])
            else:
                data = compression.decompress(raw, link[3])
        except compression.DecompressionError as exc:
            self.damaged(link[0], str(exc), self.data_path, link[1])
        self.chunks.put(link[0], data)
        return data

    def _decompress_v2(self, link: Link, raw: bytes) -> bytes:
        mode = self.index.entry(link[0]).data_compression_mode
        if mode == COMP_MODE_INLINE:
            return compression.decompress(raw, link[3])
        if mode == COMP_MODE_PLAIN:
            return bytes(raw)
        if mode == COMP_MODE_DEFAULT:
            return compression.decompress_with(self.docket.default_compression, raw, link[3])
        raise compression.DecompressionError(f"unknown compression mode {mode}")

    # -- reads --------------------------------------------------------------------------

    def slices(self, links: list[Link], target: int | None) -> list[tuple[int, int]]:
        """The blocks ``links`` are read in, as index ranges ``(a, b)`` of ``links``
        (hg's ``slicechunk`` by this revlog's ``read_config``; ``target``: the size
        cap, None for none)."""
        if not _ascending(links):  # damaged offsets: each chunk read on its own
            return [(i, i + 1) for i in range(len(links))]
        if not links:
            return []
        if len(links) == 1 or not self.read_config.sparse:
            return [(0, len(links))]
        esize = self.index.entry_size if self.index.inline else 0
        positions = [link[1] for link in links]
        starts = [link[1] - (link[0] + 1) * esize for link in links] if esize else positions
        return plan(positions, [link[2] for link in links], starts, self.read_config, target,
                    lambda i: self.is_snapshot(links[i][0]))

    def read_slices(self, rev: int, target: int | None) -> list[ReadSlice]:
        """How the whole chain of ``rev`` is read when no text is held: one ``ReadSlice``
        per read (``target``: as ``slices``)."""
        links = self.chain(rev, ())[0]
        out = []
        for a, b in self.slices(links, target):
            block = links[a:b]
            offset = block[0][1]
            out.append(ReadSlice(tuple(link[0] for link in block), offset,
                                 block[-1][1] + block[-1][2] - offset,
                                 sum(link[2] for link in block)))
        return out

    def text_target(self, declared: int) -> int | None:
        """The size cap of a block read to rebuild a text of ``declared`` bytes (hg's
        ``raw_text``: four times it; none when the size is unknown)."""
        return TARGET_FACTOR * declared if declared >= 0 else None

    def read_chunks(self, links: list[Link], target: int | None = None) -> list[bytes]:
        """On-disk chunks of ``links`` (ascending), one read per block of ``slices``."""
        for r, pos, clen, _, _ in links:
            if clen < 0 or pos < 0:
                self.damaged(r, f"chunk at {pos} has length {clen}", self.index.file,
                             self.index.entry_position(r))
        if len(links) == 1:  # the next revision of a scan: its chunk alone
            r, pos, clen, _, _ = links[0]
            piece = self.read_span(pos, clen)
            if len(piece) != clen:
                self._truncated(r, pos, clen, self.data_path, self.data_size())
            return [piece]
        out = []
        for a, b in self.slices(links, target):
            span_start = links[a][1]
            span = self.read_span(span_start, links[b - 1][1] + links[b - 1][2] - span_start)
            for r, pos, clen, _, _ in links[a:b]:
                piece = span[pos - span_start : pos - span_start + clen]
                if len(piece) != clen:
                    self._truncated(r, pos, clen, self.data_path, self.data_size())
                out.append(piece)
        return out

    def read_span(self, start: int, length: int) -> bytes:
        """One read: ``length`` bytes at ``start`` of the data file (of the ``.i`` when
        inline, held in memory), fewer if it ends first."""
        if self.data_file is None:
            piece = self.index.data[start : start + length]
            return piece if isinstance(piece, bytes) else bytes(piece)
        return self.data_file.read(start, length)

    def _truncated(self, rev: int, pos: int, clen: int, file: str, size: int):
        self.damaged(rev, f"chunk of {clen} bytes at {pos} runs past the end of the file "
                          f"({size} bytes)", file, min(pos, size))

    # -- texts --------------------------------------------------------------------------

    def revision(self, rev: int) -> bytes:
        """The raw text of ``rev``, byte for byte what ``hg debugdata`` prints."""
        if rev == NULL_REV:
            return b""
        texts = self.texts
        text = texts.get(rev)
        if text is not None:
            return text
        links, held = self.chain(rev, texts.revs)
        declared = links[-1][4] if links else -1  # no link: rev is an empty delta on stop
        if 4 * declared > self.chunks.max_bytes:
            self.chunks.max_bytes = min(4 * declared, CHUNK_CACHE_MAX)
        if len(links) == 1:  # a full text, or the next revision of a scan: one delta
            link = links[0]
            data = self.chunks.get(link[0])
            if data is None:
                data = self._inflate(link)
            if held is None:
                text = self._chain_base(link[0], data)
            else:
                try:
                    text = apply_delta(texts.get(held), data, link[4])
                except PatchError as exc:
                    self._bad_delta(link, exc)
            texts.put(rev, text)
            return text
        # The reads are cut to a size from the text's own declared size, as hg's: an empty
        # delta's (left out of links) included.
        known, raws = self._fetch(links, self.text_target(self.index.link(rev)[2]))
        if held is not None:
            text, done = texts.get(held), 0
        else:
            text = self._chain_base(links[0][0],
                                    self.decompress(links[:1], raws[:1], known=known)[0])
            done = 1
        # The deltas are decompressed a batch at a time, a batch being as many as fit in
        # a few times the text's size: a chain of deltas each inflating to its bound is
        # stopped by the first text it makes too long, before the rest are inflated.
        budget = 4 * max(declared, len(text)) + BATCH_SLACK
        while done < len(links):
            deltas = self.decompress(links, raws, done, budget, known)
            try:  # each text held to the size its entry declares
                text = apply_deltas(text, deltas,
                                    [link[4] for link in links[done : done + len(deltas)]])
            except PatchError as exc:
                self._bad_delta(links[done + exc.delta_index], exc)
            done += len(deltas)
        texts.put(rev, text)
        return text

    def _chain_base(self, rev: int, data: bytes) -> bytes:
        """The text a chain starts from: ``rev``'s decompressed chunk, or for a
        light-weight copy the text its payload rebuilds from another filelog."""
        if self.kind == "filelog" and self.flags(rev) & REVIDX_COPY_DELTA:
            return self._copy_text(rev, data)
        return data

    def _copy_text(self, rev: int, payload: bytes) -> bytes:
        """The text of light-weight copy ``rev`` from its payload, through the store's
        resolver (the base is a revision of another filelog)."""
        where = self.link(rev)[1]
        if self.copy_base is None:
            self.damaged(rev, "a light-weight copy (flag copy-delta) read outside its store: "
                              "its delta base is in another filelog", self.data_path, where)
        size = self.raw_size(rev)
        try:
            text = self.copy_base(payload, size)
        except CorruptionError as exc:
            self.damaged(rev, f"light-weight copy: {exc}", self.data_path, where)
        if len(text) != size:
            self.damaged(rev, f"light-weight copy rebuilds {len(text)} bytes, not the {size} "
                              "its entry declares", self.data_path, where)
        return text

    def _fetch(self, links: list[Link], target: int | None
               ) -> tuple[list[bytes | None] | None, list[bytes | None]]:
        """The chunks of ``links``: those decompressed already (None: none is), and the
        on-disk bytes of the others (None where a chunk is held), read in slices."""
        if not self.chunks:  # a cold read: nothing to look up
            return None, self.read_chunks(links, target)
        get = self.chunks.get
        known = [get(link[0]) for link in links]
        missing = [i for i, data in enumerate(known) if data is None]
        if len(missing) == len(links):
            return None, self.read_chunks(links, target)
        raws: list[bytes | None] = [None] * len(links)
        if missing:
            for i, raw in zip(missing, self.read_chunks([links[i] for i in missing], target)):
                raws[i] = raw
        return known, raws

    def _bad_delta(self, link: Link, exc: PatchError):
        where = "" if isinstance(exc, TextSizeError) else (
            f" (at byte {exc.position} of the decompressed delta)")
        self.damaged(link[0], f"delta does not apply: {exc}{where}", self.data_path, link[1])

    def sidedata(self, rev: int) -> bytes:
        """The decompressed sidedata blob of ``rev`` (empty when it has none)."""
        e = self.index.entry(rev)
        if not e.sidedata_length or self.sidedata_file is None:
            return b""
        raw = self.sidedata_file.read(e.sidedata_offset, e.sidedata_length)
        if len(raw) != e.sidedata_length:
            self._truncated(rev, e.sidedata_offset, e.sidedata_length, self.sidedata_file.path,
                            self.sidedata_file.size())
        mode = e.sidedata_compression_mode
        limit = 64 * e.sidedata_length + 65536
        try:
            if mode == COMP_MODE_PLAIN:
                return raw
            if mode == COMP_MODE_DEFAULT:
                return compression.decompress_with(self.docket.default_compression, raw, limit)
            return compression.decompress(raw, limit)
        except compression.DecompressionError as exc:
            self.damaged(rev, f"sidedata: {exc}", self.sidedata_file.path, e.sidedata_offset)

    # -- changed by the writer ----------------------------------------------------------

    def make_writable(self) -> None:
        """Hold the index in memory, so appended entries are readable at once."""
        self.index.make_writable()

    def start_empty(self, fmt: RevlogFormat, docket: Docket | None, sparse: bool) -> None:
        """Become an empty revlog of format ``fmt`` (the writer creates its files)."""
        self.index = Index(bytearray(), fmt, self.index.file if docket is None else
                           self.sidefile(docket.index_suffix()))
        self.index.make_writable()
        self.docket = docket
        self.sparse = sparse
        if docket is not None:
            self.data_file = DataFile(self.sidefile(docket.data_suffix()), 0)
            self.sidedata_file = DataFile(self.sidefile(docket.sidedata_suffix()), 0)
        elif not fmt.inline:
            self.data_file = DataFile(self.sidefile(".d"), 0)
        else:
            self.data_file = None
        self.nodes = NodeIndex(self.index, self.sidefile, self.name)
        self.texts.clear()
        self.chunks.clear()

    def append(self, entry: bytes, chunk: bytes, node: bytes, text: bytes) -> int:
        """Take in the revision the writer just stored (``entry`` packed, ``chunk`` as
        written, ``text`` its raw text); return its rev."""
        rev = self.index.count
        inline = self.index.inline
        self.index.append(entry, chunk if inline else b"")
        if not inline and self.data_file is not None:
            self.data_file.appended(len(chunk))
        self.nodes.added(node, rev)
        self.texts.put(rev, text)
        return rev

    def inline_parts(self) -> tuple[list[bytes], list[bytes]]:
        """The entries and the chunks of an inline revlog, separated (for a split)."""
        index = self.index
        esize = index.entry_size
        entries, chunks = [], []
        for rev in range(index.count):
            pos = index.entry_position(rev)
            clen = index.chain_fields(rev)[0]
            entries.append(bytes(index.data[pos : pos + esize]))
            chunks.append(bytes(index.data[pos + esize : pos + esize + clen]))
        return entries, chunks

    def split_inline(self, entries: bytes, data_path: str) -> None:
        """The chunks now live in ``data_path``; the index holds only ``entries``."""
        self.index.drop_inline(entries)
        self.data_file = DataFile(data_path)

    def reload(self) -> None:
        """Read the files again, as they are now (after a rollback changed them)."""
        self.close()
        self._read_files()
