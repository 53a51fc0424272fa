"""Manifest lines decoded at once (one regex over the block) decode as line by line: the
same entries, and on a bad line the same error after the same entries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from explorer.engine.errors import CorruptionError
from explorer.engine.verify.links import _entries, _entries_one_by_one

_HEX = "0123456789abcdefABCDEF"
good_line = st.builds(lambda name, node, flag: name + b"\0" + node.encode() + flag,
                      st.binary(min_size=1, max_size=8).filter(lambda b: b"\0" not in b
                                                                and b"\n" not in b),
                      st.text(_HEX, min_size=40, max_size=40),
                      st.sampled_from([b"", b"x", b"l", b"t", b"\0", b"\r", b"7"]))
# Near misses: a node too short or too long, no NUL, no name, two flag bytes, a bad digit,
# a NUL before the name.
bad_line = st.one_of(
    st.binary(max_size=50).filter(lambda b: b"\n" not in b),
    good_line.map(lambda line: line + b"xy"),
    good_line.map(lambda line: line[:-3]),
    good_line.map(lambda line: line.replace(b"\0", b"", 1)),
    good_line.map(lambda line: b"\0" + line.partition(b"\0")[2]),
    good_line.map(lambda line: line.replace(b"a", b"g", 1)),
    good_line.map(lambda line: b"x\0" + line),
)


def _decode(decode, lines):
    out = []
    try:
        for entry in decode(lines):
            out.append(entry)
    except CorruptionError as err:
        return out, err.message
    return out, None


@given(st.lists(st.one_of(good_line, good_line, bad_line), max_size=12))
def test_at_once_is_line_by_line(lines):
    assert _decode(_entries, lines) == _decode(_entries_one_by_one, lines)


def test_well_formed_lines_are_decoded_at_once():
    node = "ab" * 20
    lines = [b"a\0" + node.encode(), b"dir/b\0" + node.encode() + b"t"]
    assert _entries(lines) == [("a", bytes.fromhex(node), b""),
                               ("dir/b", bytes.fromhex(node), b"t")]
