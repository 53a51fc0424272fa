"""``stats``: statistics about a revlog, as ``hg debugrevlog`` prints them.

One pass over the revisions classifies each one (empty, full snapshot,
intermediate snapshot of some depth, or delta against prev / p1 / p2 /
another revision), measures chain lengths and reach, and counts chunks by
their first byte (the compression marker). The text then follows
Mercurial's layout to the byte, quirks included:

* column widths come from the number of digits of a total; the width of the
  chain block comes from ``str()`` of the largest of four values, some of
  them floats, so "3.0" makes it three wide;
* averages are truncated, not rounded (printed with ``%d``);
* the "unrelated" line under "deltas against prev" repeats the
  other-ancestor count, and "deltas against ancs" is always 0 (every
  "other" delta is counted as non-ancestor);
* generaldelta-only lines depend on the header flags, so a revlog-v2
  (generaldelta without the flag) does not show them;
* chain lengths here follow the stored base field and count empty deltas,
  unlike ``deltachain``.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from explorer.engine import NULL_REV
from explorer.engine.format.constants import (
    FLAG_DELTA_INFO,
    FLAG_FILELOG_META,
    FLAG_GENERALDELTA,
    FLAG_INLINE_DATA,
)
from explorer.reports.chains import HgChains
from explorer.reports.errors import ReportError
from explorer.reports.target import Target

# Header flags in the order and with the names hg debugrevlog prints.
FLAG_NAMES = [
    (FLAG_INLINE_DATA, "inline"),
    (FLAG_GENERALDELTA, "generaldelta"),
    (FLAG_FILELOG_META, "hasmeta"),
    (FLAG_DELTA_INFO, "delta-info"),
]
_LETTERS = string.ascii_letters.encode()


@dataclass
class SizeRange:
    """Smallest, largest and total of some chunk sizes."""

    smallest: int | None = None
    largest: int = 0
    total: int = 0
    count: int = 0

    def add(self, size: int) -> None:
        if self.smallest is None or size < self.smallest:
            self.smallest = size
        self.largest = max(self.largest, size)
        self.total += size
        self.count += 1

    def text(self, divisor: int) -> str:
        """"min / max / avg" as hg prints them: the average truncated, the total when
        ``divisor`` is 0."""
        average = int(self.total / divisor) if divisor else self.total
        return f"{self.smallest or 0} / {self.largest} / {average}"


@dataclass
class DeltaBases:
    """What the stored deltas are against."""

    prev: int = 0
    prev_is_p1: int = 0
    prev_is_p2: int = 0
    prev_not_ancestor: int = 0
    p1: int = 0
    p2: int = 0
    other: int = 0


@dataclass
class RevlogStats:
    """Everything ``hg debugrevlog`` prints, before formatting."""

    version: int
    flags: list[str]
    generaldelta_flag: bool
    revisions: int = 0
    merges: int = 0
    empty_text: int = 0
    empty_delta: int = 0
    full: int = 0
    intermediate: int = 0
    snapshots_by_depth: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    non_ancestor_snapshots: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    bases: DeltaBases = field(default_factory=DeltaBases)
    chain_length_total: int = 0
    chain_length_max: int = 0
    chain_reach_max: int = 0
    full_text: SizeRange = field(default_factory=SizeRange)
    full_sizes: SizeRange = field(default_factory=SizeRange)
    intermediate_sizes: SizeRange = field(default_factory=SizeRange)
    snapshot_sizes: dict[int, SizeRange] = field(default_factory=lambda: defaultdict(SizeRange))
    delta_sizes: SizeRange = field(default_factory=SizeRange)
    chunk_counts: dict[bytes, int] = field(default_factory=lambda: defaultdict(int))
    chunk_sizes: dict[bytes, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def empty(self) -> int:
        return self.empty_text + self.empty_delta

    @property
    def deltas(self) -> int:
        return self.revisions - self.full - self.empty - self.intermediate

    @property
    def stored_size(self) -> int:
        return self.full_sizes.total + self.intermediate_sizes.total + self.delta_sizes.total


def compute_stats(target: Target) -> RevlogStats:
    """Walk the revlog once and gather the statistics."""
    rl = target.revlog
    if len(rl) == 0:
        raise ReportError(f"{target.label} has no revision: no statistics to show")
    chains = HgChains(rl)
    flags = [name for bit, name in FLAG_NAMES if rl.format_flags & bit]
    st = RevlogStats(rl.version, flags or ["(none)"],
                     bool(rl.format_flags & (FLAG_GENERALDELTA | FLAG_FILELOG_META
                                             | FLAG_DELTA_INFO)))
    st.revisions = len(rl)
    chain_lengths: list[int] = []
    chain_starts: list[int] = []
    for rev in rl:
        e = rl.entry(rev)
        p1, p2 = target.parents(rev)
        delta = chains.delta_parent(rev)
        if rl.version > 0:
            st.full_text.add(rl.raw_size(rev))
        if p2 != NULL_REV:
            st.merges += 1
        size = e.compressed_length
        if delta == NULL_REV:
            chain_lengths.append(0)
            chain_starts.append(e.offset)
            reach = size
            _count_full(st, size)
        else:
            chain_lengths.append(chain_lengths[delta] + 1)
            chain_starts.append(chain_starts[delta])
            reach = e.offset - chain_starts[delta] + size
            _count_delta(st, chains, rev, delta, (p1, p2), size)
        st.chain_length_total += chain_lengths[-1]
        st.chain_length_max = max(st.chain_length_max, chain_lengths[-1])
        st.chain_reach_max = max(st.chain_reach_max, reach)
        kind = rl.raw_chunk(rev)[:1] or b"empty"
        st.chunk_counts[kind] += 1
        st.chunk_sizes[kind] += size
    return st


def _count_full(st: RevlogStats, size: int) -> None:
    if size == 0:
        st.empty_text += 1
        return
    st.full += 1
    st.snapshots_by_depth[0] += 1
    st.full_sizes.add(size)
    st.snapshot_sizes[0].add(size)


def _count_delta(st: RevlogStats, chains: HgChains, rev: int, delta: int,
                 parent_revs: tuple[int, int], size: int) -> None:
    p1, p2 = parent_revs

    def not_ancestor() -> bool:
        return delta not in parent_revs and not chains.is_ancestor(delta, rev)

    if size == 0:
        st.empty_delta += 1
    elif chains.is_snapshot(rev):
        depth = chains.snapshot_depth(rev)
        st.intermediate += 1
        st.intermediate_sizes.add(size)
        st.snapshots_by_depth[depth] += 1
        st.snapshot_sizes[depth].add(size)
        if not_ancestor():
            st.non_ancestor_snapshots[depth] += 1
    else:
        st.delta_sizes.add(size)
        b = st.bases
        if delta == rev - 1:
            b.prev += 1
            if delta == p1:
                b.prev_is_p1 += 1
            elif delta == p2:
                b.prev_is_p2 += 1
            elif not_ancestor():
                b.prev_not_ancestor += 1
        elif delta == p1:
            b.p1 += 1
        elif delta == p2:
            b.p2 += 1
        else:
            b.other += 1


# -- text -----------------------------------------------------------------------------


def _pct(width: int, value: int, total: int, padding: int = 0) -> str:
    """A count and its share of ``total`` ("100.00" when the total is 0)."""
    share = 100 * float(value) / total if total else 100.0
    return f"{value:{width}d} {' ' * padding}({share:5.2f}%)\n"


def _num(width: int, value: int | float) -> str:
    """A number right-aligned; a float is truncated, as hg's ``%d`` does."""
    return f"{int(value):{width}d}\n"


