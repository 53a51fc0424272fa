"""The revlog reader against Mercurial, on every repository format we build with hg.

For every revision of every revlog (changelog, manifests, filelogs) of every
spec in tests/hgrepos.py, what ``Revlog`` reads must equal what hg reports:
the index entry as ``hg debugindex --debug`` shows it, the raw text as
``hg debugdata`` prints it, the stored chunk, the delta chain, snapshot status,
the hash check, node lookups and sidedata.
"""

from __future__ import annotations

import pytest

from explorer.engine.format.constants import (
    FLAG_GENERALDELTA,
    FLAG_INLINE_DATA,
    REVIDX_EXTSTORED,
    REVIDX_ISCENSORED,
)
from explorer.engine.payloads.sidedata import decode_sidedata
from tests.engine.oracle_revlogs import open_from_oracle, revlogs

ENTRY_FIELDS = (
    "offset", "flags", "compressed_length", "uncompressed_length", "base", "p1", "p2", "node",
    "sidedata_offset", "sidedata_length", "data_compression_mode", "sidedata_compression_mode",
)


def test_format_matches_hg(hgoracle):
    assert not hgoracle["errors"]
    for path, info, rl in revlogs(hgoracle):
        assert rl.version == info["version"], path
        assert rl.format_flags == info["header_flags"], path
        assert rl.inline == info["inline"], path
        if rl.version != 0xD34D:  # changelog-v2 stores no deltas: hg's value is only config
            assert rl.generaldelta == info["generaldelta"], path
        assert rl.delta_info == info["delta_info"], path
        assert len(rl) == info["len"], path
        assert bool(rl.format_flags & FLAG_INLINE_DATA) == rl.inline
        if rl.version == 1:
            assert bool(rl.format_flags & FLAG_GENERALDELTA) == rl.generaldelta


def test_entries_match_debugindex(hgoracle):
    for path, info, rl in revlogs(hgoracle):
        for want in info["revs"]:
            got = rl.entry(want["rev"])
            for field in ENTRY_FIELDS:
                assert getattr(got, field) == want[field], (path, want["rev"], field)
            assert got.link_rev == want["linkrev"], (path, want["rev"])
            if rl.version == 0xD34D:
                assert got.rank == want["rank"], (path, want["rev"])


def test_revisions_match_debugdata(hgoracle):
    checked = 0
    for path, info, rl in revlogs(hgoracle):
        for want in info["revs"]:
            rev = want["rev"]
            raw = want["rawdata"] if want["rawdata"] is not None else want["rawdata_unvalidated"]
            assert raw is not None, (path, rev, want["rawdata_error"])
            assert rl.revision(rev) == raw, (path, rev)
            assert rl.raw_chunk(rev) == want["chunk"], (path, rev)
            checked += 1
    assert checked > 0


def test_cold_reads_match_warm_reads(hgoracle):
    """Texts rebuilt from their snapshot (no cached neighbour) equal hg's too."""
    for path, info, rl in revlogs(hgoracle):
        for want in reversed(info["revs"]):
            rl.clear_caches()
            raw = want["rawdata"] if want["rawdata"] is not None else want["rawdata_unvalidated"]
            assert rl.revision(want["rev"]) == raw, (path, want["rev"])


def test_delta_chains_and_snapshots_match_hg(hgoracle):
    for path, info, rl in revlogs(hgoracle):
        for want in info["revs"]:
            rev = want["rev"]
            assert rl.delta_parent(rev) == want["delta_parent"], (path, rev)
            assert rl.delta_chain(rev) == list(want["delta_chain"]), (path, rev)
            assert rl.is_snapshot(rev) == bool(want["is_snapshot"]), (path, rev)
            if want["snapshot_depth"] is not None:
                assert rl.snapshot_depth(rev) == want["snapshot_depth"], (path, rev)


def test_hashes_match_hg(hgoracle):
    for path, info, rl in revlogs(hgoracle):
        for want in info["revs"]:
            rev = want["rev"]
            assert rl.check_hash(rev) == want["raw_hash_ok"], (path, rev)
            status = rl.hash_status(rev)
            if want["censored"]:
                assert status == "censored", (path, rev)
                assert rl.flags(rev) & REVIDX_ISCENSORED
            elif want["raw_hash_ok"]:
                assert status == "ok", (path, rev)
            else:  # the only other legitimate mismatch: text kept elsewhere (lfs)
                assert rl.flags(rev) & REVIDX_EXTSTORED, (path, rev)
                assert status == "extstored", (path, rev)


def test_node_lookups(hgoracle):
    for path, info, rl in revlogs(hgoracle):
        for want in info["revs"]:
            node, rev = want["node"], want["rev"]
            assert rl.node(rev) == node, path
            assert rl.rev(node) == rev, path
            assert rl.lookup(node.hex()) == rev
            assert rl.lookup(node.hex()[:12]) == rev
            assert rl.lookup(str(rev)) == rev


def test_sidedata_matches_hg(hgoracle):
    for path, info, rl in revlogs(hgoracle):
        for want in info["revs"]:
            if want["sidedata"] is not None:
                assert decode_sidedata(rl.sidedata(want["rev"])) == want["sidedata"], path


@pytest.mark.hgrepos(features={"persistent-nodemap"})
def test_persistent_nodemap_is_used(hgoracle):
    rl = open_from_oracle(hgoracle, "00changelog.i")
    rl.rev(rl.node(len(rl) - 1))
    assert rl.uses_persistent_nodemap()


def test_chunk_compression_follows_v2_modes(hgoracle):
    """v2 chunks may carry no header byte: the entry's mode says how they are stored."""
    names = {b"x": "zlib", b"(": "zstd", b"u": "uncompressed", b"\0": "none"}
    for path, info, rl in revlogs(hgoracle):
        default = (info["docket"] or {}).get("default_compression_header")
        for want in info["revs"]:
            got = rl.chunk_compression(want["rev"])
            mode = want["data_compression_mode"]
            if not want["chunk"]:
                expected = "empty"
            elif mode == 0:  # plain: raw bytes, no header
                expected = "plain"
            elif mode == 1:  # default: the docket's engine, header byte kept
                expected = names[default]
            else:
                expected = names[want["chunk"][:1]]
            assert got == expected, (path, want["rev"])
