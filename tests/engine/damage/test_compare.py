"""diff-store: each injected fault is found where it was made and classified as what it is."""

from __future__ import annotations

import os
import stat

import pytest

from explorer.engine import Store
from explorer.engine.damage import faults
from explorer.engine.damage.compare import differing_regions
from tests.engine.verify.test_verify import REV, TARGETS, damaged_copy

# The class each fault kind must get, and the field it must be mapped to (None: any).
EXPECTED = {
    "flip-bit": ({"bit-flip"}, "chunk"),
    "truncate-data": ({"truncation"}, None),
    "truncate-index": ({"truncation"}, None),
    "zero-tail": ({"zeros"}, None),
    "wrong-node": ({"rewritten-entry", "bit-flip"}, "node"),
    "bad-compression": ({"changed-bytes", "bit-flip"}, "compression"),
    "base-past-rev": ({"rewritten-entry", "bit-flip"}, "base"),
    "parent-out-of-range": ({"rewritten-entry", "bit-flip"}, "p1"),
    "overlap-offsets": ({"rewritten-entry", "bit-flip"}, "offset"),
    "lost-journal": ({"extension"}, None),
}


@pytest.mark.parametrize("kind", list(faults.KINDS))
@pytest.mark.parametrize("spec, path, what", TARGETS, ids=[t[2] for t in TARGETS])
def test_injected_faults_are_classified(hgrepos, tmp_path, spec, path, what, kind):
    repo, fault = damaged_copy(hgrepos, tmp_path, spec, path, kind)
    with Store.open(hgrepos(spec)) as good, Store.open(repo) as bad:
        found = good.compare(bad)
        damaged_file = os.path.relpath(fault.file, bad.store_dir)
    kinds, field = EXPECTED[kind]
    here = [d for d in found if d.file == damaged_file and d.path == path]
    assert here, found
    first = min(here, key=lambda d: d.offset)
    assert first.kind in kinds, first
    if field is not None:
        assert first.field == field, first
    if kind != "lost-journal":
        assert first.rev == REV, first
    assert fault.offset <= first.offset < fault.offset + 8, (first, fault)
    if kind == "lost-journal":
        assert {d.file for d in found if d.kind == "extra-file"} == {
            "journal", "journal.backupfiles"}
        assert "copied from" in first.detail


def test_identical_stores_have_no_difference(hgrepos):
    with Store.open(hgrepos("zstd")) as a, Store.open(hgrepos("zstd")) as b:
        assert a.compare(b) == []


def test_block_copied_from_another_revision(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with Store.open(repo) as store:
        rl = store.changelog
        source, target = rl.chunk_offset(1), rl.chunk_offset(5)
        data_file = rl.data_path
    with open(data_file, "r+b") as f:
        f.seek(source)
        block = f.read(40)
        f.seek(target + 10)
        f.write(block)
    with Store.open(hgrepos("zstd")) as good, Store.open(repo) as bad:
        (d,) = good.compare(bad)
    assert (d.kind, d.rev, d.field) == ("copied-block", 5, "chunk")
    assert f"from 00changelog.d at byte {source}" in d.detail and "(rev 1 " in d.detail


def test_missing_file_and_changed_bytes(hgrepos, tmp_path):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with Store.open(repo) as store:
        os.unlink(store.fs_path("data/feature.txt.i"))
        data_file = store.changelog.data_path
        at = store.changelog.chunk_offset(2) + 5
    with open(data_file, "r+b") as f:
        f.seek(at)
        f.write(bytes(range(0x80, 0x8C)))
    with Store.open(hgrepos("zstd")) as good, Store.open(repo) as bad:
        found = {(d.kind, d.path, d.rev) for d in good.compare(bad)}
    assert ("missing-file", "data/feature.txt.i", None) in found
    assert ("changed-bytes", "00changelog.i", 2) in found


def test_differing_regions_merges_near_differences():
    good = bytes(200_000)
    bad = bytearray(good)
    bad[10] = 1
    bad[20] = 1  # within the merge gap of the first
    bad[150_000] = 7
    assert differing_regions(good, bytes(bad)) == [(10, 11), (150_000, 1)]


def _special(path: str, kind: str) -> None:
    """Put a character device (what /dev/null is) or a FIFO at ``path``."""
    os.unlink(path)
    if kind == "fifo":
        os.mkfifo(path)
        return
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")


# (a FIFO in the good store is a revlog the engine opens to map the differences: opening
# one is the engine's reading, not the comparison's)
@pytest.mark.parametrize("kind, what, where", [
    ("char", "a character device", "good"), ("char", "a character device", "bad"),
    ("fifo", "a FIFO", "bad")])
def test_a_file_that_is_not_a_regular_file_is_named_not_read(hgrepos, tmp_path, kind, what,
                                                               where):
    """A device or a FIFO is never read (a FIFO blocks, /dev/zero never ends): it is a
    difference of its own."""
    good, bad = (hgrepos.copy("zstd", tmp_path / name) for name in ("good", "bad"))
    with Store.open(good if where == "good" else bad) as store:
        _special(store.fs_path("data/feature.txt.i"), kind)
    with Store.open(good) as g, Store.open(bad) as b:
        found = g.compare(b)
    assert [(d.kind, d.path) for d in found] == [("not-a-file", "data/feature.txt.i")]
    assert f"{what} in the {where} store" in found[0].detail
