"""Sidedata blobs: Mercurial's own serializer is the oracle."""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mercurial import error as hgerror
from mercurial import hg as hgmod
from mercurial import ui as uimod
from mercurial.revlogutils import sidedata as hgsidedata

from explorer.engine.errors import CorruptionError, RevlogError
from explorer.engine.payloads.sidedata import (
    SidedataKey,
    decode_sidedata,
    encode_sidedata,
    key_name,
)
from tests.engine.payloads.test_changeset import hg

sidedata_maps = st.dictionaries(st.integers(0, 0xFFFF), st.binary(max_size=64), max_size=8)


@given(sidedata_maps)
def test_encode_matches_mercurial(values: dict[int, bytes]) -> None:
    assert encode_sidedata(values) == hgsidedata.serialize_sidedata(values)


@given(sidedata_maps)
def test_decode_matches_mercurial(values: dict[int, bytes]) -> None:
    blob = hgsidedata.serialize_sidedata(values)
    assert decode_sidedata(blob) == hgsidedata.deserialize_sidedata(blob) == values


@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_corruption(blob: bytes) -> None:
    try:
        ours = decode_sidedata(blob)
    except CorruptionError:
        return
    if blob:
        assert ours == hgsidedata.deserialize_sidedata(blob)


def test_key_values_and_names() -> None:
    assert SidedataKey.P1COPIES == hgsidedata.SD_P1COPIES == 8
    assert SidedataKey.FILES == hgsidedata.SD_FILES == 12
    assert [int(k) for k in SidedataKey] == list(range(1, 13))
    assert key_name(12) == "files"
    assert key_name(1) == "test1"
    assert key_name(99) == "unknown-99"


def test_empty_blob_is_no_sidedata() -> None:
    assert decode_sidedata(b"") == {}
    assert encode_sidedata({}) == b"\0\0"
    assert decode_sidedata(b"\0\0") == {}


def test_mercurial_tolerates_trailing_bytes_and_so_do_we() -> None:
    blob = encode_sidedata({3: b"abc"}) + b"junk"
    assert decode_sidedata(blob) == hgsidedata.deserialize_sidedata(blob) == {3: b"abc"}


def test_every_truncation_is_corruption() -> None:
    blob = encode_sidedata({1: b"one", 12: b"twelve"})
    for cut in range(1, len(blob)):
        with pytest.raises(CorruptionError):
            decode_sidedata(blob[:cut])


def test_truncation_offsets() -> None:
    blob = encode_sidedata({1: b"one", 12: b"twelve"})
    with pytest.raises(CorruptionError) as header:
        decode_sidedata(blob[:1])
    assert header.value.offset == 0
    with pytest.raises(CorruptionError) as table:
        decode_sidedata(blob[: 2 + 26 + 5])
    assert table.value.offset == 2 + 26
    with pytest.raises(CorruptionError) as value:
        decode_sidedata(blob[:-1])
    assert value.value.offset == 2 + 2 * 26 + 3


def test_digest_mismatch_names_the_entry() -> None:
    blob = bytearray(encode_sidedata({1: b"one", 12: b"twelve"}))
    blob[-1] ^= 1
    with pytest.raises(CorruptionError, match="digest") as info:
        decode_sidedata(bytes(blob))
    assert info.value.offset == 2 + 26
    with pytest.raises(hgerror.SidedataHashError):
        hgsidedata.deserialize_sidedata(bytes(blob))


def test_entry_layout() -> None:
    blob = encode_sidedata({12: b"xy", 8: b""})
    assert blob[:2] == b"\0\2"
    assert struct.unpack(">HL20s", blob[2:28]) == (8, 0, hashlib.sha1(b"").digest())
    assert struct.unpack(">HL20s", blob[28:54]) == (12, 2, hashlib.sha1(b"xy").digest())
    assert blob[54:] == b"xy"


def test_encode_rejects_out_of_range() -> None:
    with pytest.raises(RevlogError):
        encode_sidedata({0x10000: b""})


def test_real_changelog_sidedata(tmp_path: Path) -> None:
    """Blobs read from a changelog-v2 ``.sda`` file decode as Mercurial reads them."""
    repo = tmp_path / "repo"
    hg(tmp_path, "init", "repo", config=["format.exp-use-copies-side-data-changeset=yes"])
    (repo / "a").write_bytes(b"a\n")
    hg(repo, "add", "a")
    hg(repo, "commit", "-m", "add")
    hg(repo, "copy", "a", "b")
    hg(repo, "rename", "a", "c")
    hg(repo, "commit", "-m", "copies")
    changelog = hgmod.repository(uimod.ui(), os.fsencode(repo)).changelog
    (sda,) = (repo / ".hg" / "store").glob("00changelog-*.sda")
    data = sda.read_bytes()
    for rev in range(len(changelog)):
        entry = changelog.index[rev]
        start, size, mode = entry[8], entry[9], entry[11]
        assert mode == 0  # stored plain: the bytes in the file are the blob
        blob = data[start : start + size]
        assert decode_sidedata(blob) == changelog.sidedata(rev)
        assert encode_sidedata(decode_sidedata(blob)) == blob
