"""Graph queries: time per query, ours (pure Python) beside Mercurial's in the same run.

The revlogs: the 1,000,000-revision filelog of benchmarks/tui.py (mostly
linear, a short branch merged back every 97 revisions; built once and
cached) and, when present, the changelog of a real history with merges
(``--real``, default /tmp/real/click-hg). Mercurial opens the same files
in-process; where its revlog calls the C index (``headrevs``,
``commonancestorsheads``, ``ancestor``, ``reachableroots``/``isancestorrev``,
``shortest``, ``findsnapshots``) that is what is timed, elsewhere its Python
(``ancestors``, ``descendants``, ``heads(start)``). Each answer is checked
equal to hg's before it is timed. Time: best of several runs, each query run
until 0.2 s have passed; "cold" opens the revlog afresh first (for us: the
parent columns are read then).

    python benchmarks/graph.py [--revisions 1000000] [--real /tmp/real/click-hg]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.read import machine  # noqa: E402
from benchmarks.tui import build_million  # noqa: E402
from explorer.engine import Revlog, Store  # noqa: E402

Query = tuple[str, Callable[[], object], Callable[[], object], Callable[[object], object]]


def best_time(fn: Callable[[], object], budget: float = 0.2, runs: int = 3) -> float:
    """Seconds per call: best over ``runs`` of the mean of as many calls as fit in ``budget``."""
    best = float("inf")
    for _ in range(runs):
        calls, start = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= budget:
                break
        best = min(best, elapsed / calls)
    return best


def queries(ours: Revlog, theirs, open_ours, open_theirs) -> list[Query]:
    """(name, our call, hg's call, hg's answer in our terms) for one revlog."""
    tip = len(ours) - 1
    node = theirs.node
    a, b = _merged_pair(ours, tip)
    mid = tip // 2
    roots = [tip - 3000, tip - 2000, mid]
    nodes = [node(r) for r in range(0, tip, max(1, tip // 100))]
    as_set = sorted

    def rev_list(ns):
        return sorted(map(theirs.rev, ns))

    return [
        ("open + heads() (cold)", lambda: open_ours().heads(),
         lambda: open_theirs().headrevs(), as_set),
        ("heads()", ours.heads, theirs.headrevs, as_set),
        (f"heads(start={tip - 2000})", lambda: ours.heads(tip - 2000),
         lambda: theirs.heads(node(tip - 2000)), rev_list),
        ("ancestors([tip]) all", lambda: list(ours.ancestors([tip])),
         lambda: list(theirs.ancestors([tip])), list),
        (f"ancestors([tip], stoprev={tip - 1000})",
         lambda: list(ours.ancestors([tip], tip - 1000)),
         lambda: list(theirs.ancestors([tip], tip - 1000)), list),
        (f"descendants([{mid}]) all", lambda: list(ours.descendants([mid])),
         lambda: list(theirs.descendants([mid])), list),
        (f"common_ancestor_heads({a}, {b})", lambda: ours.common_ancestor_heads(a, b),
         lambda: theirs._commonancestorsheads(a, b), as_set),
        (f"common_ancestor_heads({a}, 1)", lambda: ours.common_ancestor_heads(a, 1),
         lambda: theirs._commonancestorsheads(a, 1), as_set),
        (f"ancestor({a}, {b})", lambda: ours.ancestor(a, b),
         lambda: theirs.ancestor(node(a), node(b)), theirs.rev),
        ("is_ancestor(1, tip)", lambda: ours.is_ancestor(1, tip),
         lambda: theirs.isancestorrev(1, tip), bool),
        (f"is_ancestor({tip - 1000}, tip)", lambda: ours.is_ancestor(tip - 1000, tip),
         lambda: theirs.isancestorrev(tip - 1000, tip), bool),
        ("reachable_roots(3 roots, include_path)",
         lambda: ours.reachable_roots(min(roots), [tip], roots, True),
         lambda: theirs.reachableroots(min(roots), [tip], roots, True), as_set),
        ("shortest(node), 100 nodes", lambda: [ours.shortest(n, rev_numbers="ignore")
                                               for n in nodes],
         lambda: [theirs.shortest(n) for n in nodes], lambda v: [s.decode() for s in v]),
        (f"find_snapshots({max(tip - 20000, 0)}, tip)",
         lambda: ours.find_snapshots(max(tip - 20000, 0), tip),
         lambda: _hg_snapshots(theirs, max(tip - 20000, 0), tip), lambda v: v),
    ]


def _merged_pair(rl: Revlog, tip: int) -> tuple[int, int]:
    """The parents of the newest merge: two revisions on different lines of history."""
    for rev in range(tip, 0, -1):
        p1, p2 = rl.parents(rev)
        if p2 != -1:
            return p1, p2
    return tip, max(tip - 1, 0)


def _hg_snapshots(theirs, start: int, end: int) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    theirs.index.findsnapshots(found, start, end)
    return {base: sorted(revs) for base, revs in sorted(found.items())}


def compare(title: str, ours: Revlog, theirs, open_ours, open_theirs) -> None:
    print(f"\n{title}: {len(ours):,} revisions\n")
    print("| query | hg | ours | ours/hg time |")
    print("|---|---|---|---|")
    for name, mine, hgs, convert in queries(ours, theirs, open_ours, open_theirs):
        got, expected = mine(), convert(hgs())
        if isinstance(got, dict):
            got = dict(sorted(got.items()))
        assert got == expected, f"{name}: ours {str(got)[:200]} != hg {str(expected)[:200]}"
        t_hg, t_ours = best_time(hgs), best_time(mine)
        print(f"| {name} | {_fmt(t_hg)} | {_fmt(t_ours)} | {t_ours / t_hg:.2f}× |")


def _fmt(seconds: float) -> str:
    if seconds >= 0.1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-4:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _hg_repo(path: Path):
    from mercurial import hg
    from mercurial import ui as uimod

    ui = uimod.ui()  # no user configuration
    return hg.repository(ui, str(path).encode()).unfiltered()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=1_000_000)
    parser.add_argument("--real", default="/tmp/real/click-hg")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/graph.py --revisions {args.revisions} --real {args.real}")
    big = build_million(args.revisions)
    store_file = big / ".hg" / "store" / "data" / "big.txt.i"
    compare("filelog of benchmarks/tui.py (sparse-revlog off)",
            Revlog.open(store_file, sparse=False), _hg_repo(big).file(b"big.txt")._revlog,
            lambda: Revlog.open(store_file, sparse=False),
            lambda: _hg_repo(big).file(b"big.txt")._revlog)
    real = Path(args.real)
    if (real / ".hg").is_dir():
        compare(f"changelog of {real.name}", Store.open(real).changelog,
                _hg_repo(real).changelog, lambda: Store.open(real).changelog,
                lambda: _hg_repo(real).changelog)
        compare(f"manifest of {real.name}", Store.open(real).manifest,
                _hg_repo(real).manifestlog.getstorage(b"")._revlog,
                lambda: Store.open(real).manifest,
                lambda: _hg_repo(real).manifestlog.getstorage(b"")._revlog)


if __name__ == "__main__":
    main()
