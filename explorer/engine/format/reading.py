"""Opening the files of a store for reading: regular files only, never past what they hold.

A store is data we did not write, and any of its names may be something else
than a file: ``open(2)`` on a FIFO waits for a writer forever, a device such
as ``/dev/zero`` reads without end (and opening some devices does things),
a directory reads as an error. A regular file may also be *sparse*: it
declares a size its blocks do not hold, and the hole reads as zeros. So
every file the engine reads is stat'ed before it is opened (a special file
is never opened at all), opened without blocking, checked again once open
(the name may have changed in between), and read no further than its size,
or a smaller limit the caller knows.
"""

from __future__ import annotations

import os
import stat

from ..errors import CorruptionError

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def _refuse_special(mode: int, path: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    raise CorruptionError(f"is {kind}, not a regular file: it is not read", file=path)


def open_regular(path: str) -> int | None:
    """A read-only descriptor of the regular file ``path``; None when it does not exist.

    Anything else (a FIFO, a device, a socket, a directory), a name that
    cannot be opened or one holding a NUL byte (read from a damaged docket)
    is a ``CorruptionError`` naming the file.
    """
    try:
        _refuse_special(os.stat(path).st_mode, path)
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptionError(f"cannot open: {exc.strerror}", file=path) from None
    except ValueError:
        raise CorruptionError("file name holds a NUL byte", file=repr(path)) from None
    try:
        _refuse_special(os.fstat(fd).st_mode, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def held_size(fd: int) -> int:
    """Bytes of the open file before its first hole: its size, unless it is sparse.

    A hole holds nothing (it reads as zeros), so what lies past the first one
    is no data: an index truncated up to 128 GiB declares 2^31 entries it
    does not have. Filesystems that cannot tell holes say there are none.
    """
    st = os.fstat(fd)
    if st.st_blocks * 512 >= st.st_size:
        return st.st_size
    try:
        return min(st.st_size, os.lseek(fd, 0, os.SEEK_HOLE))
    except OSError:
        return st.st_size


def read_regular(path: str, limit: int | None = None) -> bytes | None:
    """The bytes of the regular file ``path`` (at most ``limit``), None when it is missing.

    A hole before that is damage (``CorruptionError``): the file declares bytes it
    does not hold, and a truncate to 128 GiB must not make us read 128 GiB of zeros.
    """
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        size = os.fstat(fd).st_size
        wanted = size if limit is None else min(size, limit)
        held = held_size(fd)
        if held < wanted:
            raise CorruptionError(f"the file is {size} bytes but a hole from byte {held} on "
                                  f"(a sparse file): it is not read", file=path, offset=held)
        return read_fd(fd, wanted, path)
    finally:
        os.close(fd)


def read_held(path: str) -> tuple[bytes, int] | None:
    """The bytes the regular file ``path`` holds before its first hole, and its size;
    None when it is missing. A sparse file of 1 TiB is its few real bytes, not 1 TiB
    of zeros."""
    fd = open_regular(path)
    if fd is None:
        return None
    try:
        return read_fd(fd, held_size(fd), path), os.fstat(fd).st_size
    finally:
        os.close(fd)


def read_at(path: str, offset: int, length: int) -> bytes:
    """At most ``length`` bytes of the regular file ``path`` at ``offset`` (fewer where it
    ends; none when it is missing)."""
    fd = open_regular(path)
    if fd is None:
        return b""
    try:
        end = min(os.fstat(fd).st_size, offset + length)
        return read_fd(fd, end - offset, path, offset) if end > offset else b""
    finally:
        os.close(fd)


def read_fd(fd: int, size: int, path: str, start: int = 0) -> bytes:
    """``size`` bytes of ``fd`` from ``start`` (fewer if the file shrank meanwhile)."""
    parts = []
    offset = 0
    try:
        while offset < size:
            part = os.pread(fd, min(size - offset, 1 << 30), start + offset)
            if not part:
                break
            parts.append(part)
            offset += len(part)
    except OSError as exc:
        raise CorruptionError(f"cannot read: {exc.strerror}", file=path,
                              offset=start + offset) from None
    return parts[0] if len(parts) == 1 else b"".join(parts)
