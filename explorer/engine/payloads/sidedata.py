"""The generic sidedata blob: small keyed values stored beside a revision.

Revlog v2 and changelog-v2 entries may carry "sidedata": data that travels
with a revision but is not part of its hashed text (Mercurial uses it to cache
which files a changeset touched and copied). The blob is::

    >H                  number of entries
    >HL20s per entry    key, length of the value, sha1 of the value
    values              concatenated, in entry order

Writers sort entries by key. Readers behave as Mercurial does: they accept
unsorted keys (a repeated key keeps the last value) and ignore bytes after the
last value, but every declared byte must be present and every digest must
match. An empty blob means "no sidedata" (the index records length 0).
"""

from __future__ import annotations

import enum
import hashlib
import struct
from collections.abc import Mapping

from ..errors import CorruptionError, RevlogError

_HEADER = struct.Struct(">H")
_ENTRY = struct.Struct(">HL20s")


class SidedataKey(enum.IntEnum):
    """The keys Mercurial assigns. 1-7 are reserved for its test suite."""

    TEST1 = 1
    TEST2 = 2
    TEST3 = 3
    TEST4 = 4
    TEST5 = 5
    TEST6 = 6
    TEST7 = 7
    P1COPIES = 8
    P2COPIES = 9
    FILESADDED = 10
    FILESREMOVED = 11
    FILES = 12


def key_name(key: int) -> str:
    """Display name of a key; unknown keys (newer Mercurial) stay readable."""
    try:
        return SidedataKey(key).name.lower()
    except ValueError:
        return f"unknown-{key}"


def decode_sidedata(blob: bytes) -> dict[int, bytes]:
    """Split a sidedata blob into ``{key: value}``, checking every digest.

    Raises ``CorruptionError`` with the offset (within ``blob``) of the entry
    or value that is truncated or whose digest does not match.
    """
    if not blob:
        return {}
    view = memoryview(blob)
    if len(view) < _HEADER.size:
        raise CorruptionError("sidedata header truncated", offset=0)
    (count,) = _HEADER.unpack_from(view, 0)
    data_start = _HEADER.size + count * _ENTRY.size
    if len(view) < data_start:
        raise CorruptionError(
            f"sidedata declares {count} entries but its table is truncated",
            offset=_HEADER.size + (len(view) - _HEADER.size) // _ENTRY.size * _ENTRY.size,
        )
    values: dict[int, bytes] = {}
    data_pos = data_start
    for pos in range(_HEADER.size, data_start, _ENTRY.size):
        key, size, digest = _ENTRY.unpack_from(view, pos)
        value = bytes(view[data_pos : data_pos + size])
        if len(value) != size:
            raise CorruptionError(
                f"sidedata value for key {key} needs {size} bytes, {len(value)} remain",
                offset=data_pos,
            )
        if hashlib.sha1(value).digest() != digest:
            raise CorruptionError(f"sidedata digest mismatch for key {key}", offset=pos)
        values[key] = value
        data_pos += size
    return values


def encode_sidedata(values: Mapping[int, bytes]) -> bytes:
    """Build the blob Mercurial would write for ``values`` (keys sorted)."""
    items = sorted(values.items())
    if len(items) > 0xFFFF:
        raise RevlogError(f"too many sidedata entries: {len(items)}")
    table = [_HEADER.pack(len(items))]
    for key, value in items:
        if not 0 <= key <= 0xFFFF or len(value) > 0xFFFFFFFF:
            raise RevlogError(f"sidedata key {key} or its value size is out of range")
        table.append(_ENTRY.pack(key, len(value), hashlib.sha1(value).digest()))
    return b"".join(table + [bytes(value) for _, value in items])
