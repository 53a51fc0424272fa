"""``debugancestor`` prints what ``hg debugancestor`` prints, byte for byte.

hg 7.2.4's three-argument form (``INDEX REV1 REV2``) fails with a TypeError
(it still builds a revlog with the old constructor), so there the oracle is
what that form computes: hg's ``revlog.ancestor`` on the revlog of INDEX,
printed ``REV:NODE``.
"""

from __future__ import annotations

import itertools
import os
import random

import pytest
from mercurial import hg

from explorer.engine import Store
from tests.hgdags import NAMED_DAGS, build_dag, hg_ui
from tests.reports.runner import Comparison, ours


def sample_pairs(count: int, most: int) -> list[tuple[int, int]]:
    """Every pair of revisions when there are few, else ``most`` of them drawn."""
    every = list(itertools.product(range(count), repeat=2))
    return every if len(every) <= most else random.Random(count).sample(every, most)


@pytest.mark.parametrize("name", sorted(NAMED_DAGS))
def test_pairs_of_a_dag(hg_server, tmp_path, name):
    repo = build_dag(tmp_path / name, NAMED_DAGS[name])
    count = len(Store.open(repo).changelog)
    cmp = Comparison(hg_server)
    for a, b in sample_pairs(count, 150):
        cmp.same(repo, "debugancestor", str(a), str(b))
    cmp.same(repo, "debugancestor", "tip", "null")
    cmp.same(repo, "debugancestor", "null", "3")
    cmp.check()


@pytest.mark.hgrepos("zstd", "changelogv2", "v0")
def test_corpus(hg_server, hgrepo, hgconfig):
    changelog = Store.open(hgrepo).changelog
    rnd = random.Random(len(changelog))
    cmp = Comparison(hg_server, hgconfig)
    for _ in range(40):
        a, b = rnd.randrange(len(changelog)), rnd.randrange(len(changelog))
        cmp.same(hgrepo, "debugancestor", str(a), str(b))
        cmp.same(hgrepo, "debugancestor", changelog.node(a).hex()[:8], changelog.node(b).hex())
    cmp.check()


def test_refusals(hg_server, hgrepos):
    repo = hgrepos("zstd")
    cmp = Comparison(hg_server, hgrepos.config("zstd"))
    for args in ([], ["1"], ["1", "2", "3", "4"], ["1", "zzz"], ["999", "1"]):
        cmp.both_fail(repo, "debugancestor", *args)
    cmp.check()


@pytest.mark.parametrize("name", ["criss-cross", "long-branches"])
def test_index_form_gives_what_hg_computes(tmp_path, name):
    repo_path = build_dag(tmp_path / name, NAMED_DAGS[name])
    repo = hg.repository(hg_ui(), str(repo_path).encode()).unfiltered()
    store = Store.open(repo_path)
    for path, theirs in (("00changelog.i", repo.changelog),
                         ("00manifest.i", repo.manifestlog.getstorage(b"")._revlog),
                         ("data/mf.i", repo.file(b"mf")._revlog)):
        index = os.path.relpath(store.fs_path(path), tmp_path)
        for a, b in sample_pairs(len(theirs), 60):
            node = theirs.ancestor(theirs.node(a), theirs.node(b))
            expected = b"%d:%s\n" % (theirs.rev(node), node.hex().encode())
            got = ours(tmp_path, "debugancestor", index, str(a), str(b))
            assert (got.status, got.out) == (0, expected), (path, a, b)
