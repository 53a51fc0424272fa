"""Obsolescence markers as hg stores them in ``.hg/store/obsstore``.

One version byte, then markers back to back. Version 1 (hg's default): a fixed
``>IdhHBBB`` part (size, date, timezone in minutes, flags, successor count,
parent count -- 3 for "not recorded" -- and metadata pair count), the
predecessor's node (32 bytes when flag 16, sha256, is set, else 20), the
successors' and parents' nodes, one (key size, value size) byte pair per
metadata entry, then the keys and values. Version 0: ``>BIB20s`` (successor
count, metadata size, flags, predecessor), the successors, the metadata.

Hiding needs only who is obsoleted: a marker's predecessor is obsolete, whether
it has successors or was pruned (no successor). We read every field the
way hg's pure reader does, so a truncated marker fails where hg's would.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import CorruptionError

_V0_FIXED = struct.Struct(">BIB20s")
_V1_FIXED = struct.Struct(">IdhHBBB")
_SHA256 = 16
_NO_PARENTS = 3


@dataclass(frozen=True)
class Marker:
    """One marker: ``predecessor`` is made obsolete by ``successors`` (none: pruned)."""

    predecessor: bytes
    successors: tuple[bytes, ...]
    flags: int


def read_markers(data: bytes | None, path: str = "obsstore") -> list[Marker]:
    """The markers of an obsstore file's bytes (None or empty: no marker)."""
    if not data:
        return []
    version = data[0]
    if version not in (0, 1):
        raise CorruptionError(f"parsing obsolete marker: unknown version {version}",
                              file=path, offset=0)
    reader = _v1_marker if version == 1 else _v0_marker
    markers, offset = [], 1
    while offset < len(data):
        try:
            marker, end = reader(data, offset)
        except struct.error:
            end = -1
        if end < 0 or end > len(data):
            raise CorruptionError("obsolete marker is truncated", file=path, offset=offset)
        markers.append(marker)
        offset = end
    return markers


def _nodes(data: bytes, offset: int, count: int, size: int) -> tuple[tuple[bytes, ...], int]:
    end = offset + count * size
    if end > len(data):
        raise struct.error("truncated")
    return tuple(data[i:i + size] for i in range(offset, end, size)), end


def _v1_marker(data: bytes, offset: int) -> tuple[Marker, int]:
    _size, _secs, _tz, flags, nsucc, npar, nmeta = _V1_FIXED.unpack_from(data, offset)
    size = 32 if flags & _SHA256 else 20
    (prec,), offset = _nodes(data, offset + _V1_FIXED.size, 1, size)
    succs, offset = _nodes(data, offset, nsucc, size)
    if npar != _NO_PARENTS:
        _parents, offset = _nodes(data, offset, npar, size)
    sizes = struct.unpack_from(">" + "BB" * nmeta, data, offset)
    return Marker(prec, succs, flags), offset + 2 * nmeta + sum(sizes)


def _v0_marker(data: bytes, offset: int) -> tuple[Marker, int]:
    nsucc, meta_size, flags, prec = _V0_FIXED.unpack_from(data, offset)
    succs, offset = _nodes(data, offset + _V0_FIXED.size, nsucc, 20)
    return Marker(prec, succs, flags), offset + meta_size
