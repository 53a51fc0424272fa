"""The key hints line: what Textual's Footer showed, kept up with the focus, clickable."""

from __future__ import annotations

from textual.geometry import Region
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


def _line(hints: KeyHints):
    return hints.render_lines(Region(0, 0, *hints.region.size))[0]


def _fresh(hints: KeyHints):
    """The line Textual draws from nothing kept (what the hints keep is put back)."""
    kept = dict(hints._drawn)
    hints._drawn.clear()
    hints.refresh()
    hints._styles_cache.clear()
    line = _line(hints)
    hints._drawn.update(kept)
    return line


def test_a_prompt_answered_brings_back_the_line_it_hid(hgrepos):
    """The hints line drawn before a go-to's prompt is the one shown after it, not built
    again; each look the line takes (hints, prompt, a hovered hint, another pane's
    keys) is what Textual draws for it from nothing."""
    async def test(pilot):
        app = pilot.app
        hints = app.query_one(KeyHints)
        await press(pilot, "g", "2", "enter")  # a first jump enables Back: other hints
        before = _line(hints)
        assert before == _fresh(hints)
        await press(pilot, "g", "1")
        asking = _line(hints)
        assert "go to" in asking.text and asking == _fresh(hints)
        built = []
        render = hints.render
        hints.render = lambda: built.append(1) or render()
        await press(pilot, "enter")
        assert app.index.cursor == 1
        assert _line(hints).text == before.text and not built
        hints.render = render
        assert _line(hints).text == before.text and _line(hints) == _fresh(hints)
        zoom = next(h for h in hints.hints if h.description == "Zoom")
        await pilot.hover(KeyHints, offset=(zoom.start, 0))
        await pilot.pause()
        hovered = _line(hints)
        assert hovered != before and hovered == _fresh(hints)
        await press(pilot, "tab")
        assert _line(hints) == _fresh(hints)

    run(ExplorerApp(hgrepos("zstd")), test)


def test_the_hint_under_the_pointer_is_lit_as_footers(hgrepos):
    """A hovered hint takes the background Footer gives a hovered key (it was drawn
    beneath the key's and description's own backgrounds, so nothing showed)."""
    async def test(pilot):
        app = pilot.app
        footer = Footer(compact=True)
        await app.screen.mount(footer)
        app.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        key = next(k for k in app.query(FooterKey).results() if k.description == "Zoom")
        await pilot.hover(key, offset=(1, 0))
        await pilot.pause()
        footers = {s.style.bgcolor for s in key.render_lines(Region(0, 0, *key.region.size))[0]}
        await footer.remove()  # it lies over the hints line
        hints = app.query_one(KeyHints)
        zoom = next(h for h in hints.hints if h.description == "Zoom")
        await pilot.hover(KeyHints, offset=(zoom.start, 0))
        await pilot.pause()
        assert hints.hovered == zoom
        line = list(_line(hints).crop(zoom.start, zoom.end))
        assert {segment.style.bgcolor for segment in line} == footers

    run(ExplorerApp(hgrepos("zstd")), test)
