"""Hostile stores: nothing outside the store is read, no chunk allocates past its size,
no chain makes verify hang, and verify's side-file checks (nodemap, v2 docket) see damage.

Files that are not files (FIFOs, devices through symlinks) and sizes that are promises
(sparse files, docket ends, declared text sizes) are read in a forked child with its
address space capped and a time limit (``bounded``): a regression fails the test, it
does not hang the run or exhaust the machine.
"""

from __future__ import annotations

import os
import struct
import tracemalloc
import zlib
from pathlib import Path

import pytest
import zstandard

from explorer.engine import CorruptionError, Revlog, Store, StoreError
from explorer.engine.damage import faults
from explorer.engine.damage.compare import compare_stores
from explorer.engine.verify.run import verify_revlog, verify_store
from tests.engine.revlog.test_fuzz import deadline
from tests.engine.store.bounded import bounded

V1 = struct.Struct(">Qiiiiii20s12x")


def test_dotdot_store_paths_are_refused(hgrepos, tmp_path):
    repo = hgrepos.copy("store-no-fncache", tmp_path / "repo")
    outside = tmp_path / "outside.i"
    outside.write_bytes(b"")
    with Store.open(repo) as store:
        for name in ("../../../outside", "a/../../../../outside", "./x"):
            with pytest.raises(StoreError, match="leave the store"):
                store.filelog(name)


