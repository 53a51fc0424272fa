"""Appending revisions to a revlog, inside a transaction.

Every layout Mercurial reads is written: v0 (76-byte entries, parents as
nodes, chains against the previous revision), v1 inline and split, v2 with
its docket (rewritten when a write ends) and changelog-v2 (ranks, no base).

Order of operations keeps a crash recoverable: a file's size goes to the
journal before its first append, chunks are written before the entries that
point at them, and everything that replaces a file whole (a split index, a
docket, a diverted changelog) is written aside and renamed at finalize.

Inline revlogs are split into ``.i`` + ``.d`` as soon as their data reaches
128 KiB (the new index is written aside and renamed over the old one when the
transaction closes). The changelog's index entries are *delayed* until the
transaction closes, so no reader sees a changeset whose manifest or files are
missing: they are buffered in memory, or, for an empty changelog, written to
``00changelog.i.a`` and renamed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import RevlogError
from ..format import bdiff
from ..format.compression import Compressor
from ..format.constants import (
    CHANGELOG_V2,
    COMP_MODE_DEFAULT,
    COMP_MODE_INLINE,
    COMP_MODE_PLAIN,
    FLAG_DELTA_INFO,
    FLAG_GENERALDELTA,
    FLAG_INLINE_DATA,
    MAX_INLINE_DATA,
    NULL_REV,
    RAWTEXT_CHANGING_FLAGS,
    REVIDX_DELTA_IS_SNAPSHOT,
    REVLOG_V0,
    REVLOG_V1,
    REVLOG_V2,
)
from ..format.docket import Docket
from ..format.index import HEADER, IndexEntry, pack_entry
from ..format.nodeid import hash_revision
from ..transaction.transaction import Transaction
from .delta_search import DeltaConfig, DeltaInfo, DeltaSearch, SnapshotIndex
from .revlog import Revlog, _DataFile

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


@dataclass
class _Session:
    """What one transaction has already arranged for this revlog."""

    tr: Transaction
    files: dict[str, int] = field(default_factory=dict)  # open fds by unencoded name
    delayed: list[bytes] = field(default_factory=list)
    divert: str | None = None
    split_index: str | None = None
    docket_dirty: bool = False


class RevlogWriter:
    """Adds revisions to one open ``Revlog``."""

    def __init__(self, rl: Revlog, cfg: WriteConfig) -> None:
        self.rl = rl
        self.cfg = cfg
        self.compressor = Compressor(cfg.compression, cfg.level)
        self.snapshots = SnapshotIndex()
        self._session: _Session | None = None
        self._index_name = rl.name
        self._data_name = rl.name[:-2] + ".d"
        if rl.trailing_index_bytes:
            raise RevlogError(f"{rl.name}: refusing to write after a truncated entry")
        if len(rl) == 0 and rl.docket is None:
            self._start_new()
        rl._index.make_writable()

    # -- the one public operation ----------------------------------------------------

    def add(self, text: bytes, p1: int, p2: int, link: int, tr: Transaction, flags: int = 0,
            cached: tuple[int, bytes] | None = None, node: bytes | None = None) -> int:
        """Append ``text`` with parents ``p1``/``p2``; an existing node returns its rev.

        ``node`` is given only when rewriting history (a censored revision keeps
        its node though its stored text changed); otherwise it is the hash.
        """
        rl = self.rl
        for p in (p1, p2):
            if not -1 <= p < len(rl):
                raise RevlogError(f"{rl.name}: parent {p} is not a revision")
        if len(text) > MAX_REVISION_SIZE:
            raise RevlogError(f"{rl.name}: {len(text)} bytes exceed a revlog's 2 GiB limit")
        if node is None:
            node = hash_revision(text, rl.node(p1), rl.node(p2))
        if rl.has_node(node):
            return rl.rev(node)
        if rl.version == REVLOG_V0 and flags:
            raise RevlogError(f"{rl.name}: revlog v0 cannot store revision flags")
        session = self._begin(tr)
        info = self._choose(text, p1, p2, flags, cached)
        rev = self._write(session, text, node, p1, p2, link, flags, info)
        self._after_write(session, rev, text)
        return rev

    # -- choosing the delta ----------------------------------------------------------------

    def _choose(self, text: bytes, p1: int, p2: int, flags: int,
                cached: tuple[int, bytes] | None) -> DeltaInfo:
        search = DeltaSearch(self.rl, self.cfg.delta, text, p1, p2, self.compressor.compress,
                             bdiff.diff, self.snapshots, cached)
        if flags & RAWTEXT_CHANGING_FLAGS:
            return search.full_text()
        return search.find()

    # -- writing ---------------------------------------------------------------------------

    def _write(self, session: _Session, text: bytes, node: bytes, p1: int, p2: int,
               link: int, flags: int, info: DeltaInfo) -> int:
        rl = self.rl
        rev = len(rl)
        header, data = info.header, info.data
        mode = COMP_MODE_INLINE
        if rl.docket is not None:
            mode, header = self._v2_mode(header, data)
        if rl.delta_info and info.snapshot_depth is not None:
            flags |= REVIDX_DELTA_IS_SNAPSHOT
        offset = self._data_end()
        length = len(header) + len(data)
        entry = IndexEntry(rev, offset, flags, length, len(text), info.base, link, p1, p2, node,
                           data_compression_mode=mode, rank=self._rank(p1, p2))
        if rl.version == CHANGELOG_V2:
            entry = entry._replace(base=rev, link_rev=rev)
        raw = pack_entry(rl.version, entry, rl.node(p1), rl.node(p2))
        if rev == 0 and rl.version == REVLOG_V1:
            raw = HEADER.pack(rl.format_flags | rl.version) + raw[4:]
        chunk = header + data
        if rl.inline:
            self._append(session, self._current_index_name(session), raw + chunk)
        else:
            self._append_data(session, chunk)
            self._append_entry(session, raw)
        rl._index.append(raw, chunk if rl.inline else b"")
        return rev

    def _v2_mode(self, header: bytes, data: bytes) -> tuple[int, bytes]:
        """The compression mode of a v2 entry, and the header actually stored."""
        if not header and not data:
            return COMP_MODE_PLAIN, b""
        if header == b"u":
            return COMP_MODE_PLAIN, b""
        if data[:1] == b"\0":
            return COMP_MODE_PLAIN, b""
        if data[:1] == self.rl.docket.default_compression:
            return COMP_MODE_DEFAULT, b""
        return COMP_MODE_INLINE, header

    def _rank(self, p1: int, p2: int) -> int:
        """len(::rev) for changelog-v2: its ancestors, itself included."""
        if self.rl.version != CHANGELOG_V2:
            return -1
        if p2 == NULL_REV or p1 == NULL_REV:
            p = p1 if p2 == NULL_REV else p2
            return 1 if p == NULL_REV else self.rl.entry(p).rank + 1
        return len(_ancestors(self.rl, {p1, p2})) + 1

    def _data_end(self) -> int:
        rl = self.rl
        if rl.docket is not None:
            return rl.docket.data_end
        return rl.end(len(rl) - 1) if len(rl) else 0

    def _append_data(self, session: _Session, chunk: bytes) -> None:
        rl = self.rl
        if rl.docket is not None:
            name = self._radix + rl.docket.data_suffix()
            if chunk and not rl.docket.data_end and self.cfg.on_new_file is not None:
                self.cfg.on_new_file(name)
            self._append(session, name, chunk, known_size=rl.docket.data_end)
            rl.docket.data_end += len(chunk)
            rl.docket.pending_data_end = rl.docket.data_end
            session.docket_dirty = True
        else:
            self._append(session, self._data_name, chunk)
        if rl._data.end is not None:  # None: not opened yet, it will stat the file
            rl._data.end += len(chunk)

    def _append_entry(self, session: _Session, raw: bytes) -> None:
        rl = self.rl
        if rl.docket is not None:
            name = self._radix + rl.docket.index_suffix()
            if self.cfg.delayed:
                session.delayed.append(raw)
            else:
                self._append(session, name, raw, known_size=rl.docket.index_end)
            rl.docket.index_end += len(raw)
            rl.docket.pending_index_end = rl.docket.index_end
            session.docket_dirty = True
        elif self.cfg.delayed and session.divert is None:
            session.delayed.append(raw)
        else:
            self._append(session, self._current_index_name(session), raw)

    def _current_index_name(self, session: _Session) -> str:
        return session.divert or session.split_index or self._index_name

    def _append(self, session: _Session, name: str, data: bytes,
                known_size: int | None = None) -> None:
        """Append to a store file, journaling its size first."""
        fd = session.files.get(name)
        if fd is None:
            path = session.tr.fs_path(name)
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
            size = os.lseek(fd, 0, os.SEEK_END) if known_size is None else known_size
            if known_size is not None:
                os.ftruncate(fd, known_size)  # bytes past a docket's end are not ours
                os.lseek(fd, known_size, os.SEEK_SET)
            if name not in (session.divert, session.split_index):
                session.tr.add(name, size)
            session.files[name] = fd
        os.write(fd, data)

    # -- after each revision ------------------------------------------------------------

    def _after_write(self, session: _Session, rev: int, text: bytes) -> None:
        rl = self.rl
        if rl._nodemap is not None:
            rl._nodemap[rl.node(rev)] = rev
        rl._sorted_nodes = None
        rl._cache = (rev, text)
        if rl.inline and not self.cfg.delayed and self._data_end() >= MAX_INLINE_DATA:
            self._split(session)
        elif rl.inline and not self.cfg.may_inline:
            self._split(session)
        if session.docket_dirty and not self.cfg.delayed:
            self._write_docket(session)

    # -- sessions: one per transaction ----------------------------------------------

    def _begin(self, tr: Transaction) -> _Session:
        if self._session is not None and self._session.tr is tr:
            return self._session
        session = _Session(tr)
        self._session = session
        tr.on_finalize(f"001-revlog-close-{self.rl.name}", lambda t: self._close(session))
        tr.on_abort(f"revlog-{self.rl.name}", lambda t: self._forget(session))
        if self.cfg.delayed:
            self._start_delay(session)
        if self.rl.docket is not None:
            # Mercurial opens the sidedata file even when it stays empty
            self._append(session, self._radix + self.rl.docket.sidedata_suffix(), b"",
                         known_size=self.rl.docket.sidedata_end)
        return session

    def _start_delay(self, session: _Session) -> None:
        rl = self.rl
        if rl.inline:
            self._split(session)
        if rl.docket is None and len(rl) == 0:
            session.divert = self._index_name + ".a"
            path = session.tr.fs_path(session.divert)
            if os.path.exists(path):
                os.unlink(path)
            session.tr.register_tmp(session.divert)
        session.tr.on_finalize(f"000-cl-{rl.name}", lambda t: self._finalize_delayed(session))

    def _finalize_delayed(self, session: _Session) -> None:
        """Make the changelog's new entries visible: the last step of a commit."""
        rl = self.rl
        if rl.docket is not None:
            if session.delayed:
                name = self._radix + rl.docket.index_suffix()
                end = rl.docket.index_end - sum(map(len, session.delayed))
                self._append(session, name, b"".join(session.delayed), known_size=end)
            self._flush(session)
            self._write_docket(session)
        elif session.divert is not None:
            self._flush(session)
            os.replace(session.tr.fs_path(session.divert), rl.index_file)
        elif session.delayed:
            target = session.split_index or self._index_name
            self._append(session, target, b"".join(session.delayed))
            self._flush(session)
        session.delayed.clear()

    def _close(self, session: _Session) -> None:
        self._flush(session)
        if session.split_index is not None:
            os.replace(session.tr.fs_path(session.split_index), self.rl.index_file)
        if self._session is session:
            self._session = None

    def _forget(self, session: _Session) -> None:
        """The transaction was rolled back: read the revlog again as the files now are."""
        self._flush(session)
        self._session = None
        self.rl._reload()

    def _flush(self, session: _Session) -> None:
        for fd in session.files.values():
            os.close(fd)
        session.files.clear()

    # -- layout changes ------------------------------------------------------------------

    def _start_new(self) -> None:
        """Set up an empty revlog in the configured format."""
        rl, cfg = self.rl, self.cfg
        rl.version = rl._index.version = cfg.version
        flags = cfg.header_flags if cfg.version == REVLOG_V1 else 0
        if not cfg.may_inline:
            flags &= ~FLAG_INLINE_DATA
        rl.format_flags = rl._index.flags = flags
        from ..format.index import entry_struct

        rl._index.struct = entry_struct(cfg.version)
        rl._index.entry_size = rl._index.struct.size
        rl._index.header_in_entry = cfg.version == REVLOG_V1
        rl.inline = rl._index.inline = bool(flags & FLAG_INLINE_DATA)
        rl._index.plain_v1_layout = not rl.inline and cfg.version in (REVLOG_V1, REVLOG_V2)
        rl._index._positions = None
        rl.generaldelta = bool(flags & FLAG_GENERALDELTA) or cfg.version == REVLOG_V2
        rl.sparse = cfg.delta.sparse and rl.generaldelta
        rl.delta_info = bool(flags & FLAG_DELTA_INFO)
        files = [self._index_name]
        if cfg.version in (REVLOG_V2, CHANGELOG_V2):
            rl.docket = Docket(cfg.version | 0, cfg.uid().encode(), cfg.uid().encode(),
                               cfg.uid().encode(), 0, 0, 0, 0, 0, 0,
                               self.compressor.header)
            rl._data = _DataFile(rl._sidefile(rl.docket.data_suffix()), 0)
            rl._sidedata = _DataFile(rl._sidefile(rl.docket.sidedata_suffix()), 0)
            # Mercurial counts .dat/.sda as the revlog's only once they hold bytes
            files.append(self._radix + rl.docket.index_suffix())
        elif not rl.inline:
            rl._data = _DataFile(rl._sidefile(".d"), 0)
            files.append(self._data_name)
        else:
            rl._data = None
        if cfg.on_new_file is not None:
            for name in files:
                cfg.on_new_file(name)

    @property
    def _radix(self) -> str:
        return self._index_name[:-2]

    def _split(self, session: _Session) -> None:
        """Move an inline revlog's chunks to a ``.d`` file; the new index goes aside."""
        rl = self.rl
        tr = session.tr
        index = rl._index
        entries, chunks = [], []
        for rev in range(len(rl)):
            pos = index.entry_position(rev)
            clen = index.chain_fields(rev)[0]
            entries.append(bytes(index.data[pos : pos + index.entry_size]))
            chunks.append(bytes(index.data[pos + index.entry_size : pos + index.entry_size + clen]))
        flags = rl.format_flags & ~FLAG_INLINE_DATA
        if entries:
            entries[0] = HEADER.pack(flags | rl.version) + entries[0][4:]
        self._flush(session)
        if tr.find_offset(self._index_name) is None:
            tr.add(self._index_name, os.path.getsize(rl.index_file))
        tr.add_backup(self._index_name)
        tr.add(self._data_name, 0)
        session.split_index = _split_name(self._index_name)
        tr.register_tmp(session.split_index)
        data_path = tr.fs_path(self._data_name)
        with open(data_path, "wb") as f:
            f.write(b"".join(chunks))
        split_path = tr.fs_path(session.split_index)
        os.makedirs(os.path.dirname(split_path) or ".", exist_ok=True)
        with open(split_path, "wb") as f:
            f.write(b"".join(entries))
        index.drop_inline(b"".join(entries))
        rl.inline = False
        rl.format_flags = flags
        rl._data = _DataFile(data_path)
        if self.cfg.on_new_file is not None:
            self.cfg.on_new_file(self._data_name)

    def _write_docket(self, session: _Session) -> None:
        rl = self.rl
        tr = session.tr
        tr.add_backup(self._index_name)
        self._flush(session)
        tmp = rl.index_file + ".tmp-docket"
        with open(tmp, "wb") as f:
            f.write(rl.docket.serialize())
        os.replace(tmp, rl.index_file)
        session.docket_dirty = False


