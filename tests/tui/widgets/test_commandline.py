"""The go-to / find line: asked and answered in the key hints line, with no layout."""

from __future__ import annotations

from explorer.tui.app import ExplorerApp
from explorer.tui.widgets.keyhints import KeyHints
from tests.tui.conftest import open_at, press, run


def test_asking_and_answering_lay_out_nothing(long_chain):
    """The question replaces the key hints on their line, and the hints come back after
    the answer; neither lays out the screen (a prompt widget shown and hidden over the
    hints did, repainting every pane on the key that answered)."""
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 0)
        hints = app.query_one(KeyHints)
        before = hints.render_line(0).text
        layouts = []
        screen = app.screen
        refresh_layout = screen._refresh_layout
        screen._refresh_layout = lambda *a, **k: (layouts.append(1), refresh_layout(*a, **k))
        await press(pilot, "g")
        assert app.command_line.asking
        assert hints.render_line(0).text.startswith(" go to ▏a revision (0 … 1999")
        await press(pilot, "1", "2")
        assert hints.render_line(0).text.startswith(" go to 12▏")
        await press(pilot, "enter")
        assert app.index.cursor == 12 and not app.command_line.asking
        assert hints.render_line(0).text == before
        assert layouts == []

    run(ExplorerApp(long_chain), test)


def test_escape_drops_the_question(long_chain):
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 5)
        await press(pilot, "g", "9", "escape")
        assert not app.command_line.asking and app.index.cursor == 5

    run(ExplorerApp(long_chain), test)
