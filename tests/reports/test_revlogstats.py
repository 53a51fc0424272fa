"""``debug-revlog-stats`` prints what ``hg debug-revlog-stats`` prints, byte for byte,
on every repository of the corpus (inline and split revlogs, tree manifests,
revlog-v2 dockets, every store layout), with each choice of kinds."""

from __future__ import annotations

from tests.reports.runner import Comparison

CHOICES = ([], ["-c"], ["-m"], ["-f"], ["-c", "-f"], ["--manifest", "--filelogs"])


def test_corpus(hg_server, hgrepo, hgconfig):
    cmp = Comparison(hg_server, hgconfig)
    for choice in CHOICES:
        cmp.same(hgrepo, "debug-revlog-stats", *choice)
    cmp.same(hgrepo.parent, "debug-revlog-stats", "-R", hgrepo.name)
    cmp.check()


def test_outside_a_repository(hg_server, tmp_path):
    cmp = Comparison(hg_server)
    cmp.both_fail(tmp_path, "debug-revlog-stats")
    cmp.check()
