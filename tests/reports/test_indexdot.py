"""``debugindexdot`` prints what ``hg debugindexdot`` prints, byte for byte."""

from __future__ import annotations

import pytest

from explorer.engine import Store
from tests.hgdags import NAMED_DAGS, build_dag
from tests.reports.runner import Comparison, ours, revlog_targets


def option_sets(count: int) -> list[list[str]]:
    """Whole graphs, and chosen revisions with and without their common ancestors."""
    mid, tip = str(count // 2), str(count - 1)
    return [[], ["-i", "rankdir=LR", "-i", 'node [shape="box"]'],
            ["-r", "0", "-r", tip], ["-r", mid, "-r", "-1", "-r", "1"],
            ["-r", tip, "-r", str(count // 3), "-r", mid, "--common"],
            ["-r", "2", "-r", "3", "-r", "5", "-r", "7", "--common"]]


def compare_targets(cmp: Comparison, repo, targets) -> None:
    store = Store.open(repo)
    for target in targets:
        if target[0] == "-c":
            count = len(store.changelog)
        elif target[0] == "-m":
            count = len(store.manifest)
        elif target[0] == "--dir":
            count = len(store.dirlog(target[1].rstrip("/") + "/"))
        else:
            count = len(store.filelog(target[0]))
        for options in option_sets(count):
            cmp.same(repo, "debugindexdot", *options, *target)


@pytest.mark.hgrepos("zstd", "v0", "changelogv2", "revlogv2", "no-generaldelta", "treemanifest",
                     "inline-changelog")
def test_repository_formats(hg_server, hgrepo, hgconfig):
    cmp = Comparison(hg_server, hgconfig)
    compare_targets(cmp, hgrepo, revlog_targets(hg_server, hgrepo, hgconfig))
    cmp.check()


@pytest.mark.parametrize("name", sorted(NAMED_DAGS))
def test_dags(hg_server, tmp_path, name):
    """Merges, criss-cross merges, several heads and roots: the dashed edges differ."""
    repo = build_dag(tmp_path / name, NAMED_DAGS[name])
    cmp = Comparison(hg_server)
    compare_targets(cmp, repo, revlog_targets(hg_server, repo, {}))
    for revs in (["3", "8", "9", "12"], ["1", "6", "7", "10"], ["4", "5", "13"]):
        options = [o for r in revs for o in ("-r", r)]
        cmp.same(repo, "debugindexdot", "-c", *options)
        cmp.same(repo, "debugindexdot", "-c", "--common", *options)
        # outside the repository, a path to an index (hg opens the file as a revlog)
        for index in ("00changelog.i", "data/mf.i", "data/nf3.i"):
            if (repo / ".hg" / "store" / index).exists():
                cmp.same(tmp_path, "debugindexdot", f"{name}/.hg/store/{index}", *options)
    cmp.check()


def test_long_history(hg_server, handmade_repos):
    repo = handmade_repos("dag")
    cmp = Comparison(hg_server)
    for options in option_sets(2001):
        cmp.same(repo, "debugindexdot", "-c", *options)
    cmp.check()


def test_refusals(hg_server, hgrepos):
    repo = hgrepos("zstd")
    cmp = Comparison(hg_server, hgrepos.config("zstd"))
    for args in (["-c", "--common"], ["-m", "-T", "{node}"], ["-c", "-r", "zzz"],
                 ["-c", "-r", "99999"]):
        cmp.both_fail(repo, "debugindexdot", *args)
    cmp.check()
    assert ours(repo, "debugindexdot", "-c", "-T", "{node}").status == 255
