"""Verify and diff-store on mutated stores: they report, they never raise, they never hang.

Hypothesis damages one file of a store written by real hg (any revlog file,
the fncache, the requires, a docket, a nodemap) and runs the whole verify
and diff-store on it. The damage may also put something else in the file's
place: a FIFO, a symlink to /dev/zero or out of the store, a directory, a
sparse file declaring gigabytes. Each input runs with its address space
capped. A longer run of the same idea is benchmarks/fuzz.py.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.engine import RevlogError, Store
from explorer.engine.damage.compare import compare_stores
from explorer.engine.verify.run import verify_store
from tests.engine.revlog.test_fuzz import address_space, deadline, materialize, mutations, remove

SPECS = ["zstd", "split-inline", "no-generaldelta", "revlogv2", "changelogv2",
         "persistent-nodemap", "treemanifest", "v0"]


def store_files(root: Path) -> list[str]:
    """Every file under the store (or .hg without a store), relative to the repository."""
    hg = root / ".hg"
    base = hg / "store" if (hg / "store").is_dir() else hg
    found = (p.relative_to(root) for p in base.rglob("*") if p.is_file())
    return sorted(str(p) for p in found if "cache" not in p.parts)


def damage(dest: Path, data: bytes, kind: str, pos: int, arg, outside: Path) -> None:
    """Replace the store file ``dest`` by its damaged form; "outside" makes it a symlink
    to an intact copy outside the store (which must not be read)."""
    remove(str(dest))
    if kind == "outside":
        copy = outside / f"outside-{dest.name}"
        copy.write_bytes(data)
        dest.symlink_to(copy)
    else:
        materialize(str(dest), data, kind, pos, arg)


@pytest.mark.parametrize("spec", SPECS)
def test_mutated_stores_verify_without_raising(hgrepos, spec):
    source = hgrepos(spec)
    names = store_files(source)
    contents = {n: (source / n).read_bytes() for n in names}

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data):
        target = data.draw(st.sampled_from(names), label="file")
        kind, pos, arg = data.draw(st.one_of(mutations(len(contents[target])),
                                             st.just(("outside", 0, None))), label="mutation")
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp) / "repo"
            shutil.copytree(source, repo, symlinks=True)
            damage(repo / target, contents[target], kind, pos, arg, Path(tmp))
            with deadline(30), address_space():
                try:
                    damaged = Store.open(repo)
                except RevlogError:
                    return  # requires or layout unreadable: refused at open, clearly
                with damaged, Store.open(source) as good:
                    report = verify_store(damaged)
                    compare_stores(good, damaged)
            assert all(p.message for p in report.problems)

    run()


def test_missing_store_files_are_reported(hgrepos, tmp_path):
    """Deleting any one file of a store is reported (or refused at open), never raised."""
    source = hgrepos("zstd")
    for name in store_files(source):
        if os.path.basename(name) in ("undo", "undo.backupfiles", "phaseroots"):
            continue
        repo = tmp_path / name.replace("/", "_")
        shutil.copytree(source, repo, symlinks=True)
        (repo / name).unlink()
        try:
            store = Store.open(repo)
        except RevlogError:
            continue
        with store:
            assert verify_store(store).problems, name
