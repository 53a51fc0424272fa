"""``debugsidedata`` prints what ``hg debugsidedata`` prints, byte for byte: every
changeset of the changelog-v2 and revlog-v2 stores (copy-tracing sidedata where
the store keeps it), with and without ``-v``, and nothing where there is none."""

from __future__ import annotations

import pytest

from explorer.engine import Store
from tests.reports.runner import Comparison


@pytest.mark.hgrepos("copies-sidedata", "changelogv2", "revlogv2", "zstd")
def test_corpus(hg_server, hgrepo, hgconfig):
    count = len(Store.open(hgrepo).changelog)
    cmp = Comparison(hg_server, hgconfig)
    for rev in range(count):
        for verbose in ([], ["-v"]):
            cmp.same(hgrepo, "debugsidedata", *verbose, "-c", str(rev))
    for args in (["-m", "0"], ["-m", "tip"], ["README.txt", "2"], ["a.txt", "0"]):
        cmp.same(hgrepo, "debugsidedata", "-v", *args)
    cmp.check()


def test_refusals(hg_server, hgrepos):
    repo = hgrepos("copies-sidedata")
    cmp = Comparison(hg_server, hgrepos.config("copies-sidedata"))
    for args in (["-c"], ["README.txt"], ["-c", "1", "2"], ["-c", "9999"],
                 [".hg/store/00changelog.i", "0"], ["no-such-file", "0"]):
        cmp.both_fail(repo, "debugsidedata", *args)
    cmp.check()
