"""Hostile stores on the read path: each adversarial input of issue 10, its outcome and
peak memory.

Every input is made from a repository written by real hg (the fuzz run's sources, and
one history of a 1 MB file committed by hg here): a requires or nodemap docket or journal
that is a symlink to /dev/zero, a store requires that is a symlink to /etc/passwd, a FIFO
as a data file, an index made sparse to declare 2^31 revisions, a v2 docket promising
2^63-1 bytes of data, a fncache line of 20 MB, and 40 deltas each inflating to the 16
times its declared text size a delta may take. Each command runs in a child process
with its address space capped (--memory-cap) and a time limit, so the code before the
fixes cannot exhaust the machine. Peak RSS is the child's own high-water mark (VmHWM,
written when it exits; a forked child's rusage would count the parent's pages).

    python benchmarks/hostile.py [--memory-cap 4096] [--timeout 60]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import history  # noqa: E402
from benchmarks.fuzz import build_sources  # noqa: E402

MiB = 1 << 20
# The command, run so that it reports its own peak RSS on the way out.
_CHILD = """
import atexit, sys

def peak():
    with open("/proc/self/status") as f:
        kib = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\npeak-rss-kib {kib}\\n")

atexit.register(peak)
from explorer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _relink(path: Path, target: str) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _long_fncache_line(store: Path) -> None:
    with open(store / "fncache", "ab") as f:
        f.write(b"data/" + b"A" * 20_000_000 + b".i\n")


def _docket_past_its_files(store: Path) -> None:
    """The manifest's docket promises 2^63-1 bytes of data, its last entry a chunk of
    2^31-1 bytes."""
    docket = store / "00manifest.i"
    raw = bytearray(docket.read_bytes())
    struct.pack_into(">Q", raw, 26, 2**63 - 1)
    docket.write_bytes(bytes(raw))
    index = next(store.glob("00manifest-*.idx"))
    raw = bytearray(index.read_bytes())
    struct.pack_into(">i", raw, len(raw) - 96 + 8, 2**31 - 1)
    index.write_bytes(bytes(raw))


# name, source spec, damage (given the store directory), commands
CASES: list[tuple[str, str, Callable[[Path], None], list[list[str]]]] = [
    ("requires -> /dev/zero", "zstd", lambda s: _relink(s.parent / "requires", "/dev/zero"),
     [["verify"]]),
    ("store/requires -> /etc/passwd", "zstd", lambda s: _relink(s / "requires", "/etc/passwd"),
     [["verify"]]),
    ("00changelog.n -> /dev/zero", "persistent-nodemap",
     lambda s: _relink(s / "00changelog.n", "/dev/zero"), [["verify"]]),
    ("journal -> /dev/zero", "zstd", lambda s: _relink(s / "journal", "/dev/zero"),
     [["verify"]]),
    ("00changelog.d a FIFO", "zstd", lambda s: _fifo(s / "00changelog.d"),
     [["verify"], ["data", "-c", "0"]]),
    ("00changelog.i sparse, 2^31 entries", "zstd",
     lambda s: os.truncate(s / "00changelog.i", 2**31 * 64),
     [["stats", "-c"], ["deltachain", "-c", "-r", "5"], ["data", "-c", "5"], ["verify"]]),
    ("v2 docket data end 2^63-1", "revlogv2", _docket_past_its_files,
     [["data", "-m", "40"], ["verify"]]),
    ("fncache line of 20 MB", "zstd", _long_fncache_line, [["verify"]]),
]


def inflating_deltas(root: Path) -> Path:
    """A 1 MB file committed 41 times by hg, then its 40 deltas rewritten so that each
    inserts 16 times its text's declared size (the most a delta may decompress to)."""
    from tests import hgrepos

    repo = root / "inflating-deltas"
    shutil.rmtree(repo, ignore_errors=True)
    hgrepos.hg(root, "init", repo.name)
    lines = [hashlib.sha256(b"%d" % i).hexdigest().encode() + b"\n" for i in range(16000)]
    for rev in range(41):
        lines[rev * 97 % len(lines)] = b"edited in revision %d\n" % rev
        (repo / "big.txt").write_bytes(b"".join(lines))
        hgrepos.hg(repo, "commit", "-A", "-q", "-m", f"r{rev}", "-u", "t", "-d", "0 0")
    data_dir = repo / ".hg" / "store" / "data"
    index, data = data_dir / "big.txt.i", data_dir / "big.txt.d"
    raw = index.read_bytes()
    chunks = {}
    for rev in range(1, 41):
        n = 16 * struct.unpack_from(">i", raw, rev * 64 + 12)[0] + 4096 - 12
        chunks[rev] = zlib.compress(struct.pack(">lll", 0, 0, n) + b"x" * n)
    _rewrite_split(index, data, chunks)
    return repo


