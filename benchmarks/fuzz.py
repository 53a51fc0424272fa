"""Long fuzz run: verify (and diff-store) on mutated real revlogs and stores.

Sources are repositories written by real hg in several formats (built once by
tests/hgrepos.py into the benchmark cache). Each input damages one file of
one store in place -- a flipped bit, bytes overwritten, a run of zeros, a
cut, an extension, a block copied from elsewhere, an interesting integer
written into an index field -- then either verifies the one revlog owning
that file (``verify_revlog``) or, one input in ``--store-every``, the whole
store (``verify_store``, and ``compare_stores`` against the intact copy),
and puts the file back.

Counted per input:
  escape   an exception that is not a RevlogError left the engine (a bug)
  raised   verify let a RevlogError out (verify must report, not raise)
  hang     no answer within --timeout seconds
The run prints its totals and a markdown line for benchmarks/RESULTS.md.

    python benchmarks/fuzz.py [--inputs 1000000] [--jobs 2] [--seed 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import history  # noqa: E402
from explorer.engine import RevlogError, Store  # noqa: E402
from explorer.engine.damage.compare import compare_stores  # noqa: E402
from explorer.engine.verify import verify_revlog, verify_store  # noqa: E402

SPECS = ["zstd", "zlib", "none", "split-inline", "no-generaldelta", "gd-no-sparse",
         "revlogv2", "changelogv2", "persistent-nodemap", "treemanifest", "delta-info",
         "censored", "store-no-fncache", "v0"]
INTERESTING = [-(2**31), -2, -1, 0, 1, 2, 3, 63, 64, 65, 255, 2**16, 2**31 - 1]
KINDS = ["flip", "bytes", "zeros", "truncate", "extend", "copy", "int", "field"]
REPORT_EVERY = 10_000


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so no engine handler can swallow it."""


def build_sources(root: Path) -> dict[str, Path]:
    """The hg-written source repositories, built once into ``root``."""
    from tests import hgrepos

    root.mkdir(parents=True, exist_ok=True)
    sources = {}
    for spec in SPECS:
        path = root / spec
        if not (root / f".{spec}.complete").exists():
            shutil.rmtree(path, ignore_errors=True)
            hgrepos.build(spec, root)
            (root / f".{spec}.complete").write_text("ok\n")
        sources[spec] = path
    return sources


class Subject:
    """A private copy of one store, its files and which revlog owns each."""

    def __init__(self, source: Path, workdir: Path) -> None:
        self.source = source
        self.repo = workdir / source.name
        shutil.copytree(source, self.repo, symlinks=True)
        with Store.open(self.repo) as store:
            self.store_dir = Path(store.store_dir)
            self.owners = _owners(store)
        self.files = sorted(p for p in self.store_dir.rglob("*")
                            if p.is_file() and "cache" not in p.relative_to(self.repo).parts)
        self.original = {p: p.read_bytes() for p in self.files}

    def restore(self, path: Path) -> None:
        path.write_bytes(self.original[path])


def _owners(store: Store) -> dict[Path, tuple[str, str]]:
    """File -> (kind, store path) of the revlog it belongs to."""
    owners = {}
    for kind, path in store.revlog_paths([]):
        radix = path[:-2]
        with store.open_revlog(path, kind) as rl:
            files = {rl.index_path, rl.data_path, rl.index_file}
        for suffix in (".n",):
            files.add(store.fs_path(radix + suffix))
        for file in files:
            owners[Path(file)] = (kind, path)
    return owners


