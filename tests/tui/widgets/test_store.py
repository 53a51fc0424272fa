"""The store pane: every revlog of the store, scrolled by keys and the wheel."""

from __future__ import annotations

from explorer.tui.app import ExplorerApp
from explorer.tui.widgets.store import StorePane
from tests.tui.conftest import press, run, wheel


def test_the_wheel_and_keys_scroll_the_revlogs():
    async def test(pilot):
        store = pilot.app.query_one(StorePane)
        assert store.row_count > store.page_rows and store.show_vertical_scrollbar
        await wheel(pilot, store, 2)
        assert store.first_visible > 0
        await wheel(pilot, store, -2)
        assert store.first_visible == 0
        store.focus()
        await press(pilot, "end")
        assert store.cursor == store.row_count - 1
        assert store.first_visible == store.row_count - store.page_rows

    run(ExplorerApp(), test, size=(80, 24))
