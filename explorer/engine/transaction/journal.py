"""Mercurial's transaction journal files, read and written.

``<store>/journal`` lists each file a transaction appended to with its size
before the first append: ``<unencoded store path>\\0<offset>\\n``. Rolling back
truncates each file to that size (offset 0: the transaction created it, so it
is removed). ``journal.backupfiles`` starts with a version line (``2``) and
lists files replaced whole, with the copy kept to restore them:
``<location>\\0<path>\\0<backup name>\\0<cache flag>\\n``; location ``""`` is the
store, ``plain`` the ``.hg`` directory. A committed transaction renames both to
``undo`` and ``undo.backupfiles``; a ``journal`` still present means a
transaction was abandoned (``hg recover`` plays it back).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import CorruptionError

JOURNAL = "journal"
BACKUP_SUFFIX = ".backupfiles"
BACKUP_VERSION = 2


@dataclass(frozen=True)
class JournalEntry:
    path: str  # unencoded store path, e.g. "data/foo.txt.i"
    offset: int  # the file's size before the transaction


@dataclass(frozen=True)
class BackupEntry:
    location: str  # "" for the store, "plain" for .hg
    path: str  # the file backed up ("" for a temporary file to delete)
    backup: str  # name of the copy ("" when the file did not exist before)
    cache: bool  # a cache file: failing to restore it is not an error


def format_entry(path: str, offset: int) -> bytes:
    return path.encode("utf-8", "surrogateescape") + b"\0%d\n" % offset


def format_backup(entry: BackupEntry) -> bytes:
    fields = (entry.location, entry.path, entry.backup)
    raw = b"\0".join(f.encode("utf-8", "surrogateescape") for f in fields)
    return raw + b"\0%d\n" % int(entry.cache)


def parse_journal(data: bytes, file: str) -> list[JournalEntry]:
    """Entries of a journal; a malformed line is a CorruptionError at its offset.

    The last line may lack its newline when the writer was killed mid-write;
    Mercurial then reports it and skips it, and so do we (it is left out).
    """
    entries = []
    offset = 0
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break  # torn final write: the append it announced never happened
        path, sep, size = line[:-1].rpartition(b"\0")
        if not sep or not path or not size.isdigit():
            raise CorruptionError(f"malformed journal line {line!r}", file=file, offset=offset)
        entries.append(JournalEntry(path.decode("utf-8", "surrogateescape"), int(size)))
        offset += len(line)
    return entries


def parse_backups(data: bytes, file: str) -> list[BackupEntry]:
    """Entries of a ``.backupfiles`` file (version 2)."""
    lines = data.splitlines(keepends=True)
    if not lines:
        return []
    if lines[0].rstrip(b"\n") != b"%d" % BACKUP_VERSION:
        raise CorruptionError(f"unknown backup file version {lines[0]!r}", file=file, offset=0)
    entries = []
    offset = len(lines[0])
    for line in lines[1:]:
        if not line.endswith(b"\n"):
            break
        fields = line[:-1].split(b"\0")
        if len(fields) != 4 or fields[3] not in (b"0", b"1"):
            raise CorruptionError(f"malformed backup line {line!r}", file=file, offset=offset)
        location, path, backup = (f.decode("utf-8", "surrogateescape") for f in fields[:3])
        entries.append(BackupEntry(location, path, backup, fields[3] == b"1"))
        offset += len(line)
    return entries
