"""``deltachain``: how each revision is stored, as ``hg debugdeltachain`` prints it.

Always shown: parents, which chain the revision belongs to (chains numbered
by first appearance of their base), the chain length, the revision before it
in the chain, and the delta type:

======  ==============================================================
base    a full text
snap    an intermediate snapshot (sparse-revlog)
p1/p2   a delta against that parent
skip1   a delta against p1's base, p1 itself being an empty delta
skip2   the same for p2
prev    a delta against the previous revision
other   anything else
======  ==============================================================

Optional groups, each on with ``--all-info`` or its own flag:
size (compressed and full size, chain size and its ratio to the full size),
distance (bytes from the chain base to the revision's end, how many of them
belong to other chains, and their ratio), and sparse read (how Mercurial
would read the chain: total bytes, largest block, density, blocks) -- the
last only when the store reads sparsely (sparse-revlog).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from explorer.engine import NULL_REV, Revlog
from explorer.reports.chains import ChainSummary, HgChains
from explorer.reports.errors import ReportError
from explorer.reports.target import Target

HEADER = "    rev      p1      p2  chain# chainlen     prev   delta"
SIZE_HEADER = "       size    rawsize  chainsize     ratio"
DIST_HEADER = "   lindist extradist extraratio"
SPARSE_HEADER = "   readsize largestblk rddensity srchunks"


@dataclass(frozen=True)
class Groups:
    """Which optional column groups to compute and show."""

    size: bool = False
    dist: bool = False
    sparse: bool = False

    @classmethod
    def from_flags(cls, all_info: bool, size: bool | None, dist: bool | None,
                   sparse: bool | None) -> Groups:
        """Each group follows its own flag when given, else ``--all-info``."""
        return cls(*(all_info if flag is None else flag for flag in (size, dist, sparse)))


def chain_rows(target: Target, revs: Iterable[int] | None, groups: Groups
               ) -> Iterator[list[tuple[str, str, Any]]]:
    """Per revision, the (key, printf format, value) cells hg's formatter receives.

    ``revs`` restricts the report to those revisions (sorted, repeats kept,
    those past the tip dropped, as hg does); None means all.
    """
    rl = target.revlog
    if revs is None:
        return _rows(target, iter(rl), groups)
    if NULL_REV in revs:
        raise ReportError("the null revision has no delta chain")
    return _rows(target, sorted(r for r in revs if r < len(rl)), groups)


def _rows(target: Target, selected: Iterable[int], groups: Groups
          ) -> Iterator[list[tuple[str, str, Any]]]:
    rl = target.revlog
    chains = HgChains(rl)
    show_sparse = groups.sparse and target.sparse_read
    chain_ids: dict[int, int] = {}
    for rev in selected:
        e = rl.entry(rev)
        summary = chains.summary(rev)
        chain_id = chain_ids.setdefault(summary.base, len(chain_ids) + 1)
        row = [
            ("rev", "%7d", rev),
            ("p1", "%7d", e.p1),
            ("p2", "%7d", e.p2),
            ("chainid", "%7d", chain_id),
            ("chainlen", "%8d", summary.length),
            ("prevrev", "%8d", summary.previous),
            ("deltatype", "%7s", delta_type(chains, rev)),
        ]
        if groups.size:
            # v0 does not store the full size: hg shows -1 (and divides by it).
            full = -1 if e.uncompressed_length is None else e.uncompressed_length
            ratio = summary.size / full if full else summary.size
            row += [
                ("compsize", "%10d", e.compressed_length),
                ("uncompsize", "%10d", full),
                ("chainsize", "%10d", summary.size),
                ("chainratio", "%9.5f", ratio),
            ]
        if groups.dist:
            lindist = e.offset + e.compressed_length - rl.start(summary.base)
            extradist = lindist - summary.size
            row += [
                ("lindist", "%9d", lindist),
                ("extradist", "%9d", extradist),
                ("extraratio", "%10.5f", extradist / summary.size if summary.size else extradist),
            ]
        if show_sparse:
            row += _sparse_cells(rl, rev, summary)
        yield row


def delta_type(chains: HgChains, rev: int) -> str:
    """What the delta of ``rev`` is against (see the module docstring)."""
    e = chains.entry(rev)
    base = e.base
    if not chains.generaldelta:
        return "base" if base == rev else "prev"
    if base == e.p1:
        return "p1"
    if base == e.p2:
        return "p2"
    if base == rev:
        return "base"
    if base == _skip_empty(chains, e.p1):
        return "skip1"
    if base == _skip_empty(chains, e.p2):
        return "skip2"
    if chains.is_snapshot(rev):
        return "snap"
    if base == rev - 1:
        return "prev"
    return "other"


def _skip_empty(chains: HgChains, parent: int) -> int:
    """``parent`` followed down through empty deltas (hg never deltas against those)."""
    n = len(chains.revlog)
    if parent == NULL_REV or parent >= n:
        return parent
    e = chains.entry(parent)
    while e.compressed_length == 0:
        base = e.base
        if base == parent or base == NULL_REV or base >= n:
            break
        parent = base
        e = chains.entry(parent)
    return parent


def _sparse_cells(rl: Revlog, rev: int, chain: ChainSummary) -> list[tuple[str, str, Any]]:
    """The read columns: the engine's slices of the chain (``Revlog.read_slices``), unsized
    as ``hg debugdeltachain`` slices it."""
    blocks = rl.read_slices(rev, sized=False)
    # hg measures the blocks in logical offsets, without inline index entries.
    sizes = [rl.end(block.revs[-1]) - rl.start(block.revs[0]) for block in blocks]
    read = sum(sizes)
    return [
        ("readsize", "%10d", read),
        ("largestblock", "%10d", max([0, *sizes])),
        ("readdensity", "%9.5f", chain.size / read if read else 1),
        ("srchunks", "%8d", len(blocks)),
    ]


def chain_header(target: Target, groups: Groups) -> str:
    header = HEADER
    if groups.size:
        header += SIZE_HEADER
    if groups.dist:
        header += DIST_HEADER
    if groups.sparse and target.sparse_read:
        header += SPARSE_HEADER
    return header + "\n"


def deltachain_text(rows: Iterable[list[tuple[str, str, Any]]]) -> Iterator[str]:
    """The lines of ``hg debugdeltachain`` below its header."""
    for row in rows:
        yield " ".join(fmt % value for _, fmt, value in row) + "\n"


def deltachain_hg_json(rows: Iterable[list[tuple[str, str, Any]]]) -> Iterator[dict[str, Any]]:
    """The items of ``hg debugdeltachain -T json``."""
    for row in rows:
        yield {key: value for key, _, value in row}


# Our --json names for hg's keys.
RECORD_NAMES = {
    "rev": "rev", "p1": "p1", "p2": "p2", "chainid": "chain_id", "chainlen": "chain_length",
    "prevrev": "previous_rev", "deltatype": "delta_type", "compsize": "compressed_size",
    "uncompsize": "full_size", "chainsize": "chain_size", "chainratio": "chain_ratio",
    "lindist": "linear_distance", "extradist": "extra_distance", "extraratio": "extra_ratio",
    "readsize": "read_size", "largestblock": "largest_block", "readdensity": "read_density",
    "srchunks": "read_chunks",
}


def deltachain_records(rows: Iterable[list[tuple[str, str, Any]]]) -> Iterator[dict[str, Any]]:
    """Our ``--json``: the same values under descriptive names."""
    for row in rows:
        yield {RECORD_NAMES[key]: value for key, _, value in row}
