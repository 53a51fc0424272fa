"""Verify speed: our verify against ``hg verify`` on the same real history, in one run.

Both run in this process on the same repository, rounds alternating, best
round of each kept (load from other processes hurts both alike):

* hg: ``mercurial.verify.verify(repo)`` on a freshly opened repository,
  output discarded -- exactly what ``hg verify`` does after start-up;
* ours: ``verify_store(Store.open(path))``.

Then the two commands end to end (start-up included), ``hg verify -q``
against ``revlog-explorer verify``, best of the rounds.

What each checks is printed too: hg rebuilds and hashes changelog and
filelog revisions and reads manifest *deltas*; we also rebuild and hash
every manifest revision, and check every entry's fields, chunk placement
and file sizes, dockets and nodemaps, the journal, pending and split files.

With ``--real PATH`` (repeatable), an hg conversion of a git repository too (see
read.py); ``--history none`` leaves out the release history (built from PyPI downloads).

    python benchmarks/verify.py [--rounds 5] [--history hypothesis:600|none] [--real PATH ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import history  # noqa: E402
from benchmarks.read import machine, synthetic_repo  # noqa: E402
from explorer.engine import Store  # noqa: E402
from explorer.engine.verify import verify_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def hg_verify(path: Path) -> int:
    from mercurial import hg
    from mercurial import ui as uimod
    from mercurial import verify as hgverify

    ui = uimod.ui.load()
    ui.setconfig(b"ui", b"quiet", b"yes")
    repo = hg.repository(ui, str(path).encode())
    ui.pushbuffer(error=True)
    try:
        return hgverify.verify(repo)
    finally:
        ui.popbuffer()


def our_verify(path: Path) -> int:
    with Store.open(path) as store:
        return 1 if verify_store(store).damaged else 0


def best_of(rounds: int, runs: dict[str, Callable[[], int]]) -> dict[str, float]:
    """Best time of each run, rounds interleaved; every run must find the store intact."""
    best = {name: float("inf") for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            status = run()
            best[name] = min(best[name], time.perf_counter() - start)
            if status:
                raise SystemExit(f"{name} verify reports damage: not a benchmark input")
    return best


def commands(path: Path) -> dict[str, Callable[[], int]]:
    env = {**os.environ, "HGRCPATH": os.devnull, "HGPLAIN": "1"}
    hg = str(Path(sys.executable).parent / "hg")

    def run(argv: list[str]) -> Callable[[], int]:
        return lambda: subprocess.run(argv, env=env, cwd=ROOT, capture_output=True).returncode

    return {"hg": run([hg, "verify", "-q", "-R", str(path)]),
            "ours": run([sys.executable, "-m", "explorer.cli", "verify", "-R", str(path)])}


def checked(path: Path) -> str:
    with Store.open(path) as store:
        report = verify_store(store)
        manifests = len(store.manifest)
    revisions = report.changesets + manifests + report.changes
    return (f"{report.changesets} changesets, {manifests} manifests, {report.changes} file "
            f"revisions in {report.files} files: ours hashes all {revisions}, hg "
            f"{revisions - manifests} (manifests: deltas only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--history", default="hypothesis:600",
                        help="PACKAGE:RELEASES, or none")
    parser.add_argument("--real", action="append", default=[], type=Path, metavar="PATH",
                        help="an hg conversion of a git repository (hg convert --datesort)")
    parser.add_argument("--no-commands", action="store_true",
                        help="skip the end-to-end command timings")
    args = parser.parse_args()
    repos = []
    if args.history != "none":
        package, count = args.history.split(":")
        repos.append((f"{package} {count} releases", history.build(package, int(count))))
    repos.append(("synthetic `debugbuilddag '+3000:a *a/2 +2000'`", synthetic_repo()))
    repos += [(f"{path.name} (hg convert --datesort)", path) for path in args.real]
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/verify.py {' '.join(sys.argv[1:])}\n")
    print("| history | what is checked | run | hg | ours | ours/hg |")
    print("|---|---|---|---|---|---|")
    for label, path in repos:
        what = checked(path)
        runs = {"in process": {"hg": lambda p=path: hg_verify(p),
                               "ours": lambda p=path: our_verify(p)}}
        if not args.no_commands:
            runs["command"] = commands(path)
        for how, pair in runs.items():
            best = best_of(args.rounds, pair)
            print(f"| {label} | {what} | {how} | {best['hg']:.3f} s | {best['ours']:.3f} s | "
                  f"{best['ours'] / best['hg']:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
