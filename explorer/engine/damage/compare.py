"""Comparing a damaged store with a good copy: where they differ, and what kind of damage.

The way bytes differ tells how they were damaged (Matt Mackall's rule of
thumb on the Mercurial list): a single flipped bit points at memory or a
disk, a run of zeros or a block copied from elsewhere at the filesystem, a
file cut short at a crash or a full disk, a rewritten index entry at a tool
or a person. ``compare_stores`` aligns the two stores file by file, finds
each differing region and classifies it, and maps it, through the good
copy's revlogs, to the revision and the index field or chunk it hits.
"""

from __future__ import annotations

import os
import stat
import struct
from bisect import bisect_right
from dataclasses import dataclass

from ..errors import CorruptionError, RevlogError
from ..format.fields import LAYOUTS, field_at, header_overlaid
from ..format.reading import read_held
from ..revlog.revlog import Revlog
from ..store.files import StoreFiles

_BLOCK = 1 << 16  # files are compared a block at a time; equal blocks are skipped whole
_MERGE_GAP = 16  # differences closer than this are one region
_MIN_COPY = 8  # a shorter block found elsewhere is likely a coincidence

KINDS = ("bit-flip", "zeros", "truncation", "extension", "copied-block", "rewritten-entry",
         "changed-bytes", "missing-file", "extra-file", "not-a-file", "unreadable-file",
         "sparse-file")
# What a store entry is when it is not a regular file (symlinks are not followed at all).
_SPECIAL = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
            (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))


@dataclass(frozen=True)
class Difference:
    """One region where the damaged copy differs from the good one.

    ``path``: the revlog's unencoded index path (or the store file's name);
    ``file``: the file's path relative to the store directory, as on disk;
    ``offset``/``length``: the region in that file (for a truncation, the
    bytes lost); ``rev``/``field``: what it hits in the good copy.
    """

    kind: str
    path: str
    file: str
    offset: int
    length: int
    rev: int | None
    field: str | None
    detail: str

    def to_json(self) -> dict:
        return dict(self.__dict__)


# -- byte regions ------------------------------------------------------------------------


def differing_regions(good: bytes, bad: bytes) -> list[tuple[int, int]]:
    """(offset, length) of the regions where the common length of ``good`` and ``bad``
    differs, nearby differences merged."""
    regions: list[list[int]] = []
    common = min(len(good), len(bad))
    g, b = memoryview(good), memoryview(bad)
    for start in range(0, common, _BLOCK):
        end = min(start + _BLOCK, common)
        if g[start:end] == b[start:end]:
            continue
        for i in range(start, end):
            if good[i] != bad[i]:
                if regions and i - (regions[-1][0] + regions[-1][1]) < _MERGE_GAP:
                    regions[-1][1] = i + 1 - regions[-1][0]
                else:
                    regions.append([i, 1])
    return [(offset, length) for offset, length in regions]


# -- what a file is ------------------------------------------------------------------------


class _FileMap:
    """Where revisions and fields sit in one file of a revlog of the good store."""

    def __init__(self, path: str, rl: Revlog, role: str) -> None:
        self.path = path
        self.rl = rl
        self.role = role  # "index", "data", or "inline" (entries and chunks interleaved)
        count = len(rl)
        if role in ("index", "inline"):
            self.entries = [rl.entry_offset(r) for r in range(count)]
        if role in ("data", "inline"):
            self.chunks = []
            for r in range(count):
                try:
                    self.chunks.append(rl.chunk_offset(r))
                except RevlogError:
                    break

    def locate(self, offset: int) -> tuple[int | None, str | None]:
        """(rev, field) at byte ``offset`` of this file in the good copy."""
        rl = self.rl
        if self.role in ("index", "inline"):
            rev = bisect_right(self.entries, offset) - 1
            if rev >= 0 and offset < self.entries[rev] + rl.entry_size:
                within = offset - self.entries[rev]
                f = field_at(rl.version, within,
                             first_entry=rev == 0 and header_overlaid(rl.version))
                return rev, f.name if f else None
        if self.role in ("data", "inline"):
            rev = bisect_right(self.chunks, offset) - 1
            if rev >= 0 and offset < self.chunks[rev] + max(rl.length(rev), 0):
                return rev, "compression" if offset == self.chunks[rev] else "chunk"
        return None, None


