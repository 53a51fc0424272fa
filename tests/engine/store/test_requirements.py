"""The requirements the engine knows: those hg writes for our formats, none hg does not know."""

from __future__ import annotations

import subprocess
import sys
from itertools import product

import pytest

from explorer.engine import StoreError
from explorer.engine.repo.formats import RepoFormat
from explorer.engine.store import requirements
from explorer.engine.store.discovery import read_requires

_HG_SUPPORTED = """
from mercurial import commands, extensions, ui as uimod  # commands: lfs registers some
from mercurial.repo import requirements
ui = uimod.ui.load()
ui.setconfig(b"extensions", b"lfs", b"")
extensions.loadall(ui)
for name in sorted(requirements.gather_supported_requirements(ui)):
    print(name.decode())
"""


def requirements_of(repo) -> set[str]:
    hg_dir = repo / ".hg"
    return (read_requires(str(hg_dir / "requires"), missing_ok=True)
            | read_requires(str(hg_dir / "store" / "requires"), missing_ok=True))


def test_hg_writes_only_requirements_we_read(hgrepo):
    assert requirements.unknown(requirements_of(hgrepo)) == []


def test_we_claim_no_requirement_hg_does_not_know():
    supported = set(subprocess.run([sys.executable, "-c", _HG_SUPPORTED], capture_output=True,
                                   text=True, check=True).stdout.split())
    ours = requirements.READABLE - requirements.OURS
    assert ours <= supported, ours - supported
    assert requirements.OURS.isdisjoint(supported)  # hg refuses them, as it must


@pytest.mark.parametrize("compression, revlog, tree, store, changelog_v2", product(
    ("zstd", "zlib", "none"), ("v0", "v1", "v2"), (False, True), (False, True), (False, True)))
def test_every_format_we_create_we_write(compression, revlog, tree, store, changelog_v2):
    if revlog == "v0" and changelog_v2:
        return
    gd = revlog != "v0"
    reqs = RepoFormat(compression, None, gd, gd, revlog, changelog_v2, store, store, store, tree,
                      store, False).requirements()
    requirements.check_writable(reqs)


def test_unknown_requirements_are_named():
    reqs = {"revlogv1", "store", "exp-frobnicate", "narrowhg-experimental"}
    assert requirements.unknown(reqs) == ["exp-frobnicate", "narrowhg-experimental"]
    assert "'exp-frobnicate', 'narrowhg-experimental'" in requirements.read_warning(reqs)
    assert requirements.read_warning({"revlogv1", "fileindex-v1"}) is None
    with pytest.raises(StoreError, match="unknown to revlog-explorer: exp-frobnicate "
                                         "narrowhg-experimental"):
        requirements.check_writable(reqs)
    with pytest.raises(StoreError, match="requirement 'fileindex-v1'"):
        requirements.check_writable({"revlogv1", "store", "fileindex-v1"})
