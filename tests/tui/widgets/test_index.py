"""The index pane: each row is the engine's entry; chain facts arrive lazily; damage shows."""

from __future__ import annotations

from explorer.engine import Store
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.views.revlog_view import NOT_SNAPSHOT, UNKNOWN
from tests.tui.conftest import open_at, press, run, wheel

LEDGER = "data/ledger.txt.i"  # the demo's 260 revisions


def test_rows_are_the_engine_s_entries(long_chain):
    rl = Store.open(long_chain).filelog("chain.txt")

    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 1000)
        index = app.index
        rows = index.visible_rows()
        assert 1000 in rows
        for rev in (rows.start, 1000, rows.stop - 1):
            e = rl.entry(rev)
            cells = [text for text, _ in index.row_cells(rev)]
            assert cells[:10] == [str(rev), str(e.offset), f"{e.flags:04x}",
                                  str(e.compressed_length), str(e.uncompressed_length),
                                  str(e.base), str(e.link_rev), str(e.p1), str(e.p2),
                                  e.node.hex()[:12]]
            assert cells[10] == str(len(rl.delta_chain(rev)))
        assert index.view.chain_length[0] == UNKNOWN  # never on screen: never walked
        await press(pilot, "home")
        assert index.view.chain_length[0] == 1 and index.view.snapshot_depth[0] == 0
        assert index.view.snapshot_depth[1] in (NOT_SNAPSHOT, 1)

    run(ExplorerApp(long_chain), test)


def test_a_click_selects_the_row_under_the_pointer_and_the_header_nothing():
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, LEDGER, 0)
        index = app.index
        # the index has a border: line 0 of the widget is the border, 1 the header
        for start in (0, 120):
            index.move_to(start)
            await settle(pilot)
            top = index.first_visible
            for line in (2, 3, 7, index.page_rows + 1):
                await pilot.click(index, offset=(6, line))
                await settle(pilot)
                assert index.cursor == top + line - 2
                assert app.text.loader.target[1] == top + line - 2
            before = index.cursor
            for line in (0, 1):  # the border, the header
                await pilot.click(index, offset=(6, line))
                await settle(pilot)
                assert index.cursor == before

    run(ExplorerApp(), test)


def test_the_wheel_scrolls_the_rows_and_the_graph_with_them():
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, LEDGER, 0)
        index = app.index
        assert index.show_vertical_scrollbar
        await wheel(pilot, index, 3)
        assert index.first_visible > 0 and index.cursor == 0
        assert app.dag.top == index.first_visible
        await wheel(pilot, index, -3)
        assert index.first_visible == 0

    run(ExplorerApp(), test)


def test_rows_scrolled_in_one_at_a_time_have_their_facts_without_a_worker_each(long_chain):
    """The facts of a page either side are filled with those on screen: a row that
    scrolls in has them already (a worker per key was most of a key's messages)."""
    rl = Store.open(long_chain).filelog("chain.txt")

    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 0)
        index = app.index
        started = []
        run_worker = index.run_worker
        index.run_worker = lambda *a, **k: started.append(1) or run_worker(*a, **k)
        page = index.page_rows
        await press(pilot, *["down"] * (page + 12))  # the last dozen each scroll a row
        assert index.first_visible == 13
        assert len(started) <= 1
        for rev in index.visible_rows():
            assert index.row_cells(rev)[10][0] == str(len(rl.delta_chain(rev)))

    run(ExplorerApp(long_chain), test)
