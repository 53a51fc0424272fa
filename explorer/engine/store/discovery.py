"""Finding a repository: its .hg, the store a share points to, the requirements."""

from __future__ import annotations

import os
import re

from ..errors import CorruptionError, StoreError
from ..format.reading import read_regular
from .pathencode import to_str

_NOT_TEXT = re.compile(rb"[^\x20-\x7e\n]")


def find_repository(start: str) -> str | None:
    """The nearest directory at or above ``start`` holding a ``.hg`` (hg's discovery)."""
    path = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(path, ".hg")):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def find_hg_dir(path: str) -> str:
    """The .hg directory that ``path`` (a root, a .hg or a store) belongs to."""
    if not os.path.lexists(path):
        raise StoreError(f"{path}: no such file or directory")
    if not os.path.isdir(path):
        if path.endswith(".i"):
            raise StoreError(f"{path} is a single revlog, not a store: open it with Revlog.open")
        raise StoreError(f"{path} is a file, not a Mercurial repository, .hg or store directory")
    if os.path.isdir(os.path.join(path, ".hg")):
        return os.path.join(path, ".hg")
    parent = os.path.dirname(path)
    if os.path.basename(path) == "store" and os.path.isfile(os.path.join(parent, "requires")):
        return parent
    if os.path.basename(path) == ".hg" or os.path.isfile(os.path.join(path, "requires")):
        return path
    raise StoreError(
        f"{path} is not a Mercurial repository: no .hg directory, requires file or store here"
    )


def share_source(root: str, requirements: set[str]) -> str:
    """The .hg holding the store: ``root`` itself, or the source of a share."""
    if not {"shared", "relshared"} & requirements:
        return root
    pointer = os.path.join(root, "sharedpath")
    data = read_optional(inside(pointer, root, what="the repository"))
    if data is None:
        raise StoreError(f"{root}: shared repository without a sharedpath file")
    source = os.path.join(root, os.fsdecode(data.rstrip(b"\n")))
    if not os.path.isdir(source):
        raise StoreError(f"{pointer} points to {source}, which is not a directory")
    return os.path.normpath(source)


def read_optional(path: str) -> bytes | None:
    """The bytes of ``path``, None when it does not exist; a file that is no regular file
    (a FIFO, a device) is refused, never opened for a read that could block or not end."""
    try:
        return read_regular(path)
    except CorruptionError as err:
        raise StoreError(f"cannot read {path}: {err.message}") from None


def inside(path: str, directory: str, real_directory: str | None = None, *,
           what: str = "the store") -> str:
    """``path`` itself, when it resolves inside ``directory`` (``what``, in messages): a
    symlink may point anywhere, and we read nothing outside the repository.

    Only the components below ``directory`` are looked at (one ``lstat``
    each); the full resolution runs when one of them is a link.
    ``real_directory`` is ``directory`` resolved, when the caller keeps it.
    """
    prefix = directory + os.sep
    rel = path[len(prefix):] if path.startswith(prefix) else os.path.relpath(path, directory)
    current = directory
    for part in rel.split(os.sep):
        current = os.path.join(current, part)
        if part == ".." or os.path.islink(current):
            real = os.path.realpath(path)
            top = real_directory or os.path.realpath(directory)
            if os.path.commonpath([real, top]) != top:
                raise StoreError(f"{path} resolves to {real}, outside {what} {top}")
            break
    return path


def read_requires(path: str, *, missing_ok: bool) -> set[str]:
    """Requirement names, one a line; very old repositories have no requires file."""
    data = read_optional(path)
    if data is None:
        if missing_ok:
            return set()
        raise StoreError(f"{path} is missing (share-safe repositories keep one in the store)")
    bad = _NOT_TEXT.search(data)
    if bad:
        message = f"requires is not a text file (byte 0x{data[bad.start()]:02x})"
        raise CorruptionError(message, file=path, offset=bad.start())
    names = set()
    offset = 0
    for line in data.splitlines(keepends=True):
        name = line.rstrip(b"\n")
        if not name[:1].isalnum():
            raise CorruptionError(
                f"{to_str(name)!r} is not a requirement name", file=path, offset=offset
            )
        names.add(name.decode("ascii"))
        offset += len(line)
    return names
