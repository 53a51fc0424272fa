"""The write path attacked as an adversary did (issue 10): each test reproduces one way
committed data was lost or a file outside the repository touched, on repositories hg
made, and shows it no longer happens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.engine import LockError, Repo, Store, StoreError, TransactionError
from explorer.engine.verify import verify_store
from tests import hgrepos as hgtools
from tests.engine.transaction.test_crash import hg_mid_transaction

ROOT = Path(__file__).resolve().parents[3]


def hg_verify(repo: Path, config: dict | None = None) -> None:
    code, out, err = hgtools.hg_run(repo, "verify", config=config)
    assert code == 0, (out + err).decode()


def changesets(repo: Path) -> list[str]:
    return hgtools.hg(repo, "log", "-T", "{node}\n").decode().split()


# -- 1. a full disk ----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (root can mount one; elsewhere the test is skipped)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
            capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_fails_the_commit_loudly_and_loses_nothing(small_disk, tmp_path):
    repo = small_disk / "repo"
    hgtools.hg(small_disk, "init", "repo")
    reported, failure = [], None
    for n in range(40):
        blob = tmp_path / f"blob{n}"
        blob.write_bytes(hgtools.pseudo_random_bytes(n, 40_000 + 4_000 * n))
        run = subprocess.run([sys.executable, "-m", "explorer.cli", "commit", "-R", str(repo),
                              "-m", f"binary {n}", "--file", f"f{n}.bin={blob}"],
                             capture_output=True, text=True, cwd=ROOT)
        if run.returncode:
            failure = run
            break
        reported.append(run.stdout)
    assert failure is not None, "the disk never filled"
    assert "Traceback" not in failure.stderr
    assert "No space left on device" in failure.stderr and "rolled back" in failure.stderr
    assert not (repo / ".hg" / "store" / "journal").exists()
    subprocess.run(["rm", "-f", *map(str, small_disk.glob("repo/.hg/store/undo*"))])
    hg_verify(repo)
    assert len(changesets(repo)) == len(reported)


# -- 2. hg commits while our Repo is open -------------------------------------------------


def hg_commit(repo: Path, name: str, text: bytes) -> str:
    (repo / name).write_bytes(text)
    hgtools.hg(repo, "commit", "-A", "-q", "-m", f"hg {name}", "-u", "hg")
    return hgtools.hg(repo, "log", "-r", "tip", "-T", "{node}").decode()


def test_a_long_lived_repo_sees_what_hg_committed(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "r")
    hgtools.hg(repo, "update", "-q", "tip")
    ours: list[str] = []
    theirs: list[str] = []
    with Repo.open(repo) as r:
        for n in range(4):  # the engine and hg commit in turn through one Repo
            ours.append(r.commit({"README.txt": b"ours %d\n" % n}, f"ours {n}", "engine",
                                 date=(n, 0)).hex())
            hgtools.hg(repo, "update", "-q", "tip")
            theirs.append(hg_commit(repo, f"hg{n}.txt", b"theirs %d\n" % n))
    hg_verify(repo)
    assert set(ours + theirs) <= set(changesets(repo))


def test_a_long_lived_repo_strips_what_is_there_now(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "r")
    hgtools.hg(repo, "update", "-q", "tip")
    with Repo.open(repo) as r:
        tip = len(r) - 1
        node = hg_commit(repo, "late.txt", b"hg's\n")
        stripped = [n.hex() for n in r.strip(tip)]
    assert stripped[-1] == node  # hg's changeset was stripped with the rest, and said so
    hg_verify(repo)
    assert node not in changesets(repo)


def test_a_long_lived_revlog_appends_after_hgs_revisions(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "r")
    hgtools.hg(repo, "update", "-q", "tip")
    with Repo.open(repo) as r:
        r.commit({"README.txt": b"first\n"}, "ours", "engine")
        hg_commit(repo, "README.txt", b"hg in between\n")
        r.commit({"README.txt": b"second\n"}, "ours again", "engine")
    hg_verify(repo)
    assert hgtools.hg(repo, "cat", "-r", "tip", "README.txt") == b"second\n"


# -- 3. recover and verify while hg is mid-transaction ------------------------------------


def test_recover_waits_for_no_one_and_touches_nothing_under_a_live_transaction(
        hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "r")
    hgtools.hg(repo, "update", "-q", "tip")
    (repo / "new.txt").write_bytes(b"hg's change\n")
    with hg_mid_transaction(repo, tmp_path / "release"):
        sizes = {p: p.stat().st_size for p in (repo / ".hg" / "store").rglob("*") if p.is_file()}
        with Repo.open(repo) as r, pytest.raises(LockError, match="locked"):
            r.recover()
        assert {p: p.stat().st_size for p in sizes} == sizes
    hg_verify(repo)
    assert b"hg's change" in hgtools.hg(repo, "cat", "-r", "tip", "new.txt")


def test_verify_waits_for_a_live_transaction(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "r")
    hgtools.hg(repo, "update", "-q", "tip")
    (repo / "new.txt").write_bytes(b"hg's change\n")
    release = tmp_path / "release"
    with hg_mid_transaction(repo, release), Store.open(repo) as store:
        report = verify_store(store, on_wait=lambda holder: release.touch())
    assert report.problems == []
    assert report.changesets == len(changesets(repo))


# -- 5. revlog-v2: what existed stays -------------------------------------------------------


def test_a_rolled_back_v2_commit_keeps_the_sidedata_files(tmp_path):
    repo = tmp_path / "r"
    with Repo.init(repo, revlog="v2") as r:  # hg's own v2 stores keep a file index we do
        r.commit({"a.txt": b"a\n", "b/c.txt": b"c\n"}, "first", "engine")  # not write
    sidedata = sorted((repo / ".hg" / "store").rglob("*.sda"))
    assert sidedata
    with Repo.open(repo) as r, pytest.raises(RuntimeError):
        with r.transaction():
            r.commit({"a.txt": b"changed\n"}, "ours", "engine")
            raise RuntimeError("changed my mind")
    assert all(p.exists() for p in sidedata)
    hg_verify(repo, {"storage.all-slow-path": "allow"})


# -- 6. a journal that points through a symbolic link --------------------------------------


def test_recover_refuses_a_journal_through_a_symbolic_link(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "r")
    outside = tmp_path / "outside"
    outside.mkdir()
    victim, truncated = outside / "victim.i", outside / "big.d"
    victim.write_bytes(b"precious\n")
    truncated.write_bytes(b"precious data\n" * 100)
    store = repo / ".hg" / "store"
    (store / "data" / "evil").symlink_to(outside)
    (store / "journal").write_bytes(b"data/evil/victim.i\x000\ndata/evil/big.d\x005\n")
    with Repo.open(repo) as r, pytest.raises(StoreError, match="symbolic link"):
        r.recover()
    assert victim.read_bytes() == b"precious\n"
    assert truncated.read_bytes() == b"precious data\n" * 100
    assert (store / "journal").exists()  # nothing was played back


def test_a_failed_rollback_keeps_the_journal_and_says_to_recover(hgrepos, tmp_path,
                                                                   monkeypatch):
    repo = hgrepos.copy("zstd", tmp_path / "r")
    from explorer.engine.transaction import transaction

    def broken(*args, **kwargs):
        raise OSError(5, "Input/output error", "data/x.i")

    with Repo.open(repo) as r, pytest.raises(TransactionError, match="recover"):
        with r.transaction():
            r.commit({"README.txt": b"changed\n"}, "ours", "engine")
            monkeypatch.setattr(transaction, "playback", broken)
            raise RuntimeError("abort")
    assert (repo / ".hg" / "store" / "journal").exists()
    monkeypatch.undo()
    with Repo.open(repo) as r:
        r.recover()
    hg_verify(repo)


def test_the_journal_report_and_verify_flag_a_path_through_a_symbolic_link(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "r")
    outside = tmp_path / "outside"
    outside.mkdir()
    store = repo / ".hg" / "store"
    (store / "data" / "evil").symlink_to(outside)
    (store / "journal").write_bytes(b"data/evil/victim.i\x000\n")
    report = subprocess.run([sys.executable, "-m", "explorer.cli", "journal", "-R", str(repo)],
                            capture_output=True, text=True, cwd=ROOT)
    assert "data/evil/victim.i: refused" in report.stdout, report.stdout + report.stderr
    with Store.open(repo) as s:
        kinds = {p.kind for p in verify_store(s).problems}
    assert "unsafe-path" in kinds
