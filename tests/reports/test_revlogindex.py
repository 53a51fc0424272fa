"""``revlogindex`` prints what ``hg debugrevlogindex`` prints, byte for byte."""

from __future__ import annotations

import pytest

from tests.reports.runner import Comparison, compare_all, index_paths, ours, revlog_targets

OPTIONS = [[], ["-v"], ["--debug"], ["-f", "1"], ["-f", "1", "-v"], ["-f", "1", "--debug"]]


def test_every_repository_format(hg_server, hgrepo, hgconfig):
    cmp = Comparison(hg_server, hgconfig)
    targets = revlog_targets(hg_server, hgrepo, hgconfig)
    targets += [[path] for path in index_paths(hgrepo, targets).values()]
    compare_all(cmp, hgrepo, "revlogindex", OPTIONS, targets)
    cmp.check()


@pytest.mark.parametrize("name", ["odd", "worktree", "dag"])
def test_handmade_repositories(hg_server, handmade_repos, name):
    """``odd`` has revisions with a null p1 and a real p2: format 1 lists the real
    parent first except in filelogs, format 0 never does."""
    repo = handmade_repos(name)
    cmp = Comparison(hg_server)
    targets = revlog_targets(hg_server, repo, {})
    targets += [[path] for path in index_paths(repo, targets).values()]
    compare_all(cmp, repo, "revlogindex", OPTIONS, targets)
    cmp.check()


def test_unknown_format_is_refused_like_hg(hg_server, handmade_repos):
    repo = handmade_repos("worktree")
    cmp = Comparison(hg_server)
    cmp.same(repo, "revlogindex", "-f", "2", "-m")
    cmp.check()
    assert ours(repo, "revlogindex", "-f", "2", "-m").err == (
        b"revlog-explorer: unknown format 2\n")