def mutate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    kind = rng.choice(KINDS)
    buf = bytearray(data)
    size = len(buf)
    pos = rng.randrange(size) if size else 0
    if kind == "flip" and size:
        buf[pos] ^= 1 << rng.randrange(8)
    elif kind == "bytes":
        buf[pos : pos + 4] = rng.randbytes(rng.randint(1, 8))
    elif kind == "zeros":
        n = rng.choice([1, 4, 16, 64, 512, 4096])
        buf[pos : pos + n] = bytes(len(buf[pos : pos + n]))
    elif kind == "truncate":
        del buf[pos:]
    elif kind == "extend":
        buf += rng.randbytes(rng.choice([1, 20, 64, 200]))
    elif kind == "copy" and size:
        src, n = rng.randrange(size), rng.choice([4, 20, 64, 128])
        block = bytes(buf[src : src + n])
        buf[pos : pos + len(block)] = block
    elif kind == "int":
        pos -= pos % 4
        buf[pos : pos + 4] = struct.pack(">i", rng.choice(INTERESTING))
    elif kind == "field":  # an index field of a 64-byte entry
        pos -= pos % 64
        pos += rng.choice([8, 12, 16, 20, 24, 28])
        buf[pos : pos + 4] = struct.pack(">i", rng.choice(INTERESTING + [pos // 64 + 1]))
    return bytes(buf), f"{kind}@{pos}"


def check_revlog(subject: Subject, path: Path) -> None:
    owner = subject.owners.get(path)
    if owner is None:
        return
    kind, store_path = owner
    with Store.open(subject.repo) as store:
        try:
            rl = store.open_revlog(store_path, kind)
        except RevlogError:
            return  # refused at open with a clear error: allowed
        with rl:
            verify_revlog(rl, store_path)


def check_store(subject: Subject) -> None:
    try:
        damaged = Store.open(subject.repo)
    except RevlogError:
        return
    with damaged, Store.open(subject.source) as good:
        verify_store(damaged)
        compare_stores(good, damaged)


def run_one(rng: random.Random, subjects: list[Subject], whole_store: bool, timeout: float,
            stats: Counter, examples: list) -> None:
    subject = rng.choice(subjects)
    path = rng.choice(subject.files)
    data, what = mutate(rng, subject.original[path])
    path.write_bytes(data)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        check_store(subject) if whole_store else check_revlog(subject, path)
        stats["ok"] += 1
    except Timeout:
        stats["hang"] += 1
        examples.append(("hang", subject.source.name, str(path.relative_to(subject.repo)), what))
    except RevlogError:
        stats["raised"] += 1
        examples.append(("raised", subject.source.name, str(path.relative_to(subject.repo)),
                         what, traceback.format_exc()))
    except Exception:
        stats["escape"] += 1
        examples.append(("escape", subject.source.name, str(path.relative_to(subject.repo)),
                         what, traceback.format_exc()))
        print(*examples[-1], sep="\n  ", file=sys.stderr, flush=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        subject.restore(path)


def worker(args: tuple) -> tuple[Counter, list, float]:
    sources, count, seed, store_every, timeout = args

    def expire(signum, frame):
        raise Timeout()

    signal.signal(signal.SIGALRM, expire)
    rng = random.Random(seed)
    stats: Counter = Counter()
    examples: list = []
    workdir = Path(tempfile.mkdtemp(prefix="fuzz-", dir="/dev/shm" if os.path.isdir(
        "/dev/shm") else None))
    start = time.perf_counter()
    try:
        subjects = [Subject(Path(s), workdir) for s in sources]
        for i in range(count):
            run_one(rng, subjects, i % store_every == 0, timeout, stats, examples)
            del examples[50:]
            if (i + 1) % REPORT_EVERY == 0:  # a long run shows how far it got, even if cut
                print(f"seed {seed}: {i + 1} inputs, {dict(stats)}, "
                      f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return stats, examples, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store-every", type=int, default=10,
                        help="one input in N verifies the whole store (default 10)")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args(argv)
    sources = build_sources(history.cache_dir() / "fuzz-repos")
    per_job = -(-args.inputs // args.jobs)
    jobs = [([str(p) for p in sources.values()], per_job, args.seed * 1000 + j,
             args.store_every, args.timeout) for j in range(args.jobs)]
    start = time.perf_counter()
    with multiprocessing.Pool(args.jobs) as pool:
        results = pool.map(worker, jobs)
    elapsed = time.perf_counter() - start
    stats: Counter = Counter()
    for partial, examples, _ in results:
        stats.update(partial)
        for example in examples[:5]:
            print(*example, sep="\n  ", file=sys.stderr)
    total = sum(stats.values())
    print(f"inputs {total}  ok {stats['ok']}  escapes {stats['escape']}  verify raised "
          f"{stats['raised']}  hangs {stats['hang']}  in {elapsed:.0f} s "
          f"({total / elapsed:.0f}/s, {args.jobs} jobs, seed {args.seed})")
    print(f"| fuzz | {total:,} inputs ({len(SPECS)} hg-written stores, 1 in "
          f"{args.store_every} whole-store verify + diff-store) | {stats['escape']} escapes, "
          f"{stats['raised']} raised, {stats['hang']} hangs | {elapsed / 60:.0f} min, "
          f"{args.jobs} jobs |")
    return 1 if stats["escape"] or stats["raised"] or stats["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
