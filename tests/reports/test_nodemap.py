"""``debugnodemap`` prints what ``hg debugnodemap`` prints, byte for byte: the docket
(``--metadata``), the trie on disk (``--dump-disk``), the trie hg would write
(``--dump-new``) and the check of the trie against the index (``--check``), also
on a trie whose entries were changed and on stores and revlogs without one."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from explorer.engine import Store
from tests.hgrepos import config_args, hg, hg_executable
from tests.reports.runner import Comparison

ACTIONS = (["--metadata"], ["--dump-disk"], ["--dump-new"], ["--check"], [])


@pytest.mark.hgrepos("persistent-nodemap", "zstd", "changelogv2")
def test_corpus(hg_server, hgrepo, hgconfig):
    cmp = Comparison(hg_server, hgconfig)
    for target in ([], ["-c"], ["-m"], ["a.txt"], [".hg/store/00changelog.i"]):
        for action in ACTIONS:
            cmp.same(hgrepo, "debugnodemap", *action, *target)
    cmp.check()


def _retarget(trie: bytearray, old: int, new: int) -> None:
    """The slot holding revision ``old`` now holds ``new`` (a value v <= -2 is -(v + 2))."""
    values = list(struct.unpack(f">{len(trie) // 4}l", trie))
    at = values.index(-(old + 2))
    struct.pack_into(">l", trie, 4 * at, -(new + 2))


@pytest.mark.parametrize("change", [(3, 5), (7, 900)])
def test_check_finds_a_changed_trie(hg_server, hgrepos, tmp_path, change):
    repo = hgrepos.copy("persistent-nodemap", tmp_path / "r")
    store = Store.open(repo)
    docket, _ = store.changelog.persisted_nodemap()
    path = store.fs_path(f"00changelog{docket.data_suffix()}")
    with open(path, "r+b") as f:
        trie = bytearray(f.read())
        _retarget(trie, *change)
        f.seek(0)
        f.write(trie)
    cmp = Comparison(hg_server, hgrepos.config("persistent-nodemap"))
    got = cmp.same(repo, "debugnodemap", "--check")
    assert got.status == 1 and b"nodemap check failed" in got.err
    cmp.same(repo, "debugnodemap", "--dump-disk")
    cmp.check()


def test_pending_nodemap_seen_by_hooks(hgrepos, tmp_path):
    """In a pretxnclose hook hg reads the pending docket (00changelog.n.a) beside the
    pending changelog; so do we."""
    repo = hgrepos.copy("persistent-nodemap", tmp_path / "r")
    config = hgrepos.config("persistent-nodemap")
    hook = (f"{hg_executable()} {' '.join(config_args(config))} debugnodemap --metadata"
            " > theirs.txt && "
            f"{sys.executable} -m explorer debugnodemap --metadata > ours.txt && "
            "test -e .hg/store/00changelog.n.a")
    hg(repo, "update", "-q", "tip", config=config)
    with open(repo / "README.txt", "ab") as f:
        f.write(b"one more line\n")
    hg(repo, "commit", "-m", "pending", config={**config, "hooks.pretxnclose.cmp": hook},
       env={"PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    theirs = (repo / "theirs.txt").read_bytes()
    assert theirs.startswith(b"uid: ") and (repo / "ours.txt").read_bytes() == theirs
    assert b"tip-rev: %d\n" % (len(Store.open(repo).changelog) - 1) in theirs
