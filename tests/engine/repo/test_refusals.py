"""What Repo refuses to write, before anything is written: a store naming a requirement
the engine does not know (hg refuses to open it at all) or one it reads but does not
write, and a store on a read-only file system; ``Repo.init`` says why it cannot create a
repository, and leaves no half of one."""

from __future__ import annotations

import errno
import os
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


def erofs(path) -> OSError:
    return OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))


@pytest.mark.hgrepos("zstd")
def test_a_read_only_store_is_refused_before_any_transaction(hgrepo_copy, read_only):
    read_only(hgrepo_copy)
    before = tree(hgrepo_copy)
    with pytest.raises(StoreError, match="read-only file system"):
        Repo.open(hgrepo_copy)
    assert tree(hgrepo_copy) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes whatever the permissions")
@pytest.mark.hgrepos("zstd")
def test_a_store_without_write_permission_is_refused(hgrepo_copy):
    store = hgrepo_copy / ".hg" / "store"
    store.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="permission denied"):
            Repo.open(hgrepo_copy)
    finally:
        store.chmod(0o755)


def test_init_on_a_read_only_file_system(tmp_path, monkeypatch):
    def mkdir(path, *args, **kwargs):
        raise erofs(path)

    monkeypatch.setattr(os, "mkdir", mkdir)
    with pytest.raises(StoreError, match="Read-only file system"):
        Repo.init(tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_init_failing_halfway_leaves_no_repository(tmp_path, monkeypatch):
    """A .hg without its requires file would be taken for a repository: it goes."""
    def write_text(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(Path, "write_text", write_text)
    with pytest.raises(StoreError, match="No space left on device"):
        Repo.init(tmp_path / "r")
    assert not (tmp_path / "r" / ".hg").exists()
