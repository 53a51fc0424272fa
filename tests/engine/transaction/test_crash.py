"""Crash safety with real processes: a writer SIGKILLed at chosen fault points, and hg
holding the store lock mid-transaction.

The writer (``crashwriter.py``) commits a fixed series of transactions and
kills itself at fault point N (every call that can change the disk is one;
see ``faultydisk``): no sleeps, no races. A spread of points over the whole
series, through the first commit's diverted changelog and the inline split,
is tried; after each kill our recover runs on the repository and ``hg
recover`` on a copy: both must pass ``hg verify`` and keep every transaction
the writer reported committed. (Every single point, killed in-process, is
covered by ``test_write_faults.py``.)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from explorer.engine import LockError, Store
from explorer.engine.repo.repo import Repo
from explorer.engine.transaction.transaction import _lock_prefix
from tests import hgrepos

ROOT = Path(__file__).resolve().parents[3]
KILLS = 24  # fault points tried, evenly spread over the series


def write_until_killed(repo: Path, kill_at: int | None) -> tuple[list[str], int | None]:
    """Run the writer; the nodes it reported committed, and its point count if it ended."""
    child = subprocess.run([sys.executable, "-m", "tests.engine.transaction.crashwriter",
                            str(repo), *([] if kill_at is None else [str(kill_at)])],
                           capture_output=True, text=True, cwd=ROOT)
    lines = child.stdout.splitlines()
    if kill_at is None:
        assert child.returncode == 0, child.stderr
        return [line.split()[1] for line in lines if line.startswith("committed")], \
            int(lines[-1].split()[1])
    assert child.returncode == -signal.SIGKILL, child.stderr
    return [line.split()[1] for line in lines if line.startswith("committed")], None


def verify(repo: Path) -> None:
    code, out, err = hgrepos.hg_run(repo, "verify")
    assert code == 0, (out + err).decode()


def changesets(repo: Path) -> set[str]:
    with Store.open(repo) as store:
        cl = store.changelog
        return {cl.node(r).hex() for r in range(len(cl))}


def test_writers_killed_at_chosen_points_leave_recoverable_stores(tmp_path):
    empty = tmp_path / "empty"
    hgrepos.hg(tmp_path, "init", "empty")
    full = tmp_path / "full"
    shutil.copytree(empty, full)
    _, points = write_until_killed(full, None)
    for kill_at in sorted({round(i * (points - 1) / (KILLS - 1)) for i in range(KILLS)}):
        repo, copy = tmp_path / f"repo{kill_at}", tmp_path / f"copy{kill_at}"
        shutil.copytree(empty, repo)
        committed, _ = write_until_killed(repo, kill_at)
        shutil.copytree(repo, copy, symlinks=True)
        with Repo.open(repo) as ours:
            ours.recover()
        verify(repo)
        hgrepos.hg_run(copy, "recover")  # exit 1 when there was nothing to recover
        verify(copy)
        for recovered in (repo, copy):
            assert set(committed) <= changesets(recovered), f"killed at {kill_at}"
        shutil.rmtree(repo)
        shutil.rmtree(copy)


@contextmanager
def hg_mid_transaction(repo: Path, release: Path):
    """hg commits in ``repo`` and waits, store lock held and journal written, in its
    pretxncommit hook until the file ``release`` appears; the block runs meanwhile.

    The hook says it has been reached by creating a file of its own: the journal
    appears when the transaction opens, before hg has written its entries, so
    waiting for the journal raced with hg still writing (seen under load)."""
    arrived = release.with_name(release.name + ".arrived")
    hook = f"touch {arrived}; while [ ! -e {release} ]; do sleep 0.02; done"
    hg = subprocess.Popen([hgrepos.hg_executable(), "commit", "-A", "-m", "from hg", "-u", "hg",
                           "--config", f"hooks.pretxncommit={hook}"], cwd=repo,
                          env=hgrepos.hg_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while not arrived.exists():
            assert hg.poll() is None, hg.communicate()[1].decode()
            time.sleep(0.01)
        yield hg
    finally:
        release.touch()
        out, err = hg.communicate()
    assert hg.returncode == 0, err.decode()


def store_state(repo: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in (repo / ".hg").rglob("*") if p.is_file()}


def test_write_refused_while_another_process_holds_the_lock(tmp_path):
    repo = tmp_path / "repo"
    with Repo.init(repo) as r:
        r.commit({"a.txt": b"a\n"}, "first", "test")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = repo / ".hg" / "store" / "lock"
        os.symlink(f"{_lock_prefix()}:{holder.pid}", lock)
        before = store_state(repo)
        with Repo.open(repo) as r, pytest.raises(LockError, match=f"locked by .*:{holder.pid}"):
            r.commit({"a.txt": b"b\n"}, "second", "test")
        assert store_state(repo) == before
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_dead_process_is_broken(tmp_path):
    repo = tmp_path / "repo"
    Repo.init(repo).close()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    os.symlink(f"{_lock_prefix()}:{dead.pid}", repo / ".hg" / "store" / "lock")
    with Repo.open(repo) as r:
        r.commit({"a.txt": b"a\n"}, "first", "test")
    assert not (repo / ".hg" / "store" / "lock").exists()
    verify(repo)


def test_hg_holding_the_lock_blocks_us(tmp_path):
    """While hg itself is mid-transaction, our write is refused."""
    repo = tmp_path / "repo"
    with Repo.init(repo) as r:
        r.commit({"a.txt": b"a\n"}, "first", "test")
    hgrepos.hg(repo, "update", "-q", "tip")
    (repo / "a.txt").write_bytes(b"from hg\n")
    with hg_mid_transaction(repo, tmp_path / "release"):
        with Repo.open(repo) as r, pytest.raises(LockError):
            r.commit({"b.txt": b"b\n"}, "ours", "test")
    verify(repo)
