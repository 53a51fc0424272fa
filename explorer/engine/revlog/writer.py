"""Appending revisions to a revlog, inside a transaction.

Every layout Mercurial reads is written: v0 (76-byte entries, parents as
nodes, chains against the previous revision), v1 inline and split, v2 with
its docket (rewritten when a write ends) and changelog-v2 (ranks, no base).

For each revision the writer hashes the node, chooses what to store
(``delta_search``: a delta against the base Mercurial would pick, or the
full text), compresses it and packs the entry; the bytes go to the files
through the transaction's ``WriteSession``, and the new revision to the
``InnerRevlog`` the public ``Revlog`` reads through.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import LookupError, RevlogError
from ..format.compression import Compressor
from ..format.constants import (
    CHANGELOG_V2,
    COMP_MODE_DEFAULT,
    COMP_MODE_INLINE,
    COMP_MODE_PLAIN,
    FLAG_GENERALDELTA,
    FLAG_INLINE_DATA,
    NULL_REV,
    RAWTEXT_CHANGING_FLAGS,
    REVIDX_COPY_DELTA,
    REVIDX_DELTA_IS_SNAPSHOT,
    REVLOG_V0,
    REVLOG_V1,
)
from ..format.docket import Docket
from ..format.header import RevlogFormat
from ..format.index import IndexEntry, pack_entry
from ..format.nodeid import hash_revision
from ..transaction.transaction import Transaction
from .delta_search import DeltaConfig, DeltaInfo, DeltaSearch, SnapshotIndex
from .inner import InnerRevlog
from .write_session import WriteSession

MAX_REVISION_SIZE = (1 << 31) - 1


@dataclass(frozen=True)
class WriteConfig:
    """How a store writes one revlog (derived from its requirements)."""

    compression: str = "zstd"
    level: int | None = None
    delta: DeltaConfig = field(default_factory=DeltaConfig)
    may_inline: bool = True  # False for the changelog of a 7.x store
    delayed: bool = False  # the changelog: entries visible only at close
    version: int = REVLOG_V1  # for a revlog created by this write
    header_flags: int = FLAG_INLINE_DATA | FLAG_GENERALDELTA
    on_new_file: Callable[[str], None] | None = None  # fncache registration
    uid: Callable[[], str] = lambda: secrets.token_hex(4)  # v2 file names


class RevlogWriter:
    """Adds revisions to the revlog whose files ``inner`` holds."""

    def __init__(self, inner: InnerRevlog, cfg: WriteConfig) -> None:
        self.inner = inner
        self.cfg = cfg
        self.compressor = Compressor(cfg.compression, cfg.level)
        self.snapshots = SnapshotIndex()
        self._session: WriteSession | None = None
        if inner.index.trailing_bytes:
            raise RevlogError(f"{inner.name}: refusing to write after a truncated entry")
        if len(inner) == 0 and inner.docket is None:
            self._start_new()
        inner.make_writable()

    # -- the one public operation ----------------------------------------------------

    def add(self, text: bytes, p1: int, p2: int, link: int, tr: Transaction, flags: int = 0,
            cached: tuple[int, bytes] | None = None, node: bytes | None = None,
            copy_payload: bytes | None = None) -> int:
        """Append ``text`` with parents ``p1``/``p2``; an existing node returns its rev.

        ``node`` is given only when rewriting history (a censored revision keeps
        its node though its stored text changed); otherwise it is the hash.
        ``copy_payload`` stores the revision as a light-weight copy instead
        (``format/copydelta.py``: the payload, flagged, as its own chain base).
        """
        inner = self.inner
        for p in (p1, p2):
            if not -1 <= p < len(inner):
                raise RevlogError(f"{inner.name}: parent {p} is not a revision")
        if len(text) > MAX_REVISION_SIZE:
            raise RevlogError(f"{inner.name}: {len(text)} bytes exceed a revlog's 2 GiB limit")
        if node is None:
            node = hash_revision(text, inner.node(p1), inner.node(p2))
        try:
            return inner.nodes.rev(node)
        except LookupError:
            pass
        if inner.format.version == REVLOG_V0 and flags:
            raise RevlogError(f"{inner.name}: revlog v0 cannot store revision flags")
        session = self._begin(tr)
        if copy_payload is None:
            info = self._choose(text, p1, p2, flags, cached)
        else:
            info = self._copy_delta(copy_payload)
            flags |= REVIDX_COPY_DELTA
        entry, chunk = self._pack(text, node, p1, p2, link, flags, info)
        session.store(entry, chunk)
        rev = inner.append(entry, chunk, node, text)
        session.after_store()
        return rev

    # -- choosing the delta ----------------------------------------------------------------

    def _choose(self, text: bytes, p1: int, p2: int, flags: int,
                cached: tuple[int, bytes] | None) -> DeltaInfo:
        search = DeltaSearch(self.inner, self.cfg.delta, text, p1, p2, self.compressor.compress,
                             self.snapshots, cached)
        if flags & RAWTEXT_CHANGING_FLAGS:
            return search.full_text()
        return search.find()

    def _copy_delta(self, payload: bytes) -> DeltaInfo:
        """A light-weight copy's chunk: its payload compressed, based on itself."""
        if self.inner.format.version != REVLOG_V1 or self.inner.kind != "filelog":
            raise RevlogError(f"{self.inner.name}: light-weight copies go in v1 filelogs only")
        header, data = self.compressor.compress(payload)
        rev = len(self.inner)
        size = len(header) + len(data)
        return DeltaInfo(rev, rev, 1, size, size, header, data, 0)

    # -- the entry -------------------------------------------------------------------------

    def _pack(self, text: bytes, node: bytes, p1: int, p2: int, link: int, flags: int,
              info: DeltaInfo) -> tuple[bytes, bytes]:
        """The entry's bytes and the chunk's, for the next revision."""
        inner = self.inner
        fmt = inner.format
        rev = len(inner)
        header, data = info.header, info.data
        mode = COMP_MODE_INLINE
        if inner.docket is not None:
            mode, header = self._v2_mode(header, data)
        if fmt.delta_info and info.snapshot_depth is not None:
            flags |= REVIDX_DELTA_IS_SNAPSHOT
        offset = self._data_end()
        length = len(header) + len(data)
        entry = IndexEntry(rev, offset, flags, length, len(text), info.base, link, p1, p2, node,
                           data_compression_mode=mode, rank=self._rank(p1, p2))
        if fmt.version == CHANGELOG_V2:
            entry = entry._replace(base=rev, link_rev=rev)
        raw = pack_entry(fmt.version, entry, inner.node(p1), inner.node(p2))
        if rev == 0 and fmt.header_in_entry:
            raw = fmt.header + raw[4:]
        return raw, header + data

    def _v2_mode(self, header: bytes, data: bytes) -> tuple[int, bytes]:
        """The compression mode of a v2 entry, and the header actually stored."""
        if not header and not data:
            return COMP_MODE_PLAIN, b""
        if header == b"u":
            return COMP_MODE_PLAIN, b""
        if data[:1] == b"\0":
            return COMP_MODE_PLAIN, b""
        if data[:1] == self.inner.docket.default_compression:
            return COMP_MODE_DEFAULT, b""
        return COMP_MODE_INLINE, header

    def _rank(self, p1: int, p2: int) -> int:
        """len(::rev) for changelog-v2: its ancestors, itself included."""
        inner = self.inner
        if inner.format.version != CHANGELOG_V2:
            return -1
        if p2 == NULL_REV or p1 == NULL_REV:
            p = p1 if p2 == NULL_REV else p2
            return 1 if p == NULL_REV else inner.entry(p).rank + 1
        return len(_ancestors(inner, {p1, p2})) + 1

    def _data_end(self) -> int:
        inner = self.inner
        if inner.docket is not None:
            return inner.docket.data_end
        return inner.end(len(inner) - 1) if len(inner) else 0

    # -- sessions: one per transaction ----------------------------------------------

    def _begin(self, tr: Transaction) -> WriteSession:
        if self._session is not None and self._session.tr is tr:
            return self._session
        if not self.inner.is_current():  # another writer (hg) changed it: start afresh
            self.inner.reload()
            self.snapshots = SnapshotIndex()
        cfg = self.cfg
        session = WriteSession(self.inner, tr, delayed=cfg.delayed, may_inline=cfg.may_inline,
                               on_new_file=cfg.on_new_file, on_end=self._session_ended)
        self._session = session
        session.begin()
        return session

    def _session_ended(self, session: WriteSession, rolled_back: bool) -> None:
        if self._session is session:
            self._session = None
        self.inner.note_written()
        if rolled_back:  # the revisions the searches knew of may be gone
            self.snapshots = SnapshotIndex()

    # -- a new revlog ----------------------------------------------------------------------

    def _start_new(self) -> None:
        """Set up an empty revlog in the configured format."""
        inner, cfg = self.inner, self.cfg
        fmt = RevlogFormat.new(cfg.version, cfg.header_flags, may_inline=cfg.may_inline)
        docket = None
        radix = inner.name[:-2]
        files = [inner.name]
        if fmt.has_docket:
            docket = Docket(cfg.version | 0, cfg.uid().encode(), cfg.uid().encode(),
                            cfg.uid().encode(), 0, 0, 0, 0, 0, 0, self.compressor.header)
            # Mercurial counts .dat/.sda as the revlog's only once they hold bytes
            files.append(radix + docket.index_suffix())
        elif not fmt.inline:
            files.append(radix + ".d")
        inner.start_empty(fmt, docket, sparse=cfg.delta.sparse and fmt.generaldelta)
        if cfg.on_new_file is not None:
            for name in files:
                cfg.on_new_file(name)


