"""Write speed and store size: our ``Repo.commit`` against Mercurial's memctx, in one process.

The same commit streams go through both, each into a fresh repository of
Mercurial's default format, one transaction per stream:

  * a real history: successive PyPI releases of a project (benchmarks/history.py),
    one changeset per release;
  * the synthetic history of the write-path tests (tests/histories.py): a
    1000-revision chain, a file split past 128 KiB, copies, renames, merges.

Rounds alternate between the two writers and the best round of each counts.
The changeset nodes must be identical; the store size compares revlog files.

    python benchmarks/write.py [--rounds 3] [--history hypothesis:600]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import history  # noqa: E402
from benchmarks.read import machine  # noqa: E402
from explorer.engine.repo.repo import Repo  # noqa: E402


@dataclass
class Commit:
    p1: int
    p2: int
    files: dict[str, tuple[bytes, str] | None]  # changed paths: (data, flags) or removed
    user: str
    date: tuple[int, int]
    message: str
    branch: str = "default"
    copies: dict[str, str] = field(default_factory=dict)
    close: bool = False


def release_commits(package: str, count: int) -> list[Commit]:
    commits, previous = [], {}
    for version, when, tree in history.release_trees(package, count):
        files = {p.decode(): tree.get(p) for p in sorted(tree.keys() | previous.keys())
                 if tree.get(p) != previous.get(p)}
        if files:
            commits.append(Commit(len(commits) - 1, -1,
                                  {p: None if d is None else (d, "") for p, d in files.items()},
                                  "release <release@example.org>", (when, 0),
                                  f"{package} {version}"))
        previous = tree
    return commits


def synthetic_commits() -> list[Commit]:
    from tests.histories import long_history

    def s(b: bytes) -> str:
        return b.decode("utf-8", "surrogateescape")

    out = []
    for c in long_history().commits:
        out.append(Commit(-1 if c.p1 is None else c.p1, -1 if c.p2 is None else c.p2,
                          {s(p): v for p, v in c.files.items()}, c.user, (c.date, 0), c.message,
                          c.branch, {s(k): s(v) for k, v in c.copies.items()},
                          c.extra.get("close") == "1"))
    return out


def hg_write(commits: list[Commit], path: Path) -> tuple[list[bytes], float]:
    from mercurial import context, hg
    from mercurial import ui as uimod
    from mercurial.node import nullid

    repo = hg.repository(uimod.ui.load(), str(path).encode(), create=True)
    nodes: list[bytes] = []
    start = time.perf_counter()
    with repo.wlock(), repo.lock(), repo.transaction(b"bench"):
        for c in commits:
            def filectx(repo, memctx, name, c=c):
                entry = c.files[name.decode("utf-8", "surrogateescape")]
                if entry is None:
                    return None
                data, flags = entry
                source = c.copies.get(name.decode("utf-8", "surrogateescape"))
                return context.memfilectx(repo, memctx, name, data, islink="l" in flags,
                                          isexec="x" in flags,
                                          copysource=source.encode() if source else None)

            parents = tuple(nodes[p] if p >= 0 else nullid for p in (c.p1, c.p2))
            extra = {b"branch": c.branch.encode()}
            if c.close:
                extra[b"close"] = b"1"
            ctx = context.memctx(repo, parents, c.message.encode(),
                                 sorted(p.encode("utf-8", "surrogateescape") for p in c.files),
                                 filectx, user=c.user.encode(), date=c.date, extra=extra)
            nodes.append(ctx.commit())
    return nodes, time.perf_counter() - start


def our_write(commits: list[Commit], path: Path) -> tuple[list[bytes], float]:
    repo = Repo.init(path)
    nodes = []
    start = time.perf_counter()
    with repo, repo.transaction("bench"):
        for c in commits:
            files = {p: None if v is None else v[0] for p, v in c.files.items()}
            flags = {p: v[1] for p, v in c.files.items() if v is not None}
            nodes.append(repo.commit(files, c.message, c.user, c.date, parents=(c.p1, c.p2),
                                     copies=c.copies, flags=flags, branch=c.branch,
                                     close_branch=c.close))
    return nodes, time.perf_counter() - start


def store_size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path / ".hg" / "store").rglob("*")
               if p.suffix in (".i", ".d") and "undo" not in p.name)


def measure(label: str, commits: list[Commit], rounds: int) -> str:
    best = {"hg": float("inf"), "ours": float("inf")}
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="bench-write-") as tmp:
        for i in range(rounds):
            for name, write in (("hg", hg_write), ("ours", our_write)):
                path = Path(tmp) / f"{name}{i}"
                nodes, seconds = write(commits, path)
                best[name] = min(best[name], seconds)
                sizes[name] = store_size(path)
                if name == "hg":
                    hg_nodes = nodes
                else:
                    assert nodes == hg_nodes, f"{label}: changeset nodes differ"
                shutil.rmtree(path)
    n = len(commits)
    return (f"| {label} | {n} | {n / best['hg']:,.0f} | {n / best['ours']:,.0f} "
            f"| **{best['hg'] / best['ours']:.2f}×** | {sizes['hg']:,} | {sizes['ours']:,} "
            f"| **{sizes['ours'] / sizes['hg']:.4f}×** |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--history", default="hypothesis:600", help="PACKAGE:RELEASES")
    args = parser.parse_args()
    package, count = args.history.split(":")
    streams = [(f"{package}, {count} releases", release_commits(package, int(count))),
               ("synthetic (tests/histories.py)", synthetic_commits())]
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/write.py --rounds {args.rounds} --history {args.history}\n")
    print("| history | commits | hg commits/s | ours commits/s | ours/hg | hg store bytes "
          "| ours store bytes | size ours/hg |")
    print("|---|---|---|---|---|---|---|---|")
    for label, commits in streams:
        print(measure(label, commits, args.rounds), flush=True)


if __name__ == "__main__":
    main()
