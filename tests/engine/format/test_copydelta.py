"""The light-weight copy payload: what is packed is read back, and a payload cut short
is damage named as such, never an IndexError."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.engine import CorruptionError
from explorer.engine.format.copydelta import CopyDelta, pack_payload, parse_payload

paths = st.text(min_size=1, max_size=300).filter(lambda p: "\0" not in p)


@given(paths, st.binary(min_size=20, max_size=20), st.binary(max_size=200))
def test_round_trip(source, node, delta):
    assert parse_payload(pack_payload(source, node, delta)) == CopyDelta(source, node, delta)


@given(paths, st.binary(min_size=20, max_size=20), st.binary(max_size=50), st.data())
def test_cut_short_is_damage(source, node, delta, data):
    payload = pack_payload(source, node, delta)
    cut = data.draw(st.integers(0, len(payload) - len(delta) - 1))
    with pytest.raises(CorruptionError, match="light-weight copy payload"):
        parse_payload(payload[:cut])


def test_an_empty_source_path_is_damage():
    with pytest.raises(CorruptionError, match="0-byte source path"):
        parse_payload(b"\0\0" + b"n" * 20)


def test_what_cannot_be_encoded_is_refused():
    with pytest.raises(ValueError):
        pack_payload("a", b"short", b"")
    with pytest.raises(ValueError):
        pack_payload("", b"n" * 20, b"")
    with pytest.raises(ValueError):
        pack_payload("x" * 70000, b"n" * 20, b"")
