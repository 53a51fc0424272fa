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
