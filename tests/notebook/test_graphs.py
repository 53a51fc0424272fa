"""explorer.notebook.graphs against the engine and against hg on repositories hg wrote.

Parents come from ``hg log``; chains, their sizes and which revisions are
snapshots from ``hg debugdeltachain``. The long-chain repositories are where
the format's limits show: sparse-revlog stops chains at 1000 deltas, plain
generaldelta lets them grow until their chunks total twice the text.
"""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest

from explorer.engine import Store
from explorer.notebook import graphs


def _deltachain(hgrepos, name: str, target: str) -> dict[int, dict]:
    """hg debugdeltachain of ``target`` (a file, or -m) as {rev: fields}."""
    out = hgrepos.hg(name, "debugdeltachain", *target.split(), "--all-info", "-T",
                     "{rev} {chainlen} {chainsize} {deltatype} {uncompsize} {prevrev}\n")
    rows = {}
    for line in out.decode().splitlines():
        rev, chainlen, chainsize, deltatype, uncompsize, prevrev = line.split()
        rows[int(rev)] = dict(chainlen=int(chainlen), chainsize=int(chainsize),
                              deltatype=deltatype, size=int(uncompsize), prev=int(prevrev))
    return rows


@pytest.fixture(scope="module")
def sparse_chain(hgrepos):
    """chain.txt of long-chain-sparse, with hg's view of its chains."""
    with Store.open(hgrepos("long-chain-sparse")) as store:
        with store.filelog("chain.txt") as rl:
            yield rl, _deltachain(hgrepos, "long-chain-sparse", "chain.txt")


# -- parents -----------------------------------------------------------------


def test_parents_graph_of_the_changelog_is_hg_log(hgrepos):
    out = hgrepos.hg("zstd", "log", "-T", "{rev} {p1rev} {p2rev} {node}\n").decode()
    hg = {int(r): (int(p1), int(p2), node) for r, p1, p2, node in map(str.split, out.splitlines())}
    with Store.open(hgrepos("zstd")) as store:
        g = graphs.parents_graph(store.changelog)
    assert set(g.nodes) == set(hg)
    expected = {(r, p) for r, (p1, p2, _) in hg.items() for p in (p1, p2) if p != -1}
    assert set(g.edges) == expected
    assert any(g.nodes[r]["p2"] != -1 for r in g)  # the history has merges
    for r, (p1, p2, node) in hg.items():
        assert (g.nodes[r]["p1"], g.nodes[r]["p2"], g.nodes[r]["node"]) == (p1, p2, node)
        assert g.nodes[r]["link_rev"] == r
    assert nx.descendants(g, 36) == _ancestors(hg, 36)  # edges point to parents


def _ancestors(hg: dict, rev: int) -> set[int]:
    """Ancestors of ``rev`` by hg's parents."""
    seen, todo = set(), [rev]
    while todo:
        for p in hg[todo.pop()][:2]:
            if p != -1 and p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def test_parents_graph_attributes_come_from_the_engine(hgrepos):
    with Store.open(hgrepos("split-inline")) as store, store.filelog("big.txt") as rl:
        g = graphs.parents_graph(rl)
        for r in rl:
            e = rl.entry(r)
            assert g.nodes[r]["compressed"] == e.compressed_length
            assert g.nodes[r]["size"] == len(rl.revision(r))
            assert g.nodes[r]["is_snapshot"] == rl.is_snapshot(r)
            assert g.nodes[r]["link_rev"] == e.link_rev


def test_a_window_keeps_outside_parents_as_attributes_only(hgrepos):
    with Store.open(hgrepos("zstd")) as store:
        rl = store.changelog
        g = graphs.parents_graph(rl, 30, 37)
        assert sorted(g) == list(range(30, 37))
        assert all(30 <= p < 37 for edge in g.edges for p in edge)
        assert (g.nodes[36]["p1"], g.nodes[36]["p2"]) == rl.parents(36)
        assert g.graph == {"revlog": "00changelog.i", "start": 30, "stop": 37}


def test_windows_are_bounded(hgrepos):
    with Store.open(hgrepos("zstd")) as store:
        rl = store.changelog
        with pytest.raises(ValueError, match="more than 10"):
            graphs.parents_graph(rl, max_revs=10)
        assert len(graphs.parents_graph(rl, max_revs=None)) == len(rl)
        with pytest.raises(ValueError, match="not within"):
            graphs.parents_graph(rl, 5, len(rl) + 1)
        with pytest.raises(ValueError, match="more than 3"):
            graphs.delta_forest(rl, range(4), max_revs=3)


# -- delta chains --------------------------------------------------------------


def test_delta_forest_paths_are_hgs_chains(sparse_chain):
    rl, hg = sparse_chain
    revs = [0, 1, 500, 999, 1000, 1001, 1002, 1500, len(rl) - 1]
    forest = graphs.delta_forest(rl, revs)
    assert nx.is_forest(forest) and nx.number_weakly_connected_components(forest) == 1
    for rev in revs:
        path = nx.shortest_path(forest, 0, rev)
        assert path == rl.delta_chain(rev)
        assert len(path) == hg[rev]["chainlen"]
        assert sum(forest.nodes[r]["compressed"] for r in path) == hg[rev]["chainsize"]
        if len(path) > 1:
            assert path[-2] == hg[rev]["prev"]


