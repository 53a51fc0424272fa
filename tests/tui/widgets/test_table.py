"""The virtual table: a million rows, only those on screen ever drawn."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from explorer.tui.widgets.table import Column, VirtualTable, _fit

ROWS = 1_000_000


class Million(VirtualTable):
    def __init__(self) -> None:
        super().__init__()
        self.drawn: set[int] = set()

    def on_mount(self) -> None:
        self.reset([Column("row", 7), Column("square", 13), Column("note", 0, "left")], ROWS)

    def row_cells(self, row: int):
        self.drawn.add(row)
        return [(str(row), ""), (str(row * row), "dim"), (f"row {row} " * 5, "")]


class Host(App):
    def compose(self) -> ComposeResult:
        yield Million()


def run(test) -> None:
    async def main() -> None:
        app = Host()
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.query_one(Million)
            table.focus()
            await pilot.pause()
            await test(pilot, table)

    asyncio.run(main())


def test_only_rows_on_screen_are_drawn():
    async def test(pilot, table):
        assert table.drawn == set(range(table.page_rows))
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor == ROWS - 1
        assert table.first_visible == ROWS - table.page_rows
        assert len(table.drawn) <= 3 * table.page_rows

    run(test)


def test_keys_move_the_cursor_by_rows_and_pages():
    async def test(pilot, table):
        page = table.page_rows
        await pilot.press("down", "down", "pagedown")
        assert table.cursor == 2 + page
        await pilot.press("pageup", "up", "home")
        assert table.cursor == 0 and table.first_visible == 0
        table.move_to(500_000)
        await pilot.pause()
        assert table.first_visible <= 500_000 < table.first_visible + page

    run(test)


def test_a_click_moves_the_cursor_and_a_double_click_chooses():
    chosen = []

    async def test(pilot, table):
        table.post_message = lambda m, post=table.post_message: (
            chosen.append(m.row) if isinstance(m, VirtualTable.Chosen) else None) or post(m)
        await pilot.click(Million, offset=(3, 4))
        assert table.cursor == 3
        await pilot.click(Million, offset=(3, 6), times=2)
        await pilot.pause()
        assert table.cursor == 5 and chosen == [5]

    run(test)


def test_the_fill_column_takes_the_width_left():
    async def test(pilot, table):
        widths = [c.width for c in table.columns]
        assert widths[:2] == [7, 13]
        assert table.row_width == table.scrollable_content_region.width

    run(test)


def chars(strip) -> list[tuple[str, object]]:
    return [(ch, segment.style) for segment in strip for ch in segment.text]


def test_a_row_scrolled_sideways_shows_the_cells_from_the_scroll_offset():
    """A row is cut to the cells on screen; whatever the offset, each cell shows the
    character and style the uncut row has there (a cell's own style on its text, the
    cursor's up to the row's end, the widget's past it)."""
    async def test(pilot, table):
        cells = table.row_cells(12345)
        whole = table._window(cells, "", "cursor", 0, table.row_width + 10)
        assert whole.cell_length == table.row_width + 10
        assert whole.text.rstrip() == " " + " ".join(
            _fit(text, column) for (text, _), column in zip(cells, table.columns)).rstrip()
        for start in range(table.row_width):
            cut = table._window(cells, "", "cursor", start, 10)
            assert cut.cell_length == 10
            assert chars(cut) == chars(whole)[start:start + 10], start

    run(test)


def test_a_row_drawn_at_a_new_offset_is_kept_there():
    """A row drawn again for another sideways offset (or width) replaces the one kept:
    it is not drawn anew on every frame. (Textual's LRUCache keeps the first value
    given for a key: the redrawn row was never kept.)"""
    async def test(pilot, table):
        width = table.scrollable_content_region.width
        table.render_line(1)  # kept as drawn from offset 0
        table.drawn.clear()
        first = table._line(1, 3, width)
        assert table.drawn == {table.first_visible}
        table.drawn.clear()
        assert table._line(1, 3, width) is first
        assert table.drawn == set()

    run(test)


def test_neighbouring_cells_of_one_style_are_one_segment():
    """Plain cells and the gaps between them are one segment (Textual divides and
    filters a line segment by segment); a styled cell is a segment of its own."""
    async def test(pilot, table):
        segments = list(table._window([("1", ""), ("2", ""), ("3", "")], "", "", 0, 60))
        assert len(segments) == 1
        styled = list(table._window([("1", ""), ("4", "dim"), ("5", "")], "", "", 0, 60))
        assert [s.text.strip() for s in styled] == ["1", "4", "5"]

    run(test)
