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
import functools
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import LockError, RevlogError, StoreError, TransactionError
from . import fileops
from .journal import (
    BACKUP_SUFFIX,
    BACKUP_VERSION,
    JOURNAL,
    BackupEntry,
    JournalEntry,
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
    """Mercurial's store lock: taken at once by writers, waited for by readers that need
    a still store (verify). ``name`` "wlock" in ``.hg`` is its working-copy lock, which
    hg takes before the store's whenever it changes the working copy too."""

    def __init__(self, store_dir: str, name: str = LOCK) -> None:
        self.path = os.path.join(store_dir, name)
        self.what = "store" if name == LOCK else "working copy"
        self.held = False

    def acquire(self) -> None:
        """Take the lock, or raise ``LockError`` naming who holds it."""
        holder = self.try_acquire()
        if holder is not None:
            raise LockError(f"{self.what} is locked by {holder} ({self.path})")

    def try_acquire(self) -> str | None:
        """Take the lock; return its holder instead when a live process has it. A lock
        left by a dead process of this host is broken."""
        info = f"{_lock_prefix()}:{os.getpid()}"
        for _ in range(2):
            try:
                os.symlink(info, self.path)
                self.held = True
                return None
            except FileExistsError:
                holder = self._holder()
                if not self._stale(holder):
                    return holder
                try:
                    os.unlink(self.path)
                except FileNotFoundError:
                    pass
            except OSError as exc:  # a read-only filesystem, no permission
                raise LockError(f"cannot take the {self.what} lock {self.path}: "
                                f"{exc.strerror}") from None
        raise LockError(f"could not take the {self.what} lock {self.path}")

    def wait(self, timeout: float, on_wait: Callable[[str], None] | None = None) -> bool:
        """Take the lock, waiting up to ``timeout`` seconds for its holder to let go
        (as hg waits); ``on_wait(holder)`` is told once when a wait begins. False when
        the store cannot be locked at all (read-only): the caller reads without it."""
        deadline = time.monotonic() + timeout
        try:
            holder = self.try_acquire()
        except LockError:
            return False
        if holder is not None and on_wait is not None:
            on_wait(holder)
        while holder is not None:
            if time.monotonic() > deadline:
                raise LockError(f"{self.what} is still locked by {holder} after {timeout:g} s "
                                f"({self.path})")
            time.sleep(0.05)
            holder = self.try_acquire()
        return True

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

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

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
    disk; ``plain_dir`` is the ``.hg`` directory (for ``undo.desc``);
    ``first_rev`` the changelog's length when the transaction starts (or a
    function giving it, called once the lock is held, when it may only be
    read then); ``undo`` False for scratch work (a revlog rebuilt aside),
    which leaves no undo files.
    """

    def __init__(self, store_dir: str, fs_path: Callable[[str], str], *,
                 plain_dir: str | None = None, description: str = "commit",
                 first_rev: int | Callable[[], int] = 0, undo: bool = True) -> None:
        self.store_dir = store_dir
        self.undo = undo
        self.fs_path = fs_path
        self.plain_dir = plain_dir
        self._lock = StoreLock(store_dir)
        self._lock.acquire()
        try:
            if callable(first_rev):
                first_rev = first_rev()
            self._open_journal(description, first_rev)
        except OSError as exc:
            self._lock.release()
            raise TransactionError(f"{_describe(exc)}: no transaction started, nothing was "
                                   "changed") from exc
        except BaseException:
            self._lock.release()
            raise
        self._journal_fds = (self._journal_fd, self._backup_fd)
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
        self._journal_fd = fileops.open_new(self._journal_path)
        self._backup_path = self._journal_path + BACKUP_SUFFIX
        self._desc_path = None if self.plain_dir is None else \
            os.path.join(self.plain_dir, "journal.desc")
        try:
            self._backup_fd = fileops.open_append(self._backup_path)
            fileops.truncate_open(self._backup_fd, 0, self._backup_path)
            fileops.write_all(self._backup_fd, b"%d\n" % BACKUP_VERSION, self._backup_path)
            if self._desc_path is not None:
                fileops.write_file(self._desc_path,
                                   b"%d\n%s\n" % (first_rev, description.encode()))
        except OSError:
            fileops.close(self._journal_fd)
            for path in (self._journal_path, self._backup_path, self._desc_path):
                if path is not None:
                    fileops.unlink(path)
            raise

    # -- what the writers call ---------------------------------------------------

    def add(self, path: str, offset: int) -> None:
        """Journal ``path``'s size before its first append in this transaction.

        The journal line is on disk before the caller appends: a torn line (the
        disk filled while writing it) announces an append that never happened,
        and readers skip it.
        """
        self._check_active()
        if path in self.offsets:
            return
        fileops.write_all(self._journal_fd, format_entry(path, offset), self._journal_path)
        self.offsets[path] = offset

    def find_offset(self, path: str) -> int | None:
        return self.offsets.get(path)

    def add_backup(self, path: str, location: str = "") -> None:
        """Keep a copy of ``path`` before it is replaced, to restore on rollback.

        ``location`` is "" for a store path, "plain" for one in ``.hg`` (bookmarks).
        A file this transaction created needs none: rollback removes it.
        """
        self._check_active()
        if location == "" and self.offsets.get(path) == 0:
            return
        if any(b.path == path and b.location == location for b in self._backups):
            return
        real = self._where(location, path)
        directory, name = os.path.split(path)
        backup = os.path.join(directory, f"{JOURNAL}.backup.{name}.bck")
        if not os.path.exists(real):
            self._add_backup_entry(BackupEntry(location, path, "", False))
            return
        try:  # the copy is complete before the entry names it
            fileops.copy(real, self._where(location, backup))
            self._add_backup_entry(BackupEntry(location, path, backup, False))
        except OSError:
            fileops.unlink(self._where(location, backup))
            raise

    def _where(self, location: str, path: str) -> str:
        return _locate(self.fs_path, self.plain_dir, location, path)

    def register_tmp(self, path: str, location: str = "") -> None:
        """A temporary file of this transaction: deleted on rollback."""
        self._check_active()
        self._add_backup_entry(BackupEntry(location, "", path, False))

    def replace_file(self, path: str, data: bytes, location: str = "") -> None:
        """Replace ``path`` whole with ``data``: backed up, written aside under a name
        the journal lists (a crash leaves nothing unaccounted for), then renamed."""
        self.add_backup(path, location)
        tmp = f"{path}.tmp"
        self.register_tmp(tmp, location)
        fileops.write_atomic(self._where(location, path), data, tmp=self._where(location, tmp))

    def _add_backup_entry(self, entry: BackupEntry) -> None:
        fileops.write_all(self._backup_fd, format_backup(entry), self._backup_path)
        self._backups.append(entry)

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
        """Commit, or roll back what an exception interrupted; a failed write (a full
        disk, an I/O error) comes out as a ``TransactionError`` saying so."""
        if not self.active:
            return
        if exc_type is None:
            self.close()
            return
        self.abort()
        if isinstance(exc, OSError):
            raise TransactionError(f"{_describe(exc)}: the transaction was rolled back") \
                from exc

    def close(self) -> None:
        """Finalize and commit: from here on the changes are the store's."""
        self._check_active()
        try:
            while self._callbacks.finalize:
                key = min(self._callbacks.finalize)
                self._callbacks.finalize.pop(key)(self)
            self._close_journal()
            if self.undo:
                fileops.replace(self._journal_path, os.path.join(self.store_dir, UNDO))
            else:
                fileops.unlink(self._journal_path)
            self.active = False
        except OSError as exc:
            self.abort()
            raise TransactionError(f"{_describe(exc)}: the transaction was rolled back") \
                from exc
        except BaseException:
            self.abort()
            raise
        try:
            self._write_undo()
        except OSError as exc:
            if self.undo:  # scratch work's leftovers go with its directory
                raise TransactionError(f"the transaction is committed, but its undo files are "
                                       f"not all written: {_describe(exc)}") from exc
        finally:
            self._lock.release()

    def abort(self) -> None:
        """Undo every change of this transaction."""
        if not self.active:
            return
        self.active = False
        self._close_journal()
        try:
            playback(self.store_dir, self.fs_path, self.plain_dir)
            # after the files are back: writers reload what they had in memory
            for key in sorted(self._callbacks.abort):
                self._callbacks.abort[key](self)
        except (OSError, RevlogError) as exc:
            raise TransactionError(
                f"rolling back failed ({_describe(exc)}); the journal is kept: "
                "run recover (or hg recover)") from exc
        finally:
            if self._desc_path is not None:
                fileops.unlink(self._desc_path)
            self._lock.release()

    def _close_journal(self) -> None:
        fds, self._journal_fds = self._journal_fds, ()
        for fd in fds:
            fileops.close(fd)

    def _write_undo(self) -> None:
        """Turn the backups into ``undo`` files, as a committed hg transaction does.

        Renaming the journal to ``undo`` (in ``close``) is the commit point:
        before it, recovery undoes the whole transaction; after it, leftovers
        are only undo material.
        """
        entries = []
        for entry in self._backups:
            if not entry.path or not self.undo:
                if entry.backup:
                    fileops.unlink(self._where(entry.location, entry.backup))
                continue
            backup = entry.backup
            if backup:
                undo_name = backup.replace(f"{JOURNAL}.backup.", f"{UNDO}.backup.", 1)
                fileops.replace(self._where(entry.location, backup),
                                self._where(entry.location, undo_name))
                backup = undo_name
            entries.append(BackupEntry(entry.location, entry.path, backup, entry.cache))
        if self.undo:
            fileops.write_file(os.path.join(self.store_dir, UNDO + BACKUP_SUFFIX),
                               b"%d\n" % BACKUP_VERSION
                               + b"".join(format_backup(e) for e in entries))
        fileops.unlink(self._backup_path)
        if self._desc_path is not None and os.path.exists(self._desc_path):
            fileops.replace(self._desc_path, os.path.join(self.plain_dir, "undo.desc"))


