"""A repository naming a requirement the explorer does not know (hg would refuse to open
it): the commands that write refuse, naming it; those that read go on and warn."""

from __future__ import annotations

import pytest

from tests.engine.repo.test_paths import tree
from tests.engine.repo.test_refusals import UNKNOWN, add_requirement
from tests.reports.runner import ours

WARNING = (f"revlog-explorer: warning: unknown requirement '{UNKNOWN}': hg refuses to open "
           "this repository, and what is read here may be wrong\n")


@pytest.fixture
def unknown_repo(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    add_requirement(repo, UNKNOWN)
    return repo


@pytest.mark.parametrize("argv", [
    ["commit", "-R", "repo", "-m", "x", "--text", "a.txt=1"],
    ["strip", "-R", "repo", "3"],
    ["censor", "-R", "repo", "src/main.py", "0"],
    ["break", "repo", "--kind", "flip-bit", "-r", "1", "-c", "--in-place"],
    ["break", "repo", "--kind", "flip-bit", "-r", "1", "-c", "-o", "copy"],
], ids=["commit", "strip", "censor", "break-in-place", "break-copy"])
def test_writing_is_refused_naming_the_requirement(unknown_repo, tmp_path, argv):
    before = tree(unknown_repo)
    result = ours(tmp_path, *argv)
    assert result.status != 0
    assert UNKNOWN in result.err.decode() and b"Traceback" not in result.err
    assert tree(unknown_repo) == before
    assert not (tmp_path / "copy").exists()


@pytest.mark.parametrize("argv", [["index", "-c"], ["deltachain", "-m"], ["stats", "-c"],
                                  ["revlogindex", "-c"], ["data", "-c", "0"]])
def test_reports_warn_and_print_what_they_read(hgrepos, unknown_repo, argv):
    result = ours(unknown_repo, *argv)
    assert result.status == 0, result.err
    assert result.err == WARNING.encode()
    assert result.out == ours(hgrepos("zstd"), *argv).out


def test_verify_summary_diff_and_journal_name_it(hgrepos, unknown_repo, tmp_path):
    verify = ours(tmp_path, "verify", "repo")
    assert verify.status == 0, verify.err
    assert f"warning: unknown requirement '{UNKNOWN}'" in verify.out.decode()
    assert "1 warnings encountered!" in verify.out.decode()
    summary = ours(tmp_path, "repo")
    assert f"unknown requirement '{UNKNOWN}'" in summary.out.decode()
    hgrepos.copy("zstd", tmp_path / "clean")
    for argv in (["diff-store", "clean", "repo"], ["journal", "repo"]):
        result = ours(tmp_path, *argv)
        assert result.status == 0 and result.err == WARNING.encode(), result.err
