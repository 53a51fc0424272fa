"""Reading a revlog's data file (``.d``, or a v2 ``.dat``/``.sda``) by byte range.

Reads go through a window of ``READ_WINDOW`` bytes, so consecutive chunks (a
sequential scan, a delta chain) cost one system call between them. The file
is opened on first use, and a missing file reads as empty (a revlog with no
data yet).
"""

from __future__ import annotations

import os

from ..errors import CorruptionError
from ..format.reading import open_regular

READ_WINDOW = 64 * 1024


class DataFile:
    """Random access to a data file with a one-window read cache.

    ``end`` is where the revlog's data ends: a v2 docket says it (bytes past it
    belong to no committed revision); None means the file's size, read when
    the file is first opened. A docket's end past the file's size is cut back
    to it then: reads are never sized by a promise the file does not keep.
    """

    def __init__(self, path: str, end: int | None = None) -> None:
        self.path = path
        self.end = end
        self._fd: int | None = None
        self._window_start = 0
        self._window = b""

    def _open(self) -> int:
        if self._fd is None:
            fd = open_regular(self.path)
            if fd is None:
                self._fd, self.end = -1, 0
                return self._fd
            try:
                size = os.fstat(fd).st_size
            except OSError as exc:
                os.close(fd)
                raise CorruptionError(f"cannot read: {exc.strerror}", file=self.path) from None
            # A docket may promise more than the file holds: read no further than it does.
            self._fd, self.end = fd, size if self.end is None else min(self.end, size)
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
