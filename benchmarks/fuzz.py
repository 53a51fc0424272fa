"""Long fuzz run: verify (and diff-store) on mutated real revlogs and stores.

Sources are repositories written by real hg in several formats (built once by
tests/hgrepos.py into the benchmark cache). Each input damages one file of
one store in place -- a flipped bit, bytes overwritten, a run of zeros, a
cut, an extension, a block copied from elsewhere, an interesting 32- or
64-bit integer written into an index or docket field -- or puts something
else in its place: a FIFO, a symlink to /dev/zero, a symlink to an intact
copy outside the store, a directory, a sparse file declaring up to 1 TiB.
Then it either verifies the one revlog owning that file (``verify_revlog``)
or, one input in ``--store-every``, the whole store (``verify_store``, and
``compare_stores`` against the intact copy), and puts the file back.

Counted per input:
  escape   an exception that is not a RevlogError left the engine (a bug)
  raised   verify let a RevlogError out (verify must report, not raise)
  hang     no answer within --timeout seconds
  over     the input's peak memory passed 4 times the largest size it declares
           (plus --allowance MiB for the interpreter's own working set)

Memory is measured per input: the kernel's peak-RSS mark is reset before it
(``/proc/self/clear_refs``) and read after it (``VmHWM``), less the RSS before.
The largest declared size is the largest text size or chunk length in the
entries of the revlog read (after the damage) or of any revlog of the intact
store, or the size of any file of the intact store; a sparse file's size
does not count (it declares bytes it does not hold). Each worker's address
space is capped at --memory-cap MiB, so a runaway input ends as an escape
(MemoryError) instead of exhausting the machine.

The run prints its totals and markdown lines for benchmarks/RESULTS.md.

    python benchmarks/fuzz.py [--inputs 1000000] [--jobs 2] [--seed 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
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
INTERESTING_64 = [-1, 2**31, 2**32 - 1, 2**40, 2**63 - 1]
KINDS = ["flip", "bytes", "zeros", "truncate", "extend", "copy", "int", "field", "int64"]
# What stands where the file was; "sparse" keeps its bytes and adds a hole.
SPECIAL = ["fifo", "dev-zero", "outside", "directory", "sparse"]
SPECIAL_EVERY = 10  # one input in 10 is special
SPARSE_SIZES = [2**31 * 64, 2**37, 2**40]
REPORT_EVERY = 10_000
MiB = 1 << 20


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
    """A private copy of one store, its files, which revlog owns each, and the largest
    size the intact store declares."""

    def __init__(self, source: Path, workdir: Path) -> None:
        self.source = source
        self.repo = workdir / source.name
        self.outside = workdir / f"{source.name}-outside"
        self.outside.mkdir()
        shutil.copytree(source, self.repo, symlinks=True)
        with Store.open(self.repo) as store:
            self.store_dir = Path(store.store_dir)
            self.owners = _owners(store)
            declared = [_declared(rl) for _, _, rl in store.revlogs()]
        self.files = sorted(p for p in self.store_dir.rglob("*")
                            if p.is_file() and "cache" not in p.relative_to(self.repo).parts)
        self.original = {p: p.read_bytes() for p in self.files}
        self.declared = max(declared + [len(data) for data in self.original.values()])

    def damage(self, rng: random.Random, path: Path, special: bool) -> str:
        """Damage ``path`` (bytes, or something else in its place); return what was done."""
        if not special:
            data, what = mutate(rng, self.original[path])
            path.write_bytes(data)
            return what
        kind = rng.choice(SPECIAL)
        path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "dev-zero":
            path.symlink_to("/dev/zero")
        elif kind == "outside":
            copy = self.outside / path.name
            copy.write_bytes(self.original[path])
            path.symlink_to(copy)
        elif kind == "directory":
            path.mkdir()
        else:
            size = rng.choice(SPARSE_SIZES)
            path.write_bytes(self.original[path])
            os.truncate(path, size)
            return f"sparse to {size}"
        return kind

    def restore(self, path: Path) -> None:
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        elif path.is_symlink() or not path.is_file():
            path.unlink()
        path.write_bytes(self.original[path])


def _declared(rl) -> int:
    """The largest text size or chunk length the entries of ``rl`` declare (0: none, or
    the index cannot be read)."""
    largest = 0
    try:
        for rev in range(len(rl)):
            e = rl.entry(rev)
            largest = max(largest, e.compressed_length, e.uncompressed_length or 0)
    except RevlogError:
        pass
    return largest


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
    elif kind == "int64":  # an offset, a docket's end, a nodemap length
        pos -= pos % 8
        buf[pos : pos + 8] = struct.pack(">q", rng.choice(INTERESTING_64))
    return bytes(buf), f"{kind}@{pos}"


def declared_after(subject: Subject, path: Path) -> int:
    """The largest size the damaged input declares: the intact store's, or more where the
    damage wrote a bigger size into the entries of the revlog owning ``path``."""
    owner = subject.owners.get(path)
    if owner is None:
        return subject.declared
    try:
        with Store.open(subject.repo) as store, store.open_revlog(owner[1], owner[0]) as rl:
            return max(subject.declared, _declared(rl))
    except RevlogError:
        return subject.declared


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


class PeakMemory:
    """Peak RSS of the process over one input, from the kernel's high-water mark."""

    def __init__(self) -> None:
        try:
            self._reset()
            self.available = True
        except OSError:
            self.available = False

    @staticmethod
    def _reset() -> None:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS

    @staticmethod
    def _status(name: str) -> int:
        with open("/proc/self/status") as f:
            line = next(line for line in f if line.startswith(name + ":"))
        return int(line.split()[1]) * 1024

    def start(self) -> int:
        """Reset the mark; return the RSS now."""
        if self.available:
            self._reset()
        return self._status("VmRSS")

    def peak(self) -> int:
        return self._status("VmHWM")