def _split_name(index_name: str) -> str:
    """Where Mercurial writes a split index before renaming it into place."""
    for top in ("data/", "meta/"):
        if index_name.startswith(top):
            return top[:-1] + "-s/" + index_name[len(top):]
    return index_name + ".s"


def _ancestors(rl: Revlog, heads: set[int]) -> set[int]:
    seen = set()
    todo = [h for h in heads if h != NULL_REV]
    while todo:
        rev = todo.pop()
        if rev in seen:
            continue
        seen.add(rev)
        todo.extend(p for p in rl.parents(rev) if p != NULL_REV and p not in seen)
    return seen


def default_config(rl: Revlog) -> WriteConfig:
    """How to extend a revlog opened on its own: keep its format and engine."""
    engine = "zlib"
    if len(rl):
        first = rl.raw_chunk(0)[:1]
        engine = {b"(": "zstd", b"x": "zlib"}.get(first, engine)
    changelog = rl.kind == "changelog"
    # a new revlog gets today's defaults: generaldelta and sparse-revlog
    generaldelta = rl.generaldelta if len(rl) else True
    sparse = rl.sparse if len(rl) else True
    delta = DeltaConfig(generaldelta=generaldelta, sparse=sparse and generaldelta,
                        store_deltas=not changelog,
                        max_chain_len=1000 if sparse and generaldelta else None,
                        upper_bound_comp=10 if rl.kind == "filelog" else None)
    flags = rl.format_flags if len(rl) else FLAG_INLINE_DATA | FLAG_GENERALDELTA
    return WriteConfig(compression=engine, delta=delta, may_inline=not changelog,
                       version=rl.version if len(rl) else REVLOG_V1, header_flags=flags)
