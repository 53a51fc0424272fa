"""Transactions: every write to a store is journaled first and can be undone.

Before a file is first appended to, its size goes to ``<store>/journal``;
before a file is replaced whole (a docket, the fncache, an index being
split), a copy goes next to it and into ``journal.backupfiles``. Both are
Mercurial's own formats (see ``journal.py``), so ``hg recover`` can undo what
we leave behind after a crash, and our ``recover`` can undo what hg leaves.

Closing runs the registered finalizers (the delayed changelog first, then
index splits, dockets, caches), then turns the journal into ``undo`` files, as
Mercurial does. An exception inside ``with`` rolls everything back. The
store lock (``<store>/lock``, a symlink whose target is ``host:pid``, or a
file holding that text) is held from start to end; a lock left by a dead
process on this host is broken, one held by a live process is refused.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import LockError, TransactionError
from .journal import (
    BACKUP_SUFFIX,
    BACKUP_VERSION,
    JOURNAL,
    BackupEntry,
    format_backup,
    format_entry,
    parse_backups,
    parse_journal,
)

LOCK = "lock"
UNDO = "undo"


def _lock_prefix() -> str:
    """Host name, plus the pid namespace on Linux, as Mercurial writes it."""
    prefix = socket.gethostname()
    try:
        prefix += f"/{os.stat('/proc/self/ns/pid').st_ino:x}"
    except OSError:
        pass
    return prefix


class StoreLock:
    """Mercurial's store lock, taken without waiting."""

    def __init__(self, store_dir: str) -> None:
        self.path = os.path.join(store_dir, LOCK)
        self.held = False

    def acquire(self) -> None:
        info = f"{_lock_prefix()}:{os.getpid()}"
        for _ in range(2):
            try:
                os.symlink(info, self.path)
                self.held = True
                return
            except FileExistsError:
                holder = self._holder()
                if not self._stale(holder):
                    raise LockError(f"store is locked by {holder} ({self.path})") from None
                try:
                    os.unlink(self.path)
                except FileNotFoundError:
                    pass
        raise LockError(f"could not take the store lock {self.path}")

    def _holder(self) -> str:
        try:
            return os.readlink(self.path)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                return "an unknown process"
        with open(self.path, encoding="utf-8", errors="replace") as f:
            return f.read()

    @staticmethod
    def _stale(holder: str) -> bool:
        """True when the holder is a process of this host that no longer runs."""
        host, _, pid = holder.rpartition(":")
        if host != _lock_prefix() or not pid.isdigit():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def release(self) -> None:
        if self.held:
            self.held = False
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass


@dataclass
class _Callbacks:
    finalize: dict[str, Callable[[Transaction], None]] = field(default_factory=dict)
    abort: dict[str, Callable[[Transaction], None]] = field(default_factory=dict)


