"""The parents graph near a revision: hg's parents, laid out as the DAG pane lays them."""

from __future__ import annotations

from explorer.engine import Store
from explorer.views.dag_layout import DagLayout
from explorer.views.dag_window import AFTER, BEFORE, dag_window
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef


def test_window_has_hgs_parents_and_names_those_outside(hgrepos):
    revs = hgrepos.oracle("zstd")["revlogs"]["00changelog.i"]["revs"]
    merges = [r["rev"] for r in revs if r["p2"] != -1]
    assert merges
    with Store.open(hgrepos("zstd")) as store:
        rl = store.changelog
        view = RevlogView(RevlogRef("changelog", "00changelog.i", rl.index_path, rl.data_path), rl)
        for rev in [0, *merges, len(revs) - 1]:
            window = dag_window(view, rev)
            first = max(0, rev - BEFORE)
            assert [n.rev for n in window.nodes] == list(range(first, min(len(revs),
                                                                        rev + AFTER + 1)))
            for n in window.nodes:
                parents = [p for p in (revs[n.rev]["p1"], revs[n.rev]["p2"]) if p != -1]
                assert list(n.parents) == list(dict.fromkeys(parents))
                assert list(n.outside) == [p for p in n.parents if p < first]
                assert n.row == n.rev - first
                assert not n.broken
            assert max(n.column for n in window.nodes) < window.width


def test_a_window_from_rev_0_is_laid_out_as_the_whole_graph(hgrepos):
    """With nothing before it, the window's columns are the DAG pane's own."""
    with Store.open(hgrepos("zstd")) as store:
        rl = store.changelog
        view = RevlogView(RevlogRef("changelog", "00changelog.i", rl.index_path, rl.data_path), rl)
        whole = DagLayout(len(rl), rl.parents)
        whole.compute()
        window = dag_window(view, 0, after=len(rl))
        assert [n.column for n in window.nodes] == [row.node for row in whole.rows(0, len(rl))]


def test_a_parent_past_the_end_marks_the_revision_broken(hgrepos, tmp_path):
    from explorer.engine.damage.faults import inject

    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with Store.open(repo) as store:
        rl = store.changelog
        rev = len(rl) - 3
        inject(rl, "parent-out-of-range", rev)
    with Store.open(repo) as store:
        rl = store.changelog
        view = RevlogView(RevlogRef("changelog", "00changelog.i", rl.index_path, rl.data_path), rl)
        nodes = {n.rev: n for n in dag_window(view, rev).nodes}
        assert nodes[rev].broken and nodes[rev].parents == ()
        assert not any(n.broken for r, n in nodes.items() if r != rev)
