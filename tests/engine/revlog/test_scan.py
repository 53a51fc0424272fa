"""Texts read in revision order (``scan.py``): each is hg's, and on damaged revlogs each
outcome (the text, or the error and where it points) is the reader's own."""

from __future__ import annotations

import pytest

from explorer.engine import CorruptionError, Store
from explorer.engine.damage import faults
from explorer.engine.revlog.scan import TextScan
from tests.engine.oracle_revlogs import revlogs


def _raw(want: dict) -> bytes:
    return want["rawdata"] if want["rawdata"] is not None else want["rawdata_unvalidated"]


@pytest.mark.parametrize("held_bytes", [0, 3000, 1 << 30], ids=["none-held", "small", "all"])
@pytest.mark.parametrize("step", [1, 3], ids=["every", "every-third"])
@pytest.mark.hgrepos(features={"merge", "long-chain", "intermediate-snapshot", "no-generaldelta",
                               "inline", "v0", "docket", "censored"})
def test_texts_in_order_are_hgs(hgoracle, held_bytes, step):
    """Whatever is held for later revisions, and with revisions passed over, every text
    is hg's (v0 and docket revlogs are read by the reader itself)."""
    for path, info, rl in revlogs(hgoracle):
        scan = TextScan(rl._inner, held_bytes)
        for want in info["revs"][::step]:
            assert scan.text(want["rev"]) == _raw(want), (path, want["rev"])


def _outcome(read, rev: int) -> tuple:
    try:
        return ("text", read(rev))
    except CorruptionError as err:
        return ("error", err.message, err.file, err.rev, err.offset)


DAMAGE = ["flip-bit", "bad-compression", "base-past-rev", "overlap-offsets", "truncate-data",
          "zero-tail", "wrong-node"]


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("name,path", [("long-chain-sparse", "data/chain.txt.i"),
                                       ("zstd", "00manifest.i"),
                                       ("no-generaldelta", "00changelog.i")])
def test_damage_gives_the_readers_outcome(hgrepos, tmp_path, kind, name, path):
    """After damage to a revision in the middle, each revision read in order has the
    outcome a cold ``Revlog.revision`` has: the same text or the same error."""
    repo = hgrepos.copy(name, tmp_path / name)
    store = Store.open(repo)
    rl = store.open_revlog(path)
    try:
        faults.inject(rl, kind, len(rl) // 2)
    except faults.FaultError:
        pytest.skip(f"{kind} cannot be made there")
    with store.open_revlog(path) as scanned, store.open_revlog(path) as cold:
        scan = scanned.scan()
        for rev in range(len(cold)):
            cold.clear_caches()
            assert _outcome(scan.text, rev) == _outcome(cold.revision, rev), rev

