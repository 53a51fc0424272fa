"""Damaged revlogs: every kind of bad input is a CorruptionError naming file, rev and byte.

Each test damages a private copy of a repository built by real hg, in one
precise way, and checks that the engine names the file, the revision and the
byte offset of the damage, while the undamaged revisions stay readable.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from explorer.engine import CorruptionError, UnsupportedFormatError
from explorer.engine.format.compression import chunk_kind
from tests.engine.oracle_revlogs import open_from_oracle, revlog_files


class Damage:
    """A writable copy of one revlog of an hg-built repo."""

    def __init__(self, hgrepos, tmp_path: Path, name: str, path: str) -> None:
        repo = hgrepos.copy(name, tmp_path / name)
        self.oracle = hgrepos.oracle(name)
        self.store = os.path.join(repo, os.path.relpath(self.oracle["store_path"], hgrepos(name)))
        self.path = path
        self.files = revlog_files(self.oracle, path, self.store)
        self.info = self.oracle["revlogs"][path]

    def open(self):
        return open_from_oracle(self.oracle, self.path, self.store)

    def patch(self, file: str, offset: int, data: bytes) -> None:
        with open(file, "r+b") as f:
            f.seek(offset)
            f.write(data)

    def truncate(self, file: str, size: int) -> None:
        os.truncate(file, size)


@pytest.fixture
def damage(hgrepos, tmp_path):
    return lambda name, path: Damage(hgrepos, tmp_path, name, path)


def first_filelog(damage_or_oracle, inline: bool) -> str:
    oracle = getattr(damage_or_oracle, "oracle", damage_or_oracle)
    return next(p for p, i in oracle["revlogs"].items()
                if i["kind"] == "filelog" and i["inline"] == inline and i["len"] > 2)


def assert_names(err: CorruptionError, file: str, rev: int, offset: int) -> None:
    assert err.file == file
    assert err.rev == rev
    assert err.offset == offset
    assert file in str(err) and f"rev {rev}" in str(err) and f"byte {offset}" in str(err)


def test_truncated_split_index_keeps_whole_entries(damage):
    d = damage("zstd", "00changelog.i")
    index = d.files["00changelog.i"]
    size = os.path.getsize(index)
    d.truncate(index, size - 20)
    rl = d.open()
    last = d.info["len"] - 1
    assert len(rl) == last
    assert rl.revision(last - 1) == d.info["revs"][last - 1]["rawdata"]
    with pytest.raises(CorruptionError, match="truncated") as info:
        rl.entry(last)
    assert_names(info.value, index, last, last * 64)


def test_truncated_inline_index_names_the_cut_chunk(damage, hgrepos):
    path = first_filelog(hgrepos.oracle("zstd"), inline=True)
    d = damage("zstd", path)
    index = d.files[path]
    rl = d.open()
    last = len(rl) - 1
    chunk_at = rl.chunk_offset(last)
    rl.close()
    d.truncate(index, chunk_at + 1)
    rl = d.open()
    assert rl.revision(last - 1) == d.info["revs"][last - 1]["rawdata"]
    with pytest.raises(CorruptionError, match="runs past the end") as info:
        rl.raw_chunk(last)
    assert_names(info.value, index, last, chunk_at)


def test_truncated_data_file(damage):
    d = damage("zstd", "00changelog.i")
    data = d.files["00changelog.d"]
    rl = d.open()
    last = len(rl) - 1
    chunk_at = rl.chunk_offset(last)
    rl.close()
    d.truncate(data, chunk_at + 2)
    rl = d.open()
    with pytest.raises(CorruptionError) as info:
        rl.revision(last)
    assert_names(info.value, data, last, chunk_at)


@pytest.mark.parametrize("spec", ["zstd", "zlib"])
def test_bad_compression_byte(damage, spec):
    d = damage(spec, "00changelog.i")
    rl = d.open()
    at = rl.chunk_offset(3)
    d.patch(d.files["00changelog.d"], at, b"\xfe")
    rl = d.open()
    with pytest.raises(CorruptionError, match="unknown compression type 0xfe") as info:
        rl.revision(3)
    assert_names(info.value, d.files["00changelog.d"], 3, at)
    assert rl.revision(4) == d.info["revs"][4]["rawdata"]


def biggest_chunk(rl) -> int:
    return max(range(len(rl)), key=lambda r: rl.length(r))


def test_damaged_zlib_stream(damage):
    """zlib carries a checksum: any damage inside the stream is caught on read."""
    d = damage("zlib", "00changelog.i")
    rl = d.open()
    rev = biggest_chunk(rl)
    assert chunk_kind(rl.raw_chunk(rev)) == "zlib"
    at, length = rl.chunk_offset(rev), rl.length(rev)
    d.patch(d.files["00changelog.d"], at + length // 2, b"\x00\xff\x13\x37")
    rl = d.open()
    with pytest.raises(CorruptionError, match="zlib") as info:
        rl.revision(rev)
    assert_names(info.value, d.files["00changelog.d"], rev, at)


def test_damaged_zstd_frame_header(damage):
    d = damage("zstd", "00changelog.i")
    rl = d.open()
    rev = biggest_chunk(rl)
    assert chunk_kind(rl.raw_chunk(rev)) == "zstd"
    at = rl.chunk_offset(rev)
    d.patch(d.files["00changelog.d"], at + 4, b"\xff\xff\xff\xff")  # after the magic
    rl = d.open()
    with pytest.raises(CorruptionError, match="zstd") as info:
        rl.revision(rev)
    assert_names(info.value, d.files["00changelog.d"], rev, at)


def test_damaged_zstd_literals_fail_the_hash(damage):
    """hg writes zstd frames without a checksum: damaged literal bytes decode to
    wrong text without a decoding error, and only the node hash tells."""
    d = damage("zstd", "00changelog.i")
    rl = d.open()
    rev = biggest_chunk(rl)
    at, length = rl.chunk_offset(rev), rl.length(rev)
    original = rl.raw_chunk(rev)
    d.patch(d.files["00changelog.d"], at + length - 3, bytes(b ^ 0x20 for b in original[-3:]))
    rl = d.open()
    try:
        text = rl.revision(rev)
    except CorruptionError as err:
        assert_names(err, d.files["00changelog.d"], rev, at)
    else:
        assert text != d.info["revs"][rev]["rawdata"]
        assert not rl.check_hash(rev)
        assert rl.hash_status(rev) == "mismatch"


def uncompressed_delta_rev(rl) -> int:
    return next(r for r in range(len(rl))
                if rl.delta_parent(r) != -1 and rl.raw_chunk(r)[:1] in (b"u", b"\0")
                and len(rl.chunk(r)) >= 12)


def test_delta_hunk_out_of_range(damage):
    d = damage("none", "00manifest.i")
    rl = d.open()
    rev = uncompressed_delta_rev(rl)
    at = rl.chunk_offset(rev)
    header = 1 if rl.raw_chunk(rev)[:1] == b"u" else 0
    file = rl.data_path
    rl.close()
    d.patch(file, at + header + 4, struct.pack(">l", 0x7FFFFFF0))  # hunk end
    rl = d.open()
    with pytest.raises(CorruptionError, match="delta does not apply") as info:
        rl.revision(rev)
    assert_names(info.value, file, rev, at)


@pytest.mark.parametrize("spec", ["zstd", "no-generaldelta"])
def test_base_past_the_revision(damage, spec):
    """hg's own verify misses this in non-generaldelta revlogs; we do not."""
    d = damage(spec, "00manifest.i")
    rl = d.open()
    rev = len(rl) // 2
    entry_at = rl.entry_offset(rev)
    index = rl.index_path
    rl.close()
    d.patch(index, entry_at + 16, struct.pack(">i", rev + 3))
    rl = d.open()
    for call in (lambda: rl.revision(rev), lambda: rl.find_snapshots(0, rev)):
        with pytest.raises(CorruptionError, match="delta base") as info:
            call()
        assert_names(info.value, index, rev, entry_at + 16)
    assert rl.revision(rev - 1) == d.info["revs"][rev - 1]["rawdata"]