def _describe(exc: OSError) -> str:
    """"cannot write data/x.d: No space left on device", from an OSError."""
    where = f" {exc.filename}" if exc.filename else ""
    return f"cannot write{where}: {exc.strerror or exc}"


def playback(store_dir: str, fs_path: Callable[[str], str],
             plain_dir: str | None = None) -> list[str]:
    """Undo the transaction journaled in ``store_dir``; return what was done.

    Backed-up files are restored (then truncated, when also journaled),
    appended files truncated to their journaled size, files the transaction
    created removed, temporary files deleted, and the journal removed. Backups
    of ``.hg`` files (location "plain") are found in ``plain_dir``. A path that
    leads out of the store (through a symbolic link, or ``..``) is refused
    before anything is touched, as ``hg recover`` refuses it.
    """
    journal_path = os.path.join(store_dir, JOURNAL)
    backup_path = journal_path + BACKUP_SUFFIX
    with open(journal_path, "rb") as f:
        entries = parse_journal(f.read(), journal_path)
    backups = []
    if os.path.exists(backup_path):
        with open(backup_path, "rb") as f:
            backups = parse_backups(f.read(), backup_path)
    for root, path, name in _named(entries, backups, store_dir, fs_path, plain_dir):
        check_inside(root, path, name)
    where = functools.partial(_locate, fs_path, plain_dir)
    done = []
    restored = set()
    for entry in backups:
        if entry.path and entry.backup:
            fileops.copy(where(entry.location, entry.backup), where(entry.location, entry.path))
            restored.add((entry.location, entry.path))
            done.append(f"restored {entry.path}")
    sizes = {}
    for entry in entries:
        sizes.setdefault(entry.path, entry.offset)
    for path, offset in sorted(sizes.items()):
        real = fs_path(path)
        if offset == 0 and ("", path) not in restored:
            fileops.unlink(real)
            done.append(f"removed {path}")
            continue
        size = os.path.getsize(real) if os.path.exists(real) else 0
        if size < offset:
            raise TransactionError(
                f"attempted to truncate {path} to {offset} bytes, but it was already {size} bytes")
        fileops.truncate(real, offset)
        done.append(f"truncated {path} to {offset} bytes")
    for entry in backups:
        if entry.path and entry.backup:
            fileops.unlink(where(entry.location, entry.backup))
        elif entry.path:
            fileops.unlink(where(entry.location, entry.path))  # created by the transaction
            done.append(f"removed {entry.path}")
        elif entry.backup:
            fileops.unlink(where(entry.location, entry.backup))  # a temporary file
    fileops.unlink(backup_path)
    fileops.unlink(journal_path)
    return done


