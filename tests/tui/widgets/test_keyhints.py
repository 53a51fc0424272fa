"""The key hints line: what Textual's Footer showed, kept up with the focus, clickable."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from explorer.tui.app import ExplorerApp
from explorer.tui.widgets.dialogs import HelpScreen
from explorer.tui.widgets.keyhints import KeyHints
from tests.tui.conftest import press, run


def footer_hints(app: ExplorerApp) -> list[tuple[str, str]]:
    """What Textual's own Footer (mounted by the test) shows, as (key, description)."""
    return [(key.key_display, key.description) for key in app.query(FooterKey).results()
            if "-command-palette" not in key.classes]


def shown(app: ExplorerApp) -> list[tuple[str, str]]:
    hints = app.query_one(KeyHints).hints
    return [(h.key_display, h.description) for h in hints if h.key != "ctrl+p"]


def test_the_hints_are_footers_and_follow_the_focus(hgrepos):
    async def test(pilot):
        app = pilot.app
        await app.screen.mount(Footer(compact=True))
        app.refresh_bindings()  # the footer composes its keys when told the bindings
        descriptions = set()
        for _ in range(6):
            await pilot.pause()
            await pilot.pause()
            assert shown(app) == footer_hints(app), app.focused
            descriptions.update(d for _, d in shown(app))
            await press(pilot, "tab")
        assert {"Follow", "Filter"} <= descriptions  # the text and store panes' own keys

    run(ExplorerApp(hgrepos("zstd")), test)


def test_a_click_on_a_hint_presses_its_key(hgrepos):
    async def test(pilot):
        app = pilot.app
        hint = next(h for h in app.query_one(KeyHints).hints if h.description == "Help")
        await pilot.click(KeyHints, offset=(hint.start + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

    run(ExplorerApp(hgrepos("zstd")), test)


def test_the_pointer_on_a_hint_shows_its_tooltip(hgrepos):
    async def test(pilot):
        hints = pilot.app.query_one(KeyHints)
        zoom = next(h for h in hints.hints if h.description == "Zoom")
        await pilot.hover(KeyHints, offset=(zoom.start, 0))
        assert hints.hovered == zoom
        assert hints.tooltip == "Let the focused pane fill the screen (z again: back)"

    run(ExplorerApp(hgrepos("zstd")), test)
