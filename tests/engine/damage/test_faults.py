"""Fault injection: each kind changes exactly the bytes it announces, in every format.

The matrix of tests/engine/verify/test_verify.py checks that verify finds each
fault; here we check the faults themselves: a plan changes nothing until
applied, an applied fault changes only the bytes it names, impossible
requests are refused with a clear error, and faults also apply to the other
index layouts (v0, v2 with its docket, changelog-v2), where verify finds them.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from explorer.engine import RevlogError, Store
from explorer.engine.damage import faults
from explorer.engine.verify.run import verify_store


def store_bytes(root: Path) -> dict[str, bytes]:
    out = {}
    for directory, _dirs, files in os.walk(root):
        for name in files:
            full = os.path.join(directory, name)
            out[os.path.relpath(full, root)] = Path(full).read_bytes()
    return out


@pytest.fixture
def copy(hgrepos, tmp_path):
    def make(spec: str) -> tuple[Path, Store]:
        repo = hgrepos.copy(spec, tmp_path / spec)
        return repo, Store.open(repo)
    return make


@pytest.mark.parametrize("kind", list(faults.KINDS))
def test_plan_changes_nothing_and_apply_changes_only_what_it_names(copy, kind):
    repo, store = copy("zstd")
    before = store_bytes(repo)
    rl = store.open_revlog("data/README.txt.i")
    fault = faults.plan(rl, kind, 3, store_dir=store.store_dir)
    assert store_bytes(repo) == before
    rl.close()
    faults.apply(fault)
    after = store_bytes(repo)
    changed = {name for name in before.keys() | after.keys()
               if before.get(name) != after.get(name)}
    touched = {os.path.relpath(e.file, repo) for e in fault.edits}
    assert changed == touched
    assert os.path.relpath(fault.file, repo) in changed
    name = os.path.relpath(fault.file, repo)
    if not any(e.truncate for e in fault.edits):
        old, new = before.get(name, b""), after[name]
        first = next(i for i in range(len(new)) if i >= len(old) or old[i] != new[i])
        written = next(e for e in fault.edits if e.file == fault.file)
        assert fault.offset <= first < fault.offset + len(written.data)
    else:
        assert len(after[name]) == fault.offset


@pytest.mark.parametrize("kind, rev, message", [
    ("overlap-offsets", 0, "no predecessor"),
    ("no-such-kind", 1, "unknown fault kind"),
    ("flip-bit", 99, "has no revision 99"),
    ("lost-journal", 1, "needs the store"),
])
def test_impossible_faults_are_refused(copy, kind, rev, message):
    _repo, store = copy("zstd")
    with store.open_revlog("00changelog.i") as rl:
        with pytest.raises(faults.FaultError, match=message):
            faults.plan(rl, kind, rev)


def test_empty_chunk_and_missing_fields_are_refused(copy):
    _repo, store = copy("changelogv2")
    with store.changelog as rl, pytest.raises(faults.FaultError, match="no delta base"):
        faults.plan(rl, "base-past-rev", 2)
    _repo, store = copy("zstd")
    with store.open_revlog("data/data/empty.txt.i") as rl:
        empty = next(r for r in range(len(rl)) if rl.length(r) == 0)
        with pytest.raises(faults.FaultError, match="empty chunk"):
            faults.plan(rl, "flip-bit", empty)
    assert issubclass(faults.FaultError, RevlogError)


@pytest.mark.parametrize("spec, path", [
    ("v0", "00manifest.i"),
    ("revlogv2", "00manifest.i"),
    ("changelogv2", "00changelog.i"),
    ("persistent-nodemap", "00changelog.i"),
])
@pytest.mark.parametrize("kind", [k for k in faults.KINDS if k != "lost-journal"])
def test_faults_in_other_layouts_are_found(copy, spec, path, kind):
    _repo, store = copy(spec)
    rl = store.open_revlog(path)
    try:
        fault = faults.inject(rl, kind, 3, path=path, store_dir=store.store_dir)
    except faults.FaultError:
        pytest.skip(f"{kind} does not apply to {spec}")
    store.close()
    report = verify_store(Store.open(store.root))
    assert report.damaged
    assert any(p.path == path and p.rev in (fault.rev, None) for p in report.errors)


@pytest.mark.parametrize("kind", ["flip-bit", "truncate-data", "lost-journal"])
def test_a_read_only_file_system_is_a_fault_error(copy, monkeypatch, kind):
    """Writing in place, cutting, creating: each refusal of the file system is said as
    a FaultError naming the file, not an OSError."""
    repo, store = copy("zstd")
    before = store_bytes(repo)

    def refuse(path, *args):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))

    def read_only_open(path, mode="r", *args, **kwargs):
        if set(mode) & set("wax+"):
            refuse(path)
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(faults, "open", read_only_open, raising=False)
    monkeypatch.setattr(os, "truncate", refuse)
    rl = store.open_revlog("data/src/main.py.i")
    with pytest.raises(faults.FaultError, match="cannot damage .*: Read-only file system"):
        faults.inject(rl, kind, 3, store_dir=store.store_dir)
    assert store_bytes(repo) == before
