"""What recovering or rolling back a transaction would do, worked out without doing it.

A transaction leaves ``journal`` (+ ``journal.backupfiles``) while it runs;
when it commits they become ``undo`` (+ ``undo.backupfiles``). ``hg recover``
plays an abandoned journal back and ``hg rollback`` the undo files: each
listed file is cut to the size it had before the transaction (or deleted
when that size is 0) and each backup copied back over its file. This module
reads those files and says, file by file, what the playback would change,
so a user sees it before running it (``revlog-explorer journal``) and
verify can report an abandoned transaction precisely.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from ..errors import CorruptionError, RevlogError, StoreError
from ..format.reading import read_regular
from .journal import BACKUP_SUFFIX, BackupEntry, JournalEntry, parse_backups, parse_journal
from .transaction import check_inside

Action = Literal["truncate", "delete", "keep", "impossible", "refused"]


@dataclass(frozen=True)
class Truncation:
    """One journal line and what playing it back would do to its file now."""

    entry: JournalEntry
    file: str | None  # filesystem path (None when the name is refused)
    size: int | None  # the file's size now (None: missing)

    @property
    def action(self) -> Action:
        if self.file is None:
            return "refused"
        if self.entry.offset == 0:
            return "delete" if self.size is not None else "keep"
        if self.size is None or self.size < self.entry.offset:
            return "impossible"  # Mercurial aborts: the file is already shorter
        return "truncate" if self.size > self.entry.offset else "keep"

    @property
    def removed(self) -> int:
        """Bytes the playback would remove."""
        if self.size is None or self.action in ("impossible", "refused"):
            return 0
        return self.size - self.entry.offset


@dataclass(frozen=True)
class Restore:
    """One backup line: the file it restores, and whether the copy is there."""

    entry: BackupEntry
    file: str | None
    backup_file: str | None
    backup_present: bool


@dataclass(frozen=True)
class TransactionFiles:
    """A journal (or undo) file and its backup list, read and interpreted."""

    name: str  # "journal" or "undo"
    file: str
    truncations: tuple[Truncation, ...]
    restores: tuple[Restore, ...]
    # a malformed journal or backup list, or a backup list that is not read (StoreError:
    # it resolves outside the store; CorruptionError: it is no regular file)
    error: RevlogError | None = None


def read(store, name: str = "journal") -> TransactionFiles | None:
    """The ``name`` transaction files of ``store`` (a ``Store``), None when absent.

    Both files are read only when they resolve inside the store and are
    regular files: a ``StoreError`` or ``CorruptionError`` otherwise.
    """
    file = os.path.join(store.store_dir, name)
    raw = read_regular(store.inside(file))
    if raw is None:
        return None
    error = None
    try:
        entries = parse_journal(raw, file)
    except CorruptionError as err:
        entries, error = [], err
    try:
        backups = _read_backups(store.inside(file + BACKUP_SUFFIX))
    except (CorruptionError, StoreError) as err:
        backups, error = [], error or err
    truncations = tuple(_truncation(store, e) for e in entries)
    restores = tuple(_restore(store, b) for b in backups)
    return TransactionFiles(name, file, truncations, restores, error)


def _read_backups(file: str) -> list[BackupEntry]:
    raw = read_regular(file)
    return [] if raw is None else parse_backups(raw, file)


def _truncation(store, entry: JournalEntry) -> Truncation:
    try:
        file = store.fs_path(entry.path)
        check_inside(store.store_dir, file, entry.path)  # no symbolic link on the way
    except StoreError:
        return Truncation(entry, None, None)
    try:
        size = os.path.getsize(file)
    except OSError:
        size = None
    return Truncation(entry, file, size)


def _restore(store, entry: BackupEntry) -> Restore:
    file = _locate(store, entry.location, entry.path)
    backup = _locate(store, entry.location, entry.backup)
    return Restore(entry, file, backup, backup is not None and os.path.isfile(backup))


def _locate(store, location: str, name: str) -> str | None:
    """Where a backup line's ``name`` lives: store names are encoded like any store
    path, ``plain`` ones sit in ``.hg``. None when empty or leaving its directory
    (``..``, or a symbolic link on the way)."""
    if not name or os.path.isabs(name) or any(p in ("", ".", "..") for p in name.split("/")):
        return None
    root = store.store_dir if location == "" else store.root
    try:
        path = store.fs_path(name) if location == "" else os.path.join(root, *name.split("/"))
        check_inside(root, path, name)
    except StoreError:
        return None
    return path
