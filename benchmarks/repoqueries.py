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

    python benchmarks/repoqueries.py [--real /tmp/real/click-hg]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def hg_repo(path: Path):
    from mercurial import hg
    from mercurial import ui as uimod

    shutil.rmtree(path / ".hg" / "cache", ignore_errors=True)
    ui = uimod.ui()
    ui.setconfig(b"experimental", b"evolution", b"createmarkers")
    return hg.repository(ui, str(path).encode())


def queries(path: Path):
    """(name, ours, hg's, hg's answer in our terms)."""
    def hg_phases():
        repo = hg_repo(path).unfiltered()
        return [repo._phasecache.phase(repo, r) for r in repo]

    def hg_branchmap():
        repo = hg_repo(path)
        bm = repo.branchmap()
        return {name.decode(): bm.branch_head_revs(name, closed=True)
                for name, *_info in bm.branches_info(repo)}

    return [
        ("phase of every changeset", lambda: Store.open(path).phase_map, hg_phases, list),
        ("hidden set (visible filter)", lambda: Store.open(path).filtered("visible"),
         lambda: hg_repo(path).changelog.filteredrevs, frozenset),
        ("heads (visible)", lambda: Store.open(path).heads(),
         lambda: hg_repo(path).changelog.headrevs(), lambda hs: sorted(hs)),
        ("branch map (visible)", lambda: {name: list(b.heads) for name, b in
                                         Store.open(path).branch_map().items()},
         hg_branchmap, dict),
        ("bookmarks", lambda: Store.open(path).bookmarks(),
         lambda: dict(hg_repo(path)._bookmarks.items()),
         lambda marks: {k.decode(): v for k, v in sorted(marks.items())}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", default="/tmp/real/click-hg")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/repoqueries.py --real {args.real}")
    path = prepare(Path(args.real))
    print(f"\n{path.name}: {len(Store.open(path).changelog):,} changesets\n")
    print("| query (cold) | hg | ours | ours/hg time |")
    print("|---|---|---|---|")
    for name, mine, hgs, convert in queries(path):
        got, expected = mine(), convert(hgs())
        assert got == expected, f"{name}: ours {str(got)[:200]} != hg {str(expected)[:200]}"
        t_hg, t_ours = best_time(hgs), best_time(mine)
        print(f"| {name} | {_fmt(t_hg)} | {_fmt(t_ours)} | {t_ours / t_hg:.2f}× |")


if __name__ == "__main__":
    main()
