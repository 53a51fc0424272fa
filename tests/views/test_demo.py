"""The built-in demo store: deterministic, accepted by hg, and showing every feature."""

from __future__ import annotations

import collections
from pathlib import Path

from explorer.engine import Store
from explorer.views import demo
from tests import hgrepos


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_bytes_every_run(tmp_path):
    assert tree_bytes(demo.build(tmp_path / "a")) == tree_bytes(demo.build(tmp_path / "b"))


def test_hg_verifies_the_demo(tmp_path):
    code, out, err = hgrepos.hg_run(demo.build(tmp_path / "d"), "verify")
    assert code == 0 and b"warning" not in out + err, (out + err).decode()


def test_demo_shows_every_feature(tmp_path):
    with Store.open(demo.build(tmp_path / "d")) as store:
        cl = store.changelog
        assert any(cl.parents(r)[1] != -1 for r in cl), "a merge"
        kinds = collections.Counter(rl.raw_chunk(r)[:1] for _, _, rl in store.revlogs()
                                    for r in rl)
        assert kinds[b"x"] and kinds[b"("], "zlib and zstd chunks"
        layouts = {rl.inline for _, _, rl in store.revlogs()}
        assert layouts == {True, False}, "inline and split revlogs"
        ledger = store.filelog("ledger.txt")
        depths = {ledger.snapshot_depth(r) for r in ledger if ledger.is_snapshot(r)}
        assert {0, 1, 2} <= depths, "a long chain with intermediate snapshots"
        helpers = store.filelog("src/helpers.py")
        assert helpers.revision(0).startswith(b"\x01\ncopy: src/util.py\n"), "a rename"
        logo = store.filelog("assets/logo.png").revision(0)
        assert b"\0" in logo, "a binary file"
        util = store.filelog("src/util.py")
        assert any(-1 not in util.parents(r) for r in util), "a two-parent filelog revision"


def test_demo_path_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("REVLOG_EXPLORER_CACHE", str(tmp_path))
    first = demo.demo_path()
    assert first == demo.demo_path() and (first / ".hg" / "store").is_dir()
