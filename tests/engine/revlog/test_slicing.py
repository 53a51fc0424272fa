"""Chain slicing for sparse reads, against Mercurial's own slicing code run in this test
(its doctests' fake revlog: the real revlogs are in test_sparse_reads.py)."""

from __future__ import annotations

from itertools import accumulate

from hypothesis import given, settings
from hypothesis import strategies as st
from mercurial.revlogutils import deltas

from explorer.engine.revlog.slicing import ReadConfig, plan, slice_chain

# The revision boundaries of Mercurial's doctests (end offset of each revision).
DOCTEST_ENDS = [5, 10, 12, 12, 27, 31, 31, 42, 47, 47, 48, 51, 74, 85, 86, 91]


def hg_slices(ends: list[int], revs: list[int], density: float, min_gap: int) -> list[list[int]]:
    revlog = deltas._testrevlog(ends, density=density, mingap=min_gap)
    return [list(chunk) for chunk in deltas.slicechunk(revlog, revs)]


def our_slices(ends: list[int], revs: list[int], density: float, min_gap: int
               ) -> list[list[int]]:
    starts = [0, *ends[:-1]]
    positions = [starts[r] for r in revs]
    lengths = [ends[r] - starts[r] for r in revs]
    return [revs[a:b] for a, b in slice_chain(positions, lengths, density, min_gap)]


def test_doctest_cases():
    for revs in ([0, 15], [0, 11, 15], [0, 11, 13, 15], [1, 2, 5, 8, 10, 11, 14], [0, 1, 2]):
        for density, min_gap in ((0.5, 0), (0.95, 0), (0.5, 20), (0.95, 12)):
            assert our_slices(DOCTEST_ENDS, revs, density, min_gap) == \
                hg_slices(DOCTEST_ENDS, revs, density, min_gap)


@st.composite
def chains(draw):
    """A revlog's chunk sizes and a delta chain in it: ascending, no empty chunk but the
    first (a chain leaves empty deltas out, except its base)."""
    sizes = draw(st.lists(st.integers(0, 5000), min_size=1, max_size=60))
    candidates = [r for r in range(1, len(sizes)) if sizes[r] > 0]
    rest = draw(st.lists(st.sampled_from(candidates), unique=True) if candidates else st.just([]))
    return list(accumulate(sizes)), [0, *sorted(rest)]


@settings(max_examples=400, deadline=None)
@given(chains(), st.sampled_from([0.1, 0.5, 0.75, 0.95]), st.sampled_from([0, 10, 500, 4096]))
def test_random_chains_slice_as_hg_slices_them(chain, density, min_gap):
    ends, revs = chain
    assert our_slices(ends, revs, density, min_gap) == hg_slices(ends, revs, density, min_gap)


def hg_sized(ends: list[int], revs: list[int], density: float, min_gap: int, target: int,
             snapshots: set[int]) -> list[list[int]]:
    revlog = deltas._testrevlog(ends, density=density, mingap=min_gap, snapshot=snapshots)
    return [list(chunk) for chunk in deltas.slicechunk(revlog, revs, targetsize=target)]


def our_sized(ends: list[int], revs: list[int], density: float, min_gap: int, target: int,
              snapshots: set[int]) -> list[list[int]]:
    starts = [0, *ends[:-1]]
    positions = [starts[r] for r in revs]
    lengths = [ends[r] - starts[r] for r in revs]
    config = ReadConfig(sparse=True, density=density, min_gap=min_gap)
    blocks = plan(positions, lengths, positions, config, target, lambda i: revs[i] in snapshots)
    return [revs[a:b] for a, b in blocks]


def test_doctest_cases_with_a_target_size():
    for target in (15, 20):
        assert our_sized(DOCTEST_ENDS, [0, 11, 13, 15], 0.5, 0, target, set(range(16))) == \
            hg_sized(DOCTEST_ENDS, [0, 11, 13, 15], 0.5, 0, target, set(range(16)))


@settings(max_examples=400, deadline=None)
@given(chains(), st.sampled_from([0.1, 0.5, 0.95]), st.sampled_from([0, 10, 500]),
       st.integers(0, 20000), st.data())
def test_random_chains_cut_to_size_as_hg_cuts_them(chain, density, min_gap, target, data):
    ends, revs = chain
    # Snapshots lead a chain: a prefix of it, as in a real revlog.
    snapshots = set(revs[: data.draw(st.integers(0, len(revs)))])
    assert our_sized(ends, revs, density, min_gap, target, snapshots) == \
        hg_sized(ends, revs, density, min_gap, target, snapshots)
