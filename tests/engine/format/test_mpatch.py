"""mpatch against Mercurial's own C implementation (mdiff.patches / mdiff.textdiff), for both
kernels (the ``kernel`` fixture: pure, then compiled), and the two kernels against each other."""

from __future__ import annotations

import struct
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mercurial import mdiff

from explorer.engine.format.pure import mpatch

lines = st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"") + b"\n"), max_size=40)


def _evolve(draw_lines: list[list[bytes]]) -> list[bytes]:
    return [b"".join(v) for v in draw_lines]


@given(st.lists(lines, min_size=2, max_size=12))
def test_chain_of_hg_deltas_matches_hg(kernel, versions):
    texts = _evolve(versions)
    deltas = [mdiff.textdiff(a, b) for a, b in zip(texts, texts[1:])]
    expected = mdiff.patches(texts[0], deltas)
    assert kernel.apply_deltas(texts[0], deltas) == expected == texts[-1]
    assert kernel.apply_delta(texts[0], deltas[0]) == texts[1]


@settings(max_examples=30)
@given(st.lists(lines, min_size=2, max_size=30), st.integers(1, 400))
def test_rope_path_matches_hg_on_big_texts(kernel, versions, repeat):
    # Repeating a block of lines makes texts big enough for the rope to take over.
    texts = [b"".join(v) * repeat + b"tail\n" for v in versions]
    deltas = [mdiff.textdiff(a, b) for a, b in zip(texts, texts[1:])]
    assert kernel.apply_deltas(texts[0], deltas) == mdiff.patches(texts[0], deltas)


@given(st.binary(max_size=300), st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300),
                                                   st.binary(max_size=20)), max_size=8))
def test_arbitrary_byte_hunks(kernel, base, raw_hunks):
    """Deltas need not be line-aligned: any sorted, in-range hunks apply."""
    hunks, pos = [], 0
    for a, b, data in sorted(raw_hunks):
        start, end = max(a, pos), max(a, pos) + b % 7
        if end > len(base):
            break
        hunks.append(struct.pack(">lll", start, end, len(data)) + data)
        pos = end
    delta = b"".join(hunks)
    assert kernel.apply_delta(base, delta) == mdiff.patches(base, [delta])
    assert kernel.apply_deltas(base, [delta, delta[:0]]) == mdiff.patches(base, [delta])


def test_empty_delta_is_identity(kernel):
    assert kernel.apply_deltas(b"abc", [b"", b""]) == b"abc"
    assert kernel.apply_deltas(b"abc", []) == b"abc"
    assert kernel.apply_delta(memoryview(b"abc"), b"") == b"abc"


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
def test_malformed_deltas_raise_patch_error(kernel, delta, message):
    pattern = message.replace("[", r"\[").replace("]", r"\]")
    with pytest.raises(mpatch.PatchError, match=pattern):
        kernel.apply_delta(b"abcde", delta)
    with pytest.raises(mpatch.PatchError, match=pattern):
        kernel.apply_deltas(b"abcde", [delta])


def test_error_names_the_failing_delta(kernel):
    good = mdiff.textdiff(b"a\n", b"b\n")
    with pytest.raises(mpatch.PatchError) as info:
        kernel.apply_deltas(b"a\n", [good, struct.pack(">lll", 0, 99, 0)])
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


def test_apply_delta_holds_a_text_to_its_limit(kernel):
    insert = struct.pack(">lll", 0, 0, 3) + b"xyz"
    assert kernel.apply_delta(b"ab", insert, 5) == b"xyzab"
    with pytest.raises(mpatch.TextSizeError, match="a text of 5 bytes, past the 4 bytes"):
        kernel.apply_delta(b"ab", insert, 4)
    with pytest.raises(mpatch.TextSizeError, match="a text of 2 bytes, past the 1 bytes"):
        kernel.apply_delta(b"ab", b"", 1)


def test_the_chain_is_checked_in_order(kernel):
    """A delta growing the text past its size fails before a later malformed one is read."""
    grow = struct.pack(">lll", 0, 0, 4) + b"more"
    with pytest.raises(mpatch.TextSizeError) as info:
        kernel.apply_deltas(b"ab", [b"", grow, b"junk"], [2, 5, -1])
    assert info.value.delta_index == 1
    with pytest.raises(mpatch.PatchError, match="truncated hunk header") as info:
        kernel.apply_deltas(b"ab", [b"", grow, b"junk"], [2, 6, -1])
    assert info.value.delta_index == 2


