"""Repository queries of ``Store`` (phases, hidden set, heads, branch map, bookmarks)
beside Mercurial's, in one process, on a copy of a real history moved by hg.

The copy (of ``--real``, default /tmp/real/click-hg, made under /tmp) gets, through
hg commands: every changeset but the last 400 public, the last 50 secret, 30
bookmarks (instead of the conversion's), the working copy updated to null, and
obsolescence markers pruning the 20 newest changesets (hidden then). Each query opens
the store afresh (ours) or a new repository object (hg), so nothing is
cached in memory; hg's on-disk caches are deleted before each of its calls (its
branchmap and rev-branch caches would otherwise answer without computing). Every
answer is checked equal to hg's before it is timed (best of 3, 0.2 s budget each).

With ``--changesets N`` the repository is instead ``benchmarks/bigrepo.py``'s history of
N changesets (built once, cached; phases, bookmarks and markers set the same way), and
each query is timed cold (``.hg/cache`` deleted before each call, ours and hg's alike)
and warm (after ``hg debugupdatecaches``: hg's rev-branch and branch-heads caches
present; ours reads the rev-branch cache, not hg's branch-heads cache).

    python benchmarks/repoqueries.py [--real /tmp/real/click-hg] [--changesets 1000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bigrepo  # noqa: E402
from benchmarks.graph import _fmt, best_time  # noqa: E402
from benchmarks.read import machine  # noqa: E402
from explorer.engine import Store  # noqa: E402

COPY = Path("/tmp/revlog-explorer-bench-repoqueries")
EVOLVE = ["--config", "experimental.evolution=createmarkers"]


def prepare(real: Path) -> Path:
    """The copy of ``real`` with phases, bookmarks and markers (made once)."""
    done = COPY / ".prepared"
    if done.exists():
        return COPY
    shutil.rmtree(COPY, ignore_errors=True)
    shutil.copytree(real, COPY, symlinks=True)

    def hg(*args: str) -> str:
        env = {**os.environ, "HGRCPATH": os.devnull, "HGPLAIN": "1", "HGUSER": "bench"}
        return subprocess.run([shutil.which("hg") or "hg", *EVOLVE, *args], cwd=COPY,
                              env=env, check=True, capture_output=True, text=True).stdout

    hg("phase", "--force", "--draft", "-r", "all()")
    hg("phase", "--public", "-r", "all() - last(all(), 400)")
    hg("phase", "--force", "--secret", "-r", "last(all(), 50)")
    old = hg("bookmarks", "-T", "{bookmark}\n").split()
    if old:
        hg("bookmark", "--delete", *old)  # those of the conversion pin the newest changesets
    for i, rev in enumerate(hg("log", "-r", "last(all(), 3000)", "-T", "{rev}\n").split()[::100]):
        hg("bookmark", "-r", rev, f"mark-{i}")
    hg("update", "-q", "null")  # else the working copy's parent (the tip) keeps them visible
    for node in hg("log", "-r", "last(all(), 20)", "-T", "{node}\n").split():
        hg("debugobsolete", node)
    done.write_text("ok\n")
    return COPY


def hg_repo(path: Path, warm: bool = False):
    from mercurial import hg
    from mercurial import ui as uimod

    if not warm:
        shutil.rmtree(path / ".hg" / "cache", ignore_errors=True)
    ui = uimod.ui()
    ui.setconfig(b"experimental", b"evolution", b"createmarkers")
    return hg.repository(ui, str(path).encode())


def our_store(path: Path, warm: bool = False) -> Store:
    if not warm:
        shutil.rmtree(path / ".hg" / "cache", ignore_errors=True)
    return Store.open(path)


def queries(path: Path, warm: bool = False):
    """(name, ours, hg's, hg's answer in our terms)."""
    def hg_phases():
        repo = hg_repo(path, warm).unfiltered()
        return [repo._phasecache.phase(repo, r) for r in repo]

    def hg_branchmap():
        repo = hg_repo(path, warm)
        bm = repo.branchmap()
        return {name.decode(): bm.branch_head_revs(name, closed=True)
                for name, *_info in bm.branches_info(repo)}

    def ours():
        return our_store(path, warm)

    return [
        ("phase of every changeset", lambda: ours().phase_map, hg_phases, list),
        ("hidden set (visible filter)", lambda: ours().filtered("visible"),
         lambda: hg_repo(path, warm).changelog.filteredrevs, frozenset),
        ("heads (visible)", lambda: ours().heads(),
         lambda: hg_repo(path, warm).changelog.headrevs(), lambda hs: sorted(hs)),
        ("branch map (visible)", lambda: {name: list(b.heads) for name, b in
                                         ours().branch_map().items()},
         hg_branchmap, dict),
        ("bookmarks", lambda: ours().bookmarks(),
         lambda: dict(hg_repo(path, warm)._bookmarks.items()),
         lambda marks: {k.decode(): v for k, v in sorted(marks.items())}),
    ]


def checked_times(path: Path, warm: bool, runs: int):
    """(name, hg's time, ours) for each query, its answers checked equal first."""
    if warm:
        bigrepo.hg(path, "debugupdatecaches")
    for name, mine, hgs, convert in queries(path, warm):
        got, expected = mine(), convert(hgs())
        assert got == expected, f"{name}: ours {str(got)[:200]} != hg {str(expected)[:200]}"
        yield name, best_time(hgs, runs=runs), best_time(mine, runs=runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", default="/tmp/real/click-hg")
    parser.add_argument("--changesets", type=int, help="bigrepo.py's history of this size")
    parser.add_argument("--runs", type=int, default=3, help="best of this many (default 3)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.changesets:
        print(f"command: python benchmarks/repoqueries.py --changesets {args.changesets} "
              f"--runs {args.runs}")
        path = bigrepo.build(args.changesets)
    else:
        print(f"command: python benchmarks/repoqueries.py --real {args.real}")
        path = prepare(Path(args.real))
    print(f"\n{path}: {len(Store.open(path).changelog):,} changesets\n")
    cold = list(checked_times(path, False, args.runs))
    warm = list(checked_times(path, True, args.runs))
    print("| query | hg cold | ours cold | ours/hg | hg warm | ours warm | ours/hg |")
    print("|---|---|---|---|---|---|---|")
    for (name, hg_cold, ours_cold), (_, hg_warm, ours_warm) in zip(cold, warm):
        print(f"| {name} | {_fmt(hg_cold)} | {_fmt(ours_cold)} | {ours_cold / hg_cold:.2f}× "
              f"| {_fmt(hg_warm)} | {_fmt(ours_warm)} | {ours_warm / hg_warm:.2f}× |")


if __name__ == "__main__":
    main()
