"""The forward walks (phases raised along parents, branch head marks): the compiled
kernels give byte for byte what the pure reference gives, on DAGs drawn by hypothesis;
a parent that is no earlier revision is refused by the compiled one (the pure one is
only ever given checked columns). What the walks mean is tested against hg through the
queries built on them (tests/engine/repo/test_queries.py, test_revbranch.py)."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine.format.pure import walks as pure
from tests.engine.format.conftest import compiled_kernels

PHASES = (0, 1, 2, 32, 96)


@st.composite
def dags(draw):
    """(p1, p2, per-revision bytes, labels, excluded) for a DAG of up to 60 revisions."""
    count = draw(st.integers(0, 60))
    p1, p2 = array("i"), array("i")
    for rev in range(count):
        parent = st.integers(-1, rev - 1)
        p1.append(draw(parent))
        p2.append(draw(parent))
    values = bytearray(draw(st.lists(st.sampled_from(PHASES), min_size=count, max_size=count)))
    labels = array("i", draw(st.lists(st.integers(0, 3), min_size=count, max_size=count)))
    excluded = bytearray(draw(st.lists(st.integers(0, 1), min_size=count, max_size=count)))
    return p1, p2, values + b"\0", labels, excluded + b"\0"


def compiled():
    module = compiled_kernels()
    if module is None:
        pytest.skip("the compiled kernels are not built (python setup.py build_ext -i)")
    return module


@settings(max_examples=300, deadline=None)
@given(dags(), st.integers(0, 60))
def test_raise_to_parents_twins(dag, start):
    p1, p2, values, _labels, _excluded = dag
    ours, theirs = bytearray(values), bytearray(values)
    pure.raise_to_parents(p1, p2, ours, start)
    compiled().raise_to_parents(p1, p2, theirs, start)
    assert ours == theirs


@settings(max_examples=300, deadline=None)
@given(dags())
def test_mark_labelled_parents_twins(dag):
    p1, p2, _values, labels, excluded = dag
    ours, theirs = bytearray(len(excluded)), bytearray(len(excluded))
    pure.mark_labelled_parents(p1, p2, labels, excluded, ours)
    compiled().mark_labelled_parents(p1, p2, labels, excluded, theirs)
    assert ours == theirs


def test_phases_flow_to_descendants_only():
    p1, p2 = array("i", [-1, 0, 0, 1, 2]), array("i", [-1, -1, -1, 2, -1])
    values = bytearray([0, 1, 2, 0, 0, 0])
    pure.raise_to_parents(p1, p2, values, 1)
    assert list(values) == [0, 1, 2, 2, 2, 0]


@pytest.mark.parametrize("bad", [2, -2])
def test_compiled_refuses_a_parent_that_is_no_earlier_revision(bad):
    p1, p2 = array("i", [-1, bad]), array("i", [-1, -1])
    with pytest.raises(ValueError, match="revision 1"):
        compiled().raise_to_parents(p1, p2, bytearray(3), 0)
    with pytest.raises(ValueError, match="revision 1"):
        compiled().mark_labelled_parents(p1, p2, array("i", [0, 0]), bytearray(3),
                                         bytearray(3))


@st.composite
def columns(draw):
    """Parent columns of up to 40 revisions, some parents possibly out of range."""
    count = draw(st.integers(0, 40))
    parent = st.integers(-3, count + 2)
    return (array("i", draw(st.lists(parent, min_size=count, max_size=count))),
            array("i", draw(st.lists(parent, min_size=count, max_size=count))))


@settings(max_examples=300, deadline=None)
@given(columns())
def test_first_bad_parent_twins(cols):
    p1, p2 = cols
    expected = next((r for r in range(len(p1))
                     if not (-1 <= p1[r] < r and -1 <= p2[r] < r)), -1)
    assert pure.first_bad_parent(p1, p2) == expected
    assert compiled().first_bad_parent(p1, p2) == expected


@settings(max_examples=300, deadline=None)
@given(dags())
def test_mark_parents_twins(dag):
    p1, p2, _values, _labels, excluded = dag
    ours, theirs = bytearray(len(excluded)), bytearray(len(excluded))
    pure.mark_parents(p1, p2, ours)
    compiled().mark_parents(p1, p2, theirs)
    assert ours == theirs
