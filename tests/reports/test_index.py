"""``index`` prints what ``hg debugindex`` prints, byte for byte."""

from __future__ import annotations

import json

import pytest

from tests.reports.runner import Comparison, compare_all, index_paths, ours, revlog_targets

OPTIONS = [[], ["-v"], ["--debug"], ["-T", "json"], ["-v", "-T", "json"],
           ["--debug", "-T", "json"]]


def test_every_repository_format(hg_server, hgrepo, hgconfig):
    cmp = Comparison(hg_server, hgconfig)
    compare_all(cmp, hgrepo, "index", OPTIONS, revlog_targets(hg_server, hgrepo, hgconfig))
    cmp.check()


@pytest.mark.parametrize("name", ["odd", "worktree", "dag"])
def test_handmade_repositories(hg_server, handmade_repos, name):
    repo = handmade_repos(name)
    cmp = Comparison(hg_server)
    compare_all(cmp, repo, "index", OPTIONS, revlog_targets(hg_server, repo, {}))
    cmp.check()


@pytest.mark.hgrepos("zstd", "no-generaldelta", "revlogv2", "v0")
def test_index_file_path_prints_what_hg_prints_for_the_revlog(hg_server, hgrepo, hgconfig):
    """hg debugindex refuses a path to a .i; we accept it and print the same report."""
    cmp = Comparison(hg_server, hgconfig)
    targets = revlog_targets(hg_server, hgrepo, hgconfig)
    for hg_form, path in index_paths(hgrepo, targets).items():
        for options in OPTIONS[:3]:
            cmp.same(hgrepo, "index", *options, path, hg_args=[*options, hg_form])
    cmp.check()


@pytest.mark.hgrepos("zstd", "changelogv2", "v0")
def test_json_holds_the_values_hg_prints(hg_server, hgrepo, hgconfig):
    for target in revlog_targets(hg_server, hgrepo, hgconfig)[:3]:
        hg = json.loads(hg_server.run(hgrepo, "debugindex", "--debug", "-T", "json", *target,
                                      config=hgconfig).out)
        got = json.loads(ours(hgrepo, "index", "--json", *target).out)
        assert len(got) == len(hg)
        for mine, theirs in zip(got, hg):
            assert mine["node"] == theirs["nodeid"]
            assert (mine["p1"], mine["p1_node"]) == (int(theirs["p1-rev"]), theirs["p1-nodeid"])
            assert (mine["p2"], mine["p2_node"]) == (int(theirs["p2-rev"]), theirs["p2-nodeid"])
            assert str(mine["full_size"]) == theirs["full-size"].replace("-", "None")
            for ours_key, hg_key in [("rev", "rev"), ("rank", "rank"), ("link_rev", "linkrev"),
                                     ("delta_base", "delta-base"), ("flags", "flags"),
                                     ("data_offset", "data-offset"), ("chunk_size", "chunk-size"),
                                     ("sidedata_offset", "sidedata-offset"),
                                     ("sidedata_size", "sd-chunk-size")]:
                assert str(mine[ours_key]) == theirs[hg_key], ours_key
            assert mine["sidedata_compression_mode"] == theirs["sd-comp-mode"]
