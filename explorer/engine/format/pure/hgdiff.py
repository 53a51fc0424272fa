"""Mercurial's own deltas, byte for byte: what hg's C bdiff makes of two texts.

Our ``bdiff`` makes smaller deltas than hg's; this module makes exactly hg's,
for where the bytes must be hg's: replaying hg's delta search
(``debug-delta-find``), where a delta's size decides which base wins, and
writing into a store whose revisions must come out as hg would store them.

``storage_diff`` is what hg 7.x revlogs store (``mdiff.storage_diff``, also
its ``manifest_diff`` and ``line_diff`` in C); ``textdiff`` is the older
``mdiff.textdiff``, the same without the common suffix cut off first.

The algorithm, as hg runs it (the facts the output depends on):

1. Cut off the common prefix up to its last newline; for ``storage_diff``
   also the common suffix from just after a newline, no longer than what
   the prefix leaves of the shorter text.
2. Split what remains into lines, each ending with its ``\\n`` (the last
   may lack one). Lines are equal when their bytes are.
3. A line of a starts a match only if it occurs in b at most ``t`` times:
   ``len(b) // 1000`` lines from 31,000 lines of b on, else
   ``1_000_000 // (len(b) + 1)``. More common lines only extend matches.
4. Matching blocks come from a recursion: find the longest run of equal
   lines in the region (see ``_Longest``), recurse into the part before
   it, emit it, go on with the part after it.
5. Blocks are then shifted: where two neighbouring blocks touch on one
   side, the first grows over the lines that also begin the second.
6. Each gap between blocks becomes one hunk (start, end, length, data).
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from itertools import accumulate

from .bdiff import common_prefix

_HUNK = struct.Struct(">lll")
# Regions longer than this in a are searched in their last this many lines only.
_WINDOW = 30_000
# hg's limit on either text: hunk offsets are 32-bit.
_MAX_SIZE = 0xFFFFFFFF

Buffer = bytes | bytearray | memoryview
Block = tuple[int, int, int, int]  # a lines [a1, a2) equal b lines [b1, b2)


def storage_diff(a: Buffer, b: Buffer) -> bytes:
    """hg's ``mdiff.storage_diff(a, b)``: the delta its revlogs store from ``a`` to ``b``."""
    return _diff(bytes(a), bytes(b), prune_suffix=True)


def textdiff(a: Buffer, b: Buffer) -> bytes:
    """hg's ``mdiff.textdiff(a, b)``: as ``storage_diff`` without cutting the suffix."""
    return _diff(bytes(a), bytes(b), prune_suffix=False)


def _diff(a: bytes, b: bytes, prune_suffix: bool) -> bytes:
    if len(a) > _MAX_SIZE or len(b) > _MAX_SIZE:
        raise ValueError("bdiff inputs too large")
    start = _prefix(a, b)
    tail = _suffix(a, b, min(len(a), len(b)) - start) if prune_suffix else 0
    old, new = _lines(a[start:len(a) - tail]), _lines(b[start:len(b) - tail])
    old_at, new_at = _offsets(old), _offsets(new)
    out = []
    la = lb = 0
    for a1, a2, b1, b2 in matching_blocks(old, new):
        if a1 != la or b1 != lb:
            out.append(_HUNK.pack(start + old_at[la], start + old_at[a1],
                                  new_at[b1] - new_at[lb]))
            out.append(b[start + new_at[lb]:start + new_at[b1]])
        la, lb = a2, b2
    return b"".join(out)


def _prefix(a: bytes, b: bytes) -> int:
    """The common prefix up to and including its last newline."""
    same = common_prefix(a, b)
    return a.rfind(b"\n", 0, same) + 1