def test_delta_forest_marks_snapshots_as_hg_does(sparse_chain):
    rl, hg = sparse_chain
    forest = graphs.delta_forest(rl, range(len(rl)), max_revs=None)
    kinds = {r: forest.nodes[r]["snapshot"] for r in forest}
    assert kinds == {r: {"base": "full", "snap": "intermediate"}.get(row["deltatype"])
                     for r, row in hg.items()}
    assert "intermediate" in kinds.values()
    for r in forest:
        depth = forest.nodes[r]["depth"]
        assert depth == (rl.snapshot_depth(r) if kinds[r] else None)
        assert forest.nodes[r]["size"] == hg[r]["size"]
        assert forest.nodes[r]["base"] == rl.delta_parent(r)


def test_delta_forest_of_the_demo_store(tmp_path):
    from explorer.views import demo

    with Store.open(demo.build(tmp_path / "demo")) as store:
        rl = store.manifest
        forest = graphs.delta_forest(rl, rl)
        roots = {r for r in forest if forest.in_degree(r) == 0}
        assert roots == {r for r in rl if rl.delta_parent(r) == -1}
        assert all(forest.nodes[r]["snapshot"] == "full" for r in roots)
        assert {r for r in forest if forest.nodes[r]["snapshot"] == "intermediate"}


@pytest.mark.parametrize("root", [0, 1001, 1200])
def test_delta_subtree_is_every_chain_through_the_root(sparse_chain, root):
    rl, _ = sparse_chain
    stop = root + 300
    tree = graphs.delta_subtree(rl, root, stop)
    assert tree.graph["root"] == root
    expected = {r for r in range(root, stop) if root in rl.delta_chain(r)}
    assert set(tree) == expected and len(expected) > 1
    for r in expected - {root}:
        chain = rl.delta_chain(r)
        assert list(tree.predecessors(r)) == [chain[-2]]
    assert nx.is_arborescence(tree)


def test_a_plain_delta_carries_the_chains_built_on_it(sparse_chain):
    rl, _ = sparse_chain
    tree = graphs.delta_subtree(rl, 1500, 1510)
    assert nx.dag_longest_path(tree) == list(range(1500, 1510))


# -- why is this chain long -------------------------------------------------------


def test_sparse_chain_stops_at_the_length_cap(sparse_chain):
    rl, hg = sparse_chain
    longest = max(hg, key=lambda r: hg[r]["chainlen"])
    report = graphs.why_chain_is_long(rl, longest)
    assert report.chain == rl.delta_chain(longest)
    assert report.deltas + 1 == hg[longest]["chainlen"] == 1001
    assert report.max_deltas == 1000
    assert report.chain_size == hg[longest]["chainsize"]
    assert report.text_size == hg[longest]["size"]
    assert report.nearest_limit == ("length", 1.0)
    assert "at the cap" in str(report)


def test_plain_generaldelta_chain_stops_at_twice_the_text(hgrepos):
    hg = _deltachain(hgrepos, "long-chain-gd", "chain.txt")
    longest = max(hg, key=lambda r: hg[r]["chainlen"])
    with Store.open(hgrepos("long-chain-gd")) as store, store.filelog("chain.txt") as rl:
        report = graphs.why_chain_is_long(rl, longest)
    assert report.deltas + 1 == hg[longest]["chainlen"] > 1001
    assert report.max_deltas is None
    assert report.chain_size == hg[longest]["chainsize"] <= report.size_limit
    which, closeness = report.nearest_limit
    assert which == "size" and closeness > 0.99
    assert "no length cap" in str(report)


def test_report_places_the_snapshots(sparse_chain):
    rl, hg = sparse_chain
    snap = next(r for r, row in hg.items() if row["deltatype"] == "snap")
    child = next(r for r in range(snap + 1, len(rl)) if snap in rl.delta_chain(r))
    report = graphs.why_chain_is_long(rl, child)
    assert [(s.rev, s.depth) for s in report.snapshots] == [(0, 0), (snap, 1)]
    assert report.deltas_after_last_snapshot == len(report.chain) - 2
    assert f"rev {snap} level 1" in str(report)


def test_without_generaldelta_the_chain_is_every_revision_since_the_full_text(hgrepos):
    with Store.open(hgrepos("no-generaldelta")) as store:
        rl = store.manifest
        rev = max(rl, key=lambda r: len(rl.delta_chain(r)))
        report = graphs.why_chain_is_long(rl, rev)
    assert report.chain == list(range(report.chain[0], rev + 1))
    assert report.max_deltas is None
    assert "previous revision" in str(report)


# -- hygiene -------------------------------------------------------------------------


def test_graphs_loads_no_ui_library():
    code = "import explorer.notebook.graphs, json, sys; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert not {m.split(".")[0] for m in json.loads(out)} & {"textual", "rich", "IPython"}
