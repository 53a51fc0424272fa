"""The delta chain pane: one row per link, scrolled by keys and the wheel."""

from __future__ import annotations

from explorer.tui.app import ExplorerApp
from explorer.tui.widgets.chain import ChainTable
from tests.tui.conftest import open_at, press, run, wheel


def test_the_wheel_and_keys_scroll_a_long_chain(long_chain):
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 1000)
        chain = app.query_one(ChainTable)
        assert chain.row_count > chain.page_rows and chain.show_vertical_scrollbar
        bottom = chain.first_visible
        last = chain.row_count - 1
        assert chain.cursor == last and last in chain.visible_rows()  # the revision itself
        await wheel(pilot, chain, -2)
        assert chain.first_visible < bottom
        chain.focus()
        await press(pilot, "home")
        assert chain.first_visible == 0 and chain.cursor == 0
        await press(pilot, "end")
        assert chain.cursor == last and last in chain.visible_rows()

    run(ExplorerApp(long_chain), test)
