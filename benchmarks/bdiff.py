"""Delta creation: our bdiff (compiled and pure kernels) against Mercurial's C bdiff and pure
bdiff, one process.

Every implementation diffs the same pairs of texts; the table gives the total
delta size (raw, and zstd-compressed per delta as a store keeps it), the best
total time of ``--rounds`` rounds (rounds alternate between implementations,
so load from other processes hurts all alike), and our slowest single pair,
the wait one commit of that kind may see. Our deltas are checked to apply,
with our mpatch and with Mercurial's.

Corpora (real histories come from benchmarks/history.py, the rest is made
from them or from fixed seeds, so every run sees the same bytes):
  * every file revision against its parent, in a Python project's release
    history and in the C sources of a C project's history (braces, blank lines);
  * the manifest revisions of the Python project; a synthetic 20,000-file
    manifest with a few lines changed, added and removed per revision;
  * appends to a growing log, edits among the first lines, moved blocks,
    CRLF text, generated files made mostly of duplicate lines, and binaries
    (Mercurial's own C extensions) with byte-level edits;
  * pathological single pairs (reversed or shuffled lines, no unique lines,
    thousands of equal lines), where hg's pure bdiff is too slow to run;
  * with ``--real PATH`` (an hg conversion of a git repository, see read.py), its file
    histories and manifests; ``--only-real`` measures only those.

"ours" is the kernel the module policy chose (compiled when built); "ours pure" the
pure-Python one, which gives the same deltas. "hgdiff" is our Mercurial-compatible
diff (``format.hgdiff.textdiff``, the kernel the policy chose), checked to give
hg's bytes on every pair; "hgdiff pure" its pure-Python kernel.

    python benchmarks/bdiff.py [--rounds 3] [--history hypothesis:600] [--c-history cffi:100]
                               [--real PATH ...] [--only-real]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import zstandard

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import history  # noqa: E402
from benchmarks.read import machine  # noqa: E402
from explorer.engine import Store  # noqa: E402
from explorer.engine.format import bdiff, hgdiff, mpatch  # noqa: E402
from explorer.engine.format.pure import bdiff as pure_ours  # noqa: E402
from explorer.engine.format.pure import hgdiff as pure_hgdiff  # noqa: E402

Pair = tuple[bytes, bytes]
Diff = Callable[[bytes, bytes], bytes]


def parent_pairs(repo_path: Path, kind: str, suffixes: tuple[str, ...] = ("",)) -> list[Pair]:
    """(parent text, text) for every revision with a parent, in the matching revlogs."""
    pairs = []
    with Store.open(repo_path) as store:
        for found, path, rl in store.revlogs():
            if found != kind or not path.removesuffix(".i").endswith(suffixes):
                continue
            texts = [rl.revision(rev) for rev in range(len(rl))]
            pairs += [(texts[e.p1], texts[rev]) for rev in range(len(rl))
                      if (e := rl.entry(rev)).p1 >= 0]
    return pairs


def synthetic_manifest(rng: random.Random, files: int = 20_000, revisions: int = 100) -> list[Pair]:
    """Sorted ``path\\0hex flags\\n`` lines; each revision changes, adds and removes a few."""
    def line(path: bytes) -> bytes:
        return b"%s\0%040x%s\n" % (path, rng.getrandbits(160), rng.choice([b"", b"", b"x"]))

    def path() -> bytes:
        depth = rng.randint(1, 4)
        return b"/".join(b"d%d" % rng.randrange(30) for _ in range(depth)) + b"/f%d.py" % (
            rng.randrange(10**6))

    manifest = {p: line(p) for p in (path() for _ in range(files))}
    pairs = []
    for _ in range(revisions):
        before = b"".join(manifest[p] for p in sorted(manifest))
        keys = list(manifest)
        for p in rng.sample(keys, rng.randint(1, 8)):
            manifest[p] = line(p)
        for p in rng.sample(keys, rng.randint(0, 2)):
            del manifest[p]
        for _ in range(rng.randint(0, 3)):
            p = path()
            manifest[p] = line(p)
        pairs.append((before, b"".join(manifest[p] for p in sorted(manifest))))
    return pairs


def appends(rng: random.Random, pool: list[bytes], versions: int = 200) -> list[Pair]:
    """A log growing by a few lines per version."""
    text, pairs = b"", []
    for _ in range(versions):
        grown = text + b"".join(rng.choice(pool) for _ in range(rng.randint(1, 30)))
        pairs.append((text, grown))
        text = grown
    return pairs


def edits_at_start(rng: random.Random, text: bytes, versions: int = 100) -> list[Pair]:
    """A version header and a date among the first lines change every version."""
    lines = text.splitlines(keepends=True)
    pairs = []
    for n in range(versions):
        new = lines[:]
        for k in rng.sample(range(min(20, len(new))), rng.randint(1, 3)):
            new[k] = b"__version__ = '%d.%d' # %d\n" % (n, rng.randrange(100), rng.getrandbits(32))
        pairs.append((b"".join(lines), b"".join(new)))
        lines = new
    return pairs


def moved_blocks(rng: random.Random, texts: list[bytes], count: int = 200) -> list[Pair]:
    """A block of 5-60 lines moved elsewhere in a real file (functions reordered)."""
    pairs = []
    for text in rng.sample(texts, min(count, len(texts))):
        lines = text.splitlines(keepends=True)
        size = min(rng.randint(5, 60), len(lines) // 2)
        at = rng.randrange(len(lines) - size + 1)
        block, rest = lines[at : at + size], lines[:at] + lines[at + size :]
        to = rng.randrange(len(rest) + 1)
        pairs.append((text, b"".join(rest[:to] + block + rest[to:])))
    return pairs


def duplicate_heavy(rng: random.Random, versions: int = 100, size: int = 4000) -> list[Pair]:
    """Generated code that is mostly blank lines, braces and stock statements."""
    stock = [b"\n", b"}\n", b"    }\n", b"{\n", b"        break;\n", b"    return 0;\n",
             b"    } else {\n", b"        return -1;\n", b"#endif\n"]

    def one() -> bytes:
        return (rng.choice(stock) if rng.random() < 0.8
                else b"    x%d = f(%d);\n" % (rng.randrange(10**6), rng.randrange(100)))

    lines = [one() for _ in range(size)]
    pairs = []
    for _ in range(versions):
        new = lines[:]
        for _ in range(rng.randint(1, 10)):
            at = rng.randrange(len(new))
            op = rng.random()
            if op < 0.4:
                new[at : at] = [one() for _ in range(rng.randint(1, 8))]
            elif op < 0.7:
                del new[at : at + rng.randint(1, 5)]
            else:
                new[at] = one()
        pairs.append((b"".join(lines), b"".join(new)))
        lines = new
    return pairs


def binaries(rng: random.Random, edits: int = 20) -> list[Pair]:
    """Mercurial's C extension modules with small byte-level edits (few newlines)."""
    import mercurial

    pairs = []
    for path in sorted(Path(mercurial.__file__).parent.glob("cext/*.so")):
        text = path.read_bytes()
        for _ in range(4):
            new = bytearray(text)
            for _ in range(edits):
                at = rng.randrange(len(new))
                new[at : at + rng.randrange(16)] = rng.randbytes(rng.randrange(16))
            pairs.append((text, bytes(new)))
            text = bytes(new)
    return pairs


