"""Sparse reading: how Mercurial splits the read of a delta chain into dense blocks.

Reading a chain in one span from its first to its last byte may drag in much
unrelated data (other chains interleaved on disk). With sparse reading on,
Mercurial cuts the span at its largest holes until the bytes it wants make
up at least ``density`` of the bytes it reads. Holes of ``min_gap`` bytes or
less are never cut: seeking over them costs more than reading them.

This follows Mercurial's C index (what ``hg`` runs with its C extensions),
which differs from its pure-Python fallback in two details: a span of
exactly ``min_gap`` bytes is not sliced, and offsets are the logical chunk
offsets even in inline revlogs.

The defaults are those of Mercurial's configuration
(``experimental.sparse-read.density-threshold`` and ``.min-gap-size``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

DENSITY_THRESHOLD = 0.5
MIN_GAP_SIZE = 65 * 1024


def slice_chain(
    revs: Sequence[int],
    start: Callable[[int], int],
    length: Callable[[int], int],
    density: float = DENSITY_THRESHOLD,
    min_gap: int = MIN_GAP_SIZE,
) -> list[Sequence[int]]:
    """Cut ``revs`` (a delta chain, ascending) into the groups read in one go each."""
    if len(revs) <= 1:
        return [revs]
    span = start(revs[-1]) + length(revs[-1]) - start(revs[0])
    if span <= min_gap:
        return [revs]
    payload = sum(length(r) for r in revs)
    if payload / span >= density:
        return [revs]
    gaps = _gaps(revs, start, length, min_gap)
    if not gaps:
        return [revs]
    cuts = _cuts(gaps, payload, span, density)
    # A chain holds no empty delta after its first revision, so no slice ends in
    # one and none needs trimming (Mercurial trims trailing empty revisions).
    bounds = [0, *cuts, len(revs)]
    return [revs[a:b] for a, b in zip(bounds, bounds[1:]) if a < b]


def _gaps(revs: Sequence[int], start, length, min_gap: int) -> list[tuple[int, int]]:
    """(size, index of the revision after it) of each hole wider than ``min_gap``."""
    gaps = []
    previous_end = None
    for i, rev in enumerate(revs):
        size = length(rev)
        if size == 0:  # empty chunks merge the holes around them
            continue
        rev_start = start(rev)
        if previous_end is not None and rev_start - previous_end > min_gap:
            gaps.append((rev_start - previous_end, i))
        previous_end = rev_start + size
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
