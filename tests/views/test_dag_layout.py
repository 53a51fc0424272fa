"""The DAG layout: every parent edge is drawn, unbroken, on one line per revision."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine import Store
from explorer.views.dag_layout import CHECKPOINT, DOWN, LEFT, RIGHT, UP, DagLayout, Row, draw


def layout_of(parents: list[tuple[int, int]]) -> tuple[DagLayout, list[Row]]:
    layout = DagLayout(len(parents), parents.__getitem__)
    layout.compute()
    return layout, layout.rows(0, len(parents))


def check_edges(parents: list[tuple[int, int]], rows: list[Row]) -> None:
    """Each parent's line runs down its column from the parent to the child, then
    turns along the child's line (or enters the child's node from above)."""
    for row in rows:
        for p in {p for p in parents[row.rev] if 0 <= p < row.rev}:
            col = rows[p].node
            for between in rows[p + 1 : row.rev]:
                assert between.node != col, (p, row.rev, between.rev)
                assert between.cells[col] & UP and between.cells[col] & DOWN, (p, row.rev)
            if col == row.node:
                continue
            assert row.cells[col] & UP, (p, row.rev)
            step = 1 if row.node > col else -1
            assert row.cells[col] & (RIGHT if step == 1 else LEFT)
            for c in range(col + step, row.node, step):
                assert row.cells[c] & LEFT and row.cells[c] & RIGHT
            assert all(row.gaps[min(col, row.node) : max(col, row.node)])


def check_continuity(parents: list[tuple[int, int]], rows: list[Row]) -> None:
    """No line starts or stops between two rows: what goes down arrives up."""
    has_child = {p for ps in parents for p in ps if p >= 0}
    for above, below in zip(rows, rows[1:]):
        width = max(len(above.cells), len(below.cells))
        for c in range(width):
            down = c < len(above.cells) and (
                above.cells[c] & DOWN if c != above.node else above.rev in has_child)
            up = c < len(below.cells) and c != below.node and below.cells[c] & UP
            up = up or (c == below.node and any(
                0 <= p < below.rev and rows[p].node == c for p in parents[below.rev]))
            assert bool(down) == bool(up), (above.rev, below.rev, c)


def test_linear_history_is_one_column():
    parents = [(-1, -1)] + [(r - 1, -1) for r in range(1, 10)]
    layout, rows = layout_of(parents)
    assert layout.width == 1
    assert [draw(r, "ascii") for r in rows] == ["o"] * 10


def test_branch_and_merge_drawing():
    #   0 ── 1 ── 3 (merge of 1 and 2)
    #    └── 2 ──┘
    parents = [(-1, -1), (0, -1), (0, -1), (1, 2)]
    _, rows = layout_of(parents)
    assert [draw(r) for r in rows] == ["○", "├─○", "○ │", "╰─○"]
    assert [draw(r, "ascii") for r in rows] == ["o", "+-o", "o |", "+-o"]
    assert draw(rows[3], "ascii", current=True) == "+-@"
    check_edges(parents, rows)
    check_continuity(parents, rows)


def test_damaged_parent_is_drawn_broken():
    parents = [(-1, -1), (5, -1), (0, -1)]  # rev 1 names a parent after itself
    _, rows = layout_of(parents)
    assert rows[1].broken and not rows[2].broken
    assert draw(rows[1], "ascii") == "| x"


def test_unreadable_entry_is_drawn_broken():
    def parents(rev: int) -> tuple[int, int]:
        if rev == 2:
            raise ValueError("garbage")
        return (rev - 1, -1)

    layout = DagLayout(4, parents)
    layout.compute()
    assert [r.broken for r in layout.rows(0, 4)] == [False, False, True, False]


def test_windows_match_a_full_replay():
    parents = [(-1, -1)] + [((r * 7) % r, (r * 3) % r if r % 5 == 0 else -1)
                            for r in range(1, 3 * CHECKPOINT + 17)]
    layout, rows = layout_of(parents)
    for start in (0, 5, CHECKPOINT - 1, CHECKPOINT, 2 * CHECKPOINT + 3):
        assert layout.rows(start, start + 40) == rows[start : start + 40]


def test_progress_and_cancel():
    parents = [(-1, -1)] + [(r - 1, -1) for r in range(1, 20000)]
    seen = []
    layout = DagLayout(len(parents), parents.__getitem__)
    layout.compute(seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 2
    from explorer.views.dag_layout import Cancelled
    with pytest.raises(Cancelled):
        DagLayout(len(parents), parents.__getitem__).compute(cancelled=lambda: True)


@st.composite
def dags(draw_):
    n = draw_(st.integers(1, 60))
    parents = [(-1, -1)]
    for rev in range(1, n):
        p1 = draw_(st.integers(-1, rev - 1))
        p2 = draw_(st.integers(-1, rev - 1)) if draw_(st.booleans()) else -1
        parents.append((p1, p2))
    return parents


@settings(max_examples=300, deadline=None)
@given(dags())
def test_random_dags_draw_every_edge(parents):
    _, rows = layout_of(parents)
    check_edges(parents, rows)
    check_continuity(parents, rows)


@pytest.mark.hgrepos("zstd", "long-chain-sparse")
def test_hg_written_graphs(hgrepo):
    store = Store.open(hgrepo)
    for _, _, rl in store.revlogs():
        parents = [rl.parents(r) for r in rl]
        _, rows = layout_of(parents)
        check_edges(parents, rows)
        check_continuity(parents, rows)
