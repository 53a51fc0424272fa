"""The snapshot tree around a revision, against what Mercurial says of every chain."""

from __future__ import annotations

import pytest

from explorer.engine import Store
from explorer.views.delta_tree import CHAIN_HEAD, CHAIN_TAIL, CHILDREN, NEAR, delta_tree
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef


def _view(store: Store, path: str, kind: str) -> RevlogView:
    rl = store.open_revlog(path, kind)
    return RevlogView(RevlogRef(kind, path, rl.index_path, rl.data_path), rl)


@pytest.mark.parametrize("name, path, kind", [
    ("long-chain-sparse", "data/chain.txt.i", "filelog"),  # 1000-link chains, level-1 snapshots
    ("zstd", "00manifest.i", "manifest"),
    ("no-generaldelta", "00manifest.i", "manifest"),
])
def test_tree_is_hgs_chain_with_its_neighbours(hgrepos, name, path, kind):
    revs = hgrepos.oracle(name)["revlogs"][path]["revs"]
    with Store.open(hgrepos(name)) as store:
        view = _view(store, path, kind)
        for rev in sorted({0, 1, len(revs) // 2, 1001, len(revs) - 1} & set(range(len(revs)))):
            tree = delta_tree(view, rev)
            chain = revs[rev]["delta_chain"]
            on_chain = [n for n in tree.nodes if n.on_chain]
            if len(chain) > CHAIN_HEAD + CHAIN_TAIL + 1:
                shown = chain[:CHAIN_HEAD] + chain[-CHAIN_TAIL:]
                assert tree.cut == len(chain) - len(shown) and tree.cut_row == CHAIN_HEAD
            else:
                shown = chain
                assert tree.cut == 0 and tree.cut_row is None
            assert [n.rev for n in on_chain] == shown
            assert (tree.chain_length, tree.read) == (
                len(chain), sum(revs[r]["compressed_length"] for r in chain))
            for n in tree.nodes:
                assert n.base == revs[n.rev]["delta_parent"]
                assert n.level == (revs[n.rev]["snapshot_depth"] if revs[n.rev]["is_snapshot"]
                                   else None)
                assert n.stored == revs[n.rev]["compressed_length"]
            _children_complete(tree, revs, set(shown))


def _children_complete(tree, revs, links: set[int]) -> None:
    """Every revision near the selected one building on a link shown is drawn under
    it, or counted; drawn ones sit one row below their base, to its right."""
    rows = {n.rev: n.row for n in tree.nodes}
    off = [n for n in tree.nodes if not n.on_chain]
    for n in off:
        assert n.base in links and n.row == rows[n.base] + 1 and 1 <= n.column <= CHILDREN
    near = range(max(0, tree.rev - NEAR), min(len(revs), tree.rev + NEAR + 1))
    expected: dict[int, int] = {}
    for r in near:
        if r not in links and revs[r]["delta_parent"] in links:
            expected[revs[r]["delta_parent"]] = expected.get(revs[r]["delta_parent"], 0) + 1
    drawn: dict[int, int] = {}
    for n in off:
        drawn[n.base] = drawn.get(n.base, 0) + 1
    assert {b: drawn.get(b, 0) + tree.more.get(b, 0) for b in expected} == expected
    assert all(count == CHILDREN for base, count in drawn.items() if base in tree.more)