def _chunk_label(kind: bytes) -> str:
    if kind == b"empty":
        return "    empty     : "
    if kind in _LETTERS:
        return f"    0x{kind.hex()} ({kind.decode()})  : "
    return f"    0x{kind.hex()}      : "


def _grouped(n: int) -> str:
    """1234567 -> "1 234 567"."""
    return f"{n:,}".replace(",", " ")


def stats_text(st: RevlogStats) -> Iterator[str]:
    """The lines of ``hg debugrevlog``."""
    n = st.revisions
    total = st.stored_size
    w = len(str(total))
    yield f"format : {st.version}\n"
    yield f"flags  : {', '.join(st.flags)}\n"
    yield "\n"
    yield "revisions     : " + _num(w, n)
    yield "    merges    : " + _pct(w, st.merges, n)
    yield "    normal    : " + _pct(w, n - st.merges, n)
    yield "revisions     : " + _num(w, n)
    yield "    empty     : " + _pct(w, st.empty, n)
    yield "                   text  : " + _pct(w, st.empty_text, st.empty)
    yield "                   delta : " + _pct(w, st.empty_delta, st.empty)
    yield "    snapshot  : " + _pct(w, st.full + st.intermediate, n)
    for depth in sorted(st.snapshots_by_depth):
        count = st.snapshots_by_depth[depth]
        line = f"      lvl-{depth:<3d} :       " + _pct(w, count, n)
        non_ancestor = st.non_ancestor_snapshots.get(depth, 0)
        if non_ancestor:
            line = line[:-1] + "  non-ancestor-bases: " + _pct(w, non_ancestor, count)
        yield line
    yield "    deltas    : " + _pct(w, st.deltas, n)
    yield "revision size : " + _num(w, total)
    yield "    snapshot  : " + _pct(w, st.full_sizes.total + st.intermediate_sizes.total, total)
    for depth in sorted(st.snapshots_by_depth):
        yield f"      lvl-{depth:<3d} :       " + _pct(w, st.snapshot_sizes[depth].total, total)
    yield "    deltas    : " + _pct(w, st.delta_sizes.total, total)
    yield "\n"
    yield "chunks        : " + _num(w, n)
    for kind in sorted(st.chunk_counts):
        yield _chunk_label(kind) + _pct(w, st.chunk_counts[kind], n)
    yield "chunks size   : " + _num(w, total)
    for kind in sorted(st.chunk_counts):
        yield _chunk_label(kind) + _pct(w, st.chunk_sizes[kind], total)
    yield "\n"
    yield "\n"
    yield f"total-stored-content: {_grouped(st.full_text.total)} bytes\n"
    yield "\n"
    yield from _chain_lines(st)
    yield from _size_lines(st)
    if st.deltas > 0:
        yield "\n"
        yield from _delta_base_lines(st)