def _locate(fs_path: Callable[[str], str], plain_dir: str | None, location: str,
            path: str) -> str:
    """The file of a journaled path: in the store (location ""), or in ``.hg``."""
    if location == "":
        return fs_path(path)
    if location == "plain" and plain_dir is not None:
        return os.path.join(plain_dir, *path.split("/"))
    raise StoreError(f"{path}: backup location {location!r} is not one we can restore")


def _named(entries: list[JournalEntry], backups: list[BackupEntry], store_dir: str,
           fs_path: Callable[[str], str], plain_dir: str | None
           ) -> list[tuple[str, str, str]]:
    """(directory it must stay in, file, journaled name) of everything playback touches."""
    named = [(store_dir, fs_path(e.path), e.path) for e in entries]
    for b in backups:
        root = store_dir if b.location == "" else plain_dir or store_dir
        named += [(root, _locate(fs_path, plain_dir, b.location, n), n)
                  for n in (b.path, b.backup) if n]
    return named


def check_inside(store_dir: str, path: str, name: str) -> None:
    """Refuse ``path`` (the file of store path ``name``) unless it lies under
    ``store_dir`` through real directories: no component a symbolic link, none ``..``."""
    rel = os.path.relpath(path, store_dir)
    parts = rel.split(os.sep)
    if os.path.isabs(rel) or ".." in parts:
        raise StoreError(f"{name}: the journal names a path outside the store ({path})")
    current = store_dir
    for part in parts:
        current = os.path.join(current, part)
        if os.path.islink(current):
            raise StoreError(f"{name}: path traverses symbolic link {current}; "
                             "nothing was rolled back")