@pytest.mark.parametrize("which, within", [(1, 24), (2, 28)])
@pytest.mark.parametrize("later", [10**6, 6])
def test_parent_out_of_range(damage, which, within, later):
    """A parent past the end, or a later revision (a cycle for the graph walks), is
    named as damage by every query that reads it, the graph queries included."""
    d = damage("zstd", "00changelog.i")
    rl = d.open()
    rev = 5
    entry_at = rl.entry_offset(rev)
    rl.close()
    d.patch(d.files["00changelog.i"], entry_at + within, struct.pack(">i", later))
    rl = d.open()
    tip = len(rl) - 1
    graph_queries = [rl.heads, lambda: list(rl.ancestors([tip])), lambda: rl.heads(0),
                     lambda: list(rl.descendants([0])), lambda: rl.common_ancestor_heads(tip, 3),
                     lambda: rl.ancestor(tip, 3), lambda: rl.is_ancestor(3, tip),
                     lambda: rl.reachable_roots(0, [tip], [0])]
    for call in (lambda: rl.parents(rev), lambda: rl.check_hash(rev), *graph_queries):
        with pytest.raises(CorruptionError, match=f"parent {which}") as info:
            call()
        assert_names(info.value, d.files["00changelog.i"], rev, entry_at + within)


@pytest.mark.parametrize(
    "within, value, match",
    [
        (8, -5, "length -5"),  # compressed length
        (0, 0x7FFF_FFFF_0000 << 16, "runs past the end"),  # data offset
        (16, -7, "delta base -7"),  # base
        (12, 0x7FFF_FFFF, None),  # uncompressed length: only the bomb bound moves
    ],
)
def test_garbage_numbers(damage, within, value, match):
    d = damage("zstd", "00manifest.i")
    rl = d.open()
    rev = len(rl) - 1
    entry_at = rl.entry_offset(rev)
    index = rl.index_path
    rl.close()
    fmt = ">Q" if within == 0 else ">i"
    d.patch(index, entry_at + within, struct.pack(fmt, value))
    rl = d.open()
    if match is None:
        assert rl.revision(rev) == d.info["revs"][rev]["rawdata"]
        return
    with pytest.raises(CorruptionError, match=match) as info:
        rl.revision(rev)
    assert info.value.rev == rev


