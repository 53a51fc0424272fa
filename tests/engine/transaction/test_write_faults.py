"""Every write of a transaction fails in turn, or the writer dies there: nothing is lost.

Over commit (the first one of an empty repository, with its diverted
changelog; an edit and a new file; a file big enough to split its inline
filelog), strip and censor, in v1 and changelog-v2 repositories made by hg
and revlog-v2 ones made by the engine, the write path's fault points
(``faultydisk``: every call of ``fileops`` that can change the disk) are
taken one at a time:

* failed with ENOSPC, then EIO: the operation raises ``TransactionError``
  saying the transaction was rolled back, and ``.hg`` is byte for byte as
  before (no journal, no lock, no partial file);
* every write made short (the disk takes half): the operation succeeds, with
  the very bytes of an undisturbed run;
* killed just before each point, and halfway through each write (the disk
  copied there, as a SIGKILL leaves it): after our recover, and after
  ``hg recover`` on another copy, the store is exactly the one before the
  operation or the one after it.

The states before and after pass ``hg verify``; every other state checked
equals one of them. The count of fault points covered is printed (``-s``).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from explorer.engine import Repo, TransactionError
from explorer.engine.revlog import writer
from tests import hgrepos as hgrepos_module
from tests.engine.transaction.faultydisk import FaultyOS, disk, tree_digest
from tests.reports.hgserver import CommandServer

Operation = Callable[[Repo], object]


def commit_edit(repo: Repo) -> None:
    tip = len(repo) - 1
    name = sorted(repo.manifest_of(tip))[0]
    files = {name: b"edited by the engine\n" * 40}
    if "fileindex-v1" not in repo.store.requirements:  # new files need the file index
        files["added/by/engine.txt"] = b"new\n" * 10
    repo.commit(files, "engine edit", "engine <e@example.org>", date=(1, 0))


def commit_split(repo: Repo) -> None:
    blob = hgrepos_module.pseudo_random_bytes("split", 150_000)  # > 128 KiB: no longer inline
    repo.commit({"big.bin": blob}, "a big file", "engine <e@example.org>", date=(2, 0))


def commit_first(repo: Repo) -> None:
    repo.commit({"a.txt": b"first\n", "b/c.txt": b"second\n"}, "first", "engine", date=(0, 0))


def strip_tip(repo: Repo) -> None:
    repo.strip(len(repo) - 1)


def censor_middle(repo: Repo) -> None:
    """Censor the middle revision of the longest filelog (as test_rewrite does with hg)."""
    path = max((p for k, p in repo.store.revlog_paths() if k == "filelog"),
               key=lambda p: len(repo.revlog(p)))
    rl = repo.revlog(path)
    repo.censor(path[len("data/"):-len(".i")], rl.node(len(rl) // 2), b"gone")


CASES = [
    ("zstd", "commit", commit_edit),
    ("zstd", "split", commit_split),
    ("zstd", "strip", strip_tip),
    ("zstd", "censor", censor_middle),
    ("zstd", "first", commit_first),
    ("engine-v2", "commit", commit_edit),
    ("engine-v2", "strip", strip_tip),
    ("engine-v2", "first", commit_first),
    ("changelogv2", "commit", commit_edit),
    ("changelogv2", "strip", strip_tip),
    ("changelogv2", "first", commit_first),
]
IDS = [f"{spec}-{op}" for spec, op, _ in CASES]


@pytest.fixture(scope="module")
def hg_server():
    server = CommandServer()
    yield server
    server.close()


def base_repo(hgrepos, spec: str, op: str, dest: Path) -> Path:
    """The repository the operation starts from: made by hg (empty for ``first``), or,
    for revlog-v2, by the engine (hg's own v2 stores keep a file index the engine does
    not write, so it refuses to write there)."""
    if spec == "engine-v2":
        with Repo.init(dest, revlog="v2") as repo:
            for n in range(0 if op == "first" else 6):
                repo.commit({"README.txt": b"line %d\n" % n * (n + 1), f"d/f{n % 3}.txt":
                             b"file %d\n" % n}, f"change {n}", "engine", date=(n, 0))
        return dest
    if op != "first":
        return hgrepos.copy(spec, dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    config = {**hgrepos.spec(spec).init_config, **hgrepos.config(spec)}
    hgrepos_module.hg(dest.parent, "init", dest.name, config=config)
    return dest


def dead_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    return int(child.stdout)


class CountedUids:
    """Stands in for ``secrets`` in the writer: v2 file names 00000001, 00000002...,
    so two runs of an operation name their new files alike."""

    def __init__(self) -> None:
        self.count = 0

    def token_hex(self, nbytes: int) -> str:
        self.count += 1
        return f"{self.count:0{2 * nbytes}x}"


def run(path: Path, operation: Operation, faulty: FaultyOS) -> None:
    saved = writer.secrets
    writer.secrets = CountedUids()
    try:
        with disk(faulty), Repo.open(path) as repo:
            operation(repo)
    finally:
        writer.secrets = saved


def store_state(repo: Path) -> dict[str, str]:
    """The store as a reader sees it: journal, undo and lock files left out."""
    return {name: digest for name, digest in tree_digest(repo / ".hg" / "store").items()
            if not Path(name).name.startswith(("journal", "undo", "lock"))}


class Outcomes:
    """One operation on one repository: the base, the undisturbed result, the points."""

    def __init__(self, hgrepos, hg_server, tmp: Path, spec: str, op: str,
                 operation: Operation) -> None:
        self.spec, self.operation, self.tmp = spec, operation, tmp
        self.base = base_repo(hgrepos, spec, op, tmp / "base")
        self.config = {} if spec == "engine-v2" else hgrepos.config(spec)
        self.server = hg_server
        done = self.fresh("done")
        faulty = FaultyOS()
        run(done, operation, faulty)
        self.points = faulty.calls
        self.before, self.after = store_state(self.base), store_state(done)
        self.done_hg = tree_digest(done / ".hg")
        for repo in (self.base, done):
            self.hg_verify(repo)

    def fresh(self, name: str) -> Path:
        dest = self.tmp / name
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(self.base, dest, symlinks=True)
        return dest

    def hg_verify(self, repo: Path) -> None:
        result = self.server.run(repo, "verify", config={**self.config, "censor.policy": "ignore"})
        assert result.status == 0, (result.out + result.err).decode()


@pytest.fixture(params=CASES, ids=IDS)
def outcomes(request, hgrepos, hg_server, tmp_path) -> Outcomes:
    spec, op, operation = request.param
    return Outcomes(hgrepos, hg_server, tmp_path, spec, op, operation)


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
def test_a_failed_write_rolls_everything_back(outcomes, error):
    before = tree_digest(outcomes.base / ".hg")
    for point in range(len(outcomes.points)):
        repo = outcomes.fresh("failed")
        where = f"fault point {point} ({outcomes.points[point]})"
        try:
            run(repo, outcomes.operation, FaultyOS(fail_at=point, error=error))
        except TransactionError as exc:
            message = str(exc)
        else:  # a failure the operation may shrug off (a scratch file left unremoved)
            assert store_state(repo) == outcomes.after, where
            continue
        if "committed" in message:  # after the commit point: only undo files missing
            assert store_state(repo) == outcomes.after, where
            continue
        assert "rolled back" in message or "nothing was changed" in message, where
        assert tree_digest(repo / ".hg") == before, where
    print(f"{outcomes.spec}: {len(outcomes.points)} fault points, each failed")


def test_short_writes_are_completed(outcomes):
    repo = outcomes.fresh("short")
    run(repo, outcomes.operation, FaultyOS(short_writes=True))
    assert tree_digest(repo / ".hg") == outcomes.done_hg


def test_a_writer_killed_anywhere_is_recovered(outcomes):
    """Killed before each fault point (a SIGKILL lands between system calls), or halfway
    through a write (as a power cut leaves it: that ``hg recover`` does not survive, as
    it stops at a torn line of ``journal.backupfiles``; ours must)."""
    images: list[tuple[Path, bool]] = []
    work = outcomes.fresh("work")
    dead = dead_pid()

    def snapshot(torn: bool) -> None:
        image = outcomes.tmp / f"image{len(images)}"
        shutil.copytree(work, image, symlinks=True)
        lock = image / ".hg" / "store" / "lock"
        if lock.is_symlink():  # the killed writer's lock: its pid no longer runs
            holder = os.readlink(lock).rpartition(":")[0]
            lock.unlink()
            lock.symlink_to(f"{holder}:{dead}")
        images.append((image, torn))

    run(work, outcomes.operation, FaultyOS(before=lambda n, name: snapshot(False),
                                           torn=lambda n: snapshot(True)))
    snapshot(False)
    states = (outcomes.before, outcomes.after)
    for n, (image, torn) in enumerate(images):
        theirs = outcomes.tmp / f"hg{n}"
        shutil.copytree(image, theirs, symlinks=True)
        with Repo.open(image) as repo:
            repo.recover()
        assert store_state(image) in states, f"image {n}, after our recover"
        assert not (image / ".hg" / "store" / "journal").exists()
        if not torn:
            outcomes.server.run(theirs, "recover", config=outcomes.config)
            assert store_state(theirs) in states, f"image {n}, after hg recover"
        shutil.rmtree(image)
        shutil.rmtree(theirs)
    print(f"{outcomes.spec}: killed at {len(images)} points, each recovered")
