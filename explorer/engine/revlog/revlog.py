"""One revlog: its entries, chunks, delta chains, revision texts and hashes, and
new revisions appended to it.

A revlog is an index (``.i``) and, unless inline, a data file (``.d``). In
the v2 formats the ``.i`` is a docket naming ``.idx``/``.dat``/``.sda`` files.
``Revlog.open`` works all of that out from the bytes, reads nothing but the
header (and the docket), and decodes entries only when asked.

``Revlog`` is the public face. The files and caches belong to its
``InnerRevlog`` (``revlog/inner.py``), through which it reads; appending goes
to a ``RevlogWriter`` (``revlog/writer.py``) created on the first write,
which works through the same inner object.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..errors import AmbiguousPrefixError, LookupError
from ..format import compression
from ..format.constants import (
    COMP_MODE_DEFAULT,
    COMP_MODE_INLINE,
    COMP_MODE_PLAIN,
    NULL_REV,
    REVIDX_ELLIPSIS,
    REVIDX_EXTSTORED,
    REVIDX_ISCENSORED,
)
from ..format.index import IndexEntry
from ..format.nodeid import hash_revision
from . import graph
from .inner import InnerRevlog
from .nodes import read_persisted
from .prefixes import shortest_prefix
from .scan import TextScan
from .slicing import ReadConfig, ReadSlice

if TYPE_CHECKING:
    from ..format.docket import Docket
    from ..format.nodemap import NodemapDocket
    from .delta_search import DeltaConfig, DeltaInfo, Tracer
    from .writer import RevlogWriter, WriteConfig


class Revlog:
    """Read (and append to) one revlog. Open with ``Revlog.open``."""

    def __init__(self, inner: InnerRevlog) -> None:
        self._inner = inner
        self._writer: RevlogWriter | None = None
        self.write_config: WriteConfig | None = None  # set by a Repo: how it writes here
        self._heads: tuple[tuple, list[int]] | None = None  # (the columns they are of, heads)

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
        read_config: ReadConfig | None = None,
    ) -> Revlog:
        """Open the revlog whose index (or v2 docket) is ``index_path``.

        ``data_path`` is the ``.d`` file (needed when names are hashed, as the
        ``.d`` of a ``dh/`` name is not the ``.i`` name with another suffix);
        ``sidefile(suffix)`` maps ``<radix><suffix>`` names (v2 ``-uid.idx``,
        nodemap ``.n``) to paths; ``name`` is the unencoded store path used in
        messages; ``sparse`` says whether the store uses sparse-revlog (it
        changes which revisions count as snapshots; by default, any
        generaldelta revlog is taken as sparse); ``read_config`` how chains are
        read (``slicing.ReadConfig``; by default sliced when ``sparse``, at hg's
        default thresholds; a ``Store`` passes what its configuration says).
        """
        return cls(InnerRevlog.open(index_path, data_path=data_path, sidefile=sidefile,
                                    name=name, kind=kind, sparse=sparse,
                                    read_config=read_config))

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> Revlog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Revlog {self.name} {len(self)} revs {self.format_description()}>"

    # -- format --------------------------------------------------------------

    def __len__(self) -> int:
        return self._inner.index.count

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self)))

    @property
    def name(self) -> str:
        """The unencoded store path ("data/foo.txt.i"), or the file path on its own."""
        return self._inner.name

    @property
    def kind(self) -> str:
        """"changelog", "manifest" or "filelog"."""
        return self._inner.kind

    @property
    def index_file(self) -> str:
        """Filesystem path of the ``.i`` (the docket, for v2)."""
        return self._inner.index_file

    @property
    def docket(self) -> Docket | None:
        return self._inner.docket

    @property
    def version(self) -> int:
        return self._inner.format.version

    @property
    def format_flags(self) -> int:
        return self._inner.format.flags

    @property
    def inline(self) -> bool:
        return self._inner.format.inline

    @property
    def generaldelta(self) -> bool:
        return self._inner.format.generaldelta

    @property
    def filelog_meta(self) -> bool:
        return self._inner.format.filelog_meta

    @property
    def delta_info(self) -> bool:
        return self._inner.format.delta_info

    @property
    def sparse(self) -> bool:
        """The store's sparse-revlog setting (it decides what counts as a snapshot)."""
        return self._inner.sparse

    @property
    def read_config(self) -> ReadConfig:
        """How chains are read: sliced or not, at which density and minimum gap."""
        return self._inner.read_config

    @property
    def index_path(self) -> str:
        """Filesystem path of the file holding the entries (``.i``, or ``.idx`` for v2)."""
        return self._inner.index.file

    @property
    def data_path(self) -> str:
        """Filesystem path of the file holding the chunks (the ``.i`` itself when inline)."""
        return self._inner.data_path

    @property
    def entry_size(self) -> int:
        return self._inner.index.entry_size

    @property
    def trailing_index_bytes(self) -> int:
        """Bytes after the last whole entry of the index (a partial entry: damage)."""
        return self._inner.index.trailing_bytes

    @property
    def index_bytes(self) -> int:
        """Bytes of the index file read: its size, or less where a v2 docket's end or the
        file's first hole (a sparse file) comes first."""
        return len(self._inner.index.data)

    def format_description(self) -> str:
        """"v1 inline generaldelta": the version and what its flags say."""
        return self._inner.format.describe()

    def data_size(self) -> int:
        """Bytes of the data file (of the ``.i`` when inline)."""
        return self._inner.data_size()

    def is_current(self) -> bool:
        """True when the files are as this object last read or wrote them (no other
        process, hg included, changed them since)."""
        return self._inner.is_current()

    def persisted_nodemap(self) -> tuple[NodemapDocket, bytes] | None:
        """The persistent nodemap's docket and trie bytes as they are on disk, whether or
        not they match the index (hg's ``persisted_data``); None when there is none."""
        return read_persisted(self._inner.sidefile, self.index_path.endswith(".a"))

    def uses_persistent_nodemap(self) -> bool:
        """True when node lookups go through an on-disk nodemap matching the index."""
        return self._inner.nodes.has_persistent()

    # -- entries -------------------------------------------------------------

    def entry(self, rev: int) -> IndexEntry:
        return self._inner.index.entry(rev)

    def entries(self) -> list[IndexEntry]:
        """Every entry, ``entry(rev)`` for each rev, decoded in one pass where the format
        allows (a check of all of them)."""
        return self._inner.index.entries()

    def entry_bytes(self, rev: int) -> bytes:
        """The on-disk bytes of entry ``rev`` (rev 0 of v1 starts with the header)."""
        self._inner.index.check_rev(rev)
        return self._inner.index.entry_bytes(rev)

    def entry_offset(self, rev: int) -> int:
        """Byte offset of entry ``rev`` in ``index_path``."""
        self._inner.index.check_rev(rev)
        return self._inner.index.entry_position(rev)

    def node(self, rev: int) -> bytes:
        return self._inner.node(rev)

    def flags(self, rev: int) -> int:
        return self._inner.flags(rev)

    def start(self, rev: int) -> int:
        """Logical offset of the chunk (as stored in the entry)."""
        return self._inner.start(rev)

    def length(self, rev: int) -> int:
        """Compressed length of the chunk."""
        return self._inner.length(rev)

    def end(self, rev: int) -> int:
        return self._inner.end(rev)

    def chunk_offset(self, rev: int) -> int:
        """Byte offset of the chunk of ``rev`` in ``data_path``."""
        return self._inner.link(rev)[1]

    def parents(self, rev: int) -> tuple[int, int]:
        """Parent revisions, checked to be earlier revisions of this revlog."""
        return self._inner.parents(rev)

    def parent_nodes(self, rev: int) -> tuple[bytes, bytes]:
        p1, p2 = self.parents(rev)
        return self._inner.index.node(p1), self._inner.index.node(p2)

    # -- graph queries (hg's meaning; explorer/engine/revlog/graph.py) ---------------

    def _columns(self) -> tuple[Sequence[int], Sequence[int]]:
        return self._inner.parent_columns()

    def parent_columns(self) -> tuple[array, array]:
        """(p1, p2) of every revision as two ``array('i')`` indexed by rev, each parent
        checked to be an earlier revision or -1: copies, for walks of one's own
        (``engine/revlog/graph.py`` takes them)."""
        p1, p2 = self._columns()
        return array("i", p1), array("i", p2)

    def node_prefixes(self, width: int) -> bytes:
        """The first ``width`` bytes of every revision's node, back to back (what
        hg's rev-branch cache checks its records against)."""
        return self._inner.index.node_prefixes(width)

    def _checked(self, revs: Iterable[int]) -> list[int]:
        """``revs`` as a list, each a revision of this revlog or the null revision."""
        revs = list(revs)
        for r in revs:
            if r != NULL_REV:
                self._inner.index.check_rev(r)
        return revs

    def heads(self, start: int | None = None, stop: Iterable[int] | None = None) -> list[int]:
        """Revisions with no child, ascending (``[-1]`` when empty), as hg's ``heads``:
        with ``start``, only those descending from it (itself included); revisions
        of ``stop`` count as having no child."""
        if start is None and stop is None:
            columns = self._columns()
            if self._heads is None or self._heads[0] is not columns:
                self._heads = (columns, graph.heads(*columns))  # kept, as hg's C index does
            return list(self._heads[1])
        start = NULL_REV if start is None else self._checked([start])[0]
        return graph.heads_between(*self._columns(), start, self._checked(stop or ()))

    def ancestors(self, revs: Iterable[int], stoprev: int = 0,
                  inclusive: bool = False) -> graph.LazyAncestors:
        """Ancestors of ``revs``, largest first, none below ``stoprev`` nor null; ``revs``
        themselves only when ``inclusive`` (hg's ``revlog.ancestors``): iterable (each
        time a new walk) and lazy, and ``rev in`` walks only as far as ``rev``."""
        return graph.LazyAncestors(*self._columns(), self._checked(revs), stoprev, inclusive)

    def descendants(self, revs: Iterable[int]) -> Iterator[int]:
        """Descendants of ``revs``, ascending (hg's ``revlog.descendants``). Lazy."""
        return graph.descendants(*self._columns(), self._checked(revs))

    def common_ancestor_heads(self, *revs: int) -> list[int]:
        """Heads of the common ancestors of ``revs``, ascending (hg's
        ``commonancestorsheads``; a revision is its own ancestor)."""
        return graph.common_ancestor_heads(*self._columns(), *self._checked(revs))

    def ancestor(self, a: int, b: int) -> int:
        """hg's ``revlog.ancestor``: of the deepest heads of the common ancestors, the one
        with the smallest node; -1 when there is none."""
        found = graph.deepest_common_ancestors(*self._columns(), *self._checked((a, b)))
        return min(found, key=self.node) if found else NULL_REV

    def reachable_roots(self, minroot: int, heads: Iterable[int], roots: Iterable[int],
                        include_path: bool = False) -> list[int]:
        """hg's ``reachableroots``, ascending: the ``roots`` reached walking down from
        ``heads`` through revisions >= ``minroot``; with ``include_path``, every
        revision of ``roots::heads``."""
        return graph.reachable_roots(*self._columns(), minroot, self._checked(heads),
                                     self._checked(roots), include_path)

    def is_ancestor(self, a: int, b: int) -> bool:
        """True when ``a`` is an ancestor of ``b`` or ``b`` itself (hg's ``isancestorrev``)."""
        a, b = self._checked((a, b))
        return graph.is_ancestor(*self._columns(), a, b)

    def shortest(self, node: bytes, min_length: int = 1, *, rev_numbers: str = "lengthen") -> str:
        """The shortest hex prefix naming ``node`` as hg prints it: unique among the
        nodes (and the null node), not all ``f``, and told apart from a revision
        number of this revlog by ``rev_numbers`` ('lengthen', hg's default; 'x';
        'ignore', as ``revlog.shortest``). ``LookupError`` for an absent node."""
        unique = self._inner.nodes.shortest(node)
        return shortest_prefix(node.hex(), unique, min_length, len(self), rev_numbers)

    def find_snapshots(self, start: int = 0, end: int | None = None) -> dict[int, list[int]]:
        """The snapshots among revisions ``start``..``end`` (inclusive; default: to the
        tip), keyed by the revision each is a delta against (-1 for a full text),
        each list ascending: hg's ``index.findsnapshots``, which judges by the
        sparse-revlog rule whatever the store's setting and keys by the stored
        base field (the chain base, in a non-generaldelta revlog)."""
        end = len(self) - 1 if end is None else end
        if end >= 0:
            self._inner.index.check_rev(end)
        return self._inner.find_snapshots(start, end)

    # -- node lookup -------------------------------------------------------------

    def rev(self, node: bytes) -> int:
        """Revision of a 20-byte node; ``LookupError`` if absent."""
        return self._inner.nodes.rev(node)

    def has_node(self, node: bytes) -> bool:
        try:
            self.rev(node)
        except LookupError:
            return False
        return True

    def lookup(self, key: str | int | bytes) -> int:
        """A revision from a rev number, a binary node, a full or partial hex node."""
        if isinstance(key, int):
            self._inner.index.check_rev(key)
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
        matches = self._inner.nodes.prefix_matches(prefix)
        if "0000000000000000000000000000000000000000".startswith(prefix):
            matches.add(NULL_REV)
        if not matches:
            raise LookupError(f"{self.name}: no node starts with {prefix}")
        if len(matches) > 1:
            raise AmbiguousPrefixError(f"{self.name}: prefix {prefix} is ambiguous")
        return matches.pop()

    # -- delta chains ----------------------------------------------------------

    def delta_parent(self, rev: int) -> int:
        """The revision ``rev`` is stored as a delta against; -1 for a full text."""
        return self._inner.delta_parent(rev)

    def delta_chain(self, rev: int, stop: int | None = None) -> list[int]:
        """Revisions whose chunks rebuild ``rev``, from the full snapshot up to ``rev``
        (from just after ``stop``, when the chain goes through it)."""
        return self._inner.delta_chain(rev, stop)

    def is_snapshot(self, rev: int) -> bool:
        """True for a full text, or (sparse-revlog) a delta against another snapshot
        that is not a parent: an *intermediate snapshot*."""
        return self._inner.is_snapshot(rev)

    def snapshot_depth(self, rev: int) -> int:
        """0 for a full snapshot, k for an intermediate snapshot k levels up."""
        return self._inner.snapshot_depth(rev)

    def replay_delta_search(self, rev: int, cfg: DeltaConfig, parents: tuple[int, int],
                            compress: Callable[[bytes], tuple[bytes, bytes]], *,
                            source: int = NULL_REV, trace: Tracer | None = None) -> DeltaInfo:
        """Choose again what stored ``rev`` would be stored as, as ``hg debug-delta-find``
        does (``delta_search.replay``): ``trace`` hears every step."""
        from . import delta_search  # loaded when used: not for readers

        return delta_search.replay(self._inner, cfg, rev, parents, compress, source=source,
                                   trace=trace)

    def read_slices(self, rev: int, *, sized: bool = True) -> list[ReadSlice]:
        """How the chain of ``rev`` is read when no text of it is held: one ``ReadSlice``
        (revisions, file offset, bytes read, bytes of chunks) per read, as Mercurial
        slices it (``revlog/slicing.py``). ``sized``: each read is also cut to four
        times the text's size, as when the text is rebuilt; without, the slices
        ``hg debugdeltachain`` counts."""
        declared = self.entry(rev).uncompressed_length
        target = self._inner.text_target(-1 if declared is None else declared) if sized else None
        return self._inner.read_slices(rev, target)

    # -- chunks ----------------------------------------------------------------

    def raw_chunk(self, rev: int) -> bytes:
        """The chunk exactly as stored on disk."""
        return self._inner.raw_chunk(rev)

    def chunk(self, rev: int) -> bytes:
        """The chunk decompressed: a full text or a delta."""
        return self._inner.chunk(rev)

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

    # -- texts -------------------------------------------------------------------

    def revision(self, rev: int) -> bytes:
        """The raw text of ``rev``, byte for byte what ``hg debugdata`` prints."""
        return self._inner.revision(rev)

    def raw_size(self, rev: int) -> int:
        """Length of the raw text (computed for v0, which does not store it)."""
        return self._inner.raw_size(rev)

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
        return self._inner.sidedata(rev)

    def use_copy_bases(self, resolver: Callable[[bytes, int], bytes]) -> None:
        """Read light-weight copies (``format/copydelta.py``) through ``resolver``:
        ``(payload, declared size) -> text``, which reads the base in another filelog
        (the store sets it; a revlog opened alone cannot read them)."""
        self._inner.copy_base = resolver

    def scan(self) -> TextScan:
        """Texts to be asked for in ascending revision order, each rebuilt once (a check
        of every revision); see ``scan.py``."""
        return TextScan(self._inner)

    def clear_caches(self) -> None:
        """Forget the cached texts, chunks and read window (for cold reads, or after
        writes)."""
        self._inner.forget_caches()

    # -- writing -------------------------------------------------------------------

    def add_revision(self, text: bytes, p1: int, p2: int, link_rev: int, tr, flags: int = 0, *,
                     cached_delta: tuple[int, bytes] | None = None,
                     node: bytes | None = None, copy_payload: bytes | None = None) -> int:
        """Append a revision inside transaction ``tr``; return its rev.

        The delta base is chosen as Mercurial chooses it; an identical node
        already present is returned instead. ``cached_delta`` (base, delta) is
        a delta the caller already has (the manifest's against p1). ``copy_payload``
        stores it as a light-weight copy (``format/copydelta.py``).
        """
        if self._writer is None:
            from .writer import RevlogWriter, default_config  # readers never load the writer

            config = self.write_config or default_config(self._inner)
            self._writer = RevlogWriter(self._inner, config)
        return self._writer.add(text, p1, p2, link_rev, tr, flags, cached_delta, node,
                                copy_payload)
