"""Sparse reading: how a delta chain's chunks are read, in as few reads as waste allows.

Reading a chain in one span from its first to its last byte may drag in much
unrelated data (other chains interleaved on disk). With sparse reading on
(always in a sparse-revlog store, else ``experimental.sparse-read``),
Mercurial cuts the span at its largest holes until the bytes it wants make
up at least ``density`` of the bytes it reads; holes of ``min_gap`` bytes or
less are never cut: seeking over them costs more than reading them
(``_slicechunktodensity``). When it rebuilds a text it then cuts each block
to at most four times the text's size, snapshots first, by halving
(``_slicechunktosize``): what it reads stays in proportion to what it makes.

Positions are where the chunks sit in their file: in an inline revlog the
index entries between chunks count as holes too for the density cut
(Mercurial's C index and its Python fallback agree), while the size cut
measures in logical offsets, without them, as Mercurial's does.

A chain here is what the engine rebuilds a text from: empty deltas are left
out and only the first chunk may be empty, so no block ever needs the
trimming of trailing empty chunks that Mercurial's ``_trimchunk`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

# Mercurial's configuration defaults (experimental.sparse-read.density-threshold and
# .min-gap-size).
DENSITY_THRESHOLD = 0.5
MIN_GAP_SIZE = 65 * 1024
# A block read to rebuild a text is cut to this many times the text's size (hg's raw_text).
TARGET_FACTOR = 4

Block = tuple[int, int]  # [a, b): indices into the chain


@dataclass(frozen=True)
class ReadConfig:
    """How a revlog's chains are read: ``sparse`` (slice them), at which ``density``,
    never cutting a hole of ``min_gap`` bytes or less."""

    sparse: bool = True
    density: float = DENSITY_THRESHOLD
    min_gap: int = MIN_GAP_SIZE


class ReadSlice(NamedTuple):
    """One read of a chain: the revisions whose chunks it brings, where it starts in the
    data file (the ``.i`` when inline), how many bytes it reads, and how many of
    those are the chunks themselves."""

    revs: tuple[int, ...]
    offset: int
    size: int
    payload: int


def slice_chain(positions: Sequence[int], lengths: Sequence[int],
                density: float = DENSITY_THRESHOLD, min_gap: int = MIN_GAP_SIZE) -> list[Block]:
    """Cut a delta chain into the blocks read in one go each (``_slicechunktodensity``).

    ``positions`` and ``lengths`` give each chunk of the (non-empty) chain, oldest first,
    its place in the file and its size.
    """
    count = len(positions)
    span = positions[-1] + lengths[-1] - positions[0]
    if count <= 1 or span < min_gap:
        return [(0, count)]
    payload = sum(lengths)
    if span and payload / span >= density:
        return [(0, count)]
    bounds = [0, *_cuts(_gaps(positions, lengths, min_gap), payload, span, density), count]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]


def _gaps(positions: Sequence[int], lengths: Sequence[int],
          min_gap: int) -> list[tuple[int, int]]:
    """(size, index of the chunk after it) of each hole wider than ``min_gap``."""
    gaps = []
    previous_end = None
    for i, (position, size) in enumerate(zip(positions, lengths)):
        if size == 0:  # empty chunks merge the holes around them
            continue
        if previous_end is not None and position - previous_end > min_gap:
            gaps.append((position - previous_end, i))
        previous_end = position + size
    return gaps


def _cuts(gaps: list[tuple[int, int]], payload: int, span: int, density: float) -> list[int]:
    """Indices to cut at: largest holes first (the later one on a tie) until dense enough."""
    cuts = []
    read = span
    for size, index in sorted(gaps, reverse=True):
        cuts.append(index)
        read -= size
        if read <= 0 or payload / read >= density:
            break
    return sorted(cuts)


def slice_to_size(starts: Sequence[int], ends: Sequence[int], block: Block, target: int | None,
                  is_snapshot: Callable[[int], bool]) -> list[Block]:
    """Cut one block so no piece spans more than ``target`` bytes (``_slicechunktosize``).

    ``starts``/``ends``: each chunk's logical offsets; ``is_snapshot(i)``: whether
    chunk ``i`` is a snapshot. The leading snapshots are grouped while they fit;
    the rest is halved until each piece fits. A single chunk larger than the
    target is a piece of its own.
    """
    a, b = block
    if target is None or ends[b - 1] - starts[a] <= target:
        return [block]
    out = []
    first, stop = a, a + 1
    begin = starts[a]
    for i in range(a + 1, b):
        snapshot = is_snapshot(i)
        if ends[i] - begin <= target and snapshot:
            stop = i + 1
        else:
            out.append((first, stop))
            first, stop, begin = i, i + 1, starts[i]
        if not snapshot:
            break
    end = ends[b - 1]
    while end - begin > target:
        if b - first <= 1:
            break  # a chunk larger than the target
        stop = b
        while ends[stop - 1] - begin > target and stop - first > 1:
            stop -= (stop - first) // 2
        out.append((first, stop))
        first, begin = stop, starts[stop]
    if first < b:
        out.append((first, b))
    return out


def plan(positions: Sequence[int], lengths: Sequence[int], starts: Sequence[int],
         config: ReadConfig, target: int | None,
         is_snapshot: Callable[[int], bool]) -> list[Block]:
    """The blocks a chain is read in (hg's ``slicechunk``): by density, then each block to
    ``target`` bytes (raised to ``min_gap``; None: no size cut). Without sparse
    reading, one block."""
    count = len(positions)
    if not config.sparse or count <= 1:
        return [(0, count)]
    if target is not None:
        target = max(target, config.min_gap)
    blocks = slice_chain(positions, lengths, config.density, config.min_gap)
    if target is None:
        return blocks
    ends = [s + n for s, n in zip(starts, lengths)]
    return [piece for block in blocks
            for piece in slice_to_size(starts, ends, block, target, is_snapshot)]
