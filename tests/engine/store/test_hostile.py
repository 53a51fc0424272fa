"""Hostile stores: nothing outside the store is read, no chunk allocates past its size,
no chain makes verify hang, and verify's side-file checks (nodemap, v2 docket) see damage.
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
from explorer.engine.verify.run import verify_revlog, verify_store
from tests.engine.revlog.test_fuzz import deadline

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
