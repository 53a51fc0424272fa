"""Index layouts and laziness: opening reads no entry, big indexes are mapped, not read."""

from __future__ import annotations

import hashlib
import mmap
import struct

import pytest

from explorer.engine import Revlog
from explorer.engine.format.index import CL_V2_ENTRY, V0_ENTRY, V1_ENTRY, V2_ENTRY
from explorer.engine.revlog.inner import InnerRevlog
from explorer.engine.revlog.nodes import SCANS
from tests.engine.oracle_revlogs import revlogs


def test_entry_sizes_follow_the_spec():
    assert (V0_ENTRY.size, V1_ENTRY.size, V2_ENTRY.size, CL_V2_ENTRY.size) == (76, 64, 96, 96)


def write_index(path, count: int) -> list[bytes]:
    """A split v1 index of ``count`` empty full-text revisions in a line."""
    nodes = [hashlib.sha1(b"%d" % r).digest() for r in range(count)]
    entries = bytearray()
    for rev, node in enumerate(nodes):
        entries += V1_ENTRY.pack(0, 0, 0, rev, rev, rev - 1, -1, node)
    struct.pack_into(">I", entries, 0, 1)  # header: version 1, no flags
    path.write_bytes(bytes(entries))
    return nodes


def test_big_index_is_mapped_and_decoded_on_demand(tmp_path):
    count = 300_000
    nodes = write_index(tmp_path / "big.i", count)
    inner = InnerRevlog.open(tmp_path / "big.i")
    assert isinstance(inner.index.data, mmap.mmap)
    assert not inner.nodes.built and not len(inner.texts)
    rl = Revlog(inner)
    assert len(rl) == count
    last = rl.entry(count - 1)
    assert (last.node, last.p1, last.base) == (nodes[-1], count - 2, count - 1)
    assert not inner.nodes.built  # lookups by rev need no node map
    assert rl.rev(nodes[12345]) == 12345
    assert not inner.nodes.built  # the first lookups search the index, as hg's C index does
    sample = range(0, count, count // SCANS)
    assert [rl.rev(nodes[r]) for r in sample] == list(sample)
    assert inner.nodes.built  # built once lookups are many
    assert rl.lookup(nodes[777].hex()[:10]) == 777
    assert rl.revision(count - 1) == b""
    rl.close()


def test_small_index_is_read_plainly(tmp_path):
    write_index(tmp_path / "small.i", 10)
    inner = InnerRevlog.open(tmp_path / "small.i")
    assert isinstance(inner.index.data, bytes)
    with Revlog(inner) as rl:
        assert rl.heads() == [9]


def test_missing_index_is_an_empty_revlog(tmp_path):
    with Revlog.open(tmp_path / "nothing.i") as rl:
        assert len(rl) == 0
        assert rl.revision(-1) == b""


def test_node_scan_and_prefixes_agree_with_each_entry(hgrepos):
    """``find_node`` (the index searched from its end) and ``node_prefixes`` (nodes read
    as strided columns) give what decoding each entry gives, on an hg-written changelog."""
    index = Revlog.open(hgrepos("zstd") / ".hg/store/00changelog.i")._inner.index
    nodes = [index.node(rev) for rev in range(index.count)]
    if index.node_scannable:
        assert [index.find_node(n) for n in nodes] == list(range(index.count))
        assert index.find_node(b"\xab" * 20) is None
    assert index.node_prefixes(4) == b"".join(n[:4] for n in nodes)


def test_node_scan_skips_a_match_across_entries(tmp_path):
    """Bytes equal to a node may straddle fields: only a match at a node's place counts."""
    node = bytes(range(1, 21))
    entry = struct.pack(">Qiiiiii20s12x", 0, 0, 0, 0, 0, -1, -1, node)
    fake = bytearray(entry * 2)
    fake[0:4] = b"\0\0\0\x01"  # version 1, split index
    decoy = bytearray(struct.pack(">Qiiiiii20s12x", 0, 0, 0, 0, 0, -1, -1, b"\0" * 20))
    decoy[12:32] = node  # the node's bytes in the length and parent fields
    path = tmp_path / "x.i"
    path.write_bytes(bytes(fake[:64]) + bytes(decoy))
    index = Revlog.open(path)._inner.index
    assert index.count == 2 and index.node_scannable
    assert index.find_node(node) == 0


def test_all_entries_in_one_pass_are_entry_by_entry(tmp_path):
    """``entries()`` (one pass for v1) decodes what ``entry(rev)`` decodes, rev 0's
    header word included (its offset reads 0)."""
    write_index(tmp_path / "few.i", 50)
    rl = Revlog(InnerRevlog.open(tmp_path / "few.i"))
    assert rl.entries() == [rl.entry(rev) for rev in range(len(rl))]
    assert rl.entries()[0].offset == 0


@pytest.mark.hgrepos(features={"inline", "v0", "docket", "changelogv2", "merge"})
def test_all_entries_of_every_layout_are_entry_by_entry(hgoracle):
    for path, _info, rl in revlogs(hgoracle):
        assert rl.entries() == [rl.entry(rev) for rev in range(len(rl))], path
