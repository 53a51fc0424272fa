"""Read speed: our pure-Python engine against Mercurial's C-extension revlog, in one process.

For each revlog, both sides read every revision in order (sequential scan,
caches cleared once) and a fixed random sample of revisions with caches
cleared before each one (cold random access). Both sides do the same work:
Mercurial's ``rawdata`` checks the node hash, so ours runs ``revision`` and
``check_hash``. Rounds alternate between the two and the best round of each
counts, so load from other processes on a shared machine hurts both alike.

Revlogs measured:
  * the manifest of a synthetic history with long delta chains,
    ``hg debugbuilddag -m -n '+3000:a *a/2 +2000'``;
  * the manifest and the biggest filelog of a real history (benchmarks/history.py).

    python benchmarks/read.py [--rounds 5] [--sample 200] [--history hypothesis:600]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import history  # noqa: E402
from explorer.engine import Store  # noqa: E402

DAG = "+3000:a *a/2 +2000"


def synthetic_repo() -> Path:
    path = history.cache_dir() / "synthetic" / "builddag-3000-2000"
    if not (path / ".hg" / "complete").exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HGRCPATH": os.devnull, "HGPLAIN": "1", "HGUSER": "bench"}
        hg = str(Path(sys.executable).parent / "hg")
        subprocess.run([hg, "init", str(path)], check=True, env=env)
        subprocess.run([hg, "debugbuilddag", "-m", "-n", DAG], cwd=path, check=True, env=env)
        (path / ".hg" / "complete").write_text("ok\n")
    return path


def hg_revlog(repo_path: Path, target: str):
    """Mercurial's own revlog object for the manifest ('') or a file."""
    from mercurial import hg
    from mercurial import ui as uimod

    repo = hg.repository(uimod.ui.load(), str(repo_path).encode())
    if target == "":
        return repo.manifestlog.getstorage(b"")._revlog
    return repo.file(target.encode())._revlog


def our_revlog(repo_path: Path, target: str):
    store = Store.open(repo_path)
    return store.manifest if target == "" else store.filelog(target)


def biggest_filelog(repo_path: Path) -> str:
    store = Store.open(repo_path)
    best = max((p for k, p in store.revlog_paths() if k == "filelog"),
               key=lambda p: os.path.getsize(store.fs_path(p)) + _size(store, p[:-2] + ".d"))
    return best[len("data/"):-len(".i")]


def _size(store, path: str) -> int:
    try:
        return os.path.getsize(store.fs_path(path))
    except OSError:
        return 0


def best_of(rounds: int, runs: dict[str, Callable[[], int]]) -> dict[str, float]:
    """Revisions per second of each run, best round, rounds interleaved."""
    best = dict.fromkeys(runs, 0.0)
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            count = run()
            best[name] = max(best[name], count / (time.perf_counter() - start))
    return best


def measure(label: str, repo_path: Path, target: str, rounds: int, sample: int) -> list[str]:
    theirs, ours = hg_revlog(repo_path, target), our_revlog(repo_path, target)
    n = len(ours)
    assert n == len(theirs)
    revs = random.Random(42).choices(range(n), k=sample)
    for rev in revs[:20]:  # same bytes before any timing
        assert ours.revision(rev) == theirs.rawdata(rev)

    def hg_seq():
        theirs.clearcaches()
        for rev in range(n):
            theirs.rawdata(rev)
        return n

    def ours_seq():
        ours.clear_caches()
        for rev in range(n):
            ours.revision(rev)
            ours.check_hash(rev)
        return n

    def hg_cold():
        for rev in revs:
            theirs.clearcaches()
            theirs.rawdata(rev)
        return len(revs)

    def ours_cold():
        for rev in revs:
            ours.clear_caches()
            ours.revision(rev)
            ours.check_hash(rev)
        return len(revs)

    seq = best_of(rounds, {"hg": hg_seq, "ours": ours_seq})
    cold = best_of(rounds, {"hg": hg_cold, "ours": ours_cold})
    chain = max(len(ours.delta_chain(r)) for r in revs)
    return [
        f"| {label} | {n} | {chain} | sequential | {seq['hg']:,.0f} | {seq['ours']:,.0f} "
        f"| **{seq['ours'] / seq['hg']:.2f}×** |",
        f"| {label} | {n} | {chain} | cold random | {cold['hg']:,.0f} | {cold['ours']:,.0f} "
        f"| **{cold['ours'] / cold['hg']:.2f}×** |",
    ]


def host() -> str:
    """The CPU, its cores and the Python: the part of a result's machine line
    every benchmark gives."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}"


def machine() -> str:
    from mercurial import policy, util

    return (f"{host()}; "
            f"Mercurial {util.version().decode()} (module policy {policy.policy.decode()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200, help="revisions read cold")
    parser.add_argument("--history", default="hypothesis:600", help="PACKAGE:RELEASES")
    args = parser.parse_args()
    package, count = args.history.split(":")
    real = history.build(package, int(count))
    synthetic = synthetic_repo()
    biggest = biggest_filelog(real)
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/read.py --rounds {args.rounds} --sample {args.sample} "
          f"--history {args.history}\n")
    print("| revlog | revisions | longest chain read | access | hg rev/s | ours rev/s | ours/hg |")
    print("|---|---|---|---|---|---|---|")
    for label, repo, target in (
        (f"synthetic manifest (`debugbuilddag '{DAG}'`)", synthetic, ""),
        (f"{package} manifest", real, ""),
        (f"{package} biggest filelog `{biggest}`", real, biggest),
    ):
        for row in measure(label, repo, target, args.rounds, args.sample):
            print(row, flush=True)


if __name__ == "__main__":
    main()
