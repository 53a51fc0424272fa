"""The text pane scrolls through a whole revision: keys, wheel and scrollbar."""

from __future__ import annotations

from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.text import TextPane
from tests.tui.conftest import LONG_LINES, open_at, press, run, shown, wheel


async def open_long_text(pilot, rev: int = 0) -> TextPane:
    app = pilot.app
    await open_at(pilot, "data/long.txt.i", rev)
    text = app.query_one(TextPane)
    text.focus()
    await settle(pilot)
    return text


def test_keys_scroll_to_the_last_line_of_a_3000_line_file(long_text):
    async def test(pilot):
        text = await open_long_text(pilot)
        assert text.show_vertical_scrollbar
        assert f"line {LONG_LINES} of the long file" not in shown(text)
        await press(pilot, "end")
        number, last = shown(text)[-1].split(maxsplit=1)  # numbered as in the file
        assert (number, last.rstrip().rstrip("…").rstrip(".")) == (str(LONG_LINES),
                                              f"line {LONG_LINES} of the long file")
        await press(pilot, "home")
        assert text.scroll_y == 0 and shown(text)[0].startswith("rev 0 ")
        page = text.scrollable_content_region.height
        await press(pilot, "down", "down")  # the cursor moves, the view stays
        assert (text.cursor, text.scroll_y) == (2, 0)
        await press(pilot, *["down"] * page)  # past the bottom: the view follows
        assert (text.cursor, text.scroll_y) == (2 + page, 3)
        await press(pilot, "pagedown")  # a page on, the cursor on the same line of it
        assert (text.cursor, text.scroll_y) == (2 + 2 * page, 3 + page)
        await press(pilot, "pageup", "up")
        assert (text.cursor, text.scroll_y) == (1 + page, 3)

    run(ExplorerApp(long_text), test)


def test_the_wheel_scrolls_the_text(long_text):
    async def test(pilot):
        text = await open_long_text(pilot, rev=1)
        await wheel(pilot, text, 4)
        down = text.scroll_y
        assert down > 0
        await wheel(pilot, text, -1)
        assert 0 < text.scroll_y < down

    run(ExplorerApp(long_text), test)


def test_a_line_cut_at_the_pane_edge_ends_in_an_ellipsis(long_text):
    """The header's node cut silently looked whole (a copied node was wrong)."""
    async def test(pilot):
        text = await open_long_text(pilot)
        header = shown(text)[0].rstrip()
        assert header.startswith("rev 0 ") and "node " in header
        assert header.endswith("…") and len(header) == text.scrollable_content_region.width
        await press(pilot, "z")  # the whole screen: the header fits
        assert not shown(text)[0].rstrip().endswith("…")

    run(ExplorerApp(long_text), test, size=(100, 30))
