"""Deep sparse-revlog filelogs: the cost of one more revision as snapshots pile up.

One small file edited at every revision (benchmarks/tui.py's ``file_text`` and
``parents``) is added revision by revision to one filelog of a default
(sparse-revlog) store, by Mercurial's ``filelog.add`` and by our
``Revlog.add_revision``, each in one transaction. Every few hundred revisions
the chain limits force a new snapshot, and each search filters every full
snapshot made since the parents' chain base: the time per revision grows with
the revlog in both implementations. The table gives it per stretch of
revisions, and the files written must be byte-identical.

    python benchmarks/snapshots.py [--revisions 30000] [--every 5000] [--ours-only]

``--ours-only`` skips Mercurial, for lengths it takes too long to write.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.read import machine  # noqa: E402
from benchmarks.tui import file_text, parents  # noqa: E402
from explorer.engine.repo.repo import Repo  # noqa: E402

FILELOG = ("data/big.txt.i", "data/big.txt.d")


def hg_add(path: Path, count: int, every: int) -> list[float]:
    from mercurial import hg
    from mercurial import ui as uimod
    from mercurial.node import nullid

    repo = hg.repository(uimod.ui.load(), str(path).encode(), create=True)
    nodes: list[bytes] = []
    with repo.lock(), repo.transaction(b"bench") as tr:
        fl = repo.file(b"big.txt", writable=True)

        def add(rev: int) -> None:
            p1, p2 = parents(rev)
            nodes.append(fl.add(file_text(rev), {}, tr, rev,
                                nodes[p1] if p1 >= 0 else nullid,
                                nodes[p2] if p2 >= 0 else nullid))

        return _timed(add, count, every)


def our_add(path: Path, count: int, every: int) -> list[float]:
    with Repo.init(path) as repo:
        rl = repo.revlog("data/big.txt.i")
        with repo.transaction("bench") as tr:
            def add(rev: int) -> None:
                p1, p2 = parents(rev)
                rl.add_revision(file_text(rev), p1, p2, rev, tr)

            return _timed(add, count, every)


def _timed(add, count: int, every: int) -> list[float]:
    """Milliseconds per revision over each stretch of ``every`` revisions."""
    stretches, start = [], time.perf_counter()
    for rev in range(count):
        add(rev)
        if (rev + 1) % every == 0:
            now = time.perf_counter()
            stretches.append((now - start) / every * 1e3)
            start = now
    return stretches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=30_000)
    parser.add_argument("--every", type=int, default=5_000)
    parser.add_argument("--ours-only", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/snapshots.py --revisions {args.revisions} "
          f"--every {args.every}{' --ours-only' if args.ours_only else ''}\n")
    with tempfile.TemporaryDirectory(prefix="bench-snapshots-") as tmp:
        our_ms = our_add(Path(tmp) / "ours", args.revisions, args.every)
        if args.ours_only:
            _print_ours(our_ms, args.every)
            return
        hg_ms = hg_add(Path(tmp) / "hg", args.revisions, args.every)
        store = Path(tmp, "hg", ".hg", "store")
        for name in FILELOG:
            theirs, ours = store / name, Path(tmp, "ours", ".hg", "store", name)
            assert theirs.read_bytes() == ours.read_bytes(), f"{name} differs from hg's"
        sizes = [(store / name).stat().st_size for name in FILELOG]
    print(f"files byte-identical to hg's: {FILELOG[0]} {sizes[0]:,} bytes, "
          f"{FILELOG[1]} {sizes[1]:,} bytes\n")
    print("| revisions | hg ms/rev | ours ms/rev | ours/hg time |")
    print("|---|---|---|---|")
    for i, (h, o) in enumerate(zip(hg_ms, our_ms)):
        first = i * args.every
        print(f"| {first:,}-{first + args.every:,} | {h:.2f} | {o:.2f} | {o / h:.2f}× |")


def _print_ours(our_ms: list[float], every: int) -> None:
    print("| revisions | ours ms/rev |")
    print("|---|---|")
    for i, ms in enumerate(our_ms):
        print(f"| {i * every:,}-{(i + 1) * every:,} | {ms:.2f} |")


if __name__ == "__main__":
    main()