def test_hostile_fncache_and_journal_names_are_reported_not_followed(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with Store.open(repo) as store:
        store_dir = Path(store.store_dir)
    with open(store_dir / "fncache", "ab") as f:
        f.write(b"data/../../../../etc/passwd.i\n")
    (store_dir / "journal").write_bytes(b"data/../../../../etc/hosts\x000\n")
    with Store.open(repo) as store:
        report = verify_store(store)
    unsafe = [p for p in report.problems if p.kind == "unsafe-path"]
    assert {p.path for p in unsafe} == {"fncache", "journal"}


def test_symlink_leaving_the_store_is_not_read(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with Store.open(repo) as store:
        victim = Path(store.fs_path("data/README.txt.i"))
    secret = tmp_path / "secret.i"
    secret.write_bytes(victim.read_bytes())
    victim.unlink()
    victim.symlink_to(secret)
    with Store.open(repo) as store:
        with pytest.raises(StoreError, match="outside the store"):
            store.filelog("README.txt")
        report = verify_store(store)
    assert any(p.kind == "unsafe-path" and p.path.endswith("_r_e_a_d_m_e.txt.i")
               for p in report.problems)
    assert any(p.kind == "unsafe-path" and p.path == "data/README.txt.i"
               for p in report.problems)


def one_revision_revlog(path: Path, chunk: bytes, size: int) -> Revlog:
    """A split v1 revlog whose only revision is ``chunk``, declared ``size`` bytes."""
    path.with_suffix(".d").write_bytes(chunk)
    entry = V1.pack(0, len(chunk), size, 0, 0, -1, -1, b"\x11" * 20)
    path.write_bytes(struct.pack(">I", 1) + entry[4:])
    return Revlog.open(path)


def test_decompression_bomb_allocates_nothing_big(tmp_path):
    bomb = zlib.compress(bytes(200 << 20), 9)  # 200 MiB of zeros in ~200 KiB
    with one_revision_revlog(tmp_path / "bomb.i", bomb, 10) as rl:
        tracemalloc.start()
        problems = verify_revlog(rl)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert [p.kind for p in problems] == ["bad-chunk"]
    assert "inflates past" in problems[0].message
    assert peak < 8 << 20


@pytest.mark.parametrize("compress", [zlib.compress, zstandard.ZstdCompressor().compress])
@pytest.mark.parametrize("size", [-1, -(2**31)])
def test_negative_declared_size_is_damage_not_unlimited(tmp_path, compress, size):
    """zlib takes a limit of 0 for no limit at all: a size of -1 must not get there."""
    chunk = compress(bytes(1 << 20))
    with one_revision_revlog(tmp_path / "neg.i", chunk, size) as rl:
        (problem,) = verify_revlog(rl)
        with pytest.raises(CorruptionError, match="negative size"):
            rl.revision(0)
    assert (problem.kind, problem.field, problem.offset) == ("bad-size", "uncompressed_length",
                                                             12)


def test_every_base_past_its_revision_ends_with_errors(hgrepos, tmp_path):
    """A non-generaldelta revlog where no revision is a full text: chains run off the
    start, and each one ends with an error."""
    repo = hgrepos.copy("no-generaldelta", tmp_path / "repo")
    store = Store.open(repo)
    rl = store.manifest
    count = len(rl)
    plans = [faults.plan(rl, "base-past-rev", r) for r in range(count)]
    rl.close()
    for plan in plans:
        faults.apply(plan)
    with deadline(60), Store.open(repo) as store:
        report = verify_store(store)
    bases = [p for p in report.errors if p.kind == "bad-base"]
    assert len(bases) == count


@pytest.mark.parametrize("spec", ["long-chain-sparse", "long-chain-gd"])
def test_long_chains_verify_clean(hgrepos, spec):
    with deadline(120), Store.open(hgrepos(spec)) as store:
        assert not verify_store(store).problems


def test_damaged_nodemap_is_reported_at_its_byte(hgrepos, tmp_path):
    repo = hgrepos.copy("persistent-nodemap", tmp_path / "repo")
    store_dir = Path(Store.open(repo).store_dir)
    trie = next(store_dir.glob("00changelog-*.nd"))
    data = bytearray(trie.read_bytes())
    root = len(data) - 64
    nibble = next(i for i in range(16) if struct.unpack_from(">l", data, root + 4 * i)[0] < -1)
    struct.pack_into(">l", data, root + 4 * nibble, -2 - 1000)
    trie.write_bytes(bytes(data))
    with Store.open(repo) as store:
        problems = [p for p in verify_store(store).problems if p.kind == "nodemap"]
    assert problems and problems[0].offset == root + 4 * nibble
    assert problems[0].file == str(trie)


def test_v2_docket_against_its_files(hgrepos, tmp_path):
    repo = hgrepos.copy("revlogv2", tmp_path / "repo")
    store_dir = Path(Store.open(repo).store_dir)
    data = next(store_dir.glob("00manifest-*.dat"))
    index = next(store_dir.glob("00manifest-*.idx"))
    os.truncate(data, data.stat().st_size - 10)
    with open(index, "ab") as f:
        f.write(b"x" * 50)
    with Store.open(repo) as store:
        problems = verify_store(store).problems
    kinds = {(p.kind, os.path.basename(p.file)) for p in problems}
    assert ("docket-mismatch", data.name) in kinds
    assert ("uncommitted-bytes", index.name) in kinds
    assert ("chunk-outside-file", data.name) in kinds


def test_revlog_files_the_fncache_does_not_list(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with Store.open(repo) as store:
        stray = Path(store.store_dir) / "data" / "stray.i"
    stray.write_bytes(b"")
    with Store.open(repo) as store:
        (p,) = [p for p in verify_store(store).problems if p.kind == "not-in-fncache"]
    assert p.path == "data/stray.i" and not p.is_error


# -- symlinks: every file read from a store resolves inside it (or inside its .hg) ----------


def _store_problems(repo: Path) -> list[tuple[str, str, str]]:
    """(kind, file or path, message) of every problem verify finds in ``repo``."""
    with Store.open(repo) as store:
        return [(p.kind, p.file or p.path, p.message) for p in verify_store(store).problems]


@pytest.mark.parametrize("name, target", [("requires", "/dev/zero"),
                                          ("store/requires", "secret")])
def test_requires_resolving_outside_the_repository_is_not_read(hgrepos, tmp_path, name,
                                                               target):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    secret = tmp_path / "secret"
    secret.write_bytes(b"share-safe\nroot:x:0:0:do-not-print:/root:/bin/sh\n")
    link = repo / ".hg" / name
    link.unlink()
    link.symlink_to(secret if target == "secret" else target)
    outcome = bounded(lambda: Store.open(repo).requirements)
    assert outcome.raised("StoreError"), outcome
    assert "outside" in outcome.value and "do-not-print" not in outcome.value


def test_nodemap_docket_resolving_outside_the_store_is_not_read(hgrepos, tmp_path):
    repo = hgrepos.copy("persistent-nodemap", tmp_path / "repo")
    docket = repo / ".hg" / "store" / "00changelog.n"
    docket.unlink()
    docket.symlink_to("/dev/zero")

    def lookup_and_verify():
        with Store.open(repo) as store:
            rl = store.changelog
            found = rl.lookup(rl.node(3).hex()[:8])
        return found, _store_problems(repo)

    outcome = bounded(lookup_and_verify)
    assert outcome.status == "ok", outcome
    found, problems = outcome.value
    assert found == 3
    assert any(kind == "unsafe-path" and file.endswith("00changelog.n")
               for kind, file, _ in problems), problems


@pytest.mark.parametrize("name", ["journal", "journal.backupfiles"])
def test_journal_resolving_outside_the_store_is_not_read(hgrepos, tmp_path, name):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    store_dir = repo / ".hg" / "store"
    (store_dir / "journal").write_bytes(b"data/README.txt.i\x000\n")
    (store_dir / name).unlink(missing_ok=True)
    (store_dir / name).symlink_to("/dev/zero")
    outcome = bounded(lambda: _store_problems(repo))
    assert outcome.status == "ok", outcome
    assert any(kind == "unsafe-path" and file.endswith(name) for kind, file, _ in outcome.value)


# -- special files: a FIFO (or any file that is not a regular file) is refused, never opened
# for a blocking read -----------------------------------------------------------------------

FIFOS = [("zstd", "00changelog.d"), ("zstd", "00manifest.i"), ("zstd", "fncache"),
         ("zstd", "requires"), ("zstd", "journal"), ("zstd", "data/README.txt.i"),
         ("persistent-nodemap", "00changelog.n"), ("persistent-nodemap", "00changelog-*.nd"),
         ("revlogv2", "00manifest-*.dat"), ("revlogv2", "00manifest-*.idx"),
         ("revlogv2", "fileindex")]


def _fifo_in_place_of(hgrepos, tmp_path, spec: str, pattern: str) -> tuple[Path, Path]:
    repo = hgrepos.copy(spec, tmp_path / "repo")
    store_dir = repo / ".hg" / "store"
    target = next(store_dir.glob(pattern), store_dir / pattern)
    if pattern == "data/README.txt.i":
        target = store_dir / "data" / "_r_e_a_d_m_e.txt.i"
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    return repo, target


@pytest.mark.parametrize("spec, pattern", FIFOS, ids=[f"{s}:{p}" for s, p in FIFOS])
def test_fifo_store_file_is_refused_and_verify_keeps_going(hgrepos, tmp_path, spec, pattern):
    repo, fifo = _fifo_in_place_of(hgrepos, tmp_path, spec, pattern)

    def open_and_verify():
        try:
            store = Store.open(repo)
        except (CorruptionError, StoreError) as err:
            return "refused", str(err)
        store.close()
        return "verified", _store_problems(repo)

    outcome = bounded(open_and_verify)
    assert outcome.status == "ok", outcome
    what, found = outcome.value
    if what == "refused":  # only the requirements are read when a store is opened
        assert pattern == "requires" and str(fifo) in found and "not a regular file" in found
        return
    named = [(kind, message) for kind, file, message in found
             if file == str(fifo) or str(fifo) in message]
    assert any("is a FIFO, not a regular file" in message for _, message in named), found


def test_fifo_data_file_is_a_corruption_error_naming_it(hgrepos, tmp_path):
    repo, fifo = _fifo_in_place_of(hgrepos, tmp_path, "zstd", "00changelog.d")

    def read():
        with Store.open(repo) as store:
            try:
                store.changelog.revision(0)
            except CorruptionError as err:
                return err.file, err.rev, err.message
        return None

    outcome = bounded(read)
    assert outcome.status == "ok", outcome
    assert outcome.value is not None
    file, _rev, message = outcome.value
    assert file == str(fifo) and "not a regular file" in message


# -- sizes: nothing is allocated past what the index declares and the file holds -----------


def sparse_files_supported(directory: Path) -> bool:
    """Whether ``directory``'s filesystem keeps holes and reports them (SEEK_HOLE)."""
    probe = directory / "sparse-probe"
    with open(probe, "wb") as f:
        f.write(b"x")
        f.truncate(64 << 20)
    try:
        with open(probe, "rb") as f:
            return os.lseek(f.fileno(), 0, os.SEEK_HOLE) < (64 << 20)
    finally:
        probe.unlink()


def test_sparse_index_declaring_2_31_revisions_reads_what_it_holds(hgrepos, tmp_path):
    if not sparse_files_supported(tmp_path):
        pytest.skip("this filesystem keeps no holes")
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    index = repo / ".hg" / "store" / "00changelog.i"
    held = index.stat().st_size
    os.truncate(index, 2**31 * 64)  # a hole of 128 GiB: nothing on disk

    def read_and_verify():
        with Store.open(repo) as store:
            rl = store.changelog
            count = len(rl)
            text = rl.revision(count - 1)
        problems = [(kind, file, message) for kind, file, message in _store_problems(repo)
                    if file == str(index)]
        return count, len(text), problems

    outcome = bounded(read_and_verify, memory=512 << 20)
    assert outcome.status == "ok", outcome
    count, size, problems = outcome.value
    # the file holds its data up to the end of the block where it ends: zeros after it
    assert held // 64 <= count <= (held + (1 << 20)) // 64 and size > 0
    kinds = {kind for kind, _, _ in problems}
    assert kinds <= {"sparse-file", "zeroed-entry"}, problems
    sparse = [message for kind, _, message in problems if kind == "sparse-file"]
    assert sparse == [f"the index file is {2**31 * 64} bytes but holds data only up to byte "
                      f"{count * 64}: the rest is a hole (a sparse file), read as no entries"]


def test_docket_ends_past_the_files_are_cut_to_their_sizes(hgrepos, tmp_path):
    """A docket promising 2^63-1 bytes of data, and an entry a chunk of 2^31-1 bytes: the
    read is sized by what the file holds, not by the promises."""
    repo = hgrepos.copy("revlogv2", tmp_path / "repo")
    store_dir = repo / ".hg" / "store"
    docket = store_dir / "00manifest.i"
    with Store.open(repo) as store:
        last = len(store.manifest) - 1
        entry_at = store.manifest.entry_offset(last)
        data_file = store.manifest.data_path
    raw = bytearray(docket.read_bytes())
    struct.pack_into(">Q", raw, 26, 2**63 - 1)  # the committed end of the data file
    docket.write_bytes(bytes(raw))
    index = next(store_dir.glob("00manifest-*.idx"))
    raw = bytearray(index.read_bytes())
    struct.pack_into(">i", raw, entry_at + 8, 2**31 - 1)  # compressed length
    index.write_bytes(bytes(raw))
    with Store.open(repo) as store:
        tracemalloc.start()
        with pytest.raises(CorruptionError, match="runs past the end of the file") as err:
            store.manifest.revision(last)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        problems = verify_store(store).problems
    assert (err.value.file, err.value.rev) == (data_file, last)
    assert peak < 16 << 20
    assert any(p.kind == "docket-mismatch" and p.file == data_file for p in problems)


def rewrite_inline(index: Path, chunks: dict[int, bytes], count: int) -> None:
    """Keep the first ``count`` revisions of the inline v1 revlog ``index``, some with new
    ``chunks``: the later chunks move, and every offset and length field follows."""
    data = index.read_bytes()
    out = bytearray()
    pos = offset = rev = 0
    while pos + 64 <= len(data) and rev < count:
        entry = bytearray(data[pos : pos + 64])
        clen = struct.unpack_from(">i", entry, 8)[0]
        chunk = chunks.get(rev, data[pos + 64 : pos + 64 + clen])
        if rev:  # rev 0 starts at 0, its first 4 bytes are the header
            flags = struct.unpack_from(">Q", entry, 0)[0] & 0xFFFF
            struct.pack_into(">Q", entry, 0, offset << 16 | flags)
        struct.pack_into(">i", entry, 8, len(chunk))
        out += entry + chunk
        pos, offset, rev = pos + 64 + clen, offset + len(chunk), rev + 1
    index.write_bytes(bytes(out))


def test_text_growing_past_its_declared_size_is_damage(hgrepos, tmp_path):
    """40 deltas, each inserting as much as a delta may inflate to (16 times the text
    size its entry declares): the first one already makes a text longer than declared."""
    repo = hgrepos.copy("long-chain-gd", tmp_path / "repo")
    with Store.open(repo) as store:
        rl = store.filelog("chain.txt")
        assert rl.delta_chain(40) == list(range(41))
        sizes = {r: rl.entry(r).uncompressed_length for r in range(41)}
        index = Path(rl.index_path)
    inserted = {r: 16 * sizes[r] + 4096 - 12 for r in range(1, 41)}
    rewrite_inline(index, {r: zlib.compress(struct.pack(">lll", 0, 0, n) + b"x" * n)
                           for r, n in inserted.items()}, count=41)
    with Store.open(repo) as store:
        rl = store.filelog("chain.txt")
        tracemalloc.start()
        with pytest.raises(CorruptionError, match="past the 33601 bytes its entry declares"
                           ) as err:
            rl.revision(40)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert (err.value.file, err.value.rev, err.value.offset) == (
            str(index), 1, rl.chunk_offset(1))
        problems = verify_revlog(rl)
    assert peak < 8 * inserted[1], peak  # one delta's worth, not forty
    assert {(p.kind, p.rev) for p in problems if p.rev == 1} == {("bad-delta", 1)}


def test_a_long_fncache_line_costs_a_few_times_its_length(hgrepos, tmp_path):
    """Encoding a store path cost a buffer descriptor (~80 bytes) per byte of it."""
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    line = b"data/" + b"Ab_~" * (1 << 20) + b".i\n"
    with open(repo / ".hg" / "store" / "fncache", "ab") as f:
        f.write(line)
    with Store.open(repo) as store:
        tracemalloc.start()
        problems = verify_store(store).problems
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 16 * len(line), peak
    assert any(p.path.startswith("data/Ab_~Ab_~") for p in problems)


@pytest.mark.parametrize("name", ["fncache", "00changelog.d", "requires"])
def test_sparse_store_files_are_not_read_as_zeros(hgrepos, tmp_path, name):
    """A store file extended by a 128 GiB hole: verify and diff-store read what it holds."""
    if not sparse_files_supported(tmp_path):
        pytest.skip("this filesystem keeps no holes")
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    good = hgrepos("zstd")
    os.truncate(repo / ".hg" / "store" / name, 2**37)

    def verify_and_compare():
        try:
            damaged = Store.open(repo)
        except StoreError as err:
            return "refused", str(err), []
        with damaged, Store.open(good) as intact:
            problems = [p.message for p in verify_store(damaged).problems]
            differences = [(d.kind, d.file) for d in compare_stores(intact, damaged)]
        return "verified", problems, differences

    outcome = bounded(verify_and_compare, memory=1 << 30)
    assert outcome.status == "ok", outcome
    what, found, differences = outcome.value
    if name == "requires":
        assert what == "refused" and "a hole from byte" in found
        return
    assert ("sparse-file", name) in differences
    if name == "fncache":
        assert any("a hole from byte" in message for message in found), found
