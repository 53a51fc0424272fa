"""Binary deltas: compute the mpatch delta that turns one text into another.

The write path's counterpart of :mod:`mpatch`. Deltas are line-granular like
Mercurial's (lines end at ``\\n``; the last line may lack one), and about as
small as hg's C bdiff makes them, because stored deltas are what a store's
size is made of.

How a delta is found:

1. The common prefix and suffix are cut off at line boundaries first, with
   byte comparisons in C; most edits touch a few lines of a long text, and
   then nothing else needs looking at.
2. The lines in between are interned as ints. Lines that occur exactly once
   in each text anchor the match (patience diff): the longest increasing run
   of anchors, each grown into the whole run of equal lines around it.
3. The gaps between those runs (edited areas, and texts with few unique
   lines) get Mercurial's own method: take the longest run of equal lines,
   repeat on either side of it. Lines too common in a gap do not start a run
   there but may continue one, which bounds the pairs looked at per gap.
4. Equal runs shorter than a hunk header between two hunks are sent again
   inside one hunk rather than paying 12 bytes for a second header; this is
   where our deltas come out a little smaller than hg's.

All work is bounded by the input's size: pathological inputs (thousands of
equal lines, total rewrites) end with correct, if larger, deltas.
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from collections import Counter
from itertools import accumulate
from operator import add

from .mpatch import HUNK_HEADER_SIZE

_HUNK = struct.Struct(">lll")

# Prefix and suffix search compares this many bytes at a time before bisecting.
_CHUNK = 4096
# A gap line is too common to start a run when its pairs with the gap's
# lines would exceed this many per line of the gap (Mercurial's limit is
# about a million pairs per search, too many for Python).
_PAIRS_PER_LINE = 8
_MIN_PAIRS = 4096
# After this much work per line of input (plus a constant), gap searches only
# match equal lines at the ends of each gap: a backstop against quadratic
# time that real texts stay far below (the benchmark corpus: 3 per line).
_WORK_PER_LINE = 32
_MIN_WORK = 200_000

Block = tuple[int, int, int]  # a start, b start, length in lines


def diff(a: bytes, b: bytes) -> bytes:
    """The delta that turns ``a`` into ``b``: ``mpatch.apply_delta(a, diff(a, b)) == b``.

    Equal texts give the empty delta; an empty ``a`` gives one insertion hunk.
    """
    if a == b:
        return b""
    start = _aligned_prefix(a, b)
    tail = _aligned_suffix(a, b, start)
    end_a, end_b = len(a) - tail, len(b) - tail
    if start == end_a or start == end_b:
        return _HUNK.pack(start, end_a, end_b - start) + b[start:end_b]
    lines_a, offsets_a = _split(a, start, end_a)
    lines_b, offsets_b = _split(b, start, end_b)
    hunks = _hunks(_matching_blocks(lines_a, lines_b, offsets_a), offsets_a, offsets_b)
    out = []
    for a1, a2, b1, b2 in hunks:
        lo, hi = start + offsets_b[b1], start + offsets_b[b2]
        out.append(_HUNK.pack(start + offsets_a[a1], start + offsets_a[a2], hi - lo))
        out.append(b[lo:hi])
    return b"".join(out)


def replace_delta(old_length: int, new: bytes) -> bytes:
    """One hunk replacing all ``old_length`` bytes of the base by ``new``.

    Mercurial stores this against bases it must not read (censored ones) and
    recognises a delta of exactly this shape without reading the base.
    """
    return _HUNK.pack(0, old_length, len(new)) + new


# -- prefix and suffix ---------------------------------------------------------


def _aligned_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix, cut back to a line start."""
    same = _common_prefix(a, b)
    return a.rfind(b"\n", 0, same) + 1


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix of ``a`` and ``b`` (slices compared in C)."""
    limit = min(len(a), len(b))
    pos = 0
    while pos < limit:
        size = min(_CHUNK, limit - pos)
        if a[pos : pos + size] != b[pos : pos + size]:
            break
        pos += size
    lo, hi = pos, min(pos + _CHUNK, limit)  # a[:lo] == b[:lo], and not past hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _aligned_suffix(a: bytes, b: bytes, start: int) -> int:
    """Length of the common suffix after ``start``, starting a line in both texts."""
    limit = min(len(a), len(b)) - start
    same = _common_suffix(a, b, limit)
    at_a, at_b = len(a) - same, len(b) - same
    if (at_a == start or a[at_a - 1] == 10) and (at_b == start or b[at_b - 1] == 10):
        return same
    newline = a.find(b"\n", at_a)
    return 0 if newline < 0 else len(a) - newline - 1


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the common suffix of ``a`` and ``b``, at most ``limit``."""
    la, lb = len(a), len(b)
    pos = 0
    while pos < limit:
        size = min(_CHUNK, limit - pos)
        if a[la - pos - size : la - pos] != b[lb - pos - size : lb - pos]:
            break
        pos += size
    lo, hi = pos, min(pos + _CHUNK, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _split(text: bytes, start: int, end: int) -> tuple[list[bytes], list[int]]:
    """Lines of ``text[start:end]`` as dictionary keys, and their byte offsets.

    Keys drop the ``\\n``; a last line without one keeps a ``\\n`` added, which
    no other key can contain, so it never equals a terminated line.
    """
    lines = text[start:end].split(b"\n")
    last = lines.pop()
    if last:
        lines.append(last + b"\n")
    # line k starts after the bytes of the keys before it plus their k newlines
    offsets = list(map(add, accumulate(map(len, lines), initial=0), range(len(lines) + 1)))
    offsets[-1] = end - start
    return lines, offsets


# -- matching ------------------------------------------------------------------


def _matching_blocks(a: list[bytes], b: list[bytes], offsets: list[int]) -> list[Block]:
    """Runs of equal lines, sorted and non-crossing, as (a start, b start, length).

    ``offsets`` are the byte offsets of a's lines, to weigh runs by bytes.
    """
    runs = _anchored_runs(a, b)
    weights = [offsets[i + k] - offsets[i] - HUNK_HEADER_SIZE for i, _, k in runs]
    search = _GapSearch(a, b)
    blocks: list[Block] = []
    end_a = end_b = 0
    for i, j, k in _heaviest_chain(runs, weights):
        back = min(0, i - end_a, j - end_b)  # clip a run overlapping the previous one
        i, j, k = i - back, j - back, k + back
        search.run(end_a, i, end_b, j, blocks)
        if k > 0:
            blocks.append((i, j, k))
            end_a, end_b = i + k, j + k
    search.run(end_a, len(a), end_b, len(b), blocks)
    blocks.sort()
    return blocks


def _anchored_runs(a: list[bytes], b: list[bytes]) -> list[Block]:
    """The maximal runs of equal lines through lines unique in both texts, by a start.

    A unique line has one partner, so no run on another diagonal (``j - i``)
    can cover it: the scan jumps over each run found and looks line by line
    only at the edited stretches between runs.
    """
    count_a, count_b = Counter(a), Counter(b)
    where_b = dict(zip(b, range(len(b))))  # the only position, for lines unique in b
    runs = []
    i, size = 0, len(a)
    while i < size:
        line = a[i]
        if count_a[line] != 1 or count_b[line] != 1:
            i += 1
            continue
        j = where_b[line]
        back = _extend_back(a, i, b, j, i, j)
        length = back + _extend(a, i, b, j, size - i, len(b) - j)
        runs.append((i - back, j - back, length))
        i += length - back
    return runs


def _heaviest_chain(runs: list[Block], weights: list[int]) -> list[Block]:
    """The runs, in a order, that also follow each other in b and weigh most in total.

    Runs come sorted by a start; a Fenwick tree over the ranks of their b
    starts gives the heaviest chain ending before each one (O(n log n)).
    Runs of no positive weight are left for the gap search.
    """
    kept = [r for r, w in zip(runs, weights) if w > 0]
    weight = [w for w in weights if w > 0]
    rank = {j: n + 1 for n, j in enumerate(sorted(j for _, j, _ in kept))}
    size = len(kept)
    tree = [(0, -1)] * (size + 1)  # prefix maxima of (chain weight, last run)
    previous = [-1] * size
    best = (0, -1)
    for n, (_, j, _) in enumerate(kept):
        r = rank[j] - 1
        top = (0, -1)
        while r > 0:
            top = max(top, tree[r])
            r &= r - 1
        previous[n] = top[1]
        entry = (top[0] + weight[n], n)
        best = max(best, entry)
        r = rank[j]
        while r <= size:
            tree[r] = max(tree[r], entry)
            r += r & -r
    chain = []
    n = best[1]
    while n >= 0:
        chain.append(kept[n])
        n = previous[n]
    chain.reverse()
    return chain


def _extend(a: list[bytes], i: int, b: list[bytes], j: int, limit_a: int, limit_b: int) -> int:
    """How many lines from ``a[i]`` and ``b[j]`` on are equal (galloping slice compares)."""
    limit = min(limit_a, limit_b)
    good, step = 0, 1
    while good < limit:
        size = min(step, limit - good)
        if a[i + good : i + good + size] != b[j + good : j + good + size]:
            if size == 1:
                break
            step = 1
            continue
        good += size
        step *= 2
    return good


def _extend_back(a: list[bytes], i: int, b: list[bytes], j: int, limit_a: int, limit_b: int) -> int:
    """How many lines just before ``a[i]`` and ``b[j]`` are equal."""
    limit = min(limit_a, limit_b)
    good, step = 0, 1
    while good < limit:
        size = min(step, limit - good)
        if a[i - good - size : i - good] != b[j - good - size : j - good]:
            if size == 1:
                break
            step = 1
            continue
        good += size
        step *= 2
    return good


class _GapSearch:
    """Mercurial's longest-run-first matching, for the gaps between unique anchors.

    ``work`` counts lines scanned and pairs tried; past ``budget`` only the
    equal lines at the ends of the remaining gaps are matched (a correct,
    larger delta), so no input takes quadratic time.
    """

    def __init__(self, a: list[bytes], b: list[bytes]) -> None:
        self.a, self.b = a, b
        self.work = 0
        self.budget = _WORK_PER_LINE * (len(a) + len(b)) + _MIN_WORK

    def run(self, a1: int, a2: int, b1: int, b2: int, blocks: list[Block]) -> None:
        """Append the runs matched in a[a1:a2] x b[b1:b2] to ``blocks``."""
        if a1 >= a2 or b1 >= b2:
            return
        where: dict[bytes, list[int]] = {}
        if self.work < self.budget:
            for j in range(b1, b2):
                where.setdefault(self.b[j], []).append(j)
        stack = [(a1, a2, b1, b2)]
        while stack:
            a1, a2, b1, b2 = stack.pop()
            if a1 >= a2 or b1 >= b2:
                continue
            if self.work < self.budget:
                i, j, k = self._longest(where, a1, a2, b1, b2)
            else:
                i, j, k = self._ends(a1, a2, b1, b2)
            if k:
                blocks.append((i, j, k))
                stack.append((a1, i, b1, j))
                stack.append((i + k, a2, j + k, b2))

    def _ends(self, a1: int, a2: int, b1: int, b2: int) -> Block:
        """The equal lines at the start of the gap, else at its end: once the
        budget is spent, still the cheap matches (comparisons in C)."""
        a, b = self.a, self.b
        k = _extend(a, a1, b, b1, a2 - a1, b2 - b1)
        if k:
            return a1, b1, k
        k = _extend_back(a, a2, b, b2, a2 - a1, b2 - b1)
        return a2 - k, b2 - k, k

    def _longest(self, where: dict[bytes, list[int]], a1: int, a2: int, b1: int,
                 b2: int) -> Block:
        """The longest run of equal lines in the gap, the one nearest its middle on ties.

        Runs start only at lines whose count in b[b1:b2] is under the gap's
        limit; a run reaching back over common lines to an earlier run joins it.
        """
        a, b = self.a, self.b
        limit = max(_MIN_PAIRS, _PAIRS_PER_LINE * (a2 - a1 + b2 - b1)) // (a2 - a1)
        middle = (a1 + a2) // 2
        best_i, best_j, best_k, best_off = a1, b1, 0, 0
        ends: dict[int, tuple[int, int]] = {}  # b line -> (a line, length) of a run ending there
        work = self.work + a2 - a1
        for i in range(a1, a2):
            if work > self.budget:
                break
            js = where.get(a[i])
            if js is None:
                continue
            lo = bisect_left(js, b1)
            hi = bisect_left(js, b2, lo)
            if not 0 < hi - lo <= limit:
                continue
            for j in js[lo:hi]:
                walked, joined = 1, 0
                while i - walked >= a1 and j - walked >= b1:
                    previous = ends.get(j - walked)
                    if previous is not None and previous[0] == i - walked:
                        joined = previous[1]
                        break
                    if a[i - walked] != b[j - walked]:
                        break
                    walked += 1
                work += walked
                k = walked + joined
                ends[j] = (i, k)
                off = abs(i - middle)
                if k > best_k or (k == best_k and off < best_off):
                    best_i, best_j, best_k, best_off = i, j, k, off
        self.work = work
        if best_k:
            best_i, best_j = best_i - best_k + 1, best_j - best_k + 1
        best_k += _extend(a, best_i + best_k, b, best_j + best_k,
                          a2 - best_i - best_k, b2 - best_j - best_k)
        return best_i, best_j, best_k


# -- hunks ---------------------------------------------------------------------


def _hunks(blocks: list[Block], offsets_a: list[int],
           offsets_b: list[int]) -> list[tuple[int, int, int, int]]:
    """Line ranges (a1, a2, b1, b2) between the blocks, merged over short blocks.

    A matched run of fewer bytes than a hunk header between two hunks costs
    less sent again than a second header costs.
    """
    hunks: list[list[int]] = []
    last_a = last_b = 0
    for i, j, k in [*blocks, (len(offsets_a) - 1, len(offsets_b) - 1, 0)]:
        if i > last_a or j > last_b:
            if hunks and offsets_a[last_a] - offsets_a[hunks[-1][1]] <= HUNK_HEADER_SIZE:
                hunks[-1][1], hunks[-1][3] = i, j
            else:
                hunks.append([last_a, i, last_b, j])
        last_a, last_b = i + k, j + k
    return [tuple(h) for h in hunks]
