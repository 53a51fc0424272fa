"""``deltachain`` prints what ``hg debugdeltachain`` prints, byte for byte."""

from __future__ import annotations

import json

import pytest

from explorer.reports.deltachain import RECORD_NAMES
from tests.reports.runner import Comparison, compare_all, index_paths, ours, revlog_targets

OPTIONS = [
    [], ["--all-info"], ["--all-info", "-T", "json"], ["--size-info"], ["--dist-info"],
    ["--sparse-info"], ["--all-info", "--no-size-info"], ["--all-info", "--no-dist-info"],
    ["--all-info", "--no-sparse-info"],
    # sorted, repeats kept, from a number, a negative number and a node prefix
    ["--all-info", "-r", "-1", "-r", "0", "-r", "0"],
]


def test_every_repository_format(hg_server, hgrepo, hgconfig):
    cmp = Comparison(hg_server, hgconfig)
    targets = revlog_targets(hg_server, hgrepo, hgconfig, max_files=5)
    # By path, hg reads without the store's settings: no sparse columns or snapshots.
    targets += [[path] for path in index_paths(hgrepo, targets).values()]
    compare_all(cmp, hgrepo, "deltachain", OPTIONS, targets)
    cmp.check()


@pytest.mark.parametrize("name", ["odd", "worktree", "dag"])
def test_handmade_repositories(hg_server, handmade_repos, name):
    """``odd`` has empty deltas (skip1/skip2 types, chains that leave them out) and
    ``dag`` long chains with intermediate snapshots."""
    repo = handmade_repos(name)
    cmp = Comparison(hg_server)
    targets = revlog_targets(hg_server, repo, {})
    targets += [[path] for path in index_paths(repo, targets).values()]
    compare_all(cmp, repo, "deltachain", OPTIONS, targets)
    cmp.check()


@pytest.mark.hgrepos("long-chain-sparse")
def test_sparse_reads_are_sliced_as_hg_slices_them(hg_server, hgrepo, hgconfig):
    """The long chain spans more than the minimum gap: hg reads it in several blocks."""
    hg = hg_server.run(hgrepo, "debugdeltachain", "--sparse-info", "chain.txt", config=hgconfig)
    assert any(line.split()[-1] != b"1" for line in hg.out.splitlines()[1:])
    cmp = Comparison(hg_server, hgconfig)
    cmp.same(hgrepo, "deltachain", "--sparse-info", "chain.txt")
    cmp.check()


def test_revisions_by_node_prefix(hg_server, handmade_repos):
    repo = handmade_repos("worktree")
    node = ours(repo, "index", "--debug", "-m").out.splitlines()[2].split()[3].decode()
    cmp = Comparison(hg_server)
    cmp.same(repo, "deltachain", "-r", node[:6], "-r", node, "-m")
    cmp.same(repo, "deltachain", "-r", "99", "-m")  # no such revision: both fail
    cmp.check()
    # hg crashes on the null revision (its C index refuses -1); we say why
    got = ours(repo, "deltachain", "-r", "000", "-m")
    assert (got.status, got.out) == (255, b"")
    assert got.err == b"revlog-explorer: the null revision has no delta chain\n"


@pytest.mark.hgrepos("zstd", "long-chain-sparse")
def test_json_renames_hg_keys_and_keeps_values(hg_server, hgrepo, hgconfig):
    for target in revlog_targets(hg_server, hgrepo, hgconfig)[:4]:
        hg = json.loads(hg_server.run(hgrepo, "debugdeltachain", "--all-info", "-T", "json",
                                      *target, config=hgconfig).out)
        got = json.loads(ours(hgrepo, "deltachain", "--all-info", "--json", *target).out)
        assert got == [{RECORD_NAMES[key]: value for key, value in item.items()} for item in hg]
