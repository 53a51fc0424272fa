"""What one transaction does to the files of one revlog.

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
from collections.abc import Callable

from ..format.constants import MAX_INLINE_DATA
from ..transaction import fileops
from ..transaction.transaction import Transaction
from .inner import InnerRevlog


class WriteSession:
    """The write handles and pending renames of one revlog in one transaction.

    ``delayed``: the changelog's entries become visible only when the
    transaction closes; ``may_inline``: False when the revlog must not stay
    inline (a 7.x changelog); ``on_new_file(name)`` registers a store file
    that now belongs to the revlog (the fncache); ``on_end(session,
    rolled_back)`` is called when the session is over.
    """

    def __init__(self, inner: InnerRevlog, tr: Transaction, *, delayed: bool, may_inline: bool,
                 on_new_file: Callable[[str], None] | None,
                 on_end: Callable[[WriteSession, bool], None]) -> None:
        self.inner = inner
        self.tr = tr
        self.delayed = delayed
        self.may_inline = may_inline
        self.on_new_file = on_new_file
        self.on_end = on_end
        self.files: dict[str, int] = {}  # open write handles by unencoded store name
        self.delayed_entries: list[bytes] = []
        self.divert: str | None = None  # 00changelog.i.a while an empty changelog fills
        self.split_index: str | None = None  # the new index of a split, written aside
        self.docket_dirty = False
        self.index_name = inner.name
        self.radix = inner.name[:-2]
        self.data_name = self.radix + ".d"

    def begin(self) -> None:
        """Arrange the close and the rollback with the transaction."""
        inner, tr = self.inner, self.tr
        tr.on_finalize(f"001-revlog-close-{inner.name}", lambda t: self._close())
        tr.on_abort(f"revlog-{inner.name}", lambda t: self._forget())
        if self.delayed:
            self._start_delay()
        if inner.docket is not None:
            # Mercurial opens the sidedata file even when it stays empty
            self._append(self.radix + inner.docket.sidedata_suffix(), b"",
                         known_size=inner.docket.sidedata_end)

    # -- storing one revision ------------------------------------------------------------

    def store(self, entry: bytes, chunk: bytes) -> None:
        """Write a revision's chunk, then its entry (the chunk's offset is already in it)."""
        if self.inner.format.inline:
            self._append(self._current_index_name(), entry + chunk)
        else:
            self._append_data(chunk)
            self._append_entry(entry)

    def after_store(self) -> None:
        """Split an inline revlog grown too big; rewrite a v2 docket."""
        inner = self.inner
        if inner.format.inline and not self.delayed and self._data_end() >= MAX_INLINE_DATA:
            self.split()
        elif inner.format.inline and not self.may_inline:
            self.split()
        if self.docket_dirty and not self.delayed:
            self._write_docket()

    def _data_end(self) -> int:
        inner = self.inner
        if inner.docket is not None:
            return inner.docket.data_end
        return inner.end(len(inner) - 1) if len(inner) else 0

    def _append_data(self, chunk: bytes) -> None:
        docket = self.inner.docket
        if docket is not None:
            name = self.radix + docket.data_suffix()
            if chunk and not docket.data_end and self.on_new_file is not None:
                self.on_new_file(name)
            self._append(name, chunk, known_size=docket.data_end)
            docket.data_end += len(chunk)
            docket.pending_data_end = docket.data_end
            self.docket_dirty = True
        else:
            self._append(self.data_name, chunk)

    def _append_entry(self, entry: bytes) -> None:
        docket = self.inner.docket
        if docket is not None:
            name = self.radix + docket.index_suffix()
            if self.delayed:
                self.delayed_entries.append(entry)
            else:
                self._append(name, entry, known_size=docket.index_end)
            docket.index_end += len(entry)
            docket.pending_index_end = docket.index_end
            self.docket_dirty = True
        elif self.delayed and self.divert is None:
            self.delayed_entries.append(entry)
        else:
            self._append(self._current_index_name(), entry)

    def _current_index_name(self) -> str:
        return self.divert or self.split_index or self.index_name

    def _append(self, name: str, data: bytes, known_size: int | None = None) -> None:
        """Append to a store file, journaling its size first."""
        path = self.tr.fs_path(name)
        fd = self.files.get(name)
        if fd is None:  # journaled before it is created or touched
            existed = os.path.exists(path)
            size = known_size if known_size is not None else \
                os.path.getsize(path) if existed else 0
            if name not in (self.divert, self.split_index):
                self._journal(name, size, existed)
            fd = fileops.open_append(path)
            self.files[name] = fd
            if known_size is not None:
                fileops.truncate_open(fd, known_size, path)  # bytes past a docket's end
        fileops.write_all(fd, data, path)

    def _journal(self, name: str, size: int, existed: bool) -> None:
        """Tell the transaction how to undo appends to ``name``. A journaled size of 0
        means "created by the transaction: remove it"; a file that existed with
        nothing of ours in it (a v2 revlog's empty sidedata file) is backed up
        instead, so a rollback leaves it where the docket expects it."""
        if size == 0 and existed:
            self.tr.add_backup(name)
        else:
            self.tr.add(name, size)

    # -- the changelog's delayed entries --------------------------------------------------

    def _start_delay(self) -> None:
        inner, tr = self.inner, self.tr
        if inner.format.inline:
            self.split()
        if inner.docket is None and len(inner) == 0:
            # the index appears whole at finalize: until the commit point, a
            # rollback removes it (or empties it again, when it was there empty)
            path = tr.fs_path(self.index_name)
            existed = os.path.exists(path)
            self._journal(self.index_name, os.path.getsize(path) if existed else 0, existed)
            self.divert = self.index_name + ".a"
            fileops.unlink(tr.fs_path(self.divert))
            tr.register_tmp(self.divert)
        tr.on_finalize(f"000-cl-{inner.name}", lambda t: self._finalize_delayed())

    def _finalize_delayed(self) -> None:
        """Make the changelog's new entries visible: the last step of a commit."""
        inner = self.inner
        if inner.docket is not None:
            if self.delayed_entries:
                name = self.radix + inner.docket.index_suffix()
                end = inner.docket.index_end - sum(map(len, self.delayed_entries))
                self._append(name, b"".join(self.delayed_entries), known_size=end)
            self._flush()
            self._write_docket()
        elif self.divert is not None:
            self._flush()
            fileops.replace(self.tr.fs_path(self.divert), inner.index_file)
        elif self.delayed_entries:
            target = self.split_index or self.index_name
            self._append(target, b"".join(self.delayed_entries))
            self._flush()
        self.delayed_entries.clear()

    # -- the end of the transaction -------------------------------------------------------

    def _close(self) -> None:
        self._flush()
        if self.split_index is not None:
            fileops.replace(self.tr.fs_path(self.split_index), self.inner.index_file)
        self.on_end(self, False)

    def _forget(self) -> None:
        """The transaction was rolled back: read the revlog again as the files now are."""
        self._flush()
        self.inner.reload()
        self.on_end(self, True)

    def _flush(self) -> None:
        files, self.files = self.files, {}
        for fd in files.values():
            fileops.close(fd)

    # -- layout changes ------------------------------------------------------------------

    def split(self) -> None:
        """Move an inline revlog's chunks to a ``.d`` file; the new index goes aside."""
        inner, tr = self.inner, self.tr
        entries, chunks = inner.inline_parts()
        if entries:
            entries[0] = inner.format.split().header + entries[0][4:]
        self._flush()
        if tr.find_offset(self.index_name) is None:
            tr.add(self.index_name, os.path.getsize(inner.index_file))
        tr.add_backup(self.index_name)
        tr.add(self.data_name, 0)
        self.split_index = _split_name(self.index_name)
        tr.register_tmp(self.split_index)
        data_path = tr.fs_path(self.data_name)
        fileops.write_file(data_path, b"".join(chunks))
        fileops.write_file(tr.fs_path(self.split_index), b"".join(entries))
        inner.split_inline(b"".join(entries), data_path)
        if self.on_new_file is not None:
            self.on_new_file(self.data_name)

    def _write_docket(self) -> None:
        self._flush()
        self.tr.replace_file(self.index_name, self.inner.docket.serialize())
        self.docket_dirty = False


def _split_name(index_name: str) -> str:
    """Where Mercurial writes a split index before renaming it into place."""
    for top in ("data/", "meta/"):
        if index_name.startswith(top):
            return top[:-1] + "-s/" + index_name[len(top):]
    return index_name + ".s"
