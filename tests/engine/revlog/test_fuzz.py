"""Mutated real revlogs: whatever the bytes, only RevlogError subclasses escape, nothing hangs.

Sources are revlogs written by real hg in several formats (split and inline v1,
no-generaldelta, zlib/zstd/none, v2 with docket and sidedata, changelog-v2,
persistent nodemap, v0). Hypothesis damages one of a revlog's files and the
whole read API is exercised on the result. Damage includes files that are
not files (a FIFO, a symlink to /dev/zero, a directory), sparse files
declaring gigabytes, and oversized 64-bit fields; each input runs with its
address space capped, so unbounded memory is a failure, not a swapping machine.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import struct
import tempfile
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.engine import RevlogError
from tests.engine.oracle_revlogs import open_from_oracle

SOURCES = [
    ("zstd", "00changelog.i"),
    ("zstd", "00manifest.i"),
    ("zstd", "data/README.txt.i"),
    ("zlib", "00manifest.i"),
    ("none", "00changelog.i"),
    ("no-generaldelta", "00manifest.i"),
    ("revlogv2", "00manifest.i"),
    ("changelogv2", "00changelog.i"),
    ("persistent-nodemap", "00changelog.i"),
    ("delta-info", "00manifest.i"),
    ("v0", "00manifest.i"),
]

INTERESTING = [-(2**31), -2, -1, 0, 1, 2, 63, 64, 65, 2**16, 2**31 - 1]
INTERESTING_64 = [-1, 2**31, 2**32 - 1, 2**40, 2**63 - 1]
BYTE_KINDS = ["flip", "bytes", "zeros", "truncate", "extend", "copy", "int", "int64"]
# Not bytes: what stands where the file was. "sparse" keeps the bytes and extends the file
# with a hole of ``arg`` bytes.
SPECIAL_KINDS = ["fifo", "dev-zero", "directory", "sparse"]
SPARSE_SIZES = [2**31 * 64, 2**40, 2**31 * 96 + 17]


@st.composite
def mutations(draw, size: int):
    """One damage to a file of ``size`` bytes: (kind, position, payload)."""
    kind = draw(st.sampled_from(BYTE_KINDS + SPECIAL_KINDS))
    pos = draw(st.integers(0, max(size - 1, 0)))
    if kind == "sparse":
        return kind, pos, draw(st.sampled_from(SPARSE_SIZES))
    if kind == "int64":
        return kind, pos - pos % 8, draw(st.sampled_from(INTERESTING_64))
    if kind == "flip":
        return kind, pos, draw(st.integers(0, 7))
    if kind == "bytes":
        return kind, pos, draw(st.binary(min_size=1, max_size=8))
    if kind == "zeros":
        return kind, pos, draw(st.integers(1, 256))
    if kind == "extend":
        return kind, pos, draw(st.binary(min_size=1, max_size=200))
    if kind == "copy":
        return kind, pos, (draw(st.integers(0, max(size - 1, 0))), draw(st.integers(1, 128)))
    if kind == "int":
        return kind, pos - pos % 4, draw(st.sampled_from(INTERESTING))
    return kind, pos, None


def mutate(data: bytes, kind: str, pos: int, arg) -> bytes:
    buf = bytearray(data)
    if kind == "flip" and buf:
        buf[pos] ^= 1 << arg
    elif kind == "bytes":
        buf[pos : pos + len(arg)] = arg
    elif kind == "zeros":
        buf[pos : pos + arg] = bytes(len(buf[pos : pos + arg]))
    elif kind == "truncate":
        del buf[pos:]
    elif kind == "extend":
        buf += arg
    elif kind == "copy":
        src, length = arg
        block = bytes(buf[src : src + length])
        buf[pos : pos + len(block)] = block
    elif kind == "int":
        buf[pos : pos + 4] = struct.pack(">i", arg)
    elif kind == "int64":
        buf[pos : pos + 8] = struct.pack(">q", arg)
    return bytes(buf)


def materialize(dest: str, data: bytes, kind: str, pos: int, arg) -> None:
    """Put at ``dest`` the file ``data`` damaged by (kind, pos, arg): bytes, or something
    that is no regular file, or a sparse file."""
    if kind == "fifo":
        os.mkfifo(dest)
    elif kind == "dev-zero":
        os.symlink("/dev/zero", dest)
    elif kind == "directory":
        os.mkdir(dest)
    else:
        with open(dest, "wb") as f:
            f.write(data if kind == "sparse" else mutate(data, kind, pos, arg))
            if kind == "sparse":
                f.truncate(max(arg, len(data)))


def remove(dest: str) -> None:
    """Take away whatever ``materialize`` left at ``dest``."""
    if os.path.isdir(dest) and not os.path.islink(dest):
        os.rmdir(dest)
    elif os.path.lexists(dest):
        os.unlink(dest)


_ceiling: list[int] = []  # set on first use, then fixed


@contextmanager
def address_space(extra: int = 2 << 30):
    """Cap the process's address space, a read allocating without bound failing with
    MemoryError (an escape) instead of eating the machine.

    The ceiling is what the process used at the first call plus ``extra``, then
    fixed: hypothesis keeps the tracebacks of failing examples, and with them
    whatever they had allocated, so a ceiling taken afresh each time would
    rise with every failure.
    """
    if not _ceiling:
        with open("/proc/self/statm") as f:
            _ceiling.append(int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + extra)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _ceiling[0] if hard == resource.RLIM_INFINITY else min(_ceiling[0], hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class Timeout(Exception):
    pass


@contextmanager
def deadline(seconds: int):
    """Turn a hang into a test failure instead of a stuck run."""

    def expire(signum, frame):
        raise Timeout(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def exercise(rl) -> None:
    """Call every read operation; RevlogErrors are the allowed answer to damage."""
    calls = [len, lambda r: r.heads(), lambda r: r.lookup("0"), lambda r: r.lookup("ab"),
             lambda r: r.lookup("-1"), lambda r: r.rev(b"\x12" * 20)]
    for call in calls:
        attempt(call, rl)
    count = attempt(len, rl) or 0
    for rev in range(min(count + 1, 40)):
        for op in (rl.entry, rl.entry_bytes, rl.revision, rl.check_hash, rl.hash_status,
                   rl.delta_chain, rl.delta_parent, rl.is_snapshot, rl.snapshot_depth,
                   rl.parents, rl.raw_chunk, rl.chunk, rl.sidedata, rl.raw_size, rl.node):
            attempt(op, rev)
        node = attempt(rl.node, rev)
        if node is not None:
            attempt(rl.rev, node)
            attempt(rl.lookup, node.hex()[:5])
        if rev % 3 == 0:
            rl.clear_caches()


def attempt(call, *args):
    try:
        return call(*args)
    except RevlogError:
        return None


@pytest.fixture(scope="module")
def sources(hgrepos):
    """The files of each source revlog, read once: {(spec, path): (names, {name: bytes})}."""
    out = {}
    for spec, path in SOURCES:
        oracle = hgrepos.oracle(spec)
        info = oracle["revlogs"][path]
        files = {name: open(os.path.join(oracle["store_path"], on_disk), "rb").read()
                 for name, on_disk in info["files"].items()}
        out[spec, path] = (oracle, files)
    return out


@pytest.mark.parametrize("spec, path", SOURCES, ids=[f"{s}:{p}" for s, p in SOURCES])
def test_mutated_revlogs_raise_only_revlog_errors(sources, spec, path):
    oracle, files = sources[spec, path]
    names = sorted(files)

    @settings(max_examples=60, deadline=None, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data):
        target = data.draw(st.sampled_from(names), label="file")
        kind, pos, arg = data.draw(mutations(len(files[target])), label="mutation")
        with tempfile.TemporaryDirectory() as store:
            for name, content in files.items():
                dest = os.path.join(store, oracle["revlogs"][path]["files"][name])
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                if name == target:
                    materialize(dest, content, kind, pos, arg)
                else:
                    with open(dest, "wb") as f:
                        f.write(content)
            # a hang, not a slow input on a loaded machine; memory past 2 GiB, not a big input
            with deadline(60), address_space():
                try:
                    rl = open_from_oracle(oracle, path, store)
                except RevlogError:
                    return
                with rl:
                    exercise(rl)

    run()


def test_missing_files_are_handled(sources):
    """A revlog whose data or side files vanished is damage, not a crash."""
    for (_spec, path), (oracle, files) in sources.items():
        for missing in files:
            with tempfile.TemporaryDirectory() as store:
                for name, content in files.items():
                    if name == missing:
                        continue
                    dest = os.path.join(store, oracle["revlogs"][path]["files"][name])
                    os.makedirs(os.path.dirname(dest), exist_ok=True)
                    with open(dest, "wb") as f:
                        f.write(content)
                try:
                    rl = open_from_oracle(oracle, path, store)
                except RevlogError:
                    continue
                with rl:
                    exercise(rl)
        shutil.rmtree(store, ignore_errors=True)