class Transaction:
    """One atomic change to a store; use as a context manager.

    ``fs_path`` maps an unencoded store path (as journaled) to the file on
    disk; ``plain_dir`` is the ``.hg`` directory (for ``undo.desc``).
    """

    def __init__(self, store_dir: str, fs_path: Callable[[str], str], *,
                 plain_dir: str | None = None, description: str = "commit",
                 first_rev: int = 0) -> None:
        self.store_dir = store_dir
        self.fs_path = fs_path
        self.plain_dir = plain_dir
        self._lock = StoreLock(store_dir)
        self._lock.acquire()
        try:
            self._open_journal(description, first_rev)
        except BaseException:
            self._lock.release()
            raise
        self.offsets: dict[str, int] = {}
        self._backups: list[BackupEntry] = []
        self._callbacks = _Callbacks()
        self.active = True

    def _open_journal(self, description: str, first_rev: int) -> None:
        self._journal_path = os.path.join(self.store_dir, JOURNAL)
        if os.path.exists(self._journal_path):
            raise TransactionError(
                f"abandoned transaction found ({self._journal_path}): "
                "run recover (or hg recover) first")
        self._journal_fd = os.open(self._journal_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        self._backup_path = self._journal_path + BACKUP_SUFFIX
        self._backup_fd = os.open(self._backup_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(self._backup_fd, b"%d\n" % BACKUP_VERSION)
        if self.plain_dir is not None:
            with open(os.path.join(self.plain_dir, "journal.desc"), "wb") as f:
                f.write(b"%d\n%s\n" % (first_rev, description.encode()))

    # -- what the writers call ---------------------------------------------------

    def add(self, path: str, offset: int) -> None:
        """Journal ``path``'s size before its first append in this transaction."""
        self._check_active()
        if path in self.offsets:
            return
        self.offsets[path] = offset
        os.write(self._journal_fd, format_entry(path, offset))

    def find_offset(self, path: str) -> int | None:
        return self.offsets.get(path)

    def add_backup(self, path: str) -> None:
        """Keep a copy of ``path`` before it is replaced, to restore on rollback.

        A file this transaction created needs none: rollback removes it.
        """
        self._check_active()
        if self.offsets.get(path) == 0 or any(b.path == path for b in self._backups):
            return
        real = self.fs_path(path)
        directory, name = os.path.split(path)
        backup = os.path.join(directory, f"{JOURNAL}.backup.{name}.bck") if directory \
            else f"{JOURNAL}.backup.{name}.bck"
        if os.path.exists(real):
            shutil.copyfile(real, self.fs_path(backup))
        else:
            backup = ""
        self._add_backup_entry(BackupEntry("", path, backup, False))

    def register_tmp(self, path: str) -> None:
        """A temporary file of this transaction: deleted on rollback."""
        self._check_active()
        self._add_backup_entry(BackupEntry("", "", path, False))

    def _add_backup_entry(self, entry: BackupEntry) -> None:
        self._backups.append(entry)
        os.write(self._backup_fd, format_backup(entry))

    def on_finalize(self, key: str, callback: Callable[[Transaction], None]) -> None:
        """Run ``callback`` at close, in order of ``key`` (as Mercurial sorts them)."""
        self._callbacks.finalize.setdefault(key, callback)

    def on_abort(self, key: str, callback: Callable[[Transaction], None]) -> None:
        self._callbacks.abort.setdefault(key, callback)

    def _check_active(self) -> None:
        if not self.active:
            raise TransactionError("the transaction is closed")

    # -- ending ---------------------------------------------------------------------

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.active:
            return
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def close(self) -> None:
        """Finalize and commit: from here on the changes are the store's."""
        self._check_active()
        try:
            while self._callbacks.finalize:
                key = min(self._callbacks.finalize)
                self._callbacks.finalize.pop(key)(self)
        except BaseException:
            self.abort()
            raise
        self.active = False
        os.close(self._journal_fd)
        os.close(self._backup_fd)
        self._write_undo()
        self._lock.release()

    def abort(self) -> None:
        """Undo every change of this transaction."""
        if not self.active:
            return
        self.active = False
        os.close(self._journal_fd)
        os.close(self._backup_fd)
        try:
            playback(self.store_dir, self.fs_path)
            # after the files are back: writers reload what they had in memory
            for key in sorted(self._callbacks.abort):
                self._callbacks.abort[key](self)
        finally:
            if self.plain_dir is not None:
                _unlink(os.path.join(self.plain_dir, "journal.desc"))
            self._lock.release()

    def _write_undo(self) -> None:
        """Turn the journal into ``undo`` files, as a committed hg transaction does.

        Renaming the journal is the commit point: before it, recovery undoes
        the whole transaction; after it, leftovers are only undo material.
        """
        os.replace(self._journal_path, os.path.join(self.store_dir, UNDO))
        entries = []
        for entry in self._backups:
            if not entry.path:
                _unlink(self.fs_path(entry.backup))
                continue
            backup = entry.backup
            if backup:
                undo_name = backup.replace(f"{JOURNAL}.backup.", f"{UNDO}.backup.", 1)
                os.replace(self.fs_path(backup), self.fs_path(undo_name))
                backup = undo_name
            entries.append(BackupEntry(entry.location, entry.path, backup, entry.cache))
        undo_backups = os.path.join(self.store_dir, UNDO + BACKUP_SUFFIX)
        with open(undo_backups, "wb") as f:
            f.write(b"%d\n" % BACKUP_VERSION + b"".join(format_backup(e) for e in entries))
        _unlink(self._backup_path)
        if self.plain_dir is not None:
            desc = os.path.join(self.plain_dir, "journal.desc")
            if os.path.exists(desc):
                os.replace(desc, os.path.join(self.plain_dir, "undo.desc"))


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def playback(store_dir: str, fs_path: Callable[[str], str]) -> list[str]:
    """Undo the transaction journaled in ``store_dir``; return what was done.

    Backed-up files are restored (then truncated, when also journaled),
    appended files truncated to their journaled size, files the transaction
    created removed, temporary files deleted, and the journal removed.
    """
    journal_path = os.path.join(store_dir, JOURNAL)
    backup_path = journal_path + BACKUP_SUFFIX
    with open(journal_path, "rb") as f:
        entries = parse_journal(f.read(), journal_path)
    backups = []
    if os.path.exists(backup_path):
        with open(backup_path, "rb") as f:
            backups = parse_backups(f.read(), backup_path)
    done = []
    restored = set()
    for entry in backups:
        if entry.location == "" and entry.path and entry.backup:
            shutil.copyfile(fs_path(entry.backup), fs_path(entry.path))
            restored.add(entry.path)
            done.append(f"restored {entry.path}")
    sizes = {}
    for entry in entries:
        sizes.setdefault(entry.path, entry.offset)
    for path, offset in sorted(sizes.items()):
        real = fs_path(path)
        if offset == 0 and path not in restored:
            _unlink(real)
            done.append(f"removed {path}")
            continue
        size = os.path.getsize(real) if os.path.exists(real) else 0
        if size < offset:
            raise TransactionError(
                f"attempted to truncate {path} to {offset} bytes, but it was already {size} bytes")
        os.truncate(real, offset)
        done.append(f"truncated {path} to {offset} bytes")
    for entry in backups:
        if entry.location != "":
            continue
        if entry.path and entry.backup:
            _unlink(fs_path(entry.backup))
        elif entry.path and not entry.backup:
            _unlink(fs_path(entry.path))  # created by the transaction
            done.append(f"removed {entry.path}")
        elif entry.backup:
            _unlink(fs_path(entry.backup))  # a temporary file
    _unlink(backup_path)
    os.unlink(journal_path)
    return done
