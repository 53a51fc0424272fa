"""Crash safety: a writer killed at random points leaves a store rollback repairs.

A child process commits transactions without pause; it is killed (SIGKILL)
at a random moment, again and again, until at least 100 transactions have
committed. After each kill, our recovery runs on the repository and
``hg recover`` on a copy; both must pass ``hg verify``, and every transaction
the child reported as committed must be there.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.engine import LockError, Store
from explorer.engine.repo.repo import Repo
from tests import hgrepos

HERE = Path(__file__).resolve().parent


def run_and_kill(repo: Path, seed: int, delay: float) -> list[str]:
    """Start the writer, kill it after ``delay`` seconds; the nodes it committed."""
    child = subprocess.Popen([sys.executable, str(HERE / "crashwriter.py"), str(repo), str(seed)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             cwd=HERE.parents[2])
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate()
    assert child.returncode == -signal.SIGKILL, err.decode()
    return [line.split()[1] for line in out.decode().splitlines() if line.startswith("committed")]


def verify(repo: Path) -> None:
    code, out, err = hgrepos.hg_run(repo, "verify")
    assert code == 0, (out + err).decode()


def test_killed_writers_leave_recoverable_stores(tmp_path):
    rng = random.Random(20261121)
    total = rounds = interrupted = 0
    while total < 100 or interrupted < 10:
        if rounds % 6 == 0:  # a fresh repository now and then keeps each verify quick
            repo = tmp_path / f"repo{rounds}"
            Repo.init(repo).close()
            committed: list[str] = []
        rounds += 1
        new = run_and_kill(repo, rounds, rng.uniform(0.3, 0.9))
        committed += new
        total += len(new)
        interrupted += (repo / ".hg" / "store" / "journal").exists()
        copy = tmp_path / f"copy{rounds}"
        shutil.copytree(repo, copy, symlinks=True)
        with Repo.open(repo) as ours:
            ours.recover()
        verify(repo)
        hgrepos.hg_run(copy, "recover")  # exit 1 when there was nothing to recover
        verify(copy)
        shutil.rmtree(copy)
        with Store.open(repo) as store:
            cl = store.changelog
            present = {cl.node(r).hex() for r in range(len(cl))}
        assert set(committed) <= present, f"round {rounds} lost a committed transaction"


def store_state(repo: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in (repo / ".hg").rglob("*") if p.is_file()}


def test_write_refused_while_another_process_holds_the_lock(tmp_path):
    repo = tmp_path / "repo"
    with Repo.init(repo) as r:
        r.commit({"a.txt": b"a\n"}, "first", "test")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = repo / ".hg" / "store" / "lock"
        from explorer.engine.transaction.transaction import _lock_prefix

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
    from explorer.engine.transaction.transaction import _lock_prefix

    os.symlink(f"{_lock_prefix()}:{dead.pid}", repo / ".hg" / "store" / "lock")
    with Repo.open(repo) as r:
        r.commit({"a.txt": b"a\n"}, "first", "test")
    assert not (repo / ".hg" / "store" / "lock").exists()
    verify(repo)


def test_hg_holding_the_lock_blocks_us(tmp_path):
    """While hg itself is mid-transaction (a hook sleeps), our write is refused."""
    repo = tmp_path / "repo"
    with Repo.init(repo) as r:
        r.commit({"a.txt": b"a\n"}, "first", "test")
    hgrepos.hg(repo, "update", "-q", "tip")
    (repo / "a.txt").write_bytes(b"from hg\n")
    env = hgrepos.hg_env()
    hg = subprocess.Popen([hgrepos.hg_executable(), "commit", "-m", "slow", "-u", "hg",
                           "--config", "hooks.pretxncommit=sleep 5"], cwd=repo, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lock = repo / ".hg" / "store" / "lock"
        deadline = time.monotonic() + 20
        while not os.path.lexists(lock) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.path.lexists(lock)
        with Repo.open(repo) as r, pytest.raises(LockError):
            r.commit({"b.txt": b"b\n"}, "ours", "test")
    finally:
        out, err = hg.communicate()
    assert hg.returncode == 0, err.decode()
    verify(repo)
