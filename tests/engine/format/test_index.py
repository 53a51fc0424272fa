"""Index layouts and laziness: opening reads no entry, big indexes are mapped, not read."""

from __future__ import annotations

import hashlib
import mmap
import struct

import pytest

from explorer.engine import Revlog
from explorer.engine.format.index import CL_V2_ENTRY, V0_ENTRY, V1_ENTRY, V2_ENTRY
from explorer.engine.revlog.inner import InnerRevlog
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
    assert inner.nodes.built  # built on the first node lookup
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
