"""Binary deltas: compute the mpatch delta that turns one text into another.

The write path's counterpart of :mod:`mpatch`. Deltas are line-granular like
Mercurial's (lines end at ``\\n``; the last line may lack one) and a little
smaller than hg's C bdiff makes them, because stored deltas are most of what
a store's size is made of.

How a delta is found:

1. The common prefix and suffix are cut off at line boundaries first, with
   byte comparisons in C: most edits touch a few lines of a long text.
2. Lines in between that occur once in the new text anchor the match
   (patience diff): each anchor grows into the whole run of equal lines
   around it, and the runs that follow each other in both texts and weigh
   the most bytes in total are kept.
3. The gaps between those runs (edited areas, texts with few unique lines)
   get Mercurial's own method: take the longest run of equal lines, repeat on
   either side of it. Lines too common in a gap do not start a run there but
   may continue one, which bounds the pairs looked at per gap.
4. A matched run shorter than a hunk header between two hunks is sent again
   inside one hunk rather than paying 12 bytes for a second header.

All work is bounded by the input's size: pathological inputs (thousands of
equal lines, total rewrites) end with correct, if larger, deltas.
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from collections import Counter
from itertools import accumulate

from .mpatch import HUNK_HEADER_SIZE

_HUNK = struct.Struct(">lll")

# Prefix and suffix search compares this many bytes at a time before bisecting.
_CHUNK = 4096
# Runs of up to this many lines compare line by line, longer ones as bytes.
_KEYS_COMPARED = 32
# A gap line is too common to start a run when its pairs with the gap's
# lines would exceed this many per line of the gap (Mercurial's limit is
# about a million pairs per search, too many for Python).
_PAIRS_PER_LINE = 8
_MIN_PAIRS = 4096
# After this much work per line of input (plus a constant), gaps are matched
# in one pass each, without search: a backstop against quadratic time that
# real texts stay far below (the benchmark corpora: 3 per line).
_WORK_PER_LINE = 32
_MIN_WORK = 200_000

Buffer = bytes | bytearray | memoryview
Block = tuple[int, int, int]  # a start, b start, length in lines
Hunk = tuple[int, int, int, int]  # a lines [a1, a2) become b lines [b1, b2)


def diff(a: Buffer, b: Buffer) -> bytes:
    """The delta that turns ``a`` into ``b``: ``mpatch.apply_delta(a, diff(a, b)) == b``.

    Equal texts give the empty delta; an empty ``a`` gives one insertion hunk.
    """
    a, b = bytes(a), bytes(b)  # lines must be hashable; no copy when they already are bytes
    if a == b:
        return b""
    start = _aligned_prefix(a, b)
    tail = _aligned_suffix(a, b, start)
    end_a, end_b = len(a) - tail, len(b) - tail
    if start == end_a or start == end_b:
        return _HUNK.pack(start, end_a, end_b - start) + b[start:end_b]
    old, new = _Lines(a, start, end_a), _Lines(b, start, end_b)
    out = []
    for a1, a2, b1, b2 in _hunks(_matching_blocks(old, new), old):
        lo, hi = start + new.offset(b1), start + new.offset(b2)
        out.append(_HUNK.pack(start + old.offset(a1), start + old.offset(a2), hi - lo))
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
    return a.rfind(b"\n", 0, _common_prefix(a, b)) + 1


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
    """Length of the common suffix after ``start`` that starts a line in both texts."""
    same = _common_suffix(a, b, min(len(a), len(b)) - start)
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


class _Lines:
    """The lines of ``text[start:end]``: ``keys`` to match, and where each line starts.

    Keys drop the ``\\n``; a last line without one keeps a ``\\n`` added, which
    no other key can contain, so it never equals a terminated line.
    """

    __slots__ = ("text", "start", "size", "keys", "key_bytes")

    def __init__(self, text: bytes, start: int, end: int) -> None:
        keys = text[start:end].split(b"\n")
        last = keys.pop()
        if last:
            keys.append(last + b"\n")
        self.text, self.start, self.size, self.keys = text, start, end - start, keys
        # offsets are needed at run ends only: keep the running key sizes, add newlines on demand
        self.key_bytes = list(accumulate(map(len, keys), initial=0))

    def __len__(self) -> int:
        return len(self.keys)

    def offset(self, i: int) -> int:
        """Where line ``i`` starts (``len(self)``: the end), from ``start``."""
        return min(self.key_bytes[i] + i, self.size)  # min: an unterminated last line

    def span(self, i: int, k: int) -> bytes:
        """The bytes of lines [i, i + k): equal spans of whole lines are equal lines."""
        return self.text[self.start + self.offset(i) : self.start + self.offset(i + k)]


def _extend(a: _Lines, i: int, b: _Lines, j: int, limit: int) -> int:
    """How many lines from ``a[i]`` and ``b[j]`` on are equal, at most ``limit``.

    Runs are often thousands of lines long: compare spans of doubling size
    until one differs, then bisect inside it.
    """
    good, size = 0, 1
    while good < limit:
        size = min(size, limit - good)
        if not _same(a, i + good, b, j + good, size):
            break
        good += size
        size += size
    else:
        return good
    lo, hi = good, good + size - 1  # lines [i, i + lo) are equal, [i, i + hi + 1) are not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _same(a, i + lo, b, j + lo, mid - lo):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _extend_back(a: _Lines, i: int, b: _Lines, j: int, limit: int) -> int:
    """How many lines just before ``a[i]`` and ``b[j]`` are equal, at most ``limit``."""
    good, size = 0, 1
    while good < limit:
        size = min(size, limit - good)
        if not _same(a, i - good - size, b, j - good - size, size):
            break
        good += size
        size += size
    else:
        return good
    lo, hi = good, good + size - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _same(a, i - mid, b, j - mid, mid - lo):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _same(a: _Lines, i: int, b: _Lines, j: int, k: int) -> bool:
    """Whether lines [i, i + k) of a equal lines [j, j + k) of b: few lines compare
    as keys, many as one span of bytes (one memcmp)."""
    if k <= _KEYS_COMPARED:
        return a.keys[i : i + k] == b.keys[j : j + k]
    return a.span(i, k) == b.span(j, k)


# -- matching ------------------------------------------------------------------


def _matching_blocks(a: _Lines, b: _Lines) -> list[Block]:
    """Runs of equal lines, sorted and non-crossing, as (a start, b start, length),
    and last the empty block at the ends of both texts."""
    search = _GapSearch(a, b)
    blocks: list[Block] = []
    end_a = end_b = 0
    for i, j, k in _heaviest_chain(_anchored_runs(a, b), a):
        clip = max(0, end_a - i, end_b - j)  # a run may overlap the one before it
        if clip >= k:
            continue
        i, j, k = i + clip, j + clip, k - clip
        search.run(end_a, i, end_b, j, blocks)
        blocks.append((i, j, k))
        end_a, end_b = i + k, j + k
    search.run(end_a, len(a), end_b, len(b), blocks)
    blocks.sort()
    blocks.append((len(a), len(b), 0))
    return blocks


def _anchored_runs(a: _Lines, b: _Lines) -> list[Block]:
    """The maximal runs of equal lines through lines unique in b, by anchor in a.

    A line unique in b has one partner, so no run on another diagonal
    (``j - i``) can cover it: the scan jumps over each run found and looks
    line by line only at the edited stretches between runs.
    """
    keys, count = a.keys, Counter(b.keys)
    where = dict(zip(b.keys, range(len(b))))  # the only position of lines unique in b
    runs = []
    i, size, size_b = 0, len(a), len(b)
    while i < size:
        if count[keys[i]] != 1:
            i += 1
            continue
        j = where[keys[i]]
        back = _extend_back(a, i, b, j, min(i, j))
        ahead = _extend(a, i, b, j, min(size - i, size_b - j))
        runs.append((i - back, j - back, back + ahead))
        i += ahead
    return runs


def _heaviest_chain(runs: list[Block], a: _Lines) -> list[Block]:
    """The runs, in a order, that also follow each other in b and save the most bytes.

    A run saves its bytes less the header of the hunk it adds; runs that save
    nothing are left to the gap search. Runs usually come in b order already;
    otherwise a Fenwick tree over the ranks of their b starts gives the
    heaviest chain ending before each run (O(n log n)).
    """
    kept, weights = [], []
    for i, j, k in runs:
        weight = a.offset(i + k) - a.offset(i) - HUNK_HEADER_SIZE
        if weight > 0:
            kept.append((i, j, k))
            weights.append(weight)
    if all(x[1] < y[1] for x, y in zip(kept, kept[1:])):
        return kept
    size = len(kept)
    rank = {j: n + 1 for n, j in enumerate(sorted(j for _, j, _ in kept))}
    tree_total, tree_run = [0] * (size + 1), [-1] * (size + 1)  # prefix maxima
    previous = [-1] * size
    best_total, best_run = 0, -1
    for n, (_, j, _) in enumerate(kept):
        r, total, last = rank[j] - 1, 0, -1
        while r:
            if tree_total[r] > total:
                total, last = tree_total[r], tree_run[r]
            r &= r - 1
        previous[n], total = last, total + weights[n]
        if total > best_total:
            best_total, best_run = total, n
        r = rank[j]
        while r <= size:
            if tree_total[r] < total:
                tree_total[r], tree_run[r] = total, n
            r += r & -r
    chain = []
    while best_run >= 0:
        chain.append(kept[best_run])
        best_run = previous[best_run]
    chain.reverse()
    return chain


class _GapSearch:
    """Mercurial's longest-run-first matching, for the gaps between anchored runs.

    ``work`` counts lines scanned and pairs tried; past ``budget`` the remaining
    gaps are matched in one pass each (a correct, larger delta), so no input
    takes quadratic time.
    """

    def __init__(self, a: _Lines, b: _Lines) -> None:
        self.lines_a, self.lines_b = a, b
        self.a, self.b = a.keys, b.keys
        self.work = 0
        self.budget = _WORK_PER_LINE * (len(a) + len(b)) + _MIN_WORK

    def run(self, a1: int, a2: int, b1: int, b2: int, blocks: list[Block]) -> None:
        """Append the runs matched in a[a1:a2] x b[b1:b2] to ``blocks``."""
        if a1 >= a2 or b1 >= b2 or set(self.b[b1:b2]).isdisjoint(self.a[a1:a2]):
            return  # most gaps are lines replaced by new ones: nothing to search
        where: dict[bytes, list[int]] = {}
        if self.work < self.budget:
            for j in range(b1, b2):
                where.setdefault(self.b[j], []).append(j)
        stack = [(a1, a2, b1, b2)]
        while stack:
            a1, a2, b1, b2 = stack.pop()
            if a1 >= a2 or b1 >= b2:
                continue
            if self.work >= self.budget:
                blocks += self._diagonal(a1, a2, b1, b2)
                continue
            i, j, k = self._longest(where, a1, a2, b1, b2)
            if k:
                blocks.append((i, j, k))
                stack.append((a1, i, b1, j))
                stack.append((i + k, a2, j + k, b2))

    def _diagonal(self, a1: int, a2: int, b1: int, b2: int) -> list[Block]:
        """Once the budget is spent: the equal lines facing each other when the gap's
        texts are laid side by side from their starts, or from their ends, whichever
        match more bytes. One pass, no search; lines replaced in place still match."""
        best: list[Block] = []
        best_bytes = -1
        span = min(a2 - a1, b2 - b1)
        for i, j in ((a1, b1), (a2 - span, b2 - span)):
            runs, matched, t = [], 0, 0
            while t < span:
                k = _extend(self.lines_a, i + t, self.lines_b, j + t, span - t)
                if k:
                    runs.append((i + t, j + t, k))
                    matched += self.lines_a.offset(i + t + k) - self.lines_a.offset(i + t)
                t += k + 1
            if matched > best_bytes:
                best, best_bytes = runs, matched
        return best

    def _longest(self, where: dict[bytes, list[int]], a1: int, a2: int, b1: int,
                 b2: int) -> Block:
        """The longest run of equal lines in the gap, the one nearest its middle on ties.

        Runs start only at lines whose count in b[b1:b2] is under the gap's
        limit; a run reaching back over common lines to an earlier run joins
        it. Without any, the equal lines at the gap's start are the match.
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
        best_k += _extend(self.lines_a, best_i + best_k, self.lines_b, best_j + best_k,
                          min(a2 - best_i, b2 - best_j) - best_k)
        return best_i, best_j, best_k


# -- hunks ---------------------------------------------------------------------


def _hunks(blocks: list[Block], a: _Lines) -> list[Hunk]:
    """Line ranges (a1, a2, b1, b2) between the blocks, merged over short blocks.

    ``blocks`` end with the empty block at the ends of both texts.

    A matched run of no more bytes than a hunk header, between two hunks,
    costs no more sent again than a second header costs.
    """
    hunks: list[list[int]] = []
    last_a = last_b = 0
    for i, j, k in blocks:
        if i > last_a or j > last_b:
            if hunks and a.offset(last_a) - a.offset(hunks[-1][1]) <= HUNK_HEADER_SIZE:
                hunks[-1][1], hunks[-1][3] = i, j
            else:
                hunks.append([last_a, i, last_b, j])
        last_a, last_b = i + k, j + k
    return [(a1, a2, b1, b2) for a1, a2, b1, b2 in hunks]
