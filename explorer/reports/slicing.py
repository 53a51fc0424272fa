"""Sparse reading: how Mercurial splits the read of a delta chain into dense blocks.

Reading a chain in one span from its first to its last byte may drag in much
unrelated data (other chains interleaved on disk). With sparse reading on,
Mercurial cuts the span at its largest holes until the bytes it wants make
up at least ``density`` of the bytes it reads. Holes of ``min_gap`` bytes or
less are never cut: seeking over them costs more than reading them.

Positions are where the chunks sit in their file: in an inline revlog the
index entries between chunks count as holes too (Mercurial's C index and
its Python fallback agree on this, and on every other detail that can change
a result).

The defaults are those of Mercurial's configuration
(``experimental.sparse-read.density-threshold`` and ``.min-gap-size``).
"""

from __future__ import annotations

from collections.abc import Sequence

DENSITY_THRESHOLD = 0.5
MIN_GAP_SIZE = 65 * 1024


def slice_chain(
    positions: Sequence[int],
    lengths: Sequence[int],
    density: float = DENSITY_THRESHOLD,
    min_gap: int = MIN_GAP_SIZE,
) -> list[tuple[int, int]]:
    """Cut a delta chain into the blocks read in one go each.

    ``positions`` and ``lengths`` give each chunk of the (non-empty) chain, oldest first,
    its place in the file and its size. Returns index ranges ``(a, b)`` of
    the chain, ``[a, b)`` being one block.
    """
    count = len(positions)
    span = positions[-1] + lengths[-1] - positions[0]
    if count <= 1 or span <= min_gap:
        return [(0, count)]
    payload = sum(lengths)
    if payload / span >= density:
        return [(0, count)]
    gaps = _gaps(positions, lengths, min_gap)
    # A chain holds no empty delta after its first revision, so no block ends in
    # one and none needs trimming (Mercurial trims trailing empty revisions).
    bounds = [0, *_cuts(gaps, payload, span, density), count]
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
