"""One revlog, read: entries, chunks, delta chains, revision texts, hashes.

A revlog is an index (``.i``) and, unless inline, a data file (``.d``). In
the v2 formats the ``.i`` is a docket naming ``.idx``/``.dat``/``.sda`` files.
``Revlog.open`` works all of that out from the bytes, reads nothing but the
header (and the docket), and decodes entries only when asked.

The revision text is rebuilt from the chain's full snapshot by applying each
delta. The last text rebuilt is kept, so a sequential scan applies one delta
per revision, as Mercurial does.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Callable, Iterator

from ..errors import AmbiguousPrefixError, CorruptionError, LookupError
from ..format import compression
from ..format.constants import (
    CHANGELOG_V2,
    COMP_MODE_DEFAULT,
    COMP_MODE_INLINE,
    COMP_MODE_PLAIN,
    FLAG_DELTA_INFO,
    FLAG_FILELOG_META,
    FLAG_GENERALDELTA,
    NULL_NODE,
    NULL_REV,
    REVIDX_DELTA_IS_SNAPSHOT,
    REVIDX_ELLIPSIS,
    REVIDX_EXTSTORED,
    REVIDX_ISCENSORED,
    REVLOG_V0,
    REVLOG_V1,
    REVLOG_V2,
)
from ..format.docket import Docket, parse_docket
from ..format.index import HEADER, V1_LINK, Index, IndexEntry, load_bytes, parse_header
from ..format.mpatch import PatchError, apply_deltas
from ..format.nodeid import hash_revision
from ..format.nodemap import PersistentNodemap, parse_nodemap_docket

# Reads of the data file go through a window this big, so consecutive chunks
# (a sequential scan, a delta chain) cost one system call between them.
_READ_WINDOW = 64 * 1024
# Chunks further apart than this are read separately, not as one span.
_MAX_GAP = 256 * 1024

Link = tuple[int, int, int, int]  # rev, chunk position in its file, length, size bound


class _DataFile:
    """Random access to a data file with a one-window read cache."""

    def __init__(self, path: str, end: int | None = None) -> None:
        self.path = path
        self.end = end
        self._fd: int | None = None
        self._window_start = 0
        self._window = b""

    def _open(self) -> int:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
                if self.end is None:
                    self.end = os.fstat(self._fd).st_size
            except FileNotFoundError:
                self._fd, self.end = -1, 0
            except OSError as exc:
                raise CorruptionError(f"cannot open: {exc.strerror}", file=self.path) from None
            except ValueError:  # a NUL byte in a name read from a damaged docket
                raise CorruptionError("file name holds a NUL byte", file=repr(self.path)) from None
        return self._fd

    def size(self) -> int:
        self._open()
        return self.end or 0

    def read(self, offset: int, length: int) -> bytes:
        """Exactly ``length`` bytes at ``offset``, or fewer if the file ends first."""
        ws = self._window_start
        if ws <= offset and offset + length <= ws + len(self._window):
            return self._window[offset - ws : offset - ws + length]
        fd = self._open()
        if fd < 0:
            return b""
        avail = max(0, min(self.end, offset + max(length, _READ_WINDOW)) - offset)
        try:
            data = os.pread(fd, avail, offset) if avail else b""
        except OSError as exc:
            raise CorruptionError(f"cannot read: {exc.strerror}", file=self.path,
                                  offset=offset) from None
        self._window_start, self._window = offset, data
        return data[:length]

    def forget(self) -> None:
        self._window = b""

    def close(self) -> None:
        if self._fd is not None and self._fd >= 0:
            os.close(self._fd)
        self._fd = None
        self._window = b""


def _kind_from_name(name: str) -> str:
    base = os.path.basename(name)
    if base.startswith("00changelog"):
        return "changelog"
    if base.startswith("00manifest"):
        return "manifest"
    return "filelog"


class Revlog:
    """Read access to one revlog. Open with ``Revlog.open``."""

    def __init__(
        self,
        *,
        index_file: str,
        index: Index,
        data: _DataFile | None,
        sidedata: _DataFile | None,
        docket: Docket | None,
        name: str,
        kind: str,
        sparse: bool,
        sidefile: Callable[[str], str],
    ) -> None:
        self.index_file = index_file
        self._index = index
        self._data = data
        self._sidedata = sidedata
        self.docket = docket
        self.name = name
        self.kind = kind
        self.version = index.version
        self.format_flags = index.flags
        self.inline = index.inline
        self.generaldelta = bool(index.flags & FLAG_GENERALDELTA) or index.version == REVLOG_V2
        self.filelog_meta = bool(index.flags & FLAG_FILELOG_META)
        self.delta_info = bool(index.flags & FLAG_DELTA_INFO)
        self.sparse = sparse  # the store's sparse-revlog setting
        self._sidefile = sidefile
        self._cache: tuple[int, bytes] | None = None
        self._nodemap: dict[bytes, int] | None = None
        self._sorted_nodes: list[bytes] | None = None
        self._persistent: PersistentNodemap | None | bool = None
        self._open_args: dict = {}
        self._writer = None
        self.write_config = None  # set by the store: how new revisions are written

    # -- opening -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        index_path: str | os.PathLike,
        *,
        data_path: str | None = None,
        sidefile: Callable[[str], str] | None = None,
        name: str | None = None,
        kind: str | None = None,
        sparse: bool | None = None,
    ) -> Revlog:
        """Open the revlog whose index (or v2 docket) is ``index_path``.

        ``data_path`` is the ``.d`` file (needed when names are hashed, as the
        ``.d`` of a ``dh/`` name is not the ``.i`` name with another suffix);
        ``sidefile(suffix)`` maps ``<radix><suffix>`` names (v2 ``-uid.idx``,
        nodemap ``.n``) to paths; ``name`` is the unencoded store path used in
        messages; ``sparse`` says whether the store uses sparse-revlog (it
        changes which revisions count as snapshots; by default, any
        generaldelta revlog is taken as sparse).
        """
        index_file = os.fspath(index_path)
        radix = index_file[:-2] if index_file.endswith(".i") else index_file
        if sidefile is None:
            sidefile = radix.__add__
        if data_path is None:
            data_path = radix + ".d"
        name = name or index_file
        raw = load_bytes(index_file)
        word = HEADER.unpack_from(raw, 0)[0] if len(raw) >= 4 else REVLOG_V1
        version, flags = parse_header(word, index_file)
        docket = None
        sidedata = None
        if version in (REVLOG_V2, CHANGELOG_V2):
            docket = parse_docket(bytes(raw), index_file)
            idx_path = sidefile(docket.index_suffix())
            index = Index(load_bytes(idx_path, docket.index_end), version, flags, idx_path,
                          header_in_entry=False)
            data = _DataFile(sidefile(docket.data_suffix()), docket.data_end)
            sidedata = _DataFile(sidefile(docket.sidedata_suffix()), docket.sidedata_end)
        else:
            index = Index(raw, version, flags, index_file, header_in_entry=version == REVLOG_V1)
            data = None if index.inline else _DataFile(data_path)
        rl = cls(
            index_file=index_file,
            index=index,
            data=data,
            sidedata=sidedata,
            docket=docket,
            name=name,
            kind=kind or _kind_from_name(name),
            sparse=True if sparse is None else sparse,
            sidefile=sidefile,
        )
        rl._open_args = dict(data_path=data_path, sidefile=sidefile, name=name, kind=kind,
                             sparse=sparse)
        return rl

    def _reload(self) -> None:
        """Read the files again (after a rollback changed them under us)."""
        config = self.write_config
        fresh = Revlog.open(self.index_file, **self._open_args)
        self.close()
        self.__dict__.update(fresh.__dict__)
        self.write_config = config

    def close(self) -> None:
        for f in (self._data, self._sidedata):
            if f is not None:
                f.close()
        data = self._index.data
        if hasattr(data, "close"):
            data.close()

    def __enter__(self) -> Revlog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Revlog {self.name} {len(self)} revs {self.format_description()}>"

    # -- format --------------------------------------------------------------

    def __len__(self) -> int:
        return self._index.count

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self)))

    @property
    def index_path(self) -> str:
        """Filesystem path of the file holding the entries (``.i``, or ``.idx`` for v2)."""
        return self._index.file

    @property
    def data_path(self) -> str:
        """Filesystem path of the file holding the chunks (the ``.i`` itself when inline)."""
        return self._index.file if self._data is None else self._data.path

    @property
    def entry_size(self) -> int:
        return self._index.entry_size

    @property
    def trailing_index_bytes(self) -> int:
        """Bytes after the last whole entry of the index (a partial entry: damage)."""
        return self._index.trailing_bytes

    def format_description(self) -> str:
        parts = [{REVLOG_V0: "v0", REVLOG_V1: "v1", REVLOG_V2: "v2",
                  CHANGELOG_V2: "changelog-v2"}[self.version]]
        if self.inline:
            parts.append("inline")
        if self.generaldelta:
            parts.append("generaldelta")
        if self.filelog_meta:
            parts.append("filelog-meta")
        if self.delta_info:
            parts.append("delta-info")
        return " ".join(parts)

    # -- entries -------------------------------------------------------------

    def entry(self, rev: int) -> IndexEntry:
        return self._index.entry(rev)

    def entry_bytes(self, rev: int) -> bytes:
        """The on-disk bytes of entry ``rev`` (rev 0 of v1 starts with the header)."""
        self._index.check_rev(rev)
        return self._index.entry_bytes(rev)

    def entry_offset(self, rev: int) -> int:
        """Byte offset of entry ``rev`` in ``index_path``."""
        self._index.check_rev(rev)
        return self._index.entry_position(rev)

    def node(self, rev: int) -> bytes:
        if rev != NULL_REV:
            self._index.check_rev(rev)
        return self._index.node(rev)

    def flags(self, rev: int) -> int:
        return self.entry(rev).flags

    def start(self, rev: int) -> int:
        """Logical offset of the chunk (as stored in the entry)."""
        self._index.check_rev(rev)
        return self._index.start(rev)

    def length(self, rev: int) -> int:
        """Compressed length of the chunk."""
        self._index.check_rev(rev)
        return self._index.chain_fields(rev)[0]

    def end(self, rev: int) -> int:
        return self.start(rev) + self.length(rev)

    def chunk_offset(self, rev: int) -> int:
        """Byte offset of the chunk of ``rev`` in ``data_path``."""
        return self._link(rev)[1]

    def parents(self, rev: int) -> tuple[int, int]:
        """Parent revisions, checked to be earlier revisions of this revlog."""
        e = self.entry(rev)
        for which, p in ((1, e.p1), (2, e.p2)):
            if not -1 <= p < rev:
                self._raise(rev, f"parent {which} is {p}, not an earlier revision",
                            self._index.file, self._field_offset(rev, 24 if which == 1 else 28))
        return e.p1, e.p2

    def parent_nodes(self, rev: int) -> tuple[bytes, bytes]:
        p1, p2 = self.parents(rev)
        return self._index.node(p1), self._index.node(p2)

    def _field_offset(self, rev: int, within: int) -> int:
        return self._index.entry_position(rev) + within

    def _raise(self, rev: int, message: str, file: str, offset: int | None):
        raise CorruptionError(message, file=file, rev=rev, offset=offset)

    # -- node lookup -------------------------------------------------------------

    def rev(self, node: bytes) -> int:
        """Revision of a 20-byte node; ``LookupError`` if absent."""
        if node == NULL_NODE:
            return NULL_REV
        found = self._persistent_matches(node.hex(), lambda n: n == node)
        if found is None:
            rev = self._node_dict().get(node)
            found = set() if rev is None else {rev}
        if not found:
            raise LookupError(f"{self.name}: no node {node.hex()}")
        return found.pop()

    def has_node(self, node: bytes) -> bool:
        try:
            self.rev(node)
        except LookupError:
            return False
        return True

    def lookup(self, key: str | int | bytes) -> int:
        """A revision from a rev number, a binary node, a full or partial hex node."""
        if isinstance(key, int):
            self._index.check_rev(key)
            return key
        if isinstance(key, bytes) and len(key) == 20:
            return self.rev(key)
        key = key.decode("ascii") if isinstance(key, bytes) else key
        try:
            rev = int(key)
        except ValueError:
            rev = None
        if rev is not None and str(rev) == key:
            if rev < 0:
                rev += len(self)
            if 0 <= rev < len(self):
                return rev
        if len(key) == 40:
            try:
                return self.rev(bytes.fromhex(key))
            except ValueError:
                pass
        return self._lookup_prefix(key)

    def _lookup_prefix(self, prefix: str) -> int:
        prefix = prefix.lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            raise LookupError(f"{self.name}: no revision or node matches {prefix!r}")
        matches = self._prefix_matches(prefix)
        if "0000000000000000000000000000000000000000".startswith(prefix):
            matches.add(NULL_REV)
        if not matches:
            raise LookupError(f"{self.name}: no node starts with {prefix}")
        if len(matches) > 1:
            raise AmbiguousPrefixError(f"{self.name}: prefix {prefix} is ambiguous")
        return matches.pop()

    def _persistent_matches(self, prefix: str, accept: Callable[[bytes], bool]) -> set[int] | None:
        """Revisions found through the persistent nodemap whose node passes ``accept``;
        None when there is no usable nodemap (the caller falls back to the index)."""
        persistent = self._persistent_nodemap()
        if persistent is None:
            return None
        node = self._index.node
        try:
            candidates = persistent.find(prefix)
        except CorruptionError:
            self._persistent = False  # verify reports it; from now on use the index
            return None
        found = {r for r in candidates if 0 <= r < len(self) and accept(node(r))}
        # revisions added after the nodemap was last written are not in it
        found.update(r for r in range(self._nodemap_tip + 1, len(self)) if accept(node(r)))
        return found

    def _prefix_matches(self, prefix: str) -> set[int]:
        found = self._persistent_matches(prefix, lambda n: n.hex().startswith(prefix))
        if found is not None:
            return found
        nodes = self._sorted_node_list()
        low = bytes.fromhex(prefix + "0" * (len(prefix) % 2))
        found = set()
        index = self._node_dict()
        for i in range(bisect_left(nodes, low), len(nodes)):
            if not nodes[i].hex().startswith(prefix):
                break
            found.add(index[nodes[i]])
        return found

    def _node_dict(self) -> dict[bytes, int]:
        if self._nodemap is None:
            node = self._index.node
            self._nodemap = {node(r): r for r in range(len(self))}
        return self._nodemap

    def _sorted_node_list(self) -> list[bytes]:
        if self._sorted_nodes is None:
            self._sorted_nodes = sorted(self._node_dict())
        return self._sorted_nodes

    def _persistent_nodemap(self) -> PersistentNodemap | None:
        """The on-disk nodemap when present and matching the index, else None."""
        if self._persistent is None:
            self._persistent = False
            try:
                self._persistent = self._load_persistent_nodemap() or False
            except CorruptionError:
                self._persistent = False  # verify reports it; lookups fall back
        return self._persistent or None

    def _load_persistent_nodemap(self) -> PersistentNodemap | None:
        docket_path = self._sidefile(".n")
        raw = load_bytes(docket_path)
        docket = parse_nodemap_docket(bytes(raw), docket_path)
        if docket is None or not 0 <= docket.tip_rev < len(self):
            return None
        if self._index.node(docket.tip_rev) != docket.tip_node:
            return None
        data_path = self._sidefile(docket.data_suffix())
        data = load_bytes(data_path, docket.data_length)
        if len(data) < docket.data_length:
            return None
        self._nodemap_tip = docket.tip_rev
        return PersistentNodemap(data, data_path)

    # -- delta chains ----------------------------------------------------------

    def delta_parent(self, rev: int) -> int:
        """The revision ``rev`` is stored as a delta against; -1 for a full text."""
        self._index.check_rev(rev)
        base = self._index.chain_fields(rev)[1]
        if base == rev or base == NULL_REV:
            return NULL_REV
        if not -1 <= base < rev:
            self._bad_base(rev, base)
        return base if self.generaldelta else rev - 1

    def _bad_base(self, rev: int, base: int):
        within = 8 if self.version == REVLOG_V0 else 16
        self._raise(rev, f"delta base {base} is not an earlier revision",
                    self._index.file, self._field_offset(rev, within))

    def _bad_length(self, rev: int, clen: int):
        within = 4 if self.version == REVLOG_V0 else 8
        self._raise(rev, f"chunk has length {clen}", self._index.file,
                    self._field_offset(rev, within))

    def delta_chain(self, rev: int, stop: int | None = None) -> list[int]:
        """Revisions whose chunks rebuild ``rev``, from the full snapshot up to ``rev``."""
        return [link[0] for link in self._chain(rev, stop)[0]]

    def _chain(self, rev: int, stop: int | None) -> tuple[list[Link], bool]:
        """The links rebuilding ``rev``, oldest first, and whether the walk stopped
        early, without including it, at ``stop`` (a revision whose text we hold).

        Each link is (rev, position of its chunk in the data file, compressed
        length, largest decompressed size accepted). Revisions with an empty
        chunk change nothing and are left out, as Mercurial does.
        """
        self._index.check_rev(rev)
        if self._index.plain_v1_layout:
            return self._plain_chain(rev, stop)
        link = self._index.link
        generaldelta = self.generaldelta
        esize = self._index.entry_size if self.inline else 0
        links = []
        r = rev
        offset, clen, ulen, base = link(r)
        while r != base and base != NULL_REV:
            if r == stop:
                links.reverse()
                return links, True
            if not -1 <= base < r:
                self._bad_base(r, base)
            if clen > 0:
                links.append((r, offset + (r + 1) * esize, clen, self._bound(ulen, clen, False)))
            elif clen:
                self._bad_length(r, clen)
            r = base if generaldelta else r - 1
            offset, clen, ulen, base = link(r)
        if r == stop:
            links.reverse()
            return links, True
        links.append((r, offset + (r + 1) * esize, clen, self._bound(ulen, clen, True)))
        links.reverse()
        return links, False

    def _plain_chain(self, rev: int, stop: int | None) -> tuple[list[Link], bool]:
        """``_chain`` for split v1/v2 indexes, where entry r sits at r * size: the hot case,
        unrolled to one unpack per link."""
        index = self._index
        data, esize, unpack = index.data, index.entry_size, V1_LINK.unpack_from
        header = 1 if index.header_in_entry else 0
        generaldelta = self.generaldelta
        links = []
        r = rev
        word, clen, ulen, base = unpack(data, r * esize)
        while r != base and base != NULL_REV:
            if r == stop:
                links.reverse()
                return links, True
            if not -1 <= base < r:
                self._bad_base(r, base)
            if clen > 0:
                links.append((r, 0 if r == 0 and header else word >> 16, clen,
                              16 * ulen + 4096 if ulen >= 0 else -1))
            elif clen:
                self._bad_length(r, clen)
            r = base if generaldelta else r - 1
            word, clen, ulen, base = unpack(data, r * esize)
        if r == stop:
            links.reverse()
            return links, True
        links.append((r, 0 if r == 0 and header else word >> 16, clen, ulen))
        links.reverse()
        return links, False

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
        if self.delta_info:
            return bool(self.flags(rev) & REVIDX_DELTA_IS_SNAPSHOT)
        while True:
            self._index.check_rev(rev)
            base = self._index.chain_fields(rev)[1]
            if base == rev or base == NULL_REV:
                return True
            if not -1 <= base < rev:
                self._bad_base(rev, base)
            e = self._index.entry(rev)
            if base in (self._skip_empty(e.p1), self._skip_empty(e.p2)):
                return False
            rev = base

    def _skip_empty(self, p: int) -> int:
        """Follow a parent down through empty deltas by their base field."""
        while 0 <= p < len(self):
            clen, base = self._index.chain_fields(p)
            if clen or base == p or not -1 <= base < p:
                break
            p = base
        return p

    def snapshot_depth(self, rev: int) -> int:
        """0 for a full snapshot, k for an intermediate snapshot k levels up."""
        return len(self.delta_chain(rev)) - 1

    # -- chunks ----------------------------------------------------------------

    def _bound(self, ulen: int, clen: int, full: bool) -> int:
        """Largest decompressed size accepted for a chunk (the bomb guard).

        A full text must be exactly its declared size; a delta stays within a
        generous multiple of it. v0 declares no size: a bound from the chunk's
        length and zlib's best ratio stands in. A negative declared size is
        damage: a negative bound makes the decompressor refuse the chunk.
        """
        if self.version == REVLOG_V0:
            return 1100 * clen + 1024
        if ulen < 0:
            return -1
        return ulen if full else 16 * ulen + 4096

    def _link(self, rev: int) -> Link:
        """The chain link of ``rev`` alone (its chunk's position, length and size bound)."""
        self._index.check_rev(rev)
        offset, clen, ulen, base = self._index.link(rev)
        limit = self._bound(ulen, clen, base == rev or base == NULL_REV)
        return rev, self._index.data_position(rev, offset), clen, limit

    def raw_chunk(self, rev: int) -> bytes:
        """The chunk exactly as stored on disk."""
        return self._read_chunks([self._link(rev)])[0]

    def chunk_compression(self, rev: int, raw: bytes | None = None) -> str:
        """How the chunk of ``rev`` is stored: 'zlib', 'zstd', 'none', 'uncompressed',
        'plain' or 'empty'. v2 entries may say it in their compression mode rather
        than with a header byte: a plain chunk's first byte is data ('plain'), a
        default one uses the docket's engine. ``raw``: the chunk, when the caller
        has already read it.
        """
        if raw is None:
            raw = self.raw_chunk(rev)
        if not raw:
            return "empty"
        mode = COMP_MODE_INLINE
        if self.docket is not None:
            mode = self.entry(rev).data_compression_mode
        if mode == COMP_MODE_PLAIN:
            return "plain"
        if mode == COMP_MODE_DEFAULT:
            return compression.HEADER_NAMES.get(self.docket.default_compression, "unknown")
        return compression.chunk_kind(raw)

    def chunk(self, rev: int) -> bytes:
        """The chunk decompressed: a full text or a delta."""
        link = self._link(rev)
        return self._decompress([link], self._read_chunks([link]))[0]

    def _decompress(self, links: list[Link], raws: list[bytes]) -> list[bytes]:
        """Decompressed chunks, each refused past its link's size bound."""
        out = []
        try:
            if self.docket is None:
                decompress = compression.decompress
                zstd = compression.decompress_zstd
                for link, raw in zip(links, raws):
                    # zstd is the common case: skip one dispatch level for it
                    out.append(zstd(raw, link[3]) if raw[:1] == b"(" else decompress(raw, link[3]))
            else:
                for link, raw in zip(links, raws):
                    out.append(self._decompress_v2(link, raw))
        except compression.DecompressionError as exc:
            link = links[len(out)]
            self._raise(link[0], str(exc), self.data_path, link[1])
        return out

    def _decompress_v2(self, link: Link, raw: bytes) -> bytes:
        mode = self._index.entry(link[0]).data_compression_mode
        if mode == COMP_MODE_INLINE:
            return compression.decompress(raw, link[3])
        if mode == COMP_MODE_PLAIN:
            return bytes(raw)
        if mode == COMP_MODE_DEFAULT:
            return compression.decompress_with(self.docket.default_compression, raw, link[3])
        raise compression.DecompressionError(f"unknown compression mode {mode}")

    def _read_chunks(self, links: list[Link]) -> list[bytes]:
        """On-disk chunks of ``links`` (ascending), reading near neighbours in one go."""
        for r, pos, clen, _ in links:
            if clen < 0 or pos < 0:
                self._raise(r, f"chunk at {pos} has length {clen}", self._index.file,
                            self._index.entry_position(r))
        if self._data is None:
            return [self._slice_inline(r, pos, clen) for r, pos, clen, _ in links]
        out = []
        i = 0
        while i < len(links):
            j = i
            while (j + 1 < len(links)
                   and 0 <= links[j + 1][1] - (links[j][1] + links[j][2]) <= _MAX_GAP):
                j += 1
            span_start = links[i][1]
            span = self._data.read(span_start, links[j][1] + links[j][2] - span_start)
            for r, pos, clen, _ in links[i : j + 1]:
                piece = span[pos - span_start : pos - span_start + clen]
                if len(piece) != clen:
                    self._truncated(r, pos, clen, self._data.path, self._data.size())
                out.append(piece)
            i = j + 1
        return out

    def _slice_inline(self, rev: int, pos: int, clen: int) -> bytes:
        data = self._index.data
        piece = data[pos : pos + clen]
        if len(piece) != clen:
            self._truncated(rev, pos, clen, self._index.file, len(data))
        return piece if isinstance(piece, bytes) else bytes(piece)

    def _truncated(self, rev: int, pos: int, clen: int, file: str, size: int):
        self._raise(rev, f"chunk of {clen} bytes at {pos} runs past the end of the file "
                         f"({size} bytes)", file, min(pos, size))

    # -- texts -------------------------------------------------------------------

    def revision(self, rev: int) -> bytes:
        """The raw text of ``rev``, byte for byte what ``hg debugdata`` prints."""
        if rev == NULL_REV:
            return b""
        cache = self._cache
        if cache is not None and cache[0] == rev:
            return cache[1]
        links, stopped = self._chain(rev, cache[0] if cache is not None else None)
        chunks = self._decompress(links, self._read_chunks(links))
        if stopped:
            base, deltas, first = cache[1], chunks, 0
        else:
            base, deltas, first = chunks[0], chunks[1:], 1
        try:
            text = apply_deltas(base, deltas)
        except PatchError as exc:
            bad = links[first + exc.delta_index]
            self._raise(bad[0], f"delta does not apply: {exc} (at byte {exc.position} of the "
                                f"decompressed delta)", self.data_path, bad[1])
        self._cache = (rev, text)
        return text

    def raw_size(self, rev: int) -> int:
        """Length of the raw text (computed for v0, which does not store it)."""
        size = self.entry(rev).uncompressed_length
        return size if size is not None and size >= 0 else len(self.revision(rev))

    def check_hash(self, rev: int) -> bool:
        """True when the node is the hash of the parents and the raw text."""
        p1, p2 = self.parent_nodes(rev)
        return hash_revision(self.revision(rev), p1, p2) == self.node(rev)

    def hash_status(self, rev: int) -> str:
        """'ok', 'mismatch', or why the hash cannot match by design:
        'censored', 'extstored' (text kept elsewhere, e.g. lfs), 'ellipsis'."""
        if self.check_hash(rev):
            return "ok"
        flags = self.flags(rev)
        if flags & REVIDX_ISCENSORED:
            return "censored"
        if flags & REVIDX_EXTSTORED:
            return "extstored"
        if flags & REVIDX_ELLIPSIS:
            return "ellipsis"
        return "mismatch"

    def is_censored(self, rev: int) -> bool:
        return bool(self.flags(rev) & REVIDX_ISCENSORED)

    def sidedata(self, rev: int) -> bytes:
        """The decompressed sidedata blob of ``rev`` (empty when it has none)."""
        e = self.entry(rev)
        if not e.sidedata_length or self._sidedata is None:
            return b""
        raw = self._sidedata.read(e.sidedata_offset, e.sidedata_length)
        if len(raw) != e.sidedata_length:
            self._truncated(rev, e.sidedata_offset, e.sidedata_length, self._sidedata.path,
                            self._sidedata.size())
        mode = e.sidedata_compression_mode
        limit = 64 * e.sidedata_length + 65536
        try:
            if mode == COMP_MODE_PLAIN:
                return raw
            if mode == COMP_MODE_DEFAULT:
                return compression.decompress_with(self.docket.default_compression, raw, limit)
            return compression.decompress(raw, limit)
        except compression.DecompressionError as exc:
            self._raise(rev, f"sidedata: {exc}", self._sidedata.path, e.sidedata_offset)

    # -- writing -------------------------------------------------------------------

    def add_revision(self, text: bytes, p1: int, p2: int, link_rev: int, tr, flags: int = 0, *,
                     cached_delta: tuple[int, bytes] | None = None,
                     node: bytes | None = None) -> int:
        """Append a revision inside transaction ``tr``; return its rev.

        The delta base is chosen as Mercurial chooses it; an identical node
        already present is returned instead. ``cached_delta`` (base, delta) is
        a delta the caller already has (the manifest's against p1).
        """
        if self._writer is None:
            from .writer import RevlogWriter, default_config

            self._writer = RevlogWriter(self, self.write_config or default_config(self))
        return self._writer.add(text, p1, p2, link_rev, tr, flags, cached_delta, node)

    def clear_caches(self) -> None:
        """Forget the cached text and read window (for cold reads, or after writes)."""
        self._cache = None
        for f in (self._data, self._sidedata):
            if f is not None:
                f.forget()

    def data_size(self) -> int:
        """Bytes of the data file (of the ``.i`` when inline)."""
        if self._data is None:
            return len(self._index.data)
        return self._data.size()

    def heads(self) -> list[int]:
        """Revisions that are no other revision's parent."""
        is_head = [True] * len(self)
        for r in range(len(self)):
            e = self._index.entry(r)
            for p in (e.p1, e.p2):
                if 0 <= p < len(self):
                    is_head[p] = False
        return [r for r, head in enumerate(is_head) if head]
