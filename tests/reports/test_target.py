"""Which revlog the arguments name: the same one hg opens, from anywhere hg is run."""

from __future__ import annotations

import pytest

from tests.reports.runner import Comparison, ours

INDEX = ".hg/store/00manifest.i"
FILE_INDEX = ".hg/store/data/sub/b.txt.i"


@pytest.fixture(scope="module")
def repo(handmade_repos):
    return handmade_repos("worktree")


def test_from_a_subdirectory(hg_server, repo):
    """Tracked paths stay relative to the repository root; index paths to the cwd."""
    cmp = Comparison(hg_server)
    sub = repo / "sub"
    for command in ("index", "revlogindex", "deltachain", "stats"):
        for target in (["-c"], ["-m"], ["sub/b.txt"], ["a.txt"], ["-R", "..", "-m"]):
            cmp.same(sub, command, *target)
    for command in ("revlogindex", "deltachain", "stats"):
        cmp.same(sub, command, f"../{INDEX}")
        cmp.same(sub, command, f"../{FILE_INDEX}")
    cmp.same(sub, "data", "sub/c.txt", "0")
    cmp.same(sub, "data", "-m", "1")
    cmp.check()


def test_outside_any_repository(hg_server, repo):
    """By path, hg reads a revlog without a repository; -c/-m then need -R."""
    cmp = Comparison(hg_server)
    outside = repo.parent
    for command in ("revlogindex", "deltachain", "stats"):
        cmp.same(outside, command, f"{repo.name}/{INDEX}")
        cmp.same(outside, command, f"{repo.name}/{FILE_INDEX}")
    cmp.same(outside, "deltachain", "--all-info", f"{repo.name}/{FILE_INDEX}")
    for command in ("index", "deltachain", "stats"):
        cmp.same(outside, command, "-R", repo.name, "-m")
        cmp.both_fail(outside, command, "-m")  # no repository
        cmp.both_fail(outside, command, "-R", "no-such-repo", "-m")
    cmp.same(outside, "data", "-R", repo.name, "-c", "0")
    cmp.check()


def test_data_file_names_the_index_beside_it(hg_server, repo):
    """A .d path names its .i, as hg takes the path minus its last two characters."""
    cmp = Comparison(hg_server)
    for command in ("revlogindex", "stats"):
        cmp.same(repo, command, ".hg/store/00changelog.d")
    cmp.check()


@pytest.mark.parametrize("args", [
    ["-c", "-m"], ["-c", "--dir", "sub"], ["-c", "a.txt"], ["-m", "a.txt"], ["--dir", "sub"],
    ["no-such-file"], ["sub"],
])
@pytest.mark.parametrize("command", ["index", "revlogindex", "deltachain", "stats"])
def test_bad_arguments_fail_like_hg_with_one_line(hg_server, repo, command, args):
    cmp = Comparison(hg_server)
    got = cmp.same(repo, command, *args)
    cmp.check()
    assert got.status == 255
    assert got.err.startswith(b"revlog-explorer: ") and got.err.count(b"\n") == 1


@pytest.mark.parametrize("command", ["index", "revlogindex", "deltachain", "stats"])
def test_no_revlog_named(hg_server, repo, command):
    """hg fails too (deltachain with a traceback); we say what to give instead."""
    cmp = Comparison(hg_server)
    got = cmp.both_fail(repo, command)
    cmp.check()
    assert got.err == (b"revlog-explorer: name a revlog: -c, -m, --dir DIR, a tracked file "
                       b"or a path to a .i file\n")


def test_a_working_file_is_not_taken_for_a_revlog(hg_server, repo):
    """hg would read ``b.t.i`` (the path minus two characters, plus .i), find nothing
    and print an empty report; we say why the argument names no revlog."""
    got = ours(repo / "sub", "deltachain", "b.txt")
    assert got.status == 255 and got.out == b""
    assert b"'b.txt' is not a revlog" in got.err
    assert b"path from its root" in got.err


@pytest.mark.hgrepos("treemanifest")
def test_directory_manifests(hg_server, hgrepo, hgconfig):
    cmp = Comparison(hg_server, hgconfig)
    for form in (["--dir", "src"], ["--dir", "src/"], ["--dir", "src/lib/deep/nested"]):
        for command in ("index", "deltachain", "stats"):
            cmp.same(hgrepo, command, *form)
        cmp.same(hgrepo, "data", *form, "0")
    for command in ("index", "stats"):
        cmp.both_fail(hgrepo, command, "--dir", "no/such/dir")
        cmp.same(hgrepo, command, "-m", "--dir", "src")  # --dir wins over -m, as in hg
    cmp.check()