def _revlog_names(store: StoreFiles) -> dict[str, tuple[str, str]]:
    """On-disk name (relative to the store) -> (kind, revlog path) of every index and
    data file of the store's revlogs."""
    names: dict[str, tuple[str, str]] = {}
    try:
        paths = store.revlog_paths([])
    except RevlogError:
        return names
    for kind, path in paths:
        try:
            with store.open_revlog(path, kind) as rl:
                files = {rl.index_path, rl.data_path}
        except RevlogError:
            continue
        for file in files:
            names[os.path.relpath(file, store.store_dir)] = (kind, path)
    return names


def _files(root: str) -> dict[str, str | None]:
    """Every file under ``root`` but symlinks, by relative name: None for a regular file,
    else what it is ("a FIFO"): such a file is never read (a FIFO blocks, a device may
    never end)."""
    found: dict[str, str | None] = {}
    for directory, _dirs, files in os.walk(root):
        for name in files:
            full = os.path.join(directory, name)
            try:
                mode = os.lstat(full).st_mode
            except OSError:
                continue  # gone since the walk listed it
            if not stat.S_ISLNK(mode):
                found[os.path.relpath(full, root)] = _special(mode)
    return found


def _special(mode: int) -> str | None:
    return next((what for test, what in _SPECIAL if test(mode)), None)


def _read(path: str) -> tuple[bytes, int]:
    """The bytes a store file holds (up to its first hole, if it is sparse) and its size;
    a FIFO or device is refused (``CorruptionError``)."""
    return read_held(path) or (b"", 0)


# -- classification ------------------------------------------------------------------------


