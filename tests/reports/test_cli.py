"""The command line: usage errors, damaged revlogs, the store summary."""

from __future__ import annotations

import struct

import pytest

from explorer.engine import Store
from tests.reports.runner import Comparison, ours


def one_line_error(result, status: int) -> str:
    assert result.status == status
    assert result.err.count(b"\n") == 1 and b"Traceback" not in result.err
    return result.err.decode()


@pytest.mark.parametrize("args", [
    ["index", "--no-such-option", "-m"],
    ["deltachain", "-r"],
    ["revlogindex", "-f", "one", "-m"],
    ["nosuchcommand-but-an-option", "--x"],
    ["index", "-T", "xml", "-m"],
])
def test_usage_errors_are_one_line(handmade_repos, args):
    message = one_line_error(ours(handmade_repos("worktree"), *args), 255)
    assert message.startswith("revlog-explorer")


def test_hg_global_verbosity_options_are_accepted(hg_server, handmade_repos):
    repo = handmade_repos("odd")
    cmp = Comparison(hg_server)
    for flag in ("-v", "--debug", "-q"):
        for command, args in (("index", ["f"]), ("revlogindex", ["-f", "1", "-m"]),
                              ("deltachain", ["--all-info", "f"]), ("stats", ["f"]),
                              ("stats", ["-d", "-m"]), ("data", ["f", "3"])):
            cmp.same(repo, command, flag, *args)
    cmp.check()


def test_no_subcommand_summarizes_the_store(handmade_repos):
    repo = handmade_repos("worktree")
    for cwd, args in ((repo / "sub", []), (repo.parent, [repo.name])):
        result = ours(cwd, *args)
        assert result.status == 0
        text = result.out.decode()
        assert "revlogs    1 changelog, 1 manifest, 3 filelogs\n" in text
        assert "revisions  4 in changelog, 4 in manifest, 5 in filelogs\n" in text
    result = ours(repo, ".hg/store/00changelog.i")
    assert result.out.decode().splitlines()[1:] == ["format     v1", "revisions  4"]


@pytest.fixture
def damaged(hgrepos, tmp_path):
    """A private copy of the split-inline repository and its split filelog big.txt."""
    repo = hgrepos.copy("split-inline", tmp_path / "repo")
    store = Store.open(repo)
    return repo, store.fs_path("data/big.txt.i"), store.fs_path("data/big.txt.d")


def test_truncated_data_file(damaged):
    repo, index, data = damaged
    with open(data, "r+b") as f:
        f.truncate(f.seek(0, 2) // 2)
    # the index alone is intact: reports that need no chunk still work
    assert ours(repo, "index", "big.txt").status == 0
    assert ours(repo, "deltachain", "--all-info", "big.txt").status == 0
    result = ours(repo, "data", "big.txt", "30")
    message = one_line_error(result, 1)
    assert result.out == b""
    assert message.startswith(f"revlog-explorer: damaged revlog: {data}, rev ")
    assert "byte " in message and "runs past the end of the file" in message
    one_line_error(ours(repo, "stats", "big.txt"), 1)


def test_bad_delta_base_stops_the_report_at_that_revision(damaged):
    repo, index, _ = damaged
    with open(index, "r+b") as f:
        f.seek(10 * 64 + 16)  # rev 10's base field
        f.write(struct.pack(">i", 0x7FFFFFFF))
    result = ours(repo, "deltachain", "big.txt")
    lines = result.out.decode().splitlines()
    assert [int(line.split()[0]) for line in lines[1:]] == list(range(10))
    message = one_line_error(result, 1)
    assert f"{index}, rev 10, byte {10 * 64 + 16}: delta base" in message
    one_line_error(ours(repo, "stats", "big.txt"), 1)


def test_unknown_header(damaged):
    repo, index, _ = damaged
    with open(index, "r+b") as f:
        f.write(b"\xff\xff\xff\xff")
    for command in ("index", "revlogindex", "deltachain", "stats"):
        message = one_line_error(ours(repo, command, "big.txt"), 1)
        assert "unknown revlog version" in message