def pathological(rng: random.Random, n: int = 50_000) -> dict[str, list[Pair]]:
    """Single pairs that make naive matchers quadratic."""
    unique = [b"%016x\n" % rng.getrandbits(64) for _ in range(n)]
    shuffled = unique[:]
    rng.shuffle(shuffled)
    common = [b"line %d\n" % rng.randrange(n // 10) for _ in range(n)]
    edited = common[:]
    for _ in range(100):
        edited.insert(rng.randrange(len(edited)), b"line %d\n" % rng.randrange(n // 10))
    braces = [rng.choice([b"\n", b"{\n", b"}\n"]) for _ in range(2 * n)]
    return {
        "reversed lines (50k unique)": [(b"".join(unique), b"".join(reversed(unique)))],
        "shuffled lines (50k unique)": [(b"".join(unique), b"".join(shuffled))],
        "no unique lines (50k, 5k values, 100 inserts)": [(b"".join(common), b"".join(edited))],
        "100k equal lines, one added": [(b"\n" * 2 * n, b"\n" * (2 * n + 1))],
        "100k random blank/brace lines, rewritten": [
            (b"".join(braces), b"".join(rng.sample(braces, len(braces))))],
    }


def crlf(text: bytes) -> bytes:
    return text.replace(b"\n", b"\r\n")


def corpora(package: str, count: int, c_package: str, c_count: int) -> dict[str, list[Pair]]:
    rng = random.Random(20240611)
    real = history.build(package, count)
    files = parent_pairs(real, "filelog")
    texts = [b for _, b in files if len(b) > 2000 and b.count(b"\n") > 100]
    pool = [line for t in texts[:50] for line in t.splitlines(keepends=True)]
    biggest = max((b for _, b in files), key=len)
    c_real = history.build(c_package, c_count)
    found = {
        f"{package} file histories": files,
        f"{package} manifests": parent_pairs(real, "manifest"),
        f"{c_package} C sources (.c/.h histories)": parent_pairs(c_real, "filelog", (".c", ".h")),
        "synthetic manifest, 20k files": synthetic_manifest(rng),
        "appends to a log": appends(rng, pool),
        "edits at the start": edits_at_start(rng, biggest),
        "moved blocks": moved_blocks(rng, texts),
        "CRLF text": [(crlf(a), crlf(b)) for a, b in files[::8]],
        "duplicate-heavy code": duplicate_heavy(rng),
        "binaries, byte edits": binaries(rng),
    }
    return found | {f"pathological: {k}": v for k, v in pathological(rng).items()}


def implementations(pure: bool) -> dict[str, Diff]:
    from mercurial.cext import bdiff as c_bdiff
    from mercurial.pure import bdiff as pure_bdiff

    found: dict[str, Diff] = {"hg C": c_bdiff.bdiff, "ours": bdiff.diff,
                              "hgdiff": hgdiff.textdiff}
    if bdiff.diff is not pure_ours.diff:
        found["ours pure"] = pure_ours.diff
    if hgdiff.textdiff is not pure_hgdiff.textdiff:
        found["hgdiff pure"] = pure_hgdiff.textdiff
    if pure:
        found["hg pure"] = pure_bdiff.bdiff
    return found


def best_times(pairs: list[Pair], runs: dict[str, Diff], rounds: int) -> dict[str, float]:
    """Best total seconds of each implementation over the corpus, rounds interleaved."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, fn in runs.items():
            start = time.perf_counter()
            for a, b in pairs:
                fn(a, b)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def slowest_pair(pairs: list[Pair], ours: Diff, theirs: Diff,
                 repeat: int = 3) -> tuple[float, float]:
    """Seconds of our slowest single diff (what one commit may wait for), and hg's on it;
    each the best of ``repeat`` runs, so one descheduling does not make the slowest."""
    worst = (0.0, 0.0)
    for a, b in pairs:
        mine = min(timed(ours, a, b) for _ in range(repeat))
        if mine > worst[0]:
            worst = (mine, min(timed(theirs, a, b) for _ in range(repeat)))
    return worst


def timed(fn: Diff, a: bytes, b: bytes) -> float:
    start = time.perf_counter()
    fn(a, b)
    return time.perf_counter() - start


def stored_size(deltas: list[bytes], zstd: zstandard.ZstdCompressor) -> int:
    """Bytes a revlog would store: each delta zstd-compressed when that is smaller."""
    return sum(min(len(d), len(zstd.compress(d))) for d in deltas)


def measure(name: str, pairs: list[Pair], rounds: int, pure: bool) -> str:
    from mercurial import mdiff

    ours = [bdiff.diff(a, b) for a, b in pairs]
    for (a, b), delta in zip(pairs, ours):
        assert mpatch.apply_delta(a, delta) == b == mdiff.patches(a, [delta]), name
    theirs = [mdiff.textdiff(a, b) for a, b in pairs]
    assert all(hgdiff.textdiff(a, b) == d for (a, b), d in zip(pairs, theirs)), name
    zstd = zstandard.ZstdCompressor(level=3)
    raw = sum(map(len, ours)) / sum(map(len, theirs))
    packed = stored_size(ours, zstd) / stored_size(theirs, zstd)
    runs = implementations(pure)
    times = best_times(pairs, runs, rounds)
    worst = slowest_pair(pairs, runs["ours"], runs["hg C"])
    text_mib = sum(len(b) for _, b in pairs) / 2**20
    pure_cells = (f"{times['hg pure'] * 1000:,.0f} | {times['ours'] / times['hg pure']:.2f}×"
                  if pure else "— | —")
    ours_pure = (f"{times['ours pure'] * 1000:,.1f} | {times['ours pure'] / times['hg C']:.1f}×"
                 if "ours pure" in times else "— | —")
    hg_cells = " | ".join(f"{times[k] * 1000:,.1f} | {times[k] / times['hg C']:.1f}×"
                          if k in times else "— | —" for k in ("hgdiff", "hgdiff pure"))
    return (f"| {name} | {len(pairs)} | {text_mib:.1f} | {sum(map(len, theirs)):,} "
            f"| {sum(map(len, ours)):,} | **{raw:.4f}** | {packed:.4f} "
            f"| {times['hg C'] * 1000:,.1f} | {times['ours'] * 1000:,.1f} "
            f"| **{times['ours'] / times['hg C']:.1f}×** | {ours_pure} | {pure_cells} "
            f"| {worst[0] * 1000:,.1f} ({worst[1] * 1000:,.1f}) | {hg_cells} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--history", default="hypothesis:600", help="PACKAGE:RELEASES")
    parser.add_argument("--c-history", default="cffi:100", help="PACKAGE:RELEASES with C code")
    parser.add_argument("--real", action="append", default=[], type=Path, metavar="PATH",
                        help="an hg conversion of a git repository (hg convert --datesort)")
    parser.add_argument("--only-real", action="store_true",
                        help="measure only the --real histories")
    args = parser.parse_args()
    found = {}
    if not args.only_real:
        package, count = args.history.split(":")
        c_package, c_count = args.c_history.split(":")
        found = corpora(package, int(count), c_package, int(c_count))
    for path in args.real:
        found[f"{path.name} file histories"] = parent_pairs(path, "filelog")
        found[f"{path.name} manifests"] = parent_pairs(path, "manifest")
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/bdiff.py {' '.join(sys.argv[1:])}\n")
    print("| corpus | pairs | new text MiB | hg C delta bytes | our delta bytes | ours/hg size "
          "| ours/hg zstd-stored | hg C ms | ours ms | ours/hg C time | ours pure ms "
          "| ours pure/hg C time | hg pure ms | ours/hg pure time "
          "| slowest pair: ours ms (hg C ms) | hgdiff ms | hgdiff/hg C time "
          "| hgdiff pure ms | hgdiff pure/hg C time |")
    print("|---" * 19 + "|")
    for name, pairs in found.items():
        print(measure(name, pairs, args.rounds, not name.startswith("pathological")), flush=True)


if __name__ == "__main__":
    main()