class _Comparison:
    def __init__(self, good, bad) -> None:
        self.good, self.bad = good, bad
        self.names = _revlog_names(good)
        self._maps: dict[str, _FileMap | None] = {}
        self.found: list[Difference] = []

    def close(self) -> None:
        for fmap in self._maps.values():
            if fmap is not None:
                fmap.rl.close()

    def map(self, name: str) -> _FileMap | None:
        """The layout of file ``name`` in the good store (opened on first use)."""
        if name not in self._maps:
            self._maps[name] = None
            if name in self.names:
                kind, path = self.names[name]
                try:
                    rl = self.good.open_revlog(path, kind)
                except RevlogError:
                    return None
                index = os.path.relpath(rl.index_path, self.good.store_dir)
                role = "inline" if rl.inline else ("index" if name == index else "data")
                self._maps[name] = _FileMap(path, rl, role)
        return self._maps[name]

    def run(self) -> list[Difference]:
        good_files, bad_files = _files(self.good.store_dir), _files(self.bad.store_dir)
        for name in sorted(good_files.keys() | bad_files.keys()):
            special = [(where, files[name]) for where, files in (("good", good_files),
                                                                 ("bad", bad_files))
                       if files.get(name)]
            if special:
                where, what = special[0]
                self._add("not-a-file", name, 0, 0, None, None,
                          f"{what} in the {where} store, not a regular file: not compared")
            elif name not in bad_files:
                self._add("missing-file", name, 0, self._size(self.good, name), None, None,
                          "the file is missing from the damaged copy")
            elif name not in good_files:
                self._add("extra-file", name, 0, self._size(self.bad, name), None, None,
                          "the file exists only in the damaged copy")
            else:
                self._file(name)
        return self.found

    def _size(self, store, name: str) -> int:
        return os.path.getsize(os.path.join(store.store_dir, name))

    def _bytes(self, name: str) -> bytes:
        return _read(os.path.join(self.good.store_dir, name))[0]

    def _add(self, kind: str, name: str, offset: int, length: int, rev: int | None,
             field: str | None, detail: str) -> None:
        path = self.names[name][1] if name in self.names else name.replace(os.sep, "/")
        self.found.append(Difference(kind, path, name.replace(os.sep, "/"), offset, length, rev,
                                     field, detail))

    def _file(self, name: str) -> None:
        try:
            good = self._bytes(name)
            bad, size = _read(os.path.join(self.bad.store_dir, name))
        except CorruptionError as err:
            self._add("unreadable-file", name, 0, 0, None, None, f"{err.file}: {err.message}")
            return
        if size > len(bad):  # a sparse file: what it holds is compared, the hole named
            for offset, length in differing_regions(good, bad):
                self._region(name, good, bad, offset, length)
            self._add("sparse-file", name, len(bad), size - len(bad), None, None,
                      f"the file is {size} bytes, a hole from byte {len(bad)} on (a sparse "
                      f"file): compared up to there")
            return
        if good == bad:
            return
        for offset, length in differing_regions(good, bad):
            self._region(name, good, bad, offset, length)
        where = self.map(name)
        if len(bad) < len(good):
            rev, fld = where.locate(len(bad)) if where else (None, None)
            self._add("truncation", name, len(bad), len(good) - len(bad), rev, fld,
                      f"the file is cut at byte {len(bad)}: {len(good) - len(bad)} bytes lost"
                      + self._revs_from(where, len(bad), len(good)))
        elif len(bad) > len(good):
            extra = bad[len(good):]
            source = self._source(extra, name, len(good), good)
            self._add("extension", name, len(good), len(extra), None, None,
                      f"{len(extra)} bytes appended after the end ({len(good)})"
                      + (f", {source}" if source else ""))

    def _revs_from(self, where: _FileMap | None, start: int, end: int) -> str:
        if where is None:
            return ""
        revs = sorted({r for r in (where.locate(start)[0], where.locate(end - 1)[0])
                       if r is not None})
        if not revs:
            return ""
        return f" (revision {revs[0]})" if len(revs) == 1 else f" (revisions {revs[0]}..{revs[-1]})"

    def _region(self, name: str, good: bytes, bad: bytes, offset: int, length: int) -> None:
        where = self.map(name)
        rev, fld = where.locate(offset) if where else (None, None)
        old, new = good[offset : offset + length], bad[offset : offset + length]
        in_entry = (where is not None and where.role != "data"
                    and fld not in (None, "chunk", "compression")
                    and self._inside_entry(where, rev, offset, length))
        if length == 1 and bin(old[0] ^ new[0]).count("1") == 1:
            bit = (old[0] ^ new[0]).bit_length() - 1
            change = f": {self._entry_change(where, rev, good, bad)}" if in_entry else ""
            self._add("bit-flip", name, offset, 1, rev, fld,
                      f"bit {bit} of byte {offset} flipped ({old[0]:#04x} -> {new[0]:#04x})"
                      + change)
        elif not new.strip(b"\0"):
            self._add("zeros", name, offset, length, rev, fld, f"{length} bytes zeroed"
                      + self._revs_from(where, offset, offset + length))
        elif in_entry:
            self._add("rewritten-entry", name, offset, length, rev, fld,
                      self._entry_change(where, rev, good, bad))
        else:
            source = self._source(new, name, offset, good)
            kind = "copied-block" if source else "changed-bytes"
            what = f"{length} bytes changed ({old[:8].hex()} -> {new[:8].hex()})"
            if fld == "compression" and length == 1:
                what = f"the compression header changed ({old[0]:#04x} -> {new[0]:#04x})"
            self._add(kind, name, offset, length, rev, fld, source or what)

    def _inside_entry(self, where: _FileMap, rev: int | None, offset: int, length: int) -> bool:
        if rev is None:
            return False
        start = where.entries[rev]
        return offset + length <= start + where.rl.entry_size

    def _entry_change(self, where: _FileMap, rev: int, good: bytes, bad: bytes) -> str:
        """'base 3 -> 4, p1 2 -> 47': the fields whose value changed."""
        rl = where.rl
        at = where.entries[rev]
        changes = []
        for f in LAYOUTS[rl.version]:
            before = good[at + f.start : at + f.start + f.size]
            after = bad[at + f.start : at + f.start + f.size]
            if before != after:
                changes.append(f"{f.name} {_show(before)} -> {_show(after)}")
        return f"entry of rev {rev} rewritten: " + ", ".join(changes)

    def _source(self, block: bytes, name: str, offset: int, same: bytes) -> str | None:
        """Where in the good store ``block`` comes from, when it is a copy: the same file
        first, then every revlog file (read one at a time)."""
        if len(block) < _MIN_COPY:
            return None
        for other in [name] + sorted(n for n in self.names if n != name):
            try:
                data = same if other == name else self._bytes(other)
            except RevlogError:
                continue
            at = data.find(block)
            while at != -1 and other == name and at == offset:
                at = data.find(block, at + 1)
            if at != -1:
                fmap = self.map(other)
                rev, fld = fmap.locate(at) if fmap else (None, None)
                what = f" (rev {rev} {fld})" if rev is not None else ""
                return f"{len(block)} bytes copied from {other} at byte {at}{what}"
        return None


def _show(raw: bytes) -> str:
    """A field's bytes as a number (ints) or short hex (nodes)."""
    if len(raw) == 4:
        return str(struct.unpack(">i", raw)[0])
    if len(raw) in (1, 2, 6, 8):
        return str(int.from_bytes(raw, "big"))
    return raw.hex()


def compare_stores(good: StoreFiles, bad: StoreFiles) -> list[Difference]:
    """Every region where store ``bad`` differs from store ``good``, classified."""
    comparison = _Comparison(good, bad)
    try:
        return comparison.run()
    finally:
        comparison.close()
