"""mpatch against Mercurial's own C implementation (mdiff.patches / mdiff.textdiff)."""

from __future__ import annotations

import struct
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mercurial import mdiff

from explorer.engine.format import mpatch

lines = st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"") + b"\n"), max_size=40)


def _evolve(draw_lines: list[list[bytes]]) -> list[bytes]:
    return [b"".join(v) for v in draw_lines]


@given(st.lists(lines, min_size=2, max_size=12))
def test_chain_of_hg_deltas_matches_hg(versions):
    texts = _evolve(versions)
    deltas = [mdiff.textdiff(a, b) for a, b in zip(texts, texts[1:])]
    expected = mdiff.patches(texts[0], deltas)
    assert mpatch.apply_deltas(texts[0], deltas) == expected == texts[-1]


@settings(max_examples=30)
@given(st.lists(lines, min_size=2, max_size=30), st.integers(1, 400))
def test_rope_path_matches_hg_on_big_texts(versions, repeat):
    # Repeating a block of lines makes texts big enough for the rope to take over.
    texts = [b"".join(v) * repeat + b"tail\n" for v in versions]
    deltas = [mdiff.textdiff(a, b) for a, b in zip(texts, texts[1:])]
    assert mpatch.apply_deltas(texts[0], deltas) == mdiff.patches(texts[0], deltas)


@given(st.binary(max_size=300), st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300),
                                                   st.binary(max_size=20)), max_size=8))
def test_arbitrary_byte_hunks(base, raw_hunks):
    """Deltas need not be line-aligned: any sorted, in-range hunks apply."""
    hunks, pos = [], 0
    for a, b, data in sorted(raw_hunks):
        start, end = max(a, pos), max(a, pos) + b % 7
        if end > len(base):
            break
        hunks.append(struct.pack(">lll", start, end, len(data)) + data)
        pos = end
    delta = b"".join(hunks)
    assert mpatch.apply_delta(base, delta) == mdiff.patches(base, [delta])


def test_empty_delta_is_identity():
    assert mpatch.apply_deltas(b"abc", [b"", b""]) == b"abc"


@pytest.mark.parametrize(
    "delta, message",
    [
        (struct.pack(">lll", 0, 10, 0), "replaces [0:10]"),
        (struct.pack(">lll", 2, 1, 0), "replaces [2:1]"),
        (struct.pack(">lll", 0, 1, 5) + b"ab", "runs past"),
        (struct.pack(">ll", 0, 1), "truncated hunk header"),
        (struct.pack(">lll", 2, 3, 0) + struct.pack(">lll", 1, 2, 0), "after a hunk ending at 3"),
        (struct.pack(">lll", 0, 1, -4), "runs past"),
    ],
)
def test_malformed_deltas_raise_patch_error(delta, message):
    with pytest.raises(mpatch.PatchError, match=message.replace("[", r"\[").replace("]", r"\]")):
        mpatch.apply_delta(b"abcde", delta)


def test_error_names_the_failing_delta():
    good = mdiff.textdiff(b"a\n", b"b\n")
    with pytest.raises(mpatch.PatchError) as info:
        mpatch.apply_deltas(b"a\n", [good, struct.pack(">lll", 0, 99, 0)])
    assert info.value.delta_index == 1


@given(st.lists(lines, min_size=2, max_size=20), st.integers(1, 60))
def test_block_rope_matches_hg_at_every_size(versions, repeat):
    """The rope (used for long chains over big texts) on texts of every size, blocks included."""
    texts = [b"".join(v) * repeat for v in versions]
    deltas = [mdiff.textdiff(a, b) for a, b in zip(texts, texts[1:])]
    assert mpatch._apply_with_rope(texts[0], deltas) == mdiff.patches(texts[0], deltas)


@given(st.lists(lines, min_size=2, max_size=20), st.integers(1, 8))
def test_block_rope_with_tiny_blocks(versions, repeat):
    """Tiny blocks make most hunks span blocks and force reshaping."""
    texts = [b"".join(v) * repeat for v in versions]
    deltas = [mdiff.textdiff(a, b) for a, b in zip(texts, texts[1:])]
    with patch.object(mpatch, "_BLOCK", 8), patch.object(mpatch, "_MAX_BLOCKS", 10**9):
        assert mpatch._apply_with_rope(texts[0], deltas) == mdiff.patches(texts[0], deltas)


@pytest.mark.parametrize("rope", [False, True], ids=["plain", "rope"])
def test_a_text_growing_past_its_declared_size_stops_the_rebuild(rope):
    base = b"a line of text\n" * (4000 if rope else 40)
    insert = struct.pack(">lll", 0, 0, 100) + b"x" * 100
    deltas = [insert, insert, insert]
    sizes = [len(base) + 100, len(base) + 150, len(base) + 300]
    apply = mpatch._apply_with_rope if rope else mpatch.apply_deltas
    with pytest.raises(mpatch.TextSizeError, match=f"a text of {len(base) + 200} bytes, past "
                                                   f"the {len(base) + 150} bytes") as err:
        apply(base, deltas, sizes)
    assert err.value.delta_index == 1
    assert apply(base, deltas, [-1, -1, -1]) == b"x" * 300 + base
