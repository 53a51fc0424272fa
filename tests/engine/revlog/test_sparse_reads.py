"""Sparse reads: every chain of the corpus is sliced as Mercurial slices it, and read so.

The oracle is Mercurial in-process: for each revision, its own chain
(``_deltachain``) cut by its own ``deltas.slicechunk`` run on its revlog object
(the C index's density slicing, then the size cut with the ``4 × text size``
target its ``raw_text`` passes, and without it as ``debugdeltachain`` does),
with the read settings hg resolved for the repository. The stores cover
inline and split revlogs, generaldelta with and without sparse-revlog,
intermediate snapshots, long chains, merges, v2, and a store configured with
``experimental.sparse-read`` options.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mercurial import hg
from mercurial.revlogutils import deltas

from explorer.engine import Store
from explorer.engine.revlog.inner import InnerRevlog
from tests.hgdags import build_dag, hg_ui

CORPUS = ["zstd", "long-chain-sparse", "long-chain-gd", "gd-no-sparse", "no-generaldelta",
          "split-inline", "delta-info", "revlogv2", "treemanifest"]

# Sparse reading turned on where the store would not have it, at other thresholds.
CONFIGURED = ("[experimental]\nsparse-read = yes\nsparse-read.density-threshold = 0.9\n"
              "sparse-read.min-gap-size = 1K\n")


def pairs(config: dict[str, str] | None, path: Path):
    """(hg's revlog, ours) for the changelog, the root manifest and every filelog."""
    store = Store.open(path)
    repo = hg.repository(hg_ui(config), str(path).encode()).unfiltered()
    yield repo.changelog, store.changelog
    yield repo.manifestlog.getstorage(b"")._revlog, store.manifest
    for kind, name, rl in store.revlogs():
        if kind == "filelog":
            yield repo.file(name[len("data/"):-len(".i")].encode())._revlog, rl


def hg_slices(theirs, rev: int, sized: bool) -> list[list[int]]:
    chain = theirs._deltachain(rev)[0]
    if not theirs.data_config.with_sparse_read:
        return [list(chain)]
    rawsize = theirs.index[rev][2]
    target = 4 * rawsize if sized and rawsize is not None and rawsize >= 0 else None
    return [list(block) for block in
            deltas.slicechunk(theirs, chain, targetsize=target, inlined=theirs._inline)]


def check_revlog(theirs, ours) -> int:
    """Compare every revision's slices; return how many chains took more than one read."""
    config = theirs.data_config
    assert ours.read_config.sparse == config.with_sparse_read
    assert ours.read_config.density == config.sr_density_threshold
    assert ours.read_config.min_gap == config.sr_min_gap_size
    sliced = 0
    for rev in range(len(ours)):
        for sized in (False, True):
            expected = hg_slices(theirs, rev, sized)
            got = [list(block.revs) for block in ours.read_slices(rev, sized=sized)]
            assert got == expected, (ours.name, rev, sized)
        sliced += len(expected) > 1
    return sliced


@pytest.mark.parametrize("name", CORPUS)
def test_slices_are_hgs(hgrepos, name):
    for theirs, ours in pairs(hgrepos.config(name), hgrepos(name)):
        check_revlog(theirs, ours)


def test_a_history_with_merges(tmp_path):
    """hg's ``debugbuilddag`` with branches merged back and forth: the manifest and file
    chains interleave on disk; read at a small minimum gap, many take several reads."""
    path = build_dag(tmp_path / "dag", "+100:a <a+80:b <a+60:c *b/c +30 *c/b <b+30 *b/c +20")
    for theirs, ours in pairs(None, path):  # at hg's defaults
        check_revlog(theirs, ours)
    (path / ".hg" / "hgrc").write_text(CONFIGURED)
    sliced = sum(check_revlog(theirs, ours) for theirs, ours in pairs(None, path))
    assert sliced > 0


@pytest.mark.parametrize("name", ["gd-no-sparse", "zstd"])
def test_configured_sparse_reads_are_hgs(hgrepos, tmp_path, name):
    """A store without sparse-revlog, its ``.hg/hgrc`` asking for sparse reads at other
    thresholds: both read with those, and chains are cut."""
    path = hgrepos.copy(name, tmp_path / "repo")
    (path / ".hg" / "hgrc").write_text(CONFIGURED)
    sliced = sum(check_revlog(theirs, ours) for theirs, ours in pairs(None, path))
    assert sliced > 0


def test_a_chain_is_read_one_read_per_slice(hgrepos, monkeypatch):
    """Read cold, each chain costs one read per slice, at the slice's offset and of its
    size (an inline revlog: of the ``.i`` held in memory)."""
    reads: list[tuple[int, int]] = []
    original = InnerRevlog.read_span

    def read_span(self, start, length):
        reads.append((start, length))
        return original(self, start, length)

    monkeypatch.setattr(InnerRevlog, "read_span", read_span)
    rl = Store.open(hgrepos("long-chain-sparse")).filelog("chain.txt")
    several = 0
    for rev in range(0, len(rl), 7):
        rl.clear_caches()
        slices = rl.read_slices(rev)
        reads.clear()
        rl.revision(rev)
        assert reads == [(s.offset, s.size) for s in slices], rev
        several += len(slices) > 1
    assert several > 0
