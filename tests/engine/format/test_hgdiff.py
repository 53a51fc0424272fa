"""hgdiff against Mercurial's C bdiff: the same bytes as ``mdiff.storage_diff`` (what
hg 7.x revlogs store) and ``mdiff.textdiff``, on random line texts (repeated lines,
empty texts, no final newline, CR, NUL), arbitrary bytes, long texts past hg's
popularity limit and search window, and the pathological inputs of test_bdiff;
for both kernels (the ``hg_differ`` fixture: pure, then compiled)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mercurial import mdiff

from explorer.engine.format import mpatch
from explorer.engine.format.pure import bdiff
from tests.engine.format.test_bdiff import edited_texts, pathological, simulated_history, untimed


def assert_as_hg(differ, a: bytes, b: bytes) -> None:
    delta = differ.storage_diff(a, b)
    assert delta == mdiff.storage_diff(a, b)
    assert mpatch.apply_delta(a, delta) == b
    assert differ.textdiff(a, b) == mdiff.textdiff(a, b)


@untimed
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_arbitrary_bytes(hg_differ, a, b):
    assert_as_hg(hg_differ, a, b)


@untimed
@given(st.binary(max_size=200))
def test_equal_and_empty_texts(hg_differ, a):
    assert_as_hg(hg_differ, a, a)
    assert_as_hg(hg_differ, b"", a)
    assert_as_hg(hg_differ, a, b"")


# few distinct lines: equal runs everywhere, ties between them, hg's tie-breaks decide
few_lines = st.sampled_from([b"", b"a", b"b", b"aa", b"}", b"a\r", b"\0"])


@untimed
@given(edited_texts(few_lines, max_lines=40))
def test_texts_of_few_distinct_lines(hg_differ, texts):
    assert_as_hg(hg_differ, *texts)


@untimed
@given(edited_texts())
def test_edited_line_texts(hg_differ, texts):
    assert_as_hg(hg_differ, *texts)


@settings(untimed, max_examples=30)
@given(edited_texts(st.integers(0, 40).map(lambda n: b"line %d" % n), max_lines=3000))
def test_long_texts_with_repeated_lines(hg_differ, texts):
    """Up to 3000 lines of 41 kinds: long runs, many regions, stale position entries."""
    assert_as_hg(hg_differ, *texts)


@settings(untimed, max_examples=10)
@given(edited_texts(st.sampled_from([b"x", b"y", b"{", b"}"]), max_lines=5000))
def test_lines_too_common_to_start_a_match(hg_differ, texts):
    """Up to 5000 lines of 4 kinds: a kind over 1e6 // (lines + 1) (~200) only extends runs."""
    assert_as_hg(hg_differ, *texts)


def test_search_window_and_large_text_limit(hg_differ):
    """Over 31,000 lines of b the popularity limit is lines // 1000; over 30,000 lines
    of a in a region hg searches only the last 30,000."""
    a = [b"l%d\n" % (n % 997) for n in range(40_000)]
    b = a[:100] + [b"new\n"] + a[100:35_000] + a[20_000:20_050] + a[35_500:]
    assert_as_hg(hg_differ, b"".join(a), b"".join(b))


@pytest.mark.parametrize("name", list(pathological()))
def test_pathological_inputs(hg_differ, name):
    assert_as_hg(hg_differ, *pathological()[name])


def test_simulated_history(hg_differ):
    for a, b in simulated_history()[::3]:
        assert_as_hg(hg_differ, a, b)


def test_bytes_like_inputs(hg_differ):
    a, b = b"a\nb\nc\n", b"a\nx\nc\n"
    expected = mdiff.storage_diff(a, b)
    assert hg_differ.storage_diff(bytearray(a), memoryview(b)) == expected


def test_differs_from_our_compact_bdiff():
    """Why both exist: on this edit our bdiff's delta is smaller than hg's."""
    a, b = DISAGREEING
    ours, theirs = bdiff.diff(a, b), mdiff.storage_diff(a, b)
    assert len(ours) < len(theirs)


#: A text and its edit where hg's delta is bigger than our bdiff's (a short run
#: between two hunks: hg pays a second hunk header, we send the run again).
DISAGREEING = (b"a\nb\nc\nd\ne\nf\n", b"a\nB\nc\nD\ne\nf\n")
