"""Names hg keeps beside the changelog: bookmarks, local tags, the working copy's parents
and the two sides of an unresolved merge.

Bookmarks are ``HEXNODE NAME`` lines in ``.hg/bookmarks`` (in the store, with the
``bookmarksinstore`` requirement); hg skips, with a warning, a line it cannot
split or whose node is not hex, and silently a node the changelog does not hold.
Local tags (``.hg/localtags``) use the same lines, a later line naming the same tag
winning. The visible filter keeps the changesets these name, and the working
copy's parents, from being hidden; so do both sides of a merge (a graft, a rebase)
that stopped on a conflict, as ``.hg/merge/state2`` records them: records of a type
byte, a ``>I`` length and the data -- ``L`` and ``O`` the local and other nodes in
hex, ``F``/``C``/``P`` a file as ``PATH\0STATE\0...`` (``u`` and ``pu`` unresolved);
a ``t`` record wraps another (its first byte is the real type).
"""

from __future__ import annotations

import binascii
import struct
from collections.abc import Callable

REQUIREMENT = "bookmarksinstore"
DIRSTATE_V2 = b"dirstate-v2\n"
_NODE = 20
_LENGTH = struct.Struct(">I")
_FILE_RECORDS = (b"F", b"C", b"P")
_UNRESOLVED = (b"u", b"pu")


def read_named_nodes(data: bytes | None, known: Callable[[bytes], bool]) -> dict[str, bytes]:
    """Name -> node of ``HEXNODE NAME`` lines (bookmarks, local tags), in file order;
    lines hg would warn about and nodes ``known`` refuses are left out."""
    names: dict[str, bytes] = {}
    for raw in (data or b"").splitlines():
        line = raw.strip()
        if not line:
            continue
        hexnode, sep, name = line.partition(b" ")
        try:
            node = binascii.unhexlify(hexnode)
        except (binascii.Error, ValueError):
            continue
        if sep and len(node) == _NODE and known(node):
            names[name.decode("utf-8", "surrogateescape")] = node
    return names


def dirstate_parents(data: bytes | None) -> tuple[bytes, ...]:
    """The working copy's parent nodes from a dirstate (v1: the first 40 bytes; v2's
    docket: a marker line, then two parents padded to 32 bytes); none without one."""
    if not data:
        return ()
    if data.startswith(DIRSTATE_V2):
        start = len(DIRSTATE_V2)
        return data[start:start + _NODE], data[start + 32:start + 32 + _NODE]
    return data[:_NODE], data[_NODE:2 * _NODE]


def unresolved_merge_sides(data: bytes | None) -> tuple[bytes, ...]:
    """The local and other nodes of a merge state (``merge/state2``) with a file still
    unresolved; none when there is no such merge (or the file is cut short)."""
    records: list[tuple[bytes, bytes]] = []
    offset = 0
    while data and offset + 1 + _LENGTH.size <= len(data):
        kind = data[offset:offset + 1]
        (length,) = _LENGTH.unpack_from(data, offset + 1)
        offset += 1 + _LENGTH.size
        record = data[offset:offset + length]
        offset += length
        if kind == b"t":
            kind, record = record[:1], record[1:]
        records.append((kind, record))
    if not any(kind in _FILE_RECORDS and _file_state(record) in _UNRESOLVED
               for kind, record in records):
        return ()
    sides = []
    for kind, record in records:
        if kind in (b"L", b"O"):
            try:
                sides.append(binascii.unhexlify(record))
            except (binascii.Error, ValueError):
                continue
    return tuple(sides)


def _file_state(record: bytes) -> bytes | None:
    parts = record.split(b"\0")
    return parts[1] if len(parts) > 1 else None