def _rewrite_split(index: Path, data: Path, chunks: dict[int, bytes]) -> None:
    """New chunks for revisions of a split v1 revlog, each a delta on the one before."""
    raw, old = index.read_bytes(), data.read_bytes()
    out_index, out_data = bytearray(), bytearray()
    for rev in range(len(raw) // 64):
        entry = bytearray(raw[rev * 64 : (rev + 1) * 64])
        word, clen = struct.unpack_from(">Qi", entry, 0)
        start = 0 if rev == 0 else word >> 16
        chunk = chunks.get(rev, old[start : start + clen])
        if rev:
            struct.pack_into(">Q", entry, 0, len(out_data) << 16 | (word & 0xFFFF))
            struct.pack_into(">i", entry, 16, rev - 1)  # base: the revision before
        struct.pack_into(">i", entry, 8, len(chunk))
        out_index += entry
        out_data += chunk
    index.write_bytes(bytes(out_index))
    data.write_bytes(bytes(out_data))


def run(repo: Path, args: list[str], cap: int, timeout: float) -> tuple[str, int | None]:
    """(outcome, peak RSS in bytes: None when killed) of ``revlog-explorer ARGS`` run in
    ``repo``."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen([sys.executable, "-c", _CHILD, *args], cwd=repo, env=env,
                                 stdout=stdout, stderr=stderr, preexec_fn=limit)
        status = _wait(child.pid, timeout)
        child.returncode = -9 if status is None else os.waitstatus_to_exitcode(status)
        if status is None:
            return f"no answer in {timeout:.0f} s (killed)", None
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read(), stderr.read()
    lines = err.decode("utf-8", "replace").strip().splitlines()
    peak = int(lines.pop().split()[1]) * 1024 if lines and lines[-1].startswith("peak-rss") \
        else None
    last = next((line for line in reversed(lines) if line.strip()), "")
    last = last.replace(f"{repo}/", "").replace(str(ROOT), "")
    leaked = sum(line.startswith((b"root:", b"daemon:")) for line in (out + err).splitlines())
    outcome = f"exit {child.returncode}: {last[:150]}" + (
        f" [{leaked} lines of /etc/passwd]" if leaked else "")
    return outcome, peak


def _wait(pid: int, timeout: float) -> int | None:
    """The child's wait status; None when it was killed after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memory-cap", type=int, default=4096, help="MiB per command")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    sources = build_sources(history.cache_dir() / "fuzz-repos")
    work = history.cache_dir() / "hostile"
    work.mkdir(parents=True, exist_ok=True)
    print(f"command: python benchmarks/hostile.py --memory-cap {args.memory_cap} "
          f"--timeout {args.timeout:.0f}\n")
    print("| input | command | outcome | peak RSS |")
    print("|---|---|---|---|")
    made = []
    for name, spec, damage, commands in CASES:
        repo = work / name.replace(" ", "_").replace("/", "_")
        shutil.rmtree(repo, ignore_errors=True)
        shutil.copytree(sources[spec], repo, symlinks=True)
        damage(repo / ".hg" / "store")
        made.append((name, repo, commands))
    made.append(("40 deltas inflating 16x (declared text 1.04 MB)", inflating_deltas(work),
                 [["data", "big.txt", "40"], ["verify"]]))
    for name, repo, commands in made:
        for command in commands:
            outcome, peak = run(repo, command, args.memory_cap * MiB, args.timeout)
            shown = "-" if peak is None else f"{peak / MiB:,.0f} MiB"
            print(f"| {name} | `{' '.join(command)}` | {outcome} | {shown} |", flush=True)


if __name__ == "__main__":
    main()
