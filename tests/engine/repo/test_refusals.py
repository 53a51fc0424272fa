"""What Repo refuses to write, before anything is written: a store naming a requirement
the engine does not know (hg refuses to open it at all), or one it reads but does not
write."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.engine import StoreError
from explorer.engine.repo.repo import Repo
from tests import hgrepos as hgtools
from tests.engine.repo.test_paths import tree

UNKNOWN = "exp-frobnicate"


def add_requirement(repo: Path, name: str) -> None:
    """Name ``name`` where hg keeps the store's requirements (the store's requires file
    with share-safe)."""
    requires = repo / ".hg" / "store" / "requires"
    if not requires.exists():
        requires = repo / ".hg" / "requires"
    with open(requires, "a") as f:
        f.write(name + "\n")


@pytest.mark.hgrepos("zstd", "no-store", "treemanifest")
def test_an_unknown_requirement_is_refused_as_hg_refuses_it(hgrepo_copy, hgconfig):
    add_requirement(hgrepo_copy, UNKNOWN)
    code, _out, err = hgtools.hg_run(hgrepo_copy, "log", config=hgconfig)
    assert code == 255 and f"unknown to this Mercurial: {UNKNOWN}".encode() in err
    before = tree(hgrepo_copy)
    with pytest.raises(StoreError, match=f"unknown to revlog-explorer: {UNKNOWN}"):
        Repo.open(hgrepo_copy)
    assert tree(hgrepo_copy) == before


@pytest.mark.hgrepos("fileindex", "revlogv2", "copies-sidedata", "lfs")
def test_a_store_we_read_but_do_not_write_is_refused(hgrepo_copy, hgrepo_name):
    requirement = {"fileindex": "fileindex-v1", "revlogv2": "fileindex-v1",
                   "copies-sidedata": "exp-copies-sidedata-changeset", "lfs": "lfs"}[hgrepo_name]
    before = tree(hgrepo_copy)
    with pytest.raises(StoreError, match=f"requirement '{requirement}'"):
        Repo.open(hgrepo_copy)
    assert tree(hgrepo_copy) == before
