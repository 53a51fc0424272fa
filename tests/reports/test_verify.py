"""The store commands on the command line: verify, diff-store, break, journal.

Every fault of the matrix, through the CLI: exit status 1, no traceback, a
JSON problem at the damaged revlog and revision. Intact stores exit 0 with
hg's summary line. ``break`` damages only copies unless told otherwise, and
what it breaks, ``verify`` and ``diff-store`` find.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from explorer.engine import Store
from explorer.engine.damage import faults
from tests.engine.verify.test_verify import REV, TARGETS, damaged_copy
from tests.reports.runner import ours


def no_traceback(result) -> None:
    assert b"Traceback" not in result.err and b"Traceback" not in result.out


@pytest.mark.parametrize("kind", list(faults.KINDS))
@pytest.mark.parametrize("spec, path, what", TARGETS, ids=[t[2] for t in TARGETS])
def test_every_fault_exits_1_with_the_damaged_revision(hgrepos, tmp_path, spec, path, what,
                                                        kind):
    repo, fault = damaged_copy(hgrepos, tmp_path, spec, path, kind)
    result = ours(repo, "verify", "--json")
    no_traceback(result)
    assert result.status == 1
    problems = json.loads(result.out)
    assert {"severity", "path", "file", "rev", "offset", "field", "message",
            "hint"} <= set(problems[0])
    revs = {p["rev"] for p in problems if p["path"] == path}
    assert fault.rev in revs or fault.rev is None and revs
    text = ours(repo / ".hg", "verify")
    no_traceback(text)
    assert text.status == 1
    assert f"{path}:\n" in text.out.decode()
    assert b"integrity errors encountered!\n" in text.out


@pytest.mark.parametrize("spec", ["zstd", "split-inline", "treemanifest"])
def test_intact_store_exits_0_with_hgs_summary(hgrepos, spec):
    repo = hgrepos(spec)
    hg_line = next(line for line in hgrepos.hg(spec, "verify").decode().splitlines()
                   if line.startswith("checked "))
    (repo / "sub").mkdir(exist_ok=True)
    for cwd, args in ((repo / "sub", ["verify"]), (repo.parent, ["verify", "-R", spec]),
                      (repo.parent, ["verify", spec])):
        result = ours(cwd, *args)
        assert result.status == 0, result.err
        assert result.out.decode().splitlines() == [hg_line]


def test_one_revlog_file_is_verified_alone(hgrepos, tmp_path):
    repo, fault = damaged_copy(hgrepos, tmp_path, "split-inline", "data/big.txt.i", "flip-bit")
    with Store.open(repo) as store:
        index = store.fs_path("data/big.txt.i")
    result = ours(tmp_path, "verify", index)
    assert result.status == 1
    assert f"rev {REV}, big.txt.d byte" in result.out.decode()
    assert "checked 40 revisions" in result.out.decode()


def test_verify_usage_errors(tmp_path):
    for args, message in ((["verify"], "no repository found"),
                          (["verify", "nowhere"], "no such file"),
                          (["verify", "-R", "a", "b"], "either -R REPO or a PATH")):
        result = ours(tmp_path, *args)
        assert result.status == 255 and message in result.err.decode()


def test_break_damages_a_copy_and_verify_finds_it(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    before = (repo / ".hg/store/00changelog.d").read_bytes()
    result = ours(tmp_path, "break", "repo", "--kind", "bad-compression", "-r", "3", "-c",
                  "--output", "copy")
    assert result.status == 0, result.err
    assert "bad-compression: 00changelog.i rev 3 chunk" in result.out.decode()
    assert (repo / ".hg/store/00changelog.d").read_bytes() == before
    found = json.loads(ours(tmp_path, "verify", "copy", "--json").out)
    assert any(p["kind"] == "bad-chunk" and p["rev"] == 3 for p in found)
    diff = ours(tmp_path, "diff-store", "repo", "copy")
    assert diff.status == 0
    assert "changed-bytes" in diff.out.decode() and "rev 3 compression" in diff.out.decode()


def test_break_refusals(hgrepos, tmp_path):
    hgrepos.copy("zstd", tmp_path / "repo")
    for args, message in (
        (["--kind", "flip-bit", "-r", "1", "-c"], "--output COPY"),
        (["--kind", "melt", "-r", "1", "-c", "--in-place"], "unknown --kind"),
        (["--kind", "overlap-offsets", "-r", "0", "-c", "--in-place"], "no predecessor"),
        (["--kind", "flip-bit", "-r", "1", "--in-place"], "name one revlog"),
        (["--kind", "flip-bit", "-r", "1", "--dir", "nodir", "-o", "copy"], "no revisions"),
    ):
        result = ours(tmp_path, "break", "repo", *args)
        assert result.status == 255 and message in result.err.decode(), result.err
    assert not (tmp_path / "copy").exists()


def test_break_json_and_in_place_on_a_revlog_file(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    shutil.copy(repo / ".hg/store/00manifest.i", tmp_path / "m.i")
    result = ours(tmp_path, "break", "m.i", "--kind", "wrong-node", "-r", "2", "--in-place",
                  "--json")
    fault = json.loads(result.out)
    assert (fault["kind"], fault["rev"], fault["field"]) == ("wrong-node", 2, "node")
    assert os.path.samefile(fault["file"], tmp_path / "m.i")


def test_diff_store_of_identical_stores(hgrepos):
    repo = hgrepos("zstd")
    result = ours(repo.parent, "diff-store", "zstd", "zstd", "--json")
    assert result.status == 0 and json.loads(result.out) == []


def test_journal_shows_what_recover_would_cut(hgrepos, tmp_path):
    repo, fault = damaged_copy(hgrepos, tmp_path, "split-inline", "data/big.txt.i",
                               "lost-journal")
    result = ours(repo, "journal")
    assert result.status == 0, result.err
    text = result.out.decode()
    assert text.startswith("journal: an abandoned transaction; hg recover would play it back\n")
    assert f"data/big.txt.i: would be cut from {fault.offset + 32} to {fault.offset} bytes " \
           f"(32 bytes), dropping a partial revision\n" in text
    assert "data/big.txt.d: would be cut from" in text
    assert "undo: the last transaction; hg rollback would undo it\n" in text
