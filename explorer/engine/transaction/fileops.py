"""Every change the write path makes to a file, in one place.

A write is complete or it fails: ``os.write`` may take only part of the
bytes (a disk that is nearly full accepts what fits), so the rest is written
again until all is on disk or the system says why not. Every error is an
``OSError`` naming the file, which the transaction turns into a rollback and
a clear message. Files replaced whole are written aside and renamed.

Keeping the system calls here, and only here, is also what lets the tests
fail each one in turn (``tests/engine/transaction/test_write_faults.py``
swaps this module's ``os`` for one that fails on the n-th call).
"""

from __future__ import annotations

import os

CHUNK = 1 << 20  # copies read and write this much at a time


def ensure_dir(path: str) -> None:
    """Create the directory that will hold ``path``."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)


def open_append(path: str) -> int:
    """A handle on ``path`` (created if missing) whose every write goes to its end."""
    ensure_dir(path)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)


def open_new(path: str) -> int:
    """A write handle on ``path``, which must not exist yet (the journal)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)


def write_all(fd: int, data: bytes, path: str) -> None:
    """Write every byte of ``data`` at ``fd``'s position; ``path`` names it in errors."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, path) from None
        if written <= 0:  # a disk that takes nothing and says nothing
            raise OSError(0, "the write made no progress", path)
        view = view[written:]


def truncate_open(fd: int, size: int, path: str) -> None:
    """Cut the file open at ``fd`` to ``size`` bytes (appends then go on from there)."""
    try:
        os.ftruncate(fd, size)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, path) from None


def truncate(path: str, size: int) -> None:
    os.truncate(path, size)


def close(fd: int) -> None:
    os.close(fd)


def write_file(path: str, data: bytes) -> None:
    """``path`` holds exactly ``data`` (created or overwritten in place): for files a
    transaction created itself, which rollback removes whole."""
    ensure_dir(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        write_all(fd, data, path)
    finally:
        os.close(fd)


def write_atomic(path: str, data: bytes, tmp: str | None = None) -> None:
    """Replace ``path`` with ``data``: written aside (at ``tmp``), then renamed over it,
    so a reader sees the old file or the new one, never a part."""
    tmp = tmp or path + ".tmp"
    try:
        write_file(tmp, data)
        os.replace(tmp, path)
    except OSError:
        unlink(tmp)
        raise


def replace(source: str, target: str) -> None:
    os.replace(source, target)


def unlink(path: str) -> None:
    """Remove ``path``; one already gone is fine."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def copy(source: str, target: str) -> None:
    """Copy ``source`` to ``target`` byte for byte (a backup, or one restored)."""
    src = os.open(source, os.O_RDONLY)
    try:
        dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            while block := os.read(src, CHUNK):
                write_all(dst, block, target)
        finally:
            os.close(dst)
    finally:
        os.close(src)
