"""Convert a small hg-written revlog v1 store into revlog v0, by the format spec.

hg 7 cannot create revlog v0 any more, but still reads it when the repository's
requirements lack ``revlogv1``.  This module uses no Mercurial code: it reads
each v1 index as the format describes it and writes v0:

* v1 index: a 4-byte header (flags << 16 | version) overlaying the first entry,
  then 64-byte entries ``>Qiiiiii20s12x`` (offset << 16 | flags, compressed
  length, uncompressed length, base, linkrev, p1 rev, p2 rev, node); when the
  header has FLAG_INLINE_DATA each entry is followed by its chunk.
* v0 index: no header, 76-byte entries ``>4l20s20s20s`` (offset, compressed
  length, chain base, linkrev, p1 node, p2 node, node), never inline: chunks
  live in the .d file, contiguous, in revision order.

Only stores that v0 can represent are accepted: no generaldelta (v0 deltas are
always against rev - 1 and its base field is the chain base, like v1 without
generaldelta), no per-revision flags, no sidedata, revlog version 1 only.
Chunk bytes (and so their compression headers 'x', 'u', '\\0') are copied as-is.
"""

from __future__ import annotations

import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

V1_ENTRY = struct.Struct(">Qiiiiii20s12x")
V0_ENTRY = struct.Struct(">4l20s20s20s")
assert V1_ENTRY.size == 64 and V0_ENTRY.size == 76

FLAG_INLINE_DATA = 1 << 16
FLAG_GENERALDELTA = 1 << 17
NULLID = b"\0" * 20

#: Requirements that imply (or only exist with) revlog v1 or later.
V1_ONLY_REQUIREMENTS = {
    "revlogv1",
    "generaldelta",
    "sparserevlog",
    "delta-info-revlog",
    "persistent-nodemap",
    "exp-revlogv2.2",
    "exp-changelog-v2",
    "exp-copies-sidedata-changeset",
    "fileindex-v1",
}


class ConversionError(ValueError):
    pass


@dataclass
class V1Entry:
    offset: int
    flags: int
    clen: int
    ulen: int
    base: int
    linkrev: int
    p1: int
    p2: int
    node: bytes
    chunk: bytes


def read_v1(index_path: Path) -> tuple[int, list[V1Entry]]:
    """Parse a v1 revlog (index + its .d when not inline); return (header, entries)."""
    data = index_path.read_bytes()
    if not data:
        return 0, []
    header = struct.unpack(">I", data[:4])[0]
    version, flags = header & 0xFFFF, header & ~0xFFFF
    if version != 1:
        raise ConversionError(f"{index_path}: revlog version {version}, expected 1")
    if flags & ~(FLAG_INLINE_DATA | FLAG_GENERALDELTA):
        raise ConversionError(f"{index_path}: header flags {flags >> 16:#x} cannot be v0")
    inline = bool(flags & FLAG_INLINE_DATA)
    entries: list[V1Entry] = []
    if inline:
        pos = 0
        while pos < len(data):
            raw = V1_ENTRY.unpack_from(data, pos)
            clen = raw[1]
            chunk = data[pos + V1_ENTRY.size : pos + V1_ENTRY.size + clen]
            if len(chunk) != clen:
                raise ConversionError(f"{index_path}: truncated inline chunk at {pos}")
            entries.append(_entry(raw, chunk, first=not entries))
            pos += V1_ENTRY.size + clen
    else:
        if len(data) % V1_ENTRY.size:
            raise ConversionError(f"{index_path}: size {len(data)} is not a multiple of 64")
        dpath = index_path.with_suffix(".d")
        dd = dpath.read_bytes() if dpath.exists() else b""
        for pos in range(0, len(data), V1_ENTRY.size):
            raw = V1_ENTRY.unpack_from(data, pos)
            offset = 0 if pos == 0 else raw[0] >> 16
            chunk = dd[offset : offset + raw[1]]
            if len(chunk) != raw[1]:
                raise ConversionError(f"{dpath}: chunk of rev {pos // 64} out of range")
            entries.append(_entry(raw, chunk, first=pos == 0))
    if flags & FLAG_GENERALDELTA:
        for rev, e in enumerate(entries):
            # generaldelta is representable only if every delta is against rev-1
            if e.base != rev and e.base != rev - 1:
                raise ConversionError(f"{index_path}: rev {rev} deltas against {e.base}")
        raise ConversionError(f"{index_path}: generaldelta revlogs are not converted")
    return header, entries


