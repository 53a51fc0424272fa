"""A disk that fails on cue, for the write-fault tests.

The engine's write path changes files only through ``explorer.engine.transaction.fileops``;
``FaultyOS`` stands in for that module's ``os`` and counts every call that can change
the disk (``fault points``). It can fail the n-th with an errno, make every write
short (take half of what it is given), or call ``before(n, name)`` ahead of each
one, and ``torn(n)`` halfway through each write: the tests copy the repository
there, which is exactly what a process killed at that point leaves on disk.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from explorer.engine.transaction import fileops

POINTS = frozenset({"open", "write", "ftruncate", "truncate", "replace", "unlink", "makedirs"})


class FaultyOS:
    """``os`` for fileops, with fault points counted and, on cue, failed."""

    def __init__(self, *, fail_at: int | None = None, error: int = errno.ENOSPC,
                 short_writes: bool = False,
                 before: Callable[[int, str], None] | None = None,
                 torn: Callable[[int], None] | None = None) -> None:
        self.fail_at = fail_at
        self.error = error
        self.short_writes = short_writes
        self.before = before
        self.torn = torn  # called halfway through every write, which then completes
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        real = getattr(os, name)
        if name not in POINTS:
            return real

        def point(*args, **kwargs):
            n = len(self.calls)
            self.calls.append(name)
            if self.before is not None:
                self.before(n, name)
            if n == self.fail_at:
                path = args[0] if args and isinstance(args[0], str) else None
                raise OSError(self.error, os.strerror(self.error), path)
            if name == "write" and (self.short_writes or self.torn) and len(args[1]) > 1:
                fd, data = args
                half = real(fd, bytes(data[: len(data) // 2]))
                if self.short_writes:
                    return half
                self.torn(n)
                return half + real(fd, bytes(data[half:]))
            return real(*args, **kwargs)

        return point


@contextmanager
def disk(faulty: FaultyOS) -> Iterator[FaultyOS]:
    """Let the engine write through ``faulty`` for the duration."""
    saved = fileops.os
    fileops.os = faulty
    try:
        yield faulty
    finally:
        fileops.os = saved


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (symlinks as their target), by relative path."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha1(path.read_bytes()).hexdigest()
    return out
