"""Graph queries (``engine/revlog/graph.py`` through ``Revlog``) give hg's answers.

The oracle is Mercurial itself, in-process: its changelog, manifest and
filelogs (the C index: ``headrevs``, ``ancestors``, ``descendants``,
``commonancestorsheads``, ``ancestor``, ``reachableroots``, ``isancestorrev``,
``shortest``, ``findsnapshots``), ``scmutil.shortesthexnodeidprefix`` and the
``ancestors(x)`` revset. The repositories are hg's own: DAGs written by ``hg
debugbuilddag`` (merges, criss-cross merges, several heads and roots, and
DAGs drawn by hypothesis) and the formats of the shared corpus (v0, v2,
changelog-v2, inline, a persistent nodemap).
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mercurial import hg, scmutil

from explorer.engine import NULL_REV, LookupError, Repo, Store
from tests.hgdags import NAMED_DAGS, build_dag, dag_text, hg_ui
from tests.hgrepos import hg as run_hg

CORPUS = ["zstd", "v0", "changelogv2", "revlogv2", "persistent-nodemap", "no-generaldelta",
          "gd-no-sparse", "inline-changelog", "split-inline", "delta-info"]


def pairs(config: dict[str, str] | None, path: Path):
    """(hg's revlog, ours, hg's repo) for the changelog, the manifest and every filelog."""
    store = Store.open(path)
    repo = hg.repository(hg_ui(config), str(path).encode()).unfiltered()
    yield repo.changelog, store.changelog, repo
    yield repo.manifestlog.getstorage(b"")._revlog, store.manifest, repo
    for kind, path, rl in store.revlogs():
        if kind == "filelog":
            name = path[len("data/"):-len(".i")]
            yield repo.file(name.encode())._revlog, rl, repo


def _sample(revs: range, k: int, rnd: random.Random) -> list[int]:
    return list(revs) if len(revs) <= k else sorted(rnd.sample(revs, k))


def check_all(theirs, ours, repo, budget: int = 40) -> None:
    """Every query on ``ours`` equals hg's on ``theirs``; all revs when few, else a sample."""
    n = len(ours)
    assert n == len(theirs)
    rnd = random.Random(n)
    revs = _sample(range(n), budget, rnd)
    check_heads(theirs, ours, revs)
    check_walks(theirs, ours, revs)
    check_common_ancestors(theirs, ours, revs, rnd)
    check_reachable_roots(theirs, ours, rnd)
    check_shortest(theirs, ours, repo, revs)
    check_snapshots(theirs, ours)