def _ancestors(inner: InnerRevlog, heads: set[int]) -> set[int]:
    seen = set()
    todo = [h for h in heads if h != NULL_REV]
    while todo:
        rev = todo.pop()
        if rev in seen:
            continue
        seen.add(rev)
        todo.extend(p for p in inner.parents(rev) if p != NULL_REV and p not in seen)
    return seen


def default_config(inner: InnerRevlog) -> WriteConfig:
    """How to extend a revlog opened on its own: keep its format and engine."""
    fmt = inner.format
    engine = "zlib"
    if len(inner):
        first = inner.raw_chunk(0)[:1]
        engine = {b"(": "zstd", b"x": "zlib"}.get(first, engine)
    changelog = inner.kind == "changelog"
    # a new revlog gets today's defaults: generaldelta and sparse-revlog
    generaldelta = fmt.generaldelta if len(inner) else True
    sparse = inner.sparse if len(inner) else True
    delta = DeltaConfig(generaldelta=generaldelta, sparse=sparse and generaldelta,
                        store_deltas=not changelog,
                        max_chain_len=1000 if sparse and generaldelta else None,
                        upper_bound_comp={"filelog": 10, "manifest": 3}.get(inner.kind))
    flags = fmt.flags if len(inner) else FLAG_INLINE_DATA | FLAG_GENERALDELTA
    return WriteConfig(compression=engine, delta=delta, may_inline=not changelog,
                       version=fmt.version if len(inner) else REVLOG_V1, header_flags=flags)
