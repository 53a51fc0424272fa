"""Quiet scrollbars: a move that leaves the thumb where it was drawn repaints nothing,
and what stays on screen is what a repaint would draw."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.segment import Segment
from textual.geometry import Region
from textual.scrollbar import ScrollBarRender

from explorer.tui.app import ExplorerApp
from explorer.tui.widgets.chain import ChainTable
from explorer.tui.widgets.scrollbars import QuietScrollBar, thumb
from tests.tui.conftest import open_at, press, run, wheel


def _drawn(size: int, virtual: int, window: int, position: float, vertical: bool):
    bar = ScrollBarRender.render_bar(size=size, virtual_size=virtual, window_size=window,
                                     position=position, vertical=vertical)
    return [(segment.text, segment.style) for segment in bar.segments]


@given(size=st.integers(1, 40), virtual=st.integers(0, 2000), window=st.integers(0, 60),
       vertical=st.booleans(), eighths=st.lists(st.integers(0, 16000), min_size=2))
def test_a_thumb_in_the_same_place_draws_the_same_bar(size, virtual, window, vertical,
                                                      eighths):
    """``thumb`` is all render_bar's drawing depends on besides size and colours: bars
    whose thumbs agree are drawn alike (positions in eighths, as ScrollBar keeps them)."""
    window = window if window < virtual else 0
    bars = len(ScrollBarRender.VERTICAL_BARS if vertical else ScrollBarRender.HORIZONTAL_BARS)
    top = max(0, virtual - window)
    positions = [min(top, e / 8) for e in eighths]
    by_look: dict[object, list] = {}
    for position in positions:
        look = thumb(size, virtual, window, position, bars)
        drawn = _drawn(size, virtual, window, position, vertical)
        assert by_look.setdefault(look, drawn) == drawn


def _lines(bar: QuietScrollBar) -> list[list[Segment]]:
    return [list(strip) for strip in bar.render_lines(Region(0, 0, *bar.size))]


def test_the_chain_scrollbar_shows_what_a_repaint_would(long_chain):
    """Between chains of other lengths and scrolls of the chain, the bar left unpainted
    is the bar a full repaint draws; a scroll that moves no thumb repaints nothing."""
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 1000)
        chain = app.query_one(ChainTable)
        bar = chain.vertical_scrollbar
        assert isinstance(bar, QuietScrollBar) and bar.look() is not None
        app.index.focus()
        for step in ("up", "up", "pageup", "down", "end", "home", "pagedown"):
            await press(pilot, step)
            await wheel(pilot, chain, 1)
            shown = _lines(bar)
            bar.refresh()
            assert _lines(bar) == shown, step
        await pilot.pause()
        assert not bar._repaint_required
        drawn = bar.look()
        bar.position += 1 / 8 if bar.position == 0 else -1 / 8
        assert bar.look() == drawn and not bar._repaint_required

    run(ExplorerApp(long_chain), test)


def test_the_chain_scrollbar_follows_the_theme_and_the_pointer(long_chain):
    """Colours are not part of the thumb's place: a theme change and the pointer over the
    bar still repaint it as Textual does."""
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 1000)
        bar = app.query_one(ChainTable).vertical_scrollbar
        await pilot.pause()
        dark = _lines(bar)
        app.theme = "textual-light"
        await pilot.pause()
        light = _lines(bar)
        assert light != dark
        bar.refresh()
        assert _lines(bar) == light
        bar.mouse_over = True
        assert _lines(bar) != light

    run(ExplorerApp(long_chain), test)


def test_the_index_scrollbar_shows_what_a_repaint_would(long_chain):
    """The index's bar (every table's) is a quiet one too: a cursor move that scrolls
    the index by a row draws the same bar a full repaint would."""
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 0)
        bar = app.index.vertical_scrollbar
        assert isinstance(bar, QuietScrollBar) and bar.look() is not None
        app.index.focus()
        for step in ("end", "up", "pageup", "home", "down", "pagedown"):
            await press(pilot, step)
            shown = _lines(bar)
            bar.refresh()
            assert _lines(bar) == shown, step

    run(ExplorerApp(long_chain), test)


def _textual_lines(bar: QuietScrollBar) -> list[list[Segment]]:
    """The bar as Textual's own ScrollBar draws it (through Rich and its line styling)."""
    region = Region(0, 0, *bar.size)
    return [list(strip) for strip in super(QuietScrollBar, bar).render_lines(region)]


def test_a_quiet_bar_draws_what_textual_draws(long_chain):
    """A quiet bar makes its lines from the bar's segments itself: cell for cell, style
    for style (colours, the mouse actions a click on it runs), they are Textual's own,
    vertical and horizontal, at every thumb place, under the pointer and grabbed."""
    async def test(pilot):
        app = pilot.app
        await pilot.resize_terminal(100, 30)  # the index is cut: it has a horizontal bar
        await open_at(pilot, "data/chain.txt.i", 1000)
        bars = [app.index.vertical_scrollbar, app.query_one(ChainTable).vertical_scrollbar]
        app.index.focus()
        checked = set()
        for step in ("home", "pagedown", "end", "up", "pageup", "home"):
            await press(pilot, step)
            for bar in bars + [app.index.horizontal_scrollbar]:
                if bar.size.area:
                    for state in ("", "mouse_over", "grabbed"):
                        if state:
                            setattr(bar, state, True)
                        assert _lines(bar) == _textual_lines(bar), (step, bar, state)
                        checked.add((bar.vertical, bar.look()))
                        bar.mouse_over = False
                        bar.grabbed = None
        assert {vertical for vertical, _ in checked} == {True, False}
        assert len(checked) >= 6

    run(ExplorerApp(long_chain), test)