def _entry(raw: tuple, chunk: bytes, first: bool) -> V1Entry:
    field0 = raw[0]
    return V1Entry(
        offset=0 if first else field0 >> 16,
        flags=field0 & 0xFFFF,
        clen=raw[1],
        ulen=raw[2],
        base=raw[3],
        linkrev=raw[4],
        p1=raw[5],
        p2=raw[6],
        node=raw[7],
        chunk=chunk,
    )


def convert_revlog(index_path: Path) -> tuple[int, int]:
    """Rewrite index_path (and its .d) in place as v0; return (revisions, index size)."""
    _, entries = read_v1(index_path)
    nodes = [e.node for e in entries]

    def node_of(rev: int) -> bytes:
        return NULLID if rev == -1 else nodes[rev]

    index = bytearray()
    dfile = bytearray()
    for rev, e in enumerate(entries):
        if e.flags:
            raise ConversionError(f"{index_path}: rev {rev} has flags {e.flags:#x}")
        index += V0_ENTRY.pack(
            len(dfile), e.clen, e.base, e.linkrev, node_of(e.p1), node_of(e.p2), e.node
        )
        dfile += e.chunk
    tmp_i = index_path.with_name(index_path.name + ".v0tmp")
    tmp_d = index_path.with_suffix(".d.v0tmp")
    tmp_i.write_bytes(bytes(index))
    tmp_d.write_bytes(bytes(dfile))
    os.replace(tmp_d, index_path.with_suffix(".d"))
    os.replace(tmp_i, index_path)
    return len(entries), len(index)


def _rewrite_requires(path: Path) -> None:
    if not path.exists():
        return
    reqs = [r for r in path.read_text().split("\n") if r]
    for r in reqs:
        compression = r.startswith(("revlog-compression-", "exp-compression-"))
        if compression and r != "exp-compression-none":
            raise ConversionError(f"{path}: {r}: only zlib or uncompressed chunks in v0 here")
    kept = [r for r in reqs if r not in V1_ONLY_REQUIREMENTS]
    path.write_text("".join(r + "\n" for r in sorted(kept)))


def convert_repo(src: os.PathLike | str, dest: os.PathLike | str) -> Path:
    """Copy repository src to dest and turn every revlog of its store into v0.

    The store must be a non-generaldelta revlogv1 store (zlib or none).  Undo
    files (sizes of the v1 files) and caches are dropped; the fncache gains
    the .d files that split-out inline revlogs now have.  Returns dest.
    """
    src, dest = Path(src), Path(dest)
    shutil.copytree(src, dest, symlinks=True)
    dothg = dest / ".hg"
    reqs = set((dothg / "requires").read_text().split())
    if (dothg / "store" / "requires").exists():
        reqs |= set((dothg / "store" / "requires").read_text().split())
    if "generaldelta" in reqs or "sparserevlog" in reqs:
        raise ConversionError(f"{src} uses generaldelta; v0 cannot represent it")
    for bad in ("exp-revlogv2.2", "exp-changelog-v2", "fileindex-v1", "treemanifest", "lfs"):
        if bad in reqs:
            raise ConversionError(f"{src} has requirement {bad}")
    store = dothg / "store" if "store" in reqs else dothg
    for junk in [*store.glob("undo*"), *store.glob("journal*"), *dothg.glob("undo*")]:
        junk.unlink()
    for cache in ("cache", "wcache"):
        shutil.rmtree(dothg / cache, ignore_errors=True)
    for p in store.glob("*.n"):
        raise ConversionError(f"{p}: persistent nodemap docket")
    for p in sorted(store.rglob("*.i")):
        if p.is_file():
            convert_revlog(p)
    fncache = store / "fncache"
    if fncache.exists():
        lines = [ln for ln in fncache.read_bytes().split(b"\n") if ln]
        have = set(lines)
        for ln in list(lines):
            if ln.endswith(b".i") and ln[:-2] + b".d" not in have:
                lines.append(ln[:-2] + b".d")
                have.add(ln[:-2] + b".d")
        fncache.write_bytes(b"".join(ln + b"\n" for ln in lines))
    _rewrite_requires(dothg / "requires")
    _rewrite_requires(dothg / "store" / "requires")
    return dest