def test_unknown_version_and_flags(damage):
    d = damage("zstd", "00changelog.i")
    index = d.files["00changelog.i"]
    d.patch(index, 0, struct.pack(">I", 7))
    with pytest.raises(UnsupportedFormatError, match="unknown revlog version 7") as info:
        d.open()
    assert (info.value.file, info.value.offset) == (index, 0)
    d.patch(index, 0, struct.pack(">I", 1 | 1 << 23))
    with pytest.raises(UnsupportedFormatError, match="unknown flags 0x0080"):
        d.open()


def test_truncated_v2_docket(damage):
    d = damage("revlogv2", "00manifest.i")
    docket = d.files["00manifest.i"]
    d.truncate(docket, 30)
    with pytest.raises(CorruptionError, match="docket") as info:
        d.open()
    assert info.value.file == docket


def test_decompression_bomb_is_refused(damage):
    """A chunk that inflates past its entry's declared size is never fully allocated."""
    d = damage("zstd", "00changelog.i")
    rl = d.open()
    rev = 2
    entry_at, at = rl.entry_offset(rev), rl.chunk_offset(rev)
    rl.close()
    d.patch(d.files["00changelog.i"], entry_at + 12, struct.pack(">i", 10))  # claims 10 bytes
    rl = d.open()
    with pytest.raises(CorruptionError, match="over the expected 10|past the expected 10") as info:
        rl.revision(rev)
    assert_names(info.value, d.files["00changelog.d"], rev, at)


def test_nodemap_docket_naming_an_impossible_file(damage):
    """Found by fuzzing: a NUL in the nodemap uid once escaped as ValueError from os.open.
    Lookups fall back to the index and still find every node."""
    d = damage("persistent-nodemap", "00changelog.i")
    docket = d.files["00changelog.n"]
    d.patch(docket, 36, b"\0\0\0\0")  # inside the uid
    rl = d.open()
    for want in d.info["revs"]:
        assert rl.rev(want["node"]) == want["rev"]
        assert rl.lookup(want["node"].hex()[:8]) == want["rev"]


def test_empty_chunk_read_just_after_its_base(damage):
    """A revision whose chunk is empty changes nothing: read right after its base (the
    text held), its chain has no link left to apply."""
    d = damage("split-inline", "data/big.txt.i")
    with d.open() as rl:
        rev = next(r for r in range(len(rl)) if rl.delta_parent(r) >= 0)
        base = rl.delta_parent(rev)
        expected = rl.revision(base)
        at = rl.entry_offset(rev)
    d.patch(d.files["data/big.txt.i"], at + 8, struct.pack(">i", 0))  # compressed length
    with d.open() as rl:
        assert rl.revision(base) == expected
        assert rl.revision(rev) == expected
