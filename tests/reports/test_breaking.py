"""``break --output COPY`` damages a real copy, never the original through a link.

A repository whose ``.hg`` or ``.hg/store`` is a symlink, or a share whose
store is another repository's, must not have its original store damaged by
a command that promises to damage a copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import hgrepos as hgtools
from tests.reports.runner import ours

BREAK = ("--kind", "flip-bit", "-r", "3", "-c", "--output", "copy")


def files_of(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` (links followed), by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("linked", [".hg", ".hg/store"])
def test_a_symlinked_hg_or_store_is_copied_not_linked(hgrepos, tmp_path, linked):
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(repo / linked, elsewhere)
    (repo / linked).symlink_to(elsewhere, target_is_directory=True)
    before = files_of(elsewhere)
    result = ours(tmp_path, "break", "repo", *BREAK)
    assert result.status == 0, result.err
    assert files_of(elsewhere) == before
    copy = tmp_path / "copy"
    assert not (copy / linked).is_symlink() and (copy / linked).is_dir()
    assert (copy / ".hg" / "store" / "00changelog.i").exists()
    found = ours(tmp_path, "verify", "copy")
    assert found.status == 1, found.out
    assert ours(tmp_path, "verify", "repo").status == 0


def test_the_copy_of_a_share_is_refused(hgrepos, tmp_path):
    """A share's copy would still point at the source's store: refused, nothing left."""
    source = hgrepos.copy("zstd", tmp_path / "source")
    hgtools.hg(tmp_path, "share", "-U", "source", "shared", config={"extensions.share": ""})
    before = files_of(source / ".hg" / "store")
    result = ours(tmp_path, "break", "shared", *BREAK)
    assert result.status == 255
    assert "outside the copy" in result.err.decode(), result.err
    assert files_of(source / ".hg" / "store") == before
    assert not (tmp_path / "copy").exists()