@dataclass
class Memory:
    """What one worker learned of memory: the worst input, relative to its declared size."""

    allowance: int
    inputs: int = 0
    over: list = field(default_factory=list)  # (growth, declared, input) past the bound
    largest: tuple = (0, 0, "")  # (growth, declared, input) with the largest growth
    worst_ratio: tuple = (0.0, 0, 0, "")  # (growth / declared, growth, declared, input)

    def record(self, growth: int, declared: int, what: str) -> bool:
        """Note one input's peak growth; False when it passed the bound."""
        self.inputs += 1
        if growth > self.largest[0]:
            self.largest = (growth, declared, what)
        ratio = growth / max(declared, 1)
        if ratio > self.worst_ratio[0]:
            self.worst_ratio = (ratio, growth, declared, what)
        if growth <= 4 * declared + self.allowance:
            return True
        self.over.append((growth, declared, what))
        del self.over[20:]
        return False


def run_one(rng: random.Random, subjects: list[Subject], whole_store: bool, timeout: float,
            stats: Counter, examples: list, meter: PeakMemory, memory: Memory) -> None:
    subject = rng.choice(subjects)
    path = rng.choice(subject.files)
    what = subject.damage(rng, path, rng.randrange(SPECIAL_EVERY) == 0)
    what = f"{subject.source.name} {path.relative_to(subject.repo)} {what}" + (
        " (whole store)" if whole_store else "")
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        declared = declared_after(subject, path) if path.is_file() else subject.declared
        before = meter.start()
        check_store(subject) if whole_store else check_revlog(subject, path)
        signal.setitimer(signal.ITIMER_REAL, 0)
        if not memory.record(max(0, meter.peak() - before), declared, what):
            stats["over"] += 1
        stats["ok"] += 1
    except Timeout:
        stats["hang"] += 1
        examples.append(("hang", what))
    except RevlogError:
        stats["raised"] += 1
        examples.append(("raised", what, traceback.format_exc()))
    except Exception:
        stats["escape"] += 1
        examples.append(("escape", what, traceback.format_exc()))
        print(*examples[-1], sep="\n  ", file=sys.stderr, flush=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        subject.restore(path)


def worker(args: tuple) -> tuple[Counter, list, float, Memory, int]:
    sources, count, seed, store_every, timeout, allowance, cap = args

    def expire(signum, frame):
        raise Timeout()

    signal.signal(signal.SIGALRM, expire)
    resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))
    rng = random.Random(seed)
    stats: Counter = Counter()
    examples: list = []
    meter, memory = PeakMemory(), Memory(allowance)
    workdir = Path(tempfile.mkdtemp(prefix="fuzz-", dir="/dev/shm" if os.path.isdir(
        "/dev/shm") else None))
    start = time.perf_counter()
    try:
        subjects = [Subject(Path(s), workdir) for s in sources]
        for i in range(count):
            run_one(rng, subjects, i % store_every == 0, timeout, stats, examples, meter,
                    memory)
            del examples[50:]
            if (i + 1) % REPORT_EVERY == 0:  # a long run shows how far it got, even if cut
                print(f"seed {seed}: {i + 1} inputs, {dict(stats)}, "
                      f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return stats, examples, time.perf_counter() - start, memory, maxrss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store-every", type=int, default=10,
                        help="one input in N verifies the whole store (default 10)")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--allowance", type=int, default=32,
                        help="MiB an input may use beyond 4x its largest declared size "
                             "(the interpreter's working set; default 32)")
    parser.add_argument("--memory-cap", type=int, default=4096,
                        help="address space of each worker, MiB (default 4096)")
    args = parser.parse_args(argv)
    sources = build_sources(history.cache_dir() / "fuzz-repos")
    per_job = -(-args.inputs // args.jobs)
    jobs = [([str(p) for p in sources.values()], per_job, args.seed * 1000 + j,
             args.store_every, args.timeout, args.allowance * MiB, args.memory_cap * MiB)
            for j in range(args.jobs)]
    start = time.perf_counter()
    with multiprocessing.Pool(args.jobs) as pool:
        results = pool.map(worker, jobs)
    elapsed = time.perf_counter() - start
    stats: Counter = Counter()
    memories, maxrss = [], 0
    for partial, examples, _, memory, rss in results:
        stats.update(partial)
        memories.append(memory)
        maxrss = max(maxrss, rss)
        for example in examples[:5]:
            print(*example, sep="\n  ", file=sys.stderr)
    total = stats["ok"] + stats["escape"] + stats["raised"] + stats["hang"]
    print(f"inputs {total}  ok {stats['ok']}  escapes {stats['escape']}  verify raised "
          f"{stats['raised']}  hangs {stats['hang']}  over the memory bound {stats['over']}  "
          f"in {elapsed:.0f} s ({total / elapsed:.0f}/s, {args.jobs} jobs, seed {args.seed})")
    report_memory(memories, maxrss, args.allowance)
    print(f"| fuzz | {total:,} inputs ({len(SPECS)} hg-written stores, 1 in "
          f"{args.store_every} whole-store verify + diff-store, 1 in {SPECIAL_EVERY} a "
          f"special or sparse file) | {stats['escape']} escapes, {stats['raised']} raised, "
          f"{stats['hang']} hangs, {stats['over']} over 4x declared + {args.allowance} MiB | "
          f"{elapsed / 60:.0f} min, {args.jobs} jobs |")
    return 1 if stats["escape"] or stats["raised"] or stats["hang"] or stats["over"] else 0


def report_memory(memories: list[Memory], maxrss: int, allowance: int) -> None:
    """The per-input peak-memory findings of all workers."""
    largest = max((m.largest for m in memories), default=(0, 0, ""))
    ratio = max((m.worst_ratio for m in memories), default=(0.0, 0, 0, ""))
    measured = sum(m.inputs for m in memories)
    print(f"memory: {measured} inputs measured (answered in time); largest peak growth "
          f"{largest[0] / MiB:.1f} MiB ({largest[1]:,} bytes declared: {largest[2]}); "
          f"highest growth/declared {ratio[0]:.1f}x ({ratio[1] / MiB:.1f} MiB for "
          f"{ratio[2]:,} bytes: {ratio[3]}); worker peak RSS {maxrss / MiB:.0f} MiB")
    for memory in memories:
        for growth, declared, what in memory.over[:5]:
            print(f"  over 4x declared + {allowance} MiB: {growth / MiB:.1f} MiB for "
                  f"{declared:,} declared: {what}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
