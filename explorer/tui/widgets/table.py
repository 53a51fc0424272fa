"""A virtual table: rows drawn on demand, so a million of them cost nothing up front.

Textual's DataTable builds an object per row and measures every cell (18 s
for 100,000 rows, measured); revlogs have millions. ``VirtualTable`` knows
only how many rows there are and asks its subclass for the cells of the rows
on screen (``row_cells``), with column widths fixed in advance. The header
stays on the first line; the cursor is a row number. Subclasses: the index,
store, delta chain and problems panes. Cells hold names read from a store:
they are drawn as the bytes they hold (``\\xe9``, ``explorer.views.printable``).
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from explorer.tui.widgets.framing import Framer
from explorer.tui.widgets.scrollbars import horizontal_bar, vertical_bar
from explorer.tui.widgets.styles import StyleCache, set_virtual_size, sync_scrollbars
from explorer.views.printable import printable


class Column(NamedTuple):
    """A column: header title, width in cells (0: whatever the others leave, at
    least ``FILL_MIN``), and alignment: "right", "left" or "path" (left, cut in
    the middle)."""

    title: str
    width: int
    align: str = "right"


FILL_MIN = 12


Cell = tuple[str, str]  # text, and a style name ("" or a COMPONENT_CLASSES suffix)


class VirtualTable(ScrollView, can_focus=True):
    """Rows and a cursor over a count; subclasses say what a row holds."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vtable--header", "vtable--cursor", "vtable--cursor-blurred", "vtable--dim",
        "vtable--bad", "vtable--mark", "vtable--accent",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First row", show=False),
        Binding("end", "last", "Last row", show=False),
        Binding("enter", "choose", "Open", show=False, tooltip="the store's revlog, the chain's "
                "revision, the problem's byte; in the index, go to a typed number, else "
                "follow the row's link (its changeset; a changeset's manifest)"),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    # A blank cell after the last column; a table whose vertical scrollbar is always
    # there (app.tcss: overflow-y: scroll) lets the bar's track stand in for it.
    TRAILING_GAP: ClassVar[bool] = True

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return vertical_bar(self)  # repainted only when its thumb moves

    @property
    def horizontal_scrollbar(self) -> ScrollBar:
        return horizontal_bar(self)

    class CursorMoved(Message):
        """The cursor is on a new row. Replaces an unhandled older one: a held key
        must not queue up work for rows already left behind."""

        def __init__(self, table: VirtualTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, VirtualTable.CursorMoved) and message.table is self.table

    class Chosen(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, table: VirtualTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.styles_cache = StyleCache(self, prefix="vtable--")
        self.framer = Framer(self)
        self.column_specs: list[Column] = []
        self.columns: list[Column] = []
        self.row_count = 0
        self._generation = 0
        # drawn lines: (start, width) they were cut to, and the strip
        self._lines: LRUCache[tuple, tuple[tuple[int, int], Strip]] = LRUCache(1024)
        self._center_pending = False
        self._centered: tuple[int, int] | None = None  # (cursor, top) of the last centring

    # -- what subclasses provide --------------------------------------------

    def row_cells(self, row: int) -> list[Cell]:
        """The cells of ``row`` (as many as columns)."""
        raise NotImplementedError

    def row_style(self, row: int) -> str:
        """A style name for the whole row ("" for none)."""
        return ""

    # -- contents -------------------------------------------------------------

    def reset(self, columns: list[Column], row_count: int, cursor: int = 0) -> None:
        """New columns and rows; the cursor goes to ``cursor`` (and is announced)."""
        self.column_specs = columns
        self.row_count = row_count
        self._fit_columns()
        self.scroll_to(0, 0, animate=False)
        self.set_reactive(VirtualTable.cursor, max(0, min(cursor, row_count - 1)))
        self._show_cursor(center=True)
        self.post_message(self.CursorMoved(self, self.cursor))

    @property
    def row_width(self) -> int:
        return sum(c.width + 1 for c in self.columns) + (1 if self.TRAILING_GAP else 0)

    def _fit_columns(self) -> None:
        """Give a fill column (width 0) the room the fixed ones leave."""
        fixed = sum(c.width + 1 for c in self.column_specs if c.width) + 1
        room = max(FILL_MIN, self.scrollable_content_region.width - fixed - 1)
        self.columns = [c._replace(width=room) if not c.width else c for c in self.column_specs]
        set_virtual_size(self, Size(self.row_width, self.row_count + 1))
        self.invalidate()

    def invalidate(self) -> None:
        """Forget drawn rows (their contents changed) and redraw."""
        self._generation += 1
        self.refresh()

    def redraw_cells(self, rows: list[int], first_column: int) -> None:
        """Redraw ``rows`` from column ``first_column`` on (cells filled in later):
        only that part of the screen is composed again, not the whole table."""
        x = 1 + sum(c.width + 1 for c in self.columns[:first_column]) - round(self.scroll_x)
        width = self.row_width - x
        first, page = self.first_visible, self.page_rows
        for row in rows:
            for state in ("", "cursor", "cursor-blurred"):
                self._lines.discard((row, state, self._generation))
            y = row - first + 1
            if 0 < y <= page and width > 0:
                self.refresh(Region(max(0, x), y, width, 1))

    @property
    def page_rows(self) -> int:
        """Rows visible at once (the header takes a line)."""
        return max(1, self.scrollable_content_region.height - 1)

    @property
    def first_visible(self) -> int:
        return round(self.scroll_y)

    def visible_rows(self) -> range:
        first = self.first_visible
        return range(first, min(self.row_count, first + self.page_rows))

    # -- drawing -------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        start, width = round(self.scroll_x), self.scrollable_content_region.width
        return self.framer.render_lines(crop, super().render_lines,
                                        lambda y: self._line(y, start, width))

    def render_line(self, y: int) -> Strip:
        return self._line(y, round(self.scroll_x), self.scrollable_content_region.width)

    def _line(self, y: int, start: int, width: int) -> Strip:
        """Line ``y``: the header, a row, or blank below the last row, for a view
        ``width`` cells wide from ``start``. A drawn line is kept (by row, cursor
        state and what it was drawn for): a cursor move or a scroll by a row draws
        one or two new lines, not the page."""
        if y == 0:
            key: tuple = ("header",)
        else:
            row = self.first_visible + y - 1
            if row >= self.row_count:
                return self.styles_cache.blank(width)
            state = "cursor" if row == self.cursor else ""
            if state and not self.has_focus:
                state = "cursor-blurred"
            key = (row, state)
        key = (*key, self._generation)
        drawn = self._lines.get(key)
        if drawn is None or drawn[0] != (start, width):
            strip = self._header(start, width) if y == 0 else self._row(row, state, start, width)
            drawn = ((start, width), strip)
            self._lines.discard(key)  # Textual's LRUCache keeps a key's first value
            self._lines[key] = drawn
        return drawn[1]

    def _header(self, start: int, width: int) -> Strip:
        return self._window([(c.title, "") for c in self.columns], "header", "", start, width)

    def _row(self, row: int, state: str, start: int, width: int) -> Strip:
        return self._window(self.row_cells(row), self.row_style(row), state, start, width)

    def _window(self, cells: list[Cell], kind: str, state: str, start: int,
                width: int) -> Strip:
        """The cells in their columns (a gap before each), cut to the ``width`` cells
        from ``start``: only what shows is made into segments. Styles are laid
        over the widget's: the row's ``kind``, a cell's own, the cursor ``state``."""
        style = self.styles_cache.layered
        gap = style(kind, state)
        end = start + width
        segments: list[Segment] = []
        at = 0
        for column, (text, name) in zip(self.columns, cells):
            if at + 1 + column.width > start:
                cell = " " + _fit(printable(text, keep_newlines=False), column)
                own = style(kind, name, state) if name else gap
                segments += _cut(cell, at, start, end, gap, own)
            at += 1 + column.width
            if at >= end:
                break
        row_end = at + (1 if self.TRAILING_GAP else 0)
        segments += _blank(at, row_end, start, end, gap)  # the trailing gap
        segments += _blank(row_end, end, start, end, self.styles_cache.base)  # past the row
        return Strip(_merged(segments), width)

    # -- cursor --------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._show_cursor()
        self.post_message(self.CursorMoved(self, new))

    def _refresh_row(self, row: int) -> None:
        if 0 <= row - self.first_visible < self.page_rows:
            self.refresh_line(row + 1)  # line 0 of the virtual area is the header

    def _show_cursor(self, center: bool = False) -> None:
        """Scroll so the cursor row is visible (centred after a far jump).

        Before the widget has a size the page is unknown: centring then waits
        for the first resize, so where the rows land never depends on which
        came first, the data or the layout.
        """
        if not self.size.height:
            self._center_pending = self._center_pending or center
            return
        first, page = self.first_visible, self.page_rows
        if first <= self.cursor < first + page:
            return
        if center or abs(self.cursor - first) > 2 * page:
            self._center(self.cursor)
            return
        top = self.cursor if self.cursor < first else self.cursor - page + 1
        self.scroll_to(y=max(0, top), animate=False, force=True)

    def _center(self, row: int) -> None:
        """Scroll ``row`` to the middle of the page, and remember it: if the page
        changes before anything else scrolls (a scrollbar takes a line, the layout
        settles), it is centred again, so where rows land does not depend on timing."""
        self.scroll_to(y=max(0, row - self.page_rows // 2), animate=False, force=True)
        self._centered = (row, self.first_visible)

    def _page_changed(self) -> None:
        if self._center_pending or self._centered == (self.cursor, self.first_visible):
            self._center_pending = False
            self._center(self.cursor)
        else:
            self._show_cursor()

    def move_to(self, row: int) -> None:
        """Put the cursor on ``row`` (clamped), centring it when it was off screen."""
        row = max(0, min(row, self.row_count - 1))
        if not self.size.height:
            self._center_pending = True
        elif row < self.first_visible or row >= self.first_visible + self.page_rows:
            self._center(row)
        self.cursor = row

    def action_cursor_up(self) -> None:
        self.cursor = max(0, self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.cursor = max(0, min(self.row_count - 1, self.cursor + 1))

    def action_page_up(self) -> None:
        page = self.page_rows
        self.scroll_to(y=max(0, self.first_visible - page), animate=False, force=True)
        self.cursor = max(0, self.cursor - page)

    def action_page_down(self) -> None:
        page = self.page_rows
        self.scroll_to(y=self.first_visible + page, animate=False, force=True)
        self.cursor = max(0, min(self.row_count - 1, self.cursor + page))

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, self.row_count - 1)

    def action_choose(self) -> None:
        if self.row_count:
            self.post_message(self.Chosen(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        """Select the row clicked (a double click opens it); the header selects nothing.
        ``event.y`` counts from the widget's border: rows count from its content."""
        at = event.get_content_offset(self)
        if at is None or at.y < 1:
            return
        row = self.first_visible + at.y - 1
        if row < self.row_count:
            self.cursor = row
            if event.chain >= 2:
                self.post_message(self.Chosen(self, row))

    def on_resize(self) -> None:
        if any(not c.width for c in self.column_specs):
            self._fit_columns()
        self._page_changed()

    def watch_show_horizontal_scrollbar(self) -> None:
        """A scrollbar that appears takes a line from the rows: keep the cursor's in view."""
        self._page_changed()
        sync_scrollbars(self)

    def watch_show_vertical_scrollbar(self) -> None:
        sync_scrollbars(self)

    def on_focus(self) -> None:
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.styles_cache.clear()
        self._generation += 1  # drawn rows carry the old styles


def _cut(cell: str, at: int, start: int, end: int, gap: Style, style: Style
         ) -> list[Segment]:
    """A cell (its leading gap, then its text) placed at ``at``, as far as it falls
    between ``start`` and ``end``."""
    first, last = max(0, start - at), min(len(cell), end - at)
    if first == 0:
        return [Segment(" ", gap), Segment(cell[1:last], style)] if last > 1 else [
            Segment(" ", gap)]
    return [Segment(cell[first:last], style)]


def _merged(segments: list[Segment]) -> list[Segment]:
    """Neighbouring segments of one style as one: a row of plain cells is a segment,
    not two a cell (Textual divides, filters and copies a line segment by segment)."""
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].style is segment.style:
            merged[-1] = Segment(merged[-1].text + segment.text, segment.style)
        else:
            merged.append(segment)
    return merged


def _blank(first: int, last: int, start: int, end: int, style: Style) -> list[Segment]:
    """Blank cells from ``first`` to ``last``, as far as they fall between ``start``
    and ``end``."""
    count = min(last, end) - max(first, start)
    return [Segment(" " * count, style)] if count > 0 else []


def _fit(text: str, column: Column) -> str:
    """``text`` padded or cut (with an ellipsis) to the column's width. A "path"
    column keeps both ends (the directory's start and the file name)."""
    width = column.width
    if len(text) > width:
        if column.align == "path":
            tail = (width - 1) * 2 // 3
            return text[: width - 1 - tail] + "…" + text[-tail:]
        return text[: width - 1] + "…" if column.align == "left" else "…" + text[-(width - 1):]
    return text.rjust(width) if column.align == "right" else text.ljust(width)
