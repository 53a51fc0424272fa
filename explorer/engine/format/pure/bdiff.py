"""Binary deltas: compute the mpatch delta that turns one text into another.

The write path's counterpart of :mod:`mpatch`. Deltas are line-granular like
Mercurial's (lines end at ``\\n``; the last line may lack one) and a little
smaller than hg's C bdiff makes them, because stored deltas are most of what
a store's size is made of.

How a delta is found:

1. The common prefix and suffix are cut off at line boundaries first, with
   byte comparisons in C: most edits touch a few lines of a long text.
2. What remains is matched region by region, starting with all of it. A big
   region is cut by anchors (patience diff): lines that occur once in b's side
   of it, else windows of 2-8 lines that do (data files repeat lines, rarely
   sequences of them). Each anchor grows into the whole run of equal lines
   around it; the runs that follow each other in both texts and save the most
   bytes are kept, and the regions between them are matched in turn, where
   lines repeated in the whole text may be unique.
3. Small regions, and big ones without anchors, get Mercurial's own method:
   take the longest run of equal lines, then match on either side of it.
   Lines too common in a region do not start a run there but may continue
   one, which bounds the pairs looked at.
4. A matched run shorter than a hunk header between two hunks is sent again
   inside one hunk rather than paying 12 bytes for a second header.

All work is counted: past a budget linear in the number of lines, each region
left is matched in one pass, so pathological inputs (reversed or shuffled
lines, thousands of equal lines) take bounded time and still give correct,
if larger, deltas.
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
# Regions with more lines than this on both sides are cut by anchors first.
_SMALL = 64
# Anchors: lines unique in b, else windows of this many lines unique in b.
_WINDOWS = (1, 2, 4, 8)
# A line is too common to start a run when its pairs with the region's lines
# would exceed this many per line of the region (Mercurial's limit is about a
# million pairs per search, too many for Python).
_PAIRS_PER_LINE = 8
_MIN_PAIRS = 4096
# After this much work per line of input (plus a constant), regions are
# matched in one pass each, without search: a backstop against quadratic time
# that real texts stay far below (benchmark corpora: under 5% of it).
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
    for a1, a2, b1, b2 in _hunks(_Matcher(old, new).blocks(), old):
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
    return a.rfind(b"\n", 0, common_prefix(a, b)) + 1


def common_prefix(a: bytes, b: bytes) -> int:
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


Where = dict[bytes, list[int]]  # line -> its positions in a range of b, ascending
Region = tuple[int, int, int, int, "Where | None"]  # a1, a2, b1, b2, and b's positions if known


class _Matcher:
    """Finds the runs of equal lines of two texts, region by region.

    A region is matched by anchoring when both its sides are big, else by
    Mercurial's longest-run-first search; either leaves smaller regions
    between the runs it found. ``work`` counts lines scanned and pairs tried;
    past ``budget`` each remaining region is matched in one pass along a
    diagonal (a correct, larger delta), so no input takes quadratic time.
    """

    def __init__(self, a: _Lines, b: _Lines) -> None:
        self.a, self.b = a, b
        self.work = 0
        self.budget = _WORK_PER_LINE * (len(a) + len(b)) + _MIN_WORK

    def blocks(self) -> list[Block]:
        """Runs of equal lines, sorted and non-crossing, as (a start, b start, length),
        and last the empty block at the ends of both texts."""
        keys_a, keys_b = self.a.keys, self.b.keys
        found: list[Block] = []
        regions: list[Region] = [(0, len(keys_a), 0, len(keys_b), None)]
        while regions:
            a1, a2, b1, b2, where = regions.pop()
            big = min(a2 - a1, b2 - b1) > _SMALL
            if a1 >= a2 or b1 >= b2 or not big and set(keys_b[b1:b2]).isdisjoint(keys_a[a1:a2]):
                continue  # most regions are a few lines replaced by new ones
            runs: list[Block] = []
            if big and self.work < self.budget:
                runs, where = self._anchored(a1, a2, b1, b2), None
            if not runs and self.work < self.budget:
                if where is None:
                    where = _positions(keys_b, b1, b2)
                    self.work += b2 - b1
                i, j, k = self._longest(where, a1, a2, b1, b2)
                runs = [(i, j, k)] if k else []
            if not runs and self.work >= self.budget:
                found += self._diagonal(a1, a2, b1, b2)
                continue
            end_a, end_b = a1, b1
            for i, j, k in runs:
                regions.append((end_a, i, end_b, j, where))
                found.append((i, j, k))
                end_a, end_b = i + k, j + k
            if runs:
                regions.append((end_a, a2, end_b, b2, where))
        found.sort()
        found.append((len(keys_a), len(keys_b), 0))
        return found

    def _anchored(self, a1: int, a2: int, b1: int, b2: int) -> list[Block]:
        """The heaviest chain of runs through lines unique in b's side of the region.

        Without unique lines, windows of 2, 4 and 8 lines unique in b anchor
        instead (data files repeat lines, rarely sequences of them).
        """
        for width in _WINDOWS:
            if min(a2 - a1, b2 - b1) < width:
                break
            self.work += width * (a2 - a1 + b2 - b1)
            chain = _heaviest_chain(self._anchored_runs(a1, a2, b1, b2, width), self.a)
            if chain:
                return _clipped(chain)
        return []

    def _anchored_runs(self, a1: int, a2: int, b1: int, b2: int, width: int) -> list[Block]:
        """The maximal runs of equal lines through a window of ``width`` lines unique
        in b[b1:b2], in order of their anchors in a.

        A window unique in b has one partner, so no run on another diagonal
        (``j - i``) can contain it: the scan jumps over each run found and looks
        line by line only at the stretches between runs.
        """
        a, b = self.a, self.b
        if width == 1:
            windows: list = b.keys[b1:b2]
        else:
            windows = list(zip(*(b.keys[b1 + t : b2 - width + 1 + t] for t in range(width))))
        count = Counter(windows)
        where = dict(zip(windows, range(b1, b2)))  # the only position of unique windows
        runs = []
        keys = a.keys
        i, last = a1, a2 - width
        while i <= last:
            key = keys[i] if width == 1 else tuple(keys[i : i + width])
            if count[key] != 1:
                i += 1
                continue
            j = where[key]
            back, ahead = 0, width  # the window matches; most runs around one end next to it
            if i > a1 and j > b1 and keys[i - 1] == b.keys[j - 1]:
                back = _extend_back(a, i, b, j, min(i - a1, j - b1))
            if i + width < a2 and j + width < b2 and keys[i + width] == b.keys[j + width]:
                ahead += _extend(a, i + width, b, j + width, min(a2 - i, b2 - j) - width)
            runs.append((i - back, j - back, back + ahead))
            i += ahead
        return runs

    def _diagonal(self, a1: int, a2: int, b1: int, b2: int) -> list[Block]:
        """Once the budget is spent: the equal lines facing each other when the region's
        sides are laid side by side from their starts, or from their ends, whichever
        match more bytes. One pass, no search; lines replaced in place still match."""
        best: list[Block] = []
        best_bytes = -1
        span = min(a2 - a1, b2 - b1)
        for i, j in ((a1, b1), (a2 - span, b2 - span)):
            runs, matched, t = [], 0, 0
            while t < span:
                k = _extend(self.a, i + t, self.b, j + t, span - t)
                if k:
                    runs.append((i + t, j + t, k))
                    matched += self.a.offset(i + t + k) - self.a.offset(i + t)
                t += k + 1
            if matched > best_bytes:
                best, best_bytes = runs, matched
        return best

    def _longest(self, where: Where, a1: int, a2: int, b1: int, b2: int) -> Block:
        """The longest run of equal lines in the region, the one nearest its middle on ties.

        Runs start only at lines whose count in b[b1:b2] is under the region's
        limit; a run reaching back over common lines to an earlier run joins
        it. Without any, the equal lines at the region's start are the match.
        """
        a, b = self.a.keys, self.b.keys
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
        best_k += _extend(self.a, best_i + best_k, self.b, best_j + best_k,
                          min(a2 - best_i, b2 - best_j) - best_k)
        return best_i, best_j, best_k


def _positions(keys: list[bytes], start: int, end: int) -> Where:
    where: Where = {}
    for j in range(start, end):
        where.setdefault(keys[j], []).append(j)
    return where


def _heaviest_chain(runs: list[Block], a: _Lines) -> list[Block]:
    """The runs, in a order, that also follow each other in b and save the most bytes.

    A run saves its bytes less the header of the hunk it adds; runs that save
    nothing are left to the search of the regions between. Runs usually come
    in b order already. Otherwise a staircase of the best chains so far, by
    where they end in b (ascending, and so their totals), gives the heaviest
    chain ending before each run by bisection; a run drops the chains it
    outweighs that end at or after it in b.
    """
    kept, weights = [], []
    key_bytes, size = a.key_bytes, a.size
    for i, j, k in runs:
        weight = min(key_bytes[i + k] + i + k, size) - key_bytes[i] - i - HUNK_HEADER_SIZE
        if weight > 0:
            kept.append((i, j, k))
            weights.append(weight)
    if all(x[1] < y[1] for x, y in zip(kept, kept[1:])):
        return kept
    ends: list[int] = []  # b start of each chain's last run
    totals: list[int] = []
    lasts: list[int] = []  # index of each chain's last run
    previous = [-1] * len(kept)
    for n, ((_, j, _), weight) in enumerate(zip(kept, weights)):
        at = bisect_left(ends, j)
        total = weight + (totals[at - 1] if at else 0)
        previous[n] = lasts[at - 1] if at else -1
        stop = at
        while stop < len(ends) and totals[stop] <= total:
            stop += 1
        if stop == at and at < len(ends) and ends[at] == j:
            continue  # a heavier chain already ends at this b line
        ends[at:stop], totals[at:stop], lasts[at:stop] = [j], [total], [n]
    chain = []
    n = lasts[-1]
    while n >= 0:
        chain.append(kept[n])
        n = previous[n]
    chain.reverse()
    return chain


def _clipped(chain: list[Block]) -> list[Block]:
    """The chain's runs without the lines each shares with the run before it."""
    out: list[Block] = []
    end_a = end_b = -1
    for i, j, k in chain:
        clip = max(0, end_a - i, end_b - j)
        if clip < k:
            out.append((i + clip, j + clip, k - clip))
            end_a, end_b = i + k, j + k
    return out


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
