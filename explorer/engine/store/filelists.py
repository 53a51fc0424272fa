"""The lists of revlogs a store keeps: the fncache and the fileindex-v1 file index."""

from __future__ import annotations

import os
import struct

from ..errors import CorruptionError
from ..format.reading import read_regular
from .discovery import inside
from .pathencode import decode_dir_bytes, to_str

# fileindex-v1 docket: marker, used sizes of the list/meta/tree files, their
# 8-character ids, tree root pointer, unused tree bytes, 4 flag bytes; a
# garbage list follows, which readers do not need.
_FILEINDEX_DOCKET = struct.Struct(">12s3I8s8s8s3I")
_FILEINDEX_MARKER = b"fileindex-v1"
_FILEINDEX_META = struct.Struct(">IHH")  # path offset and length in the list file, dirname length
_FILEINDEX_UNSET_ID = b"00000000"


def parse_fncache(data: bytes, path: str) -> list[str]:
    """fncache: one dir-encoded store path per line, each ending with a newline."""
    if data and not data.endswith(b"\n"):
        raise CorruptionError(
            "fncache does not end with a newline (hg debugrebuildfncache rebuilds it)",
            file=path,
            offset=data.rfind(b"\n") + 1,
        )
    entries = []
    offset = 0
    for line in data.split(b"\n")[:-1]:
        if not line:
            raise CorruptionError("empty entry in fncache", file=path, offset=offset)
        entries.append(decode_dir_bytes(line))
        offset += len(line) + 1
    return entries


def read_file_index(store_dir: str) -> list[str]:
    """The paths of a fileindex-v1 file index, in token order.

    The docket (``fileindex``) names three append-only files and how much of
    each is in use. Token t's path is described by the 8-byte record t of
    ``fileindex-meta.<id>`` (offset and length in ``fileindex-list.<id>``);
    token 0 is the root of the prefix tree in ``fileindex-tree.<id>``, which
    only speeds up lookups and is not needed to list the paths.
    """
    docket_file = os.path.join(store_dir, "fileindex")
    docket = read_regular(inside(docket_file, store_dir))
    if docket is None:  # nothing committed yet
        return []
    if len(docket) < _FILEINDEX_DOCKET.size:
        raise CorruptionError(
            "file index docket is truncated", file=docket_file, offset=len(docket)
        )
    marker, list_size, meta_size, _tree, list_id, meta_id, *_ = _FILEINDEX_DOCKET.unpack_from(
        docket
    )
    if marker != _FILEINDEX_MARKER:
        raise CorruptionError("not a fileindex-v1 docket", file=docket_file, offset=0)
    names, _ = _file_index_part(store_dir, docket_file, "list", list_id, list_size)
    meta, meta_file = _file_index_part(store_dir, docket_file, "meta", meta_id, meta_size)
    return _file_index_paths(names, meta, meta_file)


def _file_index_part(
    store_dir: str, docket_file: str, part: str, uid: bytes, size: int
) -> tuple[bytes, str]:
    """The used bytes of fileindex-<part>.<uid> and its path."""
    id_offset = {"list": 24, "meta": 32}[part]
    if uid == _FILEINDEX_UNSET_ID and size == 0:
        return b"", ""
    if not (uid.isascii() and uid.isalnum()) or uid == _FILEINDEX_UNSET_ID:
        raise CorruptionError(f"bad {part} file id {uid!r}", file=docket_file, offset=id_offset)
    path = os.path.join(store_dir, f"fileindex-{part}.{uid.decode('ascii')}")
    data = read_regular(inside(path, store_dir))
    if data is None:
        raise CorruptionError(
            f"the file index docket names a missing file {path}", file=docket_file, offset=id_offset
        )
    if len(data) < size:
        message = f"{len(data)} bytes, the docket says {size} are in use"
        raise CorruptionError(message, file=path, offset=len(data))
    return data[:size], path


def _file_index_paths(names: bytes, meta: bytes, meta_file: str) -> list[str]:
    record = _FILEINDEX_META.size
    if len(meta) % record:
        raise CorruptionError(
            "meta file is not a whole number of records",
            file=meta_file,
            offset=len(meta) - len(meta) % record,
        )
    paths = []
    for token in range(1, len(meta) // record):
        start, length, _dirname = _FILEINDEX_META.unpack_from(meta, token * record)
        if length == 0 or start + length > len(names):
            raise CorruptionError(
                f"token {token} points outside the list file", file=meta_file, offset=token * record
            )
        paths.append(to_str(names[start : start + length]))
    return paths
