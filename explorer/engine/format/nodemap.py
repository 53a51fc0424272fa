"""The persistent nodemap: a node → rev trie saved next to big revlogs.

``<radix>.n`` is a docket: ``>B`` version (1), ``>BQQQQ`` (uid length, tip
rev, data length, unused bytes, tip node length), the uid, the tip node.
``<radix>-<uid>.nd`` holds the trie: blocks of 16 big-endian int32, one per
hex nibble; a value >= 0 points at another block, -1 is empty, and v <= -2
is the revision -(v + 2). Children are written before their parent, so the
root is the *last* block of the valid data. The trie stores only as many
nibbles as needed to tell nodes apart, so a hit must be confirmed against
the index.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import CorruptionError

DOCKET_VERSION = 1
_VERSION = struct.Struct(">B")
_HEADER = struct.Struct(">BQQQQ")
BLOCK = struct.Struct(">16l")


@dataclass
class NodemapDocket:
    uid: bytes
    tip_rev: int
    data_length: int
    data_unused: int
    tip_node: bytes

    def data_suffix(self) -> str:
        return f"-{self.uid.decode('ascii', 'replace')}.nd"

    def serialize(self) -> bytes:
        return (_VERSION.pack(DOCKET_VERSION)
                + _HEADER.pack(len(self.uid), self.tip_rev, self.data_length, self.data_unused,
                               len(self.tip_node))
                + self.uid + self.tip_node)


def parse_nodemap_docket(raw: bytes, file: str) -> NodemapDocket | None:
    """Decode a nodemap docket; None for a version we do not know (hg ignores those too)."""
    if not raw:
        return None
    if raw[0] != DOCKET_VERSION:
        return None
    end = _VERSION.size + _HEADER.size
    if len(raw) < end:
        raise CorruptionError("nodemap docket is truncated", file=file, offset=len(raw))
    uid_len, tip_rev, data_length, unused, node_len = _HEADER.unpack_from(raw, _VERSION.size)
    if len(raw) < end + uid_len + node_len:
        raise CorruptionError("nodemap docket is truncated", file=file, offset=len(raw))
    uid = bytes(raw[end : end + uid_len])
    if not uid.isalnum():  # it names a file: nothing but letters and digits
        raise CorruptionError(f"nodemap data uid {uid!r} is not alphanumeric", file=file,
                              offset=end)
    tip_node = bytes(raw[end + uid_len : end + uid_len + node_len])
    return NodemapDocket(uid, tip_rev, data_length, unused, tip_node)


class PersistentNodemap:
    """Read-only view of the trie; ``find`` returns candidate revs to confirm."""

    def __init__(self, data: bytes, file: str) -> None:
        if len(data) % BLOCK.size:
            raise CorruptionError(
                f"nodemap data is {len(data)} bytes, not a multiple of {BLOCK.size}",
                file=file,
                offset=len(data) - len(data) % BLOCK.size,
            )
        self.data = data
        self.file = file
        self.blocks = len(data) // BLOCK.size

    def _block(self, index: int) -> tuple[int, ...]:
        if not 0 <= index < self.blocks:
            raise CorruptionError(
                f"nodemap points at block {index} of {self.blocks}",
                file=self.file,
                offset=index * BLOCK.size,
            )
        return BLOCK.unpack_from(self.data, index * BLOCK.size)

    def find(self, hexprefix: str) -> list[int]:
        """Revisions whose node may start with ``hexprefix`` (all of them, for a short prefix)."""
        if not self.blocks:
            return []
        block = self.blocks - 1
        for nibble in hexprefix:
            value = self._block(block)[int(nibble, 16)]
            if value == -1:
                return []
            if value < -1:
                return [-(value + 2)]
            block = value
        return self._revs_under(block)

    def revisions(self) -> list[int]:
        """Every revision the trie holds, walking down from its root."""
        return self._revs_under(self.blocks - 1) if self.blocks else []

    def leaf(self, hexnode: str) -> int | None:
        """The revision at the end of ``hexnode``'s path, unconfirmed (hg's ``_find_node``);
        None when the path ends on an empty slot."""
        found = self.find(hexnode)
        return found[0] if len(found) == 1 else None

    def _revs_under(self, root: int) -> list[int]:
        """Every revision in the subtree of ``root``; each block may be visited once,
        so a damaged trie whose blocks point at each other cannot loop or explode."""
        revs, seen, todo = [], {root}, [root]
        while todo:
            for value in self._block(todo.pop()):
                if value < -1:
                    revs.append(-(value + 2))
                elif value >= 0:
                    if value in seen:
                        raise CorruptionError(
                            f"nodemap block {value} is reached twice",
                            file=self.file,
                            offset=value * BLOCK.size,
                        )
                    seen.add(value)
                    todo.append(value)
        return revs


def nodemap_data(nodes: Sequence[bytes]) -> bytes:
    """The trie of ``nodes`` (revision i's node at i), as hg writes a whole new one.

    Revisions go in one by one; a slot holds a revision until a second node shares
    its prefix, then a block one nibble deeper holds both. Blocks are written
    children first, in nibble order, so each one's number is known before its
    parent points at it; the root comes last.
    """
    root: list = [None] * 16
    for rev, node in enumerate(nodes):
        _insert(root, rev, node.hex(), nodes)
    out: list[bytes] = []
    _write_block(root, out)
    return b"".join(out)


def _insert(block: list, rev: int, hexnode: str, nodes: Sequence[bytes]) -> None:
    level = 0
    while True:
        slot = int(hexnode[level], 16)
        entry = block[slot]
        if entry is None:
            block[slot] = rev
            return
        if isinstance(entry, int):  # a prefix shared with another node: split it
            child: list = [None] * 16
            block[slot] = child
            other = nodes[entry].hex()
            if other == hexnode:
                raise ValueError(f"revisions {entry} and {rev} have the same node")
            child[int(other[level + 1], 16)] = entry
            entry = child
        block, level = entry, level + 1


def _write_block(block: list, out: list[bytes]) -> int:
    """Write ``block``'s children, then it; return its number (depth is at most 40)."""
    values = []
    for entry in block:
        if entry is None:
            values.append(-1)
        elif isinstance(entry, int):
            values.append(-(entry + 2))
        else:
            values.append(_write_block(entry, out))
    out.append(BLOCK.pack(*values))
    return len(out) - 1
