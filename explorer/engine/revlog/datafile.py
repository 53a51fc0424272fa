"""Reading a revlog's data file (``.d``, or a v2 ``.dat``/``.sda``) by byte range.

Reads go through a window of ``READ_WINDOW`` bytes, so consecutive chunks (a
sequential scan, a delta chain) cost one system call between them. The file
is opened on first use, and a missing file reads as empty (a revlog with no
data yet).
"""

from __future__ import annotations

import os

from ..errors import CorruptionError

READ_WINDOW = 64 * 1024


class DataFile:
    """Random access to a data file with a one-window read cache.

    ``end`` is where the revlog's data ends: a v2 docket says it (bytes past it
    belong to no committed revision); None means the file's size, read when
    the file is first opened.
    """

    def __init__(self, path: str, end: int | None = None) -> None:
        self.path = path
        self.end = end
        self._fd: int | None = None
        self._window_start = 0
        self._window = b""

    def _open(self) -> int:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
                if self.end is None:
                    self.end = os.fstat(self._fd).st_size
            except FileNotFoundError:
                self._fd, self.end = -1, 0
            except OSError as exc:
                raise CorruptionError(f"cannot open: {exc.strerror}", file=self.path) from None
            except ValueError:  # a NUL byte in a name read from a damaged docket
                raise CorruptionError("file name holds a NUL byte", file=repr(self.path)) from None
        return self._fd

    def size(self) -> int:
        self._open()
        return self.end or 0

    def read(self, offset: int, length: int) -> bytes:
        """Exactly ``length`` bytes at ``offset``, or fewer if the file ends first."""
        ws = self._window_start
        if ws <= offset and offset + length <= ws + len(self._window):
            return self._window[offset - ws : offset - ws + length]
        fd = self._open()
        if fd < 0:
            return b""
        avail = max(0, min(self.end, offset + max(length, READ_WINDOW)) - offset)
        try:
            data = os.pread(fd, avail, offset) if avail else b""
        except OSError as exc:
            raise CorruptionError(f"cannot read: {exc.strerror}", file=self.path,
                                  offset=offset) from None
        self._window_start, self._window = offset, data
        return data[:length]

    def forget(self) -> None:
        self._window = b""

    def close(self) -> None:
        if self._fd is not None and self._fd >= 0:
            os.close(self._fd)
        self._fd = None
        self._window = b""

    def appended(self, length: int) -> None:
        """Our own writer added ``length`` bytes at the end."""
        if self._fd == -1:  # it was missing when first read: it exists now
            self._fd = None
        if self.end is not None:  # None: not opened yet; opening stats the file
            self.end += length