def check_heads(theirs, ours, revs) -> None:
    assert ours.heads() == sorted(theirs.headrevs())
    node = theirs.node
    for r in revs:
        assert ours.heads(r) == sorted(map(theirs.rev, theirs.heads(node(r)))), r
        stop = [r, r // 2]
        assert (ours.heads(None, stop)
                == sorted(map(theirs.rev, theirs.heads(None, [node(s) for s in stop])))), r


def check_walks(theirs, ours, revs) -> None:
    for r in [NULL_REV, *revs]:
        for stoprev, inclusive in itertools.product((0, max(r // 2, 0)), (False, True)):
            assert (list(ours.ancestors([r], stoprev, inclusive))
                    == list(theirs.ancestors([r], stoprev, inclusive))), (r, stoprev, inclusive)
    for r in revs[::4]:
        mine, hgs = ours.ancestors([r], r // 3), theirs.ancestors([r], r // 3)
        assert bool(mine) == bool(hgs), r
        asked = [*revs[::-1], *revs, NULL_REV, len(ours), None]  # down, then up: both paths
        assert [x in mine for x in asked] == [x in hgs for x in asked], r
    for chunk in (revs[:3], revs[-2:], revs[::3]):
        assert list(ours.ancestors(chunk)) == list(theirs.ancestors(chunk)), chunk
        if chunk:
            assert list(ours.descendants(chunk)) == list(theirs.descendants(chunk)), chunk
    for r in [NULL_REV, *revs]:
        assert list(ours.descendants([r])) == list(theirs.descendants([r])), r


def check_common_ancestors(theirs, ours, revs, rnd: random.Random) -> None:
    node = theirs.node
    for a, b in itertools.product([NULL_REV, *revs], repeat=2):
        assert (ours.common_ancestor_heads(a, b)
                == sorted(theirs._commonancestorsheads(a, b))), (a, b)
        assert ours.ancestor(a, b) == theirs.rev(theirs.ancestor(node(a), node(b))), (a, b)
        assert ours.is_ancestor(a, b) == theirs.isancestorrev(a, b), (a, b)
    for _ in range(20):
        several = [rnd.choice(revs) for _ in range(rnd.randint(3, 5))]
        assert (ours.common_ancestor_heads(*several)
                == sorted(theirs._commonancestorsheads(*several))), several


def check_reachable_roots(theirs, ours, rnd: random.Random) -> None:
    n = len(ours)
    for _ in range(60):
        heads = [rnd.randrange(n) for _ in range(rnd.randint(1, 3))]
        roots = [rnd.randrange(n) for _ in range(rnd.randint(0, 3))]
        minroot = min(roots, default=0) - rnd.randint(0, 2)
        for include_path in (False, True):
            assert (ours.reachable_roots(max(minroot, 0), heads, roots, include_path)
                    == sorted(theirs.reachableroots(max(minroot, 0), heads, roots,
                                                    include_path))), (heads, roots, include_path)


def check_shortest(theirs, ours, repo, revs) -> None:
    changelog = ours.kind == "changelog"
    for r in [NULL_REV, *revs]:
        node = theirs.node(r)
        for min_length in (1, 3):
            got = ours.shortest(node, min_length, rev_numbers="ignore")
            assert got == theirs.shortest(node, min_length).decode(), (r, min_length)
            if changelog and r != NULL_REV:
                expected = scmutil.shortesthexnodeidprefix(repo, node, min_length)
                assert ours.shortest(node, min_length) == expected.decode(), (r, min_length)
                repo.ui.setconfig(b"experimental", b"revisions.prefixhexnode", b"yes")
                expected = scmutil.shortesthexnodeidprefix(repo, node, min_length)
                repo.ui.setconfig(b"experimental", b"revisions.prefixhexnode", b"no")
                assert ours.shortest(node, min_length, rev_numbers="x") == expected.decode()


def check_snapshots(theirs, ours) -> None:
    if not hasattr(theirs.index, "findsnapshots"):
        return  # v0: hg's Python index has none
    n = len(ours)
    for start, end in ((0, n - 1), (n // 3, 2 * n // 3), (n - 1, n - 1)):
        found: dict[int, list[int]] = {}
        theirs.index.findsnapshots(found, start, end)
        assert ours.find_snapshots(start, end) == {b: sorted(r) for b, r in found.items()}


# -- hg-built DAGs ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(NAMED_DAGS))
def test_named_dags(tmp_path, name):
    path = build_dag(tmp_path / name, NAMED_DAGS[name])
    for theirs, ours, repo in pairs(None, path):
        check_all(theirs, ours, repo, budget=60)


def test_ancestors_are_what_the_revset_lists(tmp_path):
    """``hg log -r 'ancestors(x)'`` lists the inclusive ancestors, ascending."""
    path = build_dag(tmp_path / "r", NAMED_DAGS["criss-cross"])
    changelog = Store.open(path).changelog
    for x in (0, 7, 8, 10, len(changelog) - 1):
        listed = run_hg(path, "log", "-r", f"ancestors({x})", "-T", "{rev}\n")
        assert sorted(changelog.ancestors([x], inclusive=True)) == list(map(int, listed.split()))


@st.composite
def dags(draw) -> list[tuple[int, int]]:
    """Parents of each revision: roots, linear runs, merges (p1 != p2, both real)."""
    count = draw(st.integers(1, 28))
    parents = []
    for rev in range(count):
        p1 = draw(st.integers(-1, rev - 1)) if rev else -1
        p2 = -1
        if p1 >= 0 and rev > 1 and draw(st.booleans()):
            p2 = draw(st.integers(0, rev - 1).filter(lambda p, p1=p1: p != p1))
        parents.append((p1, p2))
    return parents


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(parents=dags())
def test_generated_dags(tmp_path_factory, parents):
    path = build_dag(tmp_path_factory.mktemp("dag") / "r", dag_text(parents))
    ours = Store.open(path).changelog
    assert [ours.parents(r) for r in ours] == parents  # the DAG hg wrote is the one drawn
    for theirs, ours, repo in pairs(None, path):
        check_all(theirs, ours, repo, budget=30)


# -- the formats of the corpus ------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS)
def test_corpus(hgrepos, name):
    path = hgrepos(name)
    for theirs, ours, repo in pairs(hgrepos.config(name), path):
        check_all(theirs, ours, repo, budget=25)


# -- arguments -------------------------------------------------------------------------------


def test_revisions_out_of_range_are_refused(tmp_path):
    changelog = Store.open(build_dag(tmp_path / "r", "+3")).changelog
    for call in (lambda: changelog.ancestors([3]), lambda: changelog.descendants([-2]),
                 lambda: changelog.common_ancestor_heads(0, 7), lambda: changelog.heads(5),
                 lambda: changelog.is_ancestor(0, 3), lambda: changelog.ancestor(9, 0),
                 lambda: changelog.shortest(b"\x12" * 20)):
        with pytest.raises(LookupError):
            call()


def test_answers_follow_writes(tmp_path):
    """What is kept between queries (the parent columns, the heads) follows each commit
    made through the same Revlog, and a strip, as hg sees the store after each."""
    with Repo.init(tmp_path / "r") as repo:
        changelog = repo.changelog
        changelog.heads()  # the columns and heads are read before the first commit
        steps = [dict(parents=None), dict(parents=None), dict(parents=(0, -1)),
                 dict(parents=(2, 1)), dict(parents=(0, -1))]
        for i, step in enumerate(steps):
            repo.commit({"f": b"%d\n" % i}, message=f"c{i}", user="test", **step)
            check_heads_as_hg_sees_them(changelog, tmp_path / "r")
        assert repo.changelog is changelog
        repo.strip(3)
        check_heads_as_hg_sees_them(repo.changelog, tmp_path / "r")


def check_heads_as_hg_sees_them(changelog, path: Path) -> None:
    theirs = hg.repository(hg_ui(), str(path).encode()).unfiltered().changelog
    assert changelog.heads() == sorted(theirs.headrevs())
    tip = len(theirs) - 1
    assert list(changelog.ancestors([tip])) == list(theirs.ancestors([tip]))