# -- the compiled kernels against the pure ones ------------------------------------------------


def outcome(apply, *args):
    """What a call gives: its text, or its error's class, message, position and delta index."""
    try:
        return apply(*args)
    except mpatch.PatchError as exc:
        return type(exc), str(exc), exc.position, exc.delta_index


def hunk(start: int, end: int, data: bytes, length: int | None = None) -> bytes:
    return struct.pack(">lll", start, end, len(data) if length is None else length) + data


int32 = st.one_of(st.integers(-3, 40), st.sampled_from([2**31 - 1, -(2**31), 2**30, -1]))
raw_hunk = st.builds(hunk, int32, int32, st.binary(max_size=8),
                     st.one_of(st.none(), int32))


@st.composite
def malformed_chain(draw):
    """A base and a chain of deltas: hg's own, random hunks with fields out of range
    (32-bit extremes included), cut short, or random bytes; and declared sizes."""
    versions = draw(st.lists(lines, min_size=1, max_size=6))
    texts = _evolve(versions)
    deltas = [mdiff.textdiff(a, b) for a, b in zip(texts, texts[1:])]
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(deltas)))
        kind = draw(st.sampled_from(["hunks", "cut", "bytes", "empty"]))
        if kind == "hunks":
            bad = b"".join(draw(st.lists(raw_hunk, min_size=1, max_size=4)))
        elif kind == "cut" and deltas:
            whole = deltas[min(at, len(deltas) - 1)]
            bad = whole[: draw(st.integers(0, len(whole)))]
        elif kind == "bytes":
            bad = draw(st.binary(max_size=40))
        else:
            bad = b""
        deltas.insert(at, bad)
    sizes = draw(st.one_of(st.none(), st.lists(st.integers(-2, 200), min_size=len(deltas),
                                               max_size=len(deltas))))
    return texts[0], deltas, sizes


@settings(max_examples=400)
@given(malformed_chain())
def test_compiled_kernels_match_pure_on_any_chain(chain):
    compiled = _compiled()
    base, deltas, sizes = chain
    assert outcome(compiled.apply_deltas, base, deltas, sizes) == outcome(
        mpatch.apply_deltas, base, deltas, sizes)
    for delta, limit in zip(deltas, sizes or [-1] * len(deltas)):
        assert outcome(compiled.apply_delta, base, delta, limit) == outcome(
            mpatch.apply_delta, base, delta, limit)


@settings(max_examples=100)
@given(st.lists(lines, min_size=2, max_size=12), st.integers(1, 300), st.data())
def test_compiled_kernels_match_pure_on_big_texts(versions, repeat, data):
    """Texts big enough for the pure rope, one delta corrupted somewhere in the chain."""
    compiled = _compiled()
    texts = [b"".join(v) * repeat for v in versions]
    deltas = [mdiff.textdiff(a, b) for a, b in zip(texts, texts[1:])]
    at = data.draw(st.integers(0, len(deltas) - 1))
    deltas[at] = deltas[at] + data.draw(raw_hunk)
    assert outcome(compiled.apply_deltas, texts[0], deltas) == outcome(
        mpatch.apply_deltas, texts[0], deltas)


def _compiled():
    from tests.engine.format.conftest import compiled_kernels

    module = compiled_kernels()
    if module is None:
        pytest.skip("the compiled kernels are not built (python setup.py build_ext -i)")
    return module


@st.composite
def byte_chain(draw):
    """A base and a chain of valid deltas at any byte positions: insertions, deletions and
    hunks meeting where a later delta's hunks cut through an earlier one's data."""
    base = draw(st.binary(max_size=40))
    text, deltas = base, []
    for _ in range(draw(st.integers(1, 10))):
        hunks, pos = [], 0
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(pos, len(text)))
            end = draw(st.integers(start, min(len(text), start + 6)))
            hunks.append(hunk(start, end, draw(st.binary(max_size=8))))
            pos = end
        deltas.append(b"".join(hunks))
        text = mpatch.apply_delta(text, deltas[-1])
    return base, deltas, text


@settings(max_examples=400)
@given(byte_chain())
def test_compiled_fold_matches_pure_on_byte_level_chains(chain):
    base, deltas, text = chain
    assert _compiled().apply_deltas(base, deltas) == mpatch.apply_deltas(base, deltas) == text
