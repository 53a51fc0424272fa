"""Read speed: our engine, with its compiled and its pure kernels, against Mercurial's
C-extension revlog, in one process.

For each revlog, both sides read every revision in order (sequential scan,
caches cleared once) and a fixed random sample of revisions with caches
cleared before each one (cold random access). Both sides do the same work:
Mercurial's ``rawdata`` checks the node hash, so ours runs ``revision`` and
``check_hash``. Rounds alternate between the two and the best round of each
counts, so load from other processes on a shared machine hurts both alike. Ours runs
twice per round: with the compiled kernels (when built) and with the pure ones, swapped
in the same process.

Revlogs measured:
  * the manifest of a synthetic history with long delta chains,
    ``hg debugbuilddag -m -n '+3000:a *a/2 +2000'``;
  * the manifest and the biggest filelog of a linear release history (benchmarks/history.py);
  * with ``--real PATH``: the manifest and the three biggest filelogs of a real history
    with merges, an hg conversion of a public git repository, e.g.::

        git clone https://github.com/pallets/click /tmp/click-git
        hg --config extensions.convert= convert --datesort /tmp/click-git /tmp/real/click-hg

    python benchmarks/read.py [--rounds 5] [--sample 200] [--history hypothesis:600|none]
                              [--real PATH ...] [--only-real]
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
from explorer.engine.format import kernels  # noqa: E402
from explorer.engine.format.pure import mpatch as pure_mpatch  # noqa: E402
from explorer.engine.revlog import inner as inner_module  # noqa: E402

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


def biggest_filelogs(repo_path: Path, count: int = 1) -> list[str]:
    """The ``count`` filelogs holding the most bytes (index and data), biggest first."""
    store = Store.open(repo_path)
    paths = sorted((p for k, p in store.revlog_paths() if k == "filelog"),
                   key=lambda p: os.path.getsize(store.fs_path(p)) + _size(store, p[:-2] + ".d"),
                   reverse=True)
    return [p[len("data/"):-len(".i")] for p in paths[:count]]


def use_kernels(name: str) -> None:
    """Make the revlog reader apply deltas with the ``c`` or the ``py`` kernels."""
    module = pure_mpatch if name == "py" else kernels.compiled
    inner_module.apply_delta = module.apply_delta
    inner_module.apply_deltas = module.apply_deltas


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


def with_kernels(name: str, run: Callable[[], int]) -> Callable[[], int]:
    def timed() -> int:
        use_kernels(name)
        return run()

    return timed


KERNELS = ["c", "py"] if kernels.compiled is not None else ["py"]


def measure(label: str, repo_path: Path, target: str, rounds: int, sample: int) -> list[str]:
    theirs, ours = hg_revlog(repo_path, target), our_revlog(repo_path, target)
    n = len(ours)
    assert n == len(theirs)
    revs = random.Random(42).choices(range(n), k=sample)
    for name in KERNELS:  # same bytes before any timing
        use_kernels(name)
        ours.clear_caches()
        for rev in revs[:20] + list(range(min(n, 200))):
            assert ours.revision(rev) == theirs.rawdata(rev), (name, rev)

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

    rows = []
    chain = max(len(ours.delta_chain(r)) for r in revs)
    for access, hg_run, ours_run in (("sequential", hg_seq, ours_seq),
                                      ("cold random", hg_cold, ours_cold)):
        runs = {"hg": hg_run} | {k: with_kernels(k, ours_run) for k in KERNELS}
        best = best_of(rounds, runs)
        cells = [f"{best['hg']:,.0f}"]
        for name in ("c", "py"):
            if name in best:
                cells += [f"{best[name]:,.0f}", f"**{best[name] / best['hg']:.2f}×**"]
            else:
                cells += ["not built", "-"]
        rows.append(f"| {label} | {n} | {chain} | {access} | {' | '.join(cells)} |")
    use_kernels(KERNELS[0])
    return rows


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
            f"Mercurial {util.version().decode()} (module policy {policy.policy.decode()}); "
            f"our kernels {kernels.name} ({kernels.POLICY_VARIABLE}={kernels.policy})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200, help="revisions read cold")
    parser.add_argument("--history", default="hypothesis:600",
                        help="PACKAGE:RELEASES, or none (no release history: it is built "
                             "from PyPI downloads)")
    parser.add_argument("--real", action="append", default=[], type=Path, metavar="PATH",
                        help="an hg conversion of a git repository (hg convert --datesort)")
    parser.add_argument("--only-real", action="store_true",
                        help="measure only the --real histories")
    args = parser.parse_args()
    targets = []
    if not args.only_real:
        targets.append((f"synthetic manifest (`debugbuilddag '{DAG}'`)", synthetic_repo(), ""))
    if not args.only_real and args.history != "none":
        package, count = args.history.split(":")
        real = history.build(package, int(count))
        targets.append((f"{package} manifest", real, ""))
        targets += [(f"{package} biggest filelog `{f}`", real, f) for f in biggest_filelogs(real)]
    for path in args.real:
        targets.append((f"{path.name} manifest", path, ""))
        targets += [(f"{path.name} filelog `{f}`", path, f) for f in biggest_filelogs(path, 3)]
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/read.py {' '.join(sys.argv[1:])}\n")
    print("| revlog | revisions | longest chain read | access | hg rev/s | ours C rev/s "
          "| C/hg | ours pure rev/s | pure/hg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, repo, target in targets:
        for row in measure(label, repo, target, args.rounds, args.sample):
            print(row, flush=True)


if __name__ == "__main__":
    main()
