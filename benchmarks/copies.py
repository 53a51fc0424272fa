"""Copies and light-weight copies on a real history: what the copies cost, what they
would cost as deltas against their sources, and the conversion both ways.

On a copy of ``--real`` (default /tmp/real/click-hg; the original is only read):
the copy report (its list checked against ``hg log -T '{file_copies}'``), the store's
size, ``convert_copies`` to light-weight copies (hg must refuse the store, our verify
find it clean), then back (hg verify must pass), every filelog revision's text compared
with the original store's. Prints the figures for benchmarks/RESULTS.md.

    python benchmarks/copies.py [--real /tmp/real/click-hg]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.read import machine  # noqa: E402
from explorer.engine import Repo, Store  # noqa: E402
from explorer.engine.repo import lightcopies  # noqa: E402
from explorer.reports.copies import Totals, copy_costs  # noqa: E402

COPY = Path("/tmp/revlog-explorer-bench-copies")


def hg(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "HGRCPATH": os.devnull, "HGPLAIN": "1"}
    return subprocess.run([shutil.which("hg") or "hg", *args], cwd=repo, env=env, check=check,
                          capture_output=True, text=True)


def hg_copies(repo: Path) -> tuple[list[tuple[str, str, str]], set[tuple[str, str, str, str]]]:
    """The copies ``hg log`` lists per changeset, and the distinct filelog revisions they
    are: (copy, source, source node, copy's node) from ``hg debugrename`` and the
    changeset's manifest. hg lists a copy again in each changeset whose manifest takes
    the same filelog revision (a conversion's merges do): the store holds it once."""
    out = hg(repo, "log", "-T", '{file_copies % "{rev}\\t{name}\\t{source}\\n"}').stdout
    pairs = [tuple(line.split("\t")) for line in out.splitlines()]
    revisions = set()
    for rev, name, source in pairs:
        renamed = hg(repo, "debugrename", "-r", rev, name).stdout.strip()
        manifest = hg(repo, "manifest", "--debug", "-r", rev).stdout.splitlines()
        # "<40 hex> <mode> <flag> <name>": the name starts at column 47
        node = next(line[:40] for line in manifest if line[47:] == name)
        revisions.add((name, source, renamed.rsplit(":", 1)[1], node))
    return pairs, revisions


def store_bytes(repo: Path) -> int:
    """Bytes of the store's revlog files (.i and .d)."""
    return sum(p.stat().st_size for p in (repo / ".hg" / "store").rglob("*")
               if p.suffix in (".i", ".d") and "undo" not in p.name)


def texts(repo: Path) -> dict[str, list[bytes]]:
    with Store.open(repo) as store:
        out = {}
        for name in lightcopies.filelog_paths(store):
            with store.filelog(name) as rl:
                out[name] = [rl.revision(r) for r in range(len(rl))]
        return out


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=Path("/tmp/real/click-hg"))
    args = parser.parse_args()
    shutil.rmtree(COPY, ignore_errors=True)
    shutil.copytree(args.real, COPY, symlinks=True)
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/copies.py --real {args.real}")

    with Store.open(COPY) as store:
        costs, seconds = timed(lambda: list(copy_costs(store)))
    theirs = hg_copies(COPY)
    ours = {(c.path, c.source, c.source_node, c.node) for c in costs}
    print(f"copy report: {len(costs)} copies (filelog revisions) in {seconds:.2f} s; hg lists "
          f"{len(theirs[0])} (changeset, copy) pairs, {len(theirs[1])} distinct filelog "
          f"revisions; the same revisions, sources and source nodes: {ours == theirs[1]}")
    totals = Totals()
    for c in costs:
        totals.add(c)
    print(f"copies: {totals.text} bytes of text, {totals.stored} stored, "
          f"{totals.as_lightweight} as light-weight copies, {totals.smaller} each the smaller")
    biggest = sorted(costs, key=lambda c: c.saving, reverse=True)[:5]
    for c in biggest:
        print(f"  {c.path} <- {c.source}: {c.text_size} text, {c.stored} stored, "
              f"{c.as_lightweight} light-weight")

    original = texts(args.real)
    before = store_bytes(COPY)
    done, seconds = timed(lambda: Repo.open(COPY).convert_copies(True))
    after = store_bytes(COPY)
    print(f"to light-weight: {len(done.revisions)} copies rewritten in {seconds:.2f} s; their "
          f"chunks {done.bytes_before} -> {done.bytes_after} bytes; revlog files "
          f"{before} -> {after} bytes ({100 * (before - after) / before:.2f}% smaller)")
    refused = hg(COPY, "log", "-l", "1", check=False)
    print(f"hg log on it: exit {refused.returncode}: {refused.stderr.splitlines()[0]}")
    with Store.open(COPY) as store:
        problems, seconds = timed(store.verify)
    print(f"our verify: {len(problems)} problems in {seconds:.2f} s")
    print(f"every revision as the original's: {texts(COPY) == original}")
    back, seconds = timed(lambda: Repo.open(COPY).convert_copies(False))
    verified = hg(COPY, "verify", check=False)
    print(f"to standard: {len(back.revisions)} copies in {seconds:.2f} s; revlog files "
          f"{store_bytes(COPY)} bytes; hg verify exit {verified.returncode}; every revision "
          f"as the original's: {texts(COPY) == original}")


if __name__ == "__main__":
    main()
