"""A strip moves the working copy off the changesets it removes, as hg's strip does:
same parent, same files, clean status; uncommitted changes refuse it first."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from explorer.engine import Repo, RevlogError
from tests import hgrepos as hgtools
from tests.engine.repo.test_like_hg import store_bytes

STRIP = {"extensions.strip": ""}
QUERIES = [["id", "-i", "-b"], ["status", "-A"], ["summary"], ["branch"], ["parents"]]


def working_files(root: Path) -> dict[str, tuple[bytes, bool]]:
    """Every file of the working copy (not .hg): content (a link's target) and exec bit."""
    files = {}
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not (directory == str(root) and d == ".hg")]
        for name in names:
            full = os.path.join(directory, name)
            st = os.lstat(full)
            data = os.fsencode(os.readlink(full)) if stat.S_ISLNK(st.st_mode) else \
                Path(full).read_bytes()
            files[os.path.relpath(full, root)] = (data, bool(st.st_mode & 0o100))
    return files


def twins(hgrepos, tmp_path, at: str):
    config = {**hgrepos.config("zstd"), **STRIP}
    theirs = hgrepos.copy("zstd", tmp_path / "theirs")
    ours = hgrepos.copy("zstd", tmp_path / "ours")
    for repo in (theirs, ours):
        hgtools.hg(repo, "update", "-q", "-C", "-r", at, config=config)
    return theirs, ours, config


def rev(repo: Path, revset: str, config) -> int:
    return int(hgtools.hg(repo, "log", "-r", revset, "-T", "{rev}", config=config))


@pytest.mark.parametrize("at, strip", [
    ("tip", "tip~2"), ("max(branch(stable))", "min(branch(stable))"),
    ("max(branch(stable))", "max(branch(stable))"), ("tip", "max(merge())"),
    ("max(branch(feature))", "max(branch(feature))")])
def test_the_working_copy_goes_where_hg_strip_puts_it(hgrepos, tmp_path, at, strip):
    theirs, ours, config = twins(hgrepos, tmp_path, at)
    first = rev(theirs, strip, config)
    # hg strips the descendants of a revision; we strip it and every later one
    later = hgtools.hg(theirs, "log", "-r", f"{first}: - {first}::", "-T", "{rev} ",
                       config=config).split()
    hgtools.hg(theirs, "strip", "-q", "--no-backup", "-r", str(first), *sum(
        (["-r", r] for r in later), []), config=config)
    with Repo.open(ours) as repo:
        repo.strip(first)
    assert working_files(ours) == working_files(theirs)
    for query in QUERIES:
        assert hgtools.hg(ours, *query, config=config) == \
            hgtools.hg(theirs, *query, config=config), query
    ours_store, theirs_store = store_bytes(ours), store_bytes(theirs)
    # hg rewrites the fncache in its set's order (random per process)
    assert sorted(ours_store.pop("fncache").splitlines()) == \
        sorted(theirs_store.pop("fncache").splitlines())
    assert ours_store == theirs_store


def test_uncommitted_changes_refuse_the_strip_before_anything_changes(hgrepos, tmp_path):
    theirs, ours, config = twins(hgrepos, tmp_path, "tip")
    for repo in (theirs, ours):
        (repo / "src" / "main.py").write_bytes(b"changed\n")
    code, _, err = hgtools.hg_run(theirs, "strip", "--no-backup", "-r", "tip", config=config)
    assert code != 0 and b"uncommitted changes" in err
    before = store_bytes(ours), working_files(ours), (ours / ".hg" / "dirstate").read_bytes()
    with Repo.open(ours) as repo, pytest.raises(RevlogError, match="uncommitted changes"):
        repo.strip(len(repo) - 1)
    after = store_bytes(ours), working_files(ours), (ours / ".hg" / "dirstate").read_bytes()
    assert after == before
    assert not (ours / ".hg" / "wlock").exists()


def test_a_working_copy_on_a_kept_changeset_is_left_alone(hgrepos, tmp_path):
    theirs, ours, config = twins(hgrepos, tmp_path, "0")
    (ours / "untracked.txt").write_text("mine\n")
    dirstate = (ours / ".hg" / "dirstate").read_bytes()
    files = working_files(ours)
    with Repo.open(ours) as repo:
        repo.strip(len(repo) - 1)
    assert (ours / ".hg" / "dirstate").read_bytes() == dirstate
    assert working_files(ours) == files
