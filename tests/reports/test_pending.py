"""The changelog a transaction has not committed yet: a hook sees it (``HG_PENDING``),
and its ``.i.a`` file opens as a revlog."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest

from tests import hgrepos as hgtools

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.hgrepos("zstd", "zlib")
def test_a_pretxncommit_hook_sees_the_pending_changeset(hgrepo_copy, hgconfig, tmp_path):
    ours = f"PYTHONPATH={shlex.quote(str(ROOT))} {shlex.quote(sys.executable)} -m explorer.cli"
    hook = (f"hg debugindex -c > {tmp_path}/hg.txt && {ours} index -c > {tmp_path}/ours.txt"
            f" && {ours} index .hg/store/00changelog.i.a > {tmp_path}/pending.txt"
            f" && ls .hg/store > {tmp_path}/store.txt")
    (hgrepo_copy / "hooked.txt").write_text("hooked\n")
    hgtools.hg(hgrepo_copy, "commit", "-A", "-q", "-m", "hooked", "-u", "test",
               config={**hgconfig, "hooks.pretxncommit": hook,
                       "ui.username": "test"},
               env={"PATH": f"{Path(hgtools.hg_executable()).parent}:{os.environ['PATH']}"})
    assert "00changelog.i.a" in (tmp_path / "store.txt").read_text()
    seen = (tmp_path / "hg.txt").read_text()
    count = len(seen.splitlines()) - 1
    assert count == int(hgtools.hg(hgrepo_copy, "log", "-r", "tip", "-T", "{rev}")) + 1
    assert (tmp_path / "ours.txt").read_text() == seen
    assert (tmp_path / "pending.txt").read_text() == seen