def _suffix(a: bytes, b: bytes, limit: int) -> int:
    """The common suffix, at most ``limit`` bytes, that starts just after a newline.

    hg scans backwards and remembers the last newline it passed, the first
    in the text; the suffix never includes the newline itself.
    """
    la, lb = len(a), len(b)
    lo, hi = 0, limit
    if a[la - hi:] == b[lb - hi:]:
        lo = hi
    while lo < hi:  # the last lo bytes are equal, the last hi + 1 are not
        mid = (lo + hi + 1) // 2
        if a[la - mid:la - lo] == b[lb - mid:lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    newline = a.find(b"\n", la - lo, la)
    return 0 if newline < 0 else la - newline - 1


def _lines(text: bytes) -> list[bytes]:
    """The lines of ``text``, each with its newline; a last line may lack one."""
    lines = [line + b"\n" for line in text.split(b"\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines


def _offsets(lines: list[bytes]) -> list[int]:
    return list(accumulate(map(len, lines), initial=0))


def matching_blocks(a: list[bytes], b: list[bytes]) -> list[Block]:
    """hg's ``bdiff.blocks`` of two line lists: the equal runs, shifted, and last the
    empty block at both ends."""
    longest = _Longest(a, b)
    blocks: list[list[int]] = []
    # the recursion, in hg's order: left part, block, right part (the order matters:
    # _Longest keeps what earlier searches left in its position table)
    stack: list[tuple[int, int, int, int] | list[int]] = [(0, len(a), 0, len(b))]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            blocks.append(item)
            continue
        a1, a2, b1, b2 = item
        i, j, k = longest.find(a1, a2, b1, b2)
        if k:
            stack += [(i + k, a2, j + k, b2), [i, i + k, j, j + k], (a1, i, b1, j)]
    blocks.append([len(a), len(a), len(b), len(b)])
    _shift(blocks, a, b)
    return [(a1, a2, b1, b2) for a1, a2, b1, b2 in blocks]


def _shift(blocks: list[list[int]], a: list[bytes], b: list[bytes]) -> None:
    """Where a block ends where the next begins, on either side, move the lines that
    begin the next block to the end of this one (hg pushes hunks towards the end)."""
    for cur, nxt in zip(blocks, blocks[1:]):
        if cur[1] != nxt[0] and cur[3] != nxt[2]:
            continue
        while (cur[1] < len(a) and cur[3] < len(b) and nxt[0] < nxt[1] and nxt[2] < nxt[3]
               and a[cur[1]] == b[cur[3]]):
            cur[1] += 1
            cur[3] += 1
            nxt[0] += 1
            nxt[2] += 1


class _Longest:
    """hg's longest-match search, with the state it keeps between searches.

    Lines become class numbers (b's distinct lines numbered, a's lines absent
    from b get -1). Each line of a not too common in b knows where it occurs
    in b. ``pos[j]`` / ``run[j]``: the a line last matched with b line ``j``
    and the length of the run ending there. The table starts zeroed and is
    never cleared between searches: hg reads entries earlier searches left,
    and a zeroed entry reads as "a line 0 matched here with a run of 0",
    which ends the walk back at a line 0. Both are kept as hg has them: they
    can change which blocks are found, though on the tests' inputs (a clean
    table per search, or -1 entries, tried) never the delta, since adjacent
    blocks leave no hunk between them.
    """

    def __init__(self, a: list[bytes], b: list[bytes]) -> None:
        classes: dict[bytes, int] = {}
        where: list[list[int]] = []
        self.b_class = []
        for j, line in enumerate(b):
            c = classes.setdefault(line, len(classes))
            if c == len(where):
                where.append([])
            where[c].append(j)
            self.b_class.append(c)
        limit = len(b) // 1000 if len(b) >= 31_000 else 1_000_000 // (len(b) + 1)
        self.a_class = [classes.get(line, -1) for line in a]
        self.a_where: list[list[int] | None] = [
            where[c] if c >= 0 and len(where[c]) <= limit else None for c in self.a_class]
        self.pos = [0] * max(len(b), 1)
        self.run = [0] * max(len(b), 1)

    def find(self, a1: int, a2: int, b1: int, b2: int) -> tuple[int, int, int]:
        """(i, j, k): the run a[i:i+k] == b[j:j+k] hg chooses in the region; k may be 0."""
        ac, bc, pos, run = self.a_class, self.b_class, self.pos, self.run
        mi, mj, mk = a1, b1, 0
        if a2 - a1 > _WINDOW:
            a1 = a2 - _WINDOW
        half, bhalf = (a1 + a2 - 1) // 2, (b1 + b2 - 1) // 2
        for i in range(a1, a2):
            js = self.a_where[i]
            if js is None:
                continue
            lo, hi = bisect_left(js, b1), bisect_left(js, b2)
            for n in range(hi - 1, lo - 1, -1):  # b lines from the last, as hg's chains run
                j = js[n]
                k = 1
                while j - k >= b1 and i - k >= a1:
                    if pos[j - k] == i - k:  # reached an earlier run (or a zeroed entry)
                        k += run[j - k]
                        break
                    if ac[i - k] != bc[j - k]:
                        break
                    k += 1
                pos[j], run[j] = i, k
                if k > mk:
                    mi, mj, mk = i, j, k
                elif k == mk:
                    if i > mi and i <= half and j > b1:  # as long, nearer the middle
                        mi, mj = i, j
                    elif i == mi and (mj > bhalf or i == a1):  # same i, earlier j
                        mj = j
        if mk:
            mi, mj = mi - mk + 1, mj - mk + 1
        # grow over the common lines that follow (they could not start a run)
        while mi + mk < a2 and mj + mk < b2 and ac[mi + mk] == bc[mj + mk]:
            mk += 1
        return mi, mj, mk
