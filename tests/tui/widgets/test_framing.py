"""Framed lines: the panes drawn line by line put their lines in the border
themselves, and what they draw is what Textual's own styling draws."""

from __future__ import annotations

from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.dag import DagView
from explorer.tui.widgets.framing import Framer
from explorer.tui.widgets.table import VirtualTable
from tests.tui.conftest import press, run


def _framed(app: ExplorerApp) -> list[Widget]:
    return [w for w in app.screen.walk_children(Widget)
            if isinstance(getattr(w, "framer", None), Framer) and w.display and w.region.area]


def _crops(widget: Widget) -> list[Region]:
    """The whole widget, a block inside it (as a partial update asks), and its border rows."""
    width, height = widget.region.size
    return [Region(0, 0, width, height),
            Region(2, 1, max(1, width - 5), max(1, height - 3)),
            Region(0, height - 1, width, 1)]


def _textuals(widget: Widget, crop: Region) -> list[Strip]:
    widget._styles_cache.clear()  # nothing drawn before is reused
    return Widget.render_lines(widget, crop)


def _same_as_textual(app: ExplorerApp, state: str) -> int:
    """Every framed pane's lines against Textual's drawing of them; the count of panes
    that drew their content rows themselves."""
    own = 0
    for widget in _framed(app):
        for crop in _crops(widget):
            ours = widget.render_lines(crop)
            theirs = _textuals(widget, crop)
            assert [list(s) for s in ours] == [list(s) for s in theirs], (state, widget, crop)
            assert [s.cell_length for s in ours] == [s.cell_length for s in theirs]
        own += widget.framer._key is not None
    return own


def test_framed_panes_draw_what_textual_draws(hgrepos):
    """Through cursor moves, focus (the border's colour), sideways scrolls, the other
    detail views, a zoomed pane and two themes (one with ANSI colours, which the line
    filters turn into true colour), each framed pane draws what Textual would."""
    async def test(pilot):
        app = pilot.app
        assert _same_as_textual(app, "start") >= 4  # index, DAG, chain, text at least
        for keys in (["down", "down"], ["end"], ["tab"], ["right", "right", "right"],
                     ["tab"], ["x"], ["d"], ["t"], ["z"], ["z"], ["u"]):
            await press(pilot, *keys)
            _same_as_textual(app, "+".join(keys))
        app.theme = "textual-light"
        await settle(pilot)
        _same_as_textual(app, "light theme")
        app.ansi_color = True
        await settle(pilot)
        _same_as_textual(app, "ANSI colours")

    run(ExplorerApp(hgrepos("zstd")), test)


def test_a_pane_styled_beyond_its_border_is_drawn_by_textual(hgrepos):
    """Padding and tint change every line: such a pane is left to Textual, and still
    draws what Textual draws."""
    async def test(pilot):
        index = pilot.app.index
        for rule, value in (("tint", "red 30%"), ("padding", (0, 1))):
            setattr(index.styles, rule, value)
            await settle(pilot)
            assert not index.framer._plain()
            crop = Region(0, 0, *index.region.size)
            assert index.render_lines(crop) == _textuals(index, crop)
            index.styles.clear_rule(rule)
            await settle(pilot)
        assert index.framer._plain()

    run(ExplorerApp(hgrepos("zstd")), test)


def test_a_line_drawn_again_is_the_same_strip(hgrepos):
    """A repaint with nothing changed gives the tables' and the graph's strips of the
    last one: what Textual keeps on a strip (its crops and divisions) is not made again."""
    async def test(pilot):
        app = pilot.app
        for widget in _framed(app):
            if not isinstance(widget, VirtualTable | DagView):
                continue  # the text pane cuts long lines anew
            crop = Region(0, 0, *widget.region.size)
            first = widget.render_lines(crop)
            again = widget.render_lines(crop)
            inside = range(1, len(first) - 1)  # the border rows are Textual's
            assert [y for y in inside if again[y] is not first[y]] == [], widget

    run(ExplorerApp(hgrepos("zstd")), test)
