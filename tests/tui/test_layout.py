"""The layout (app.tcss): shares of the terminal, a narrow mode, and z that fills the screen."""

from __future__ import annotations

import pytest

from explorer.tui.app import ExplorerApp
from explorer.tui.widgets.chain import ChainPane
from explorer.tui.widgets.dag import DagView
from explorer.tui.widgets.store import StorePane
from tests.tui.conftest import press, run


@pytest.mark.parametrize("size", [(100, 30), (120, 40)])
def test_a_narrow_terminal_still_leaves_the_text_room(size):
    async def test(pilot):
        app = pilot.app
        assert app.screen.has_class("-narrow")
        assert app.query_one("#detail").size.width >= size[0] * 2 // 5
        index = app.index
        assert index.size.width >= size[0] // 2
        # what does not fit scrolls sideways
        assert index.row_width <= index.virtual_size.width
        if index.row_width > index.scrollable_content_region.width:
            assert index.show_horizontal_scrollbar

    run(ExplorerApp(), test, size=size)


@pytest.mark.parametrize("size", [(160, 45), (220, 60)])
def test_a_wide_terminal_shows_every_index_column_and_gives_the_graph_the_rest(size):
    async def test(pilot):
        app = pilot.app
        assert app.screen.has_class("-wide")
        index, dag = app.index, app.query_one(DagView)
        assert index.row_width <= index.scrollable_content_region.width
        assert index.scrollable_content_region.width - index.row_width <= 2  # no empty band
        assert index.region.right == dag.region.x and dag.region.right == size[0]
        store = app.query_one(StorePane)
        assert store.size.width >= size[0] // 5
        assert dag.size.width >= size[0] // 5

    run(ExplorerApp(), test, size=size)


@pytest.mark.parametrize("pane", ["dag", "chain-table"])
@pytest.mark.parametrize("size", [(100, 30), (220, 60)])
def test_zoom_gives_the_dag_or_the_chain_the_whole_width(pane, size):
    async def test(pilot):
        app = pilot.app
        app.query_one(f"#{pane}").focus()
        await press(pilot, "z")
        zoomed = app.screen.maximized
        assert isinstance(zoomed, (DagView, ChainPane))
        assert zoomed.outer_size.width == size[0]
        await press(pilot, "z")
        assert app.screen.maximized is None

    run(ExplorerApp(), test, size=size)


@pytest.mark.parametrize("size, width_class", [((80, 24), "-narrow"), ((160, 45), "-wide")])
def test_the_first_frame_has_its_width_class_and_the_index_focused(size, width_class):
    """Both used to arrive after the screen was composed (the class with the first
    resize, the focus from on_mount), each restyling every pane once more before the
    first frame; the screen is now composed with them."""
    seen = []

    class FirstFrame(ExplorerApp):
        def _display(self, screen, renderable):
            if not seen:
                seen.append((screen.has_class(width_class), self.focused is self.index,
                             [name for name in ("-narrow", "-wide") if screen.has_class(name)]))
            super()._display(screen, renderable)

    async def test(pilot):
        assert seen[0] == (True, True, [width_class])

    run(FirstFrame(), test, size=size)
