"""Binary deltas ("patches"): decode, check and apply them.

A delta is a run of hunks ``>lll start end length`` followed by ``length``
bytes: replace ``base[start:end]`` with those bytes. Hunks are sorted and do
not overlap, and an empty delta leaves the text unchanged.

Applying one delta copies the whole text once. A long chain over a big text
(a manifest with a thousand deltas) would copy it a thousand times, so
``apply_deltas`` switches to a *block rope*: the text is cut into blocks of a
few KiB and each hunk rewrites only the blocks it touches. Hunks of a delta
are applied last to first, so the block positions found by bisection stay
valid for the hunks still to come.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

_HUNK = struct.Struct(">lll")
HUNK_HEADER_SIZE = _HUNK.size

# Below this many bytes copied in total, plain application beats the rope.
_ROPE_THRESHOLD = 1 << 20
_BLOCK = 4096


class PatchError(ValueError):
    """A delta is malformed; ``position`` is the byte offset inside the delta."""

    def __init__(self, message: str, position: int, delta_index: int = 0) -> None:
        super().__init__(message)
        self.position = position
        self.delta_index = delta_index


Hunk = tuple[int, int, int, int]  # start, end, data offset in delta, data length


def parse_hunks(delta: bytes | memoryview, base_length: int) -> list[Hunk]:
    """Decode and check every hunk of ``delta`` against a base of ``base_length`` bytes."""
    hunks = []
    size = len(delta)
    pos = 0
    last_end = 0
    unpack = _HUNK.unpack_from
    while pos < size:
        if pos + 12 > size:
            raise PatchError(f"truncated hunk header ({size - pos} of 12 bytes)", pos)
        start, end, length = unpack(delta, pos)
        if start < last_end or end < start or end > base_length:
            raise PatchError(
                f"hunk replaces [{start}:{end}] of a {base_length}-byte text"
                + (f" after a hunk ending at {last_end}" if start < last_end else ""),
                pos,
            )
        data = pos + 12
        if length < 0 or data + length > size:
            raise PatchError(f"hunk data of {length} bytes runs past the delta's end", pos)
        hunks.append((start, end, data, length))
        last_end = end
        pos = data + length
    return hunks


def patched_length(base_length: int, hunks: Sequence[Hunk]) -> int:
    """Length of the text after applying ``hunks`` to a base of ``base_length`` bytes."""
    return base_length + sum(length - (end - start) for start, end, _, length in hunks)


def apply_delta(base: bytes | memoryview, delta: bytes | memoryview) -> bytes:
    """Apply one delta to ``base`` and return the new text."""
    if not delta:
        return bytes(base)
    hunks = parse_hunks(delta, len(base))
    src = memoryview(base)
    dm = memoryview(delta)
    pieces = []
    pos = 0
    for start, end, data, length in hunks:
        pieces.append(src[pos:start])
        pieces.append(dm[data : data + length])
        pos = end
    pieces.append(src[pos:])
    return b"".join(pieces)


def apply_deltas(base: bytes | memoryview, deltas: Sequence[bytes | memoryview]) -> bytes:
    """Apply ``deltas`` in order to ``base``.

    Errors carry the index of the failing delta in ``PatchError.delta_index``.
    """
    if len(deltas) > 1 and len(base) * len(deltas) > _ROPE_THRESHOLD:
        return _apply_with_rope(base, deltas)
    text = base
    for i, delta in enumerate(deltas):
        try:
            text = apply_delta(text, delta)
        except PatchError as exc:
            exc.delta_index = i
            raise
    return bytes(text)


def _apply_with_rope(base: bytes | memoryview, deltas: Sequence[bytes | memoryview]) -> bytes:
    base = bytes(base)
    blocks = [base[i : i + _BLOCK] for i in range(0, len(base), _BLOCK)] or [b""]
    starts = [0] + list(accumulate(len(b) for b in blocks))
    for i, delta in enumerate(deltas):
        if not delta:
            continue
        try:
            hunks = parse_hunks(delta, starts[-1])
        except PatchError as exc:
            exc.delta_index = i
            raise
        for start, end, data, length in reversed(hunks):
            _rope_replace(blocks, starts, start, end, delta[data : data + length])
        starts[:] = [0, *accumulate(len(b) for b in blocks)]
    return b"".join(blocks)


def _rope_replace(blocks: list[bytes], starts: list[int], start: int, end: int, data) -> None:
    """Replace text[start:end] by ``data`` inside the block list.

    ``starts`` is valid for every block that begins at or before ``end``:
    hunks are applied from the last to the first, so only later blocks moved.
    """
    first = bisect_right(starts, start) - 1
    if first >= len(blocks):
        first = len(blocks) - 1
    last = bisect_right(starts, end) - 1 if end > start else first
    if last >= len(blocks):
        last = len(blocks) - 1
    head = blocks[first][: start - starts[first]]
    tail = blocks[last][end - starts[last] :]
    merged = b"".join((head, data, tail))
    if len(merged) > 4 * _BLOCK:
        pieces = [merged[i : i + _BLOCK] for i in range(0, len(merged), _BLOCK)]
    else:
        pieces = [merged]
    blocks[first : last + 1] = pieces
