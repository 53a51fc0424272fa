"""The million-changeset builder of the repository query benchmark, at a size a test can
afford (700 changesets: the stable branch, its merges and a closed topic branch): hg
verifies what our engine wrote, reads the shape asked for, and after the benchmark's
phases, bookmarks and markers (set by hg) every query answers as hg does."""

from __future__ import annotations

from benchmarks.bigrepo import prepare_names, shape, write_history
from tests.engine.repo.test_queries import EVOLVE, assert_like_hg
from tests.hgrepos import hg

COUNT = 700


def test_builder_writes_what_hg_verifies_and_queries_answer_like_hg(tmp_path):
    repo = tmp_path / "big"
    write_history(repo, COUNT)
    hg(repo, "verify", "-q")
    logged = hg(repo, "log", "-r", "all()", "-T", "{p1rev} {p2rev} {branch} {closesbranch}\n")
    expected = "".join(f"{p1} {p2} {branch} {str(closes).lower()}\n"
                       for p1, p2, branch, closes in map(shape, range(COUNT)))
    assert logged.decode() == expected
    prepare_names(repo, COUNT)
    assert_like_hg(repo, EVOLVE)
