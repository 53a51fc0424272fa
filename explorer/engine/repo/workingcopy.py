"""The working copy, as far as a strip needs it: hg's dirstate (v1) and a clean update.

A strip that removes the working copy's parent must move the working copy, or hg
sees a checkout of a changeset that no longer exists. hg's strip first checks
that nothing is uncommitted (a tracked file changed, added, removed or missing, a
merge in progress: it refuses), then updates to the first parent of the stripped
revisions (or, when that is on another branch than the working copy's, to the
newest surviving revision of that branch next to the stripped ones) and writes
the dirstate, all under ``.hg/wlock``.

The dirstate-v1 file is the two parents (20 bytes each), then per tracked file
``>cllll`` (state, mode, size, mtime, name length) and the name. We write each
file as "normal" with an unknown mtime (-1), so hg compares contents on its next
``status`` and records the times itself.
"""

from __future__ import annotations

import os
import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import CorruptionError, RevlogError
from ..format.constants import NULL_NODE
from ..format.reading import read_regular
from ..transaction import fileops
from .paths import audit

ENTRY = struct.Struct(">cllll")
MODES = {"": 0o100644, "x": 0o100755, "l": 0o120777}  # as lstat gives them
MAX_DIRSTATE = 1 << 30
# Dirstate formats whose files we do not write (hg would rewrite more than the list).
UNWRITTEN = ("dirstate-v2", "dirstate-tracked-key-v1")

Files = dict[str, tuple[bytes, str]]  # path -> (file node, flags), as in a manifest
Reader = Callable[[str, bytes], bytes]  # (path, file node) -> content


@dataclass
class Dirstate:
    parents: tuple[bytes, bytes]
    states: dict[str, bytes]  # path -> b"n", b"a", b"r" or b"m"


def read_dirstate(path: str) -> Dirstate | None:
    """The dirstate at ``path`` (v1); None when there is none (a working copy at null)."""
    data = read_regular(path, MAX_DIRSTATE)
    if data is None:
        return None
    if len(data) < 40:
        raise CorruptionError("dirstate is shorter than its two parents", file=path,
                              offset=len(data))
    states, offset = {}, 40
    while offset < len(data):
        if offset + ENTRY.size > len(data):
            raise CorruptionError("dirstate entry is truncated", file=path, offset=offset)
        state, _mode, _size, _mtime, length = ENTRY.unpack_from(data, offset)
        name = data[offset + ENTRY.size: offset + ENTRY.size + length]
        if length < 0 or len(name) != length:
            raise CorruptionError("dirstate name runs past the end", file=path, offset=offset)
        states[name.split(b"\0")[0].decode("utf-8", "surrogateescape")] = state
        offset += ENTRY.size + length
    return Dirstate((data[:20], data[20:40]), states)


def dirstate_bytes(parent: bytes, files: Files, sizes: dict[str, int]) -> bytes:
    """A dirstate of a clean checkout of ``parent`` holding ``files``."""
    out = [parent, NULL_NODE]
    for path in sorted(files):
        name = path.encode("utf-8", "surrogateescape")
        out.append(ENTRY.pack(b"n", MODES[files[path][1]], sizes[path], -1, len(name)) + name)
    return b"".join(out)


class WorkingCopy:
    """The files of the repository at ``root`` that hg tracks (``.hg`` beside them)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.hg_dir = os.path.join(root, ".hg")

    def dirstate(self) -> Dirstate | None:
        return read_dirstate(os.path.join(self.hg_dir, "dirstate"))

    def branch(self) -> str:
        data = read_regular(os.path.join(self.hg_dir, "branch"), 1 << 16)
        name = (data or b"").strip().decode("utf-8", "surrogateescape")
        return name or "default"

    def check_clean(self, dirstate: Dirstate, files: Files, read: Reader) -> None:
        """Refuse, as hg's strip does, when something is not committed."""
        if dirstate.parents[1] != NULL_NODE:
            raise RevlogError("the working copy has an uncommitted merge: commit or "
                              "update it before stripping its parent")
        for path, state in sorted(dirstate.states.items()):
            if state != b"n" or path not in files or not self._same(path, *files[path], read):
                raise RevlogError(f"uncommitted changes in the working copy ({path}): "
                                  "commit or revert them before stripping its parent")

    def _same(self, path: str, node: bytes, flags: str, read: Reader) -> bool:
        full = self._path(path)
        try:
            st = os.lstat(full)
        except FileNotFoundError:
            return False
        if flags == "l":
            return stat.S_ISLNK(st.st_mode) and os.fsencode(os.readlink(full)) == read(path, node)
        if not stat.S_ISREG(st.st_mode) or bool(st.st_mode & 0o100) != (flags == "x"):
            return False
        return st.st_size == len(content := read(path, node)) and _read(full) == content

    def update(self, old: Files, new: Files, read: Reader, parent: bytes, branch: str) -> None:
        """Make the checkout of ``old`` one of ``new`` at changeset ``parent``."""
        for path in sorted(set(old) - set(new), reverse=True):
            fileops.unlink(self._path(path))
            self._prune(os.path.dirname(path))
        sizes = {}
        for path, (node, flags) in sorted(new.items()):
            content = read(path, node)
            sizes[path] = len(content)
            if old.get(path) != (node, flags) or not os.path.lexists(self._path(path)):
                self._write(path, content, flags)
        fileops.write_atomic(os.path.join(self.hg_dir, "dirstate"),
                             dirstate_bytes(parent, new, sizes))
        fileops.write_atomic(os.path.join(self.hg_dir, "branch"),
                             branch.encode("utf-8", "surrogateescape") + b"\n")

    def _write(self, path: str, content: bytes, flags: str) -> None:
        full = self._path(path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if os.path.lexists(full):
            os.unlink(full)
        if flags == "l":
            os.symlink(os.fsdecode(content), full)
            return
        fileops.write_file(full, content)
        os.chmod(full, 0o755 if flags == "x" else 0o644)

    def _path(self, path: str) -> str:
        """``path`` in the working copy, refused when it or a directory on its way is
        not where hg would write (``..``, ``.hg``, a symbolic link)."""
        audit(path)
        parts = path.split("/")
        current = self.root
        for part in parts[:-1]:
            current = os.path.join(current, part)
            if os.path.islink(current):
                raise RevlogError(f"'{path}' is under a symbolic link ({current}): not "
                                  "written through it")
        return os.path.join(self.root, *parts)

    def _prune(self, directory: str) -> None:
        """Remove the directories left empty by a removed file, up to the root."""
        while directory:
            try:
                os.rmdir(os.path.join(self.root, directory))
            except OSError:
                return
            directory = os.path.dirname(directory)


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()