def _chain_lines(st: RevlogStats) -> Iterator[str]:
    average = st.chain_length_total / st.revisions
    ratio = st.full_text.total / st.stored_size if st.stored_size else 1
    # hg sizes this block by str() of the largest value, keeping its type.
    w = len(str(max(average, st.chain_length_max, st.chain_reach_max, ratio)))
    yield "avg chain length  : " + _num(w, average)
    yield "max chain length  : " + _num(w, st.chain_length_max)
    yield "max chain reach   : " + _num(w, st.chain_reach_max)
    yield "compression ratio : " + _num(w, ratio)


def _size_lines(st: RevlogStats) -> Iterator[str]:
    if st.version > 0:
        yield "\n"
        yield f"uncompressed data size (min/max/avg) : {st.full_text.text(st.revisions)}\n"
    yield f"full revision size (min/max/avg)     : {st.full_sizes.text(st.full)}\n"
    yield f"inter-snapshot size (min/max/avg)    : {st.intermediate_sizes.text(st.intermediate)}\n"
    for depth in sorted(st.snapshot_sizes):
        if depth:
            sizes = st.snapshot_sizes[depth]
            yield f"    level-{depth:<3d} (min/max/avg)          : {sizes.text(sizes.count)}\n"
    yield f"delta size (min/max/avg)             : {st.delta_sizes.text(st.deltas)}\n"


def _delta_base_lines(st: RevlogStats) -> Iterator[str]:
    b = st.bases
    w = len(str(st.deltas))
    other_ancestor = b.prev - b.prev_is_p1 - b.prev_is_p2 - b.prev_not_ancestor
    yield "deltas against prev  : " + _pct(w, b.prev, st.deltas)
    if b.prev > 0:
        yield "    where prev = p1  : " + _pct(w, b.prev_is_p1, b.prev, 4)
        yield "    where prev = p2  : " + _pct(w, b.prev_is_p2, b.prev, 4)
        yield "    other-ancestor   : " + _pct(w, other_ancestor, b.prev, 4)
        yield "    unrelated        : " + _pct(w, other_ancestor, b.prev, 4)
    if st.generaldelta_flag:
        yield "deltas against p1    : " + _pct(w, b.p1, st.deltas)
        yield "deltas against p2    : " + _pct(w, b.p2, st.deltas)
        yield "deltas against ancs  : " + _pct(w, 0, st.deltas)
        yield "deltas against other : " + _pct(w, b.other, st.deltas)


# -- our JSON --------------------------------------------------------------------------


def stats_record(st: RevlogStats) -> dict[str, Any]:
    """Our ``--json`` object: counts and sizes under descriptive names."""

    def sizes(r: SizeRange) -> dict[str, Any]:
        return {"count": r.count, "min": r.smallest, "max": r.largest, "total": r.total}

    b = st.bases
    return {
        "format": st.version,
        "flags": [] if st.flags == ["(none)"] else st.flags,
        "revisions": st.revisions,
        "merges": st.merges,
        "empty_full_texts": st.empty_text,
        "empty_deltas": st.empty_delta,
        "full_snapshots": st.full,
        "intermediate_snapshots": st.intermediate,
        "deltas": st.deltas,
        "snapshots_by_depth": {str(d): c for d, c in sorted(st.snapshots_by_depth.items())},
        "non_ancestor_snapshots_by_depth": {
            str(d): c for d, c in sorted(st.non_ancestor_snapshots.items()) if c
        },
        "stored_size": st.stored_size,
        "full_text_size": sizes(st.full_text),
        "full_snapshot_size": sizes(st.full_sizes),
        "intermediate_snapshot_size": sizes(st.intermediate_sizes),
        "snapshot_size_by_depth": {str(d): sizes(r) for d, r in sorted(st.snapshot_sizes.items())},
        "delta_size": sizes(st.delta_sizes),
        "chunks_by_type": {
            "empty" if kind == b"empty" else kind.hex(): {
                "count": st.chunk_counts[kind], "size": st.chunk_sizes[kind]}
            for kind in sorted(st.chunk_counts)
        },
        "chain_length": {"average": st.chain_length_total / st.revisions,
                         "max": st.chain_length_max},
        "max_chain_reach": st.chain_reach_max,
        "compression_ratio": st.full_text.total / st.stored_size if st.stored_size else None,
        "delta_bases": {
            "prev": b.prev, "prev_is_p1": b.prev_is_p1, "prev_is_p2": b.prev_is_p2,
            "prev_not_ancestor": b.prev_not_ancestor, "p1": b.p1, "p2": b.p2, "other": b.other,
        },
    }


# -- --dump ----------------------------------------------------------------------------

DUMP_HEADER = ("# rev p1rev p2rev start   end deltastart base   p1   p2"
               " rawsize totalsize compression heads chainlen\n")
DUMP_FIELDS = ("rev", "p1", "p2", "start", "end", "delta_start", "chain_start", "p1_start",
               "p2_start", "full_size", "total_full_size", "compression", "heads",
               "chain_length")
_DUMP_LINE = "%5d %5d %5d %5d %5d %10d %4d %4d %4d %7d %9d %11d %5d %8d\n"


def dump_rows(target: Target) -> Iterator[tuple[int | float, ...]]:
    """Per revision, the values of ``hg debugrevlog --dump`` (see ``DUMP_FIELDS``).

    ``compression`` is the running total of full sizes over the bytes stored
    so far; ``heads`` counts the heads among the revisions seen so far.
    """
    rl = target.revlog
    chains = HgChains(rl)
    total = 0
    heads: set[int] = set()
    for rev in rl:
        e = rl.entry(rev)
        p1, p2 = target.parents(rev)
        delta = chains.delta_parent(rev)
        full_size = rl.raw_size(rev)
        total += full_size
        heads.difference_update((p1, p2))
        heads.add(rev)
        end = e.offset + e.compressed_length
        chain = chains.summary(rev)
        yield (rev, p1, p2, e.offset, end,
               rl.entry(rev if delta == NULL_REV else delta).offset,
               rl.entry(chain.base).offset, rl.entry(p1).offset, rl.entry(p2).offset,
               full_size, total, total / end if end else 0, len(heads), chain.steps)


def dump_text(target: Target) -> Iterator[str]:
    """The lines of ``hg debugrevlog --dump``."""
    yield DUMP_HEADER
    for row in dump_rows(target):
        yield _DUMP_LINE % row


def dump_records(target: Target) -> Iterator[dict[str, Any]]:
    """Our ``--json`` for ``--dump``: one object per revision."""
    for row in dump_rows(target):
        yield dict(zip(DUMP_FIELDS, row))
