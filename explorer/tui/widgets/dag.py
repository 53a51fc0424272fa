"""The DAG pane: the parents graph, one line per revision, level with the index rows.

The layout (``explorer.views.dag_layout``) reads every entry's parents, so it runs in a
thread worker with a progress bar; lines are then drawn for the rows on
screen only. The pane has no scrollbar of its own: the index tells it which
row is at the top (``follow``) and where the cursor is, and the wheel and
clicks over the graph go to the index (its ``leader``).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from explorer.tui.widgets.framing import Framer
from explorer.tui.widgets.loader import after_first_frame
from explorer.tui.widgets.styles import StyleCache
from explorer.tui.widgets.table import VirtualTable
from explorer.views.dag_layout import CHECKPOINT, Cancelled, DagLayout, Row, draw
from explorer.views.revlog_view import RevlogView


class DagView(Widget, can_focus=True):
    """The graph of the revlog shown in the index, drawn like ``hg log -G`` turned over.

    Focused, its keys move the index cursor: the two panes share one cursor.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "dag--header", "dag--line", "dag--node", "dag--cursor", "dag--bad",
    }
    ALLOW_MAXIMIZE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"app.index_key('{action}')", description, show=False)
        for key, action, description in (
            ("up", "cursor_up", "Up"), ("down", "cursor_down", "Down"),
            ("pageup", "page_up", "Page up"), ("pagedown", "page_down", "Page down"),
            ("home", "first", "First row"), ("end", "last", "Last row"))
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.styles_cache = StyleCache(self)
        self.framer = Framer(self)
        self.leader: VirtualTable | None = None  # the index, set by the app
        self.view: RevlogView | None = None
        self.layout_: DagLayout | None = None
        self.style_name = "unicode"
        self.top = 0
        self.cursor = 0
        self.progress = 0.0
        self._rows: LRUCache[int, Row] = LRUCache(4096)
        # drawn lines, by (rev, is the cursor's, width): a row scrolled by one
        # is drawn again at another y, not made again (cleared when what draws
        # a line changes: the layout, ascii/unicode, the styles)
        self._lines: LRUCache[tuple[int, bool, int], Strip] = LRUCache(1024)
        self._header: tuple[tuple[str, int], Strip] | None = None  # (title, width), line

    def show(self, view: RevlogView | None) -> None:
        """Lay out the graph of ``view`` (in a worker)."""
        self.view = view
        self.layout_ = None
        self.progress = 0.0
        self._rows.clear()
        self._lines.clear()
        self.refresh()
        if view is None:
            return
        layout = DagLayout(len(view), lambda rev: _parents(view, rev))
        after_first_frame(self, lambda: self.run_worker(
            lambda: self._compute(view, layout), thread=True, exclusive=True, group="dag",
            exit_on_error=False, description="laying out the graph"))

    def _compute(self, view: RevlogView, layout: DagLayout) -> None:
        worker = get_current_worker()
        step = [0.0]

        def progress(fraction: float) -> None:
            if fraction - step[0] >= 0.02:
                step[0] = fraction
                self.app.call_from_thread(self._progressed, view, fraction)

        try:
            layout.compute(progress, lambda: worker.is_cancelled)
        except Cancelled:
            return
        self.app.call_from_thread(self._laid_out, view, layout)

    def _progressed(self, view: RevlogView, fraction: float) -> None:
        if view is self.view:
            self.progress = fraction
            self.refresh()

    def _laid_out(self, view: RevlogView, layout: DagLayout) -> None:
        if view is self.view:
            self.layout_ = layout
            self._rows.clear()
            self._lines.clear()
            self.refresh()

    def follow(self, top: int, cursor: int) -> None:
        """Show rows from ``top``, with the cursor's node highlighted."""
        if top != self.top:
            self.top = top
            self.refresh()
        elif cursor != self.cursor:
            for row in (self.cursor, cursor):
                y = row - self.top + 1
                if 0 < y < self.size.height:
                    self.refresh_line(y)
        self.cursor = cursor

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self.leader is not None:
            event.stop()
            self.leader.scroll_down(animate=False)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.leader is not None:
            event.stop()
            self.leader.scroll_up(animate=False)

    def on_click(self, event: events.Click) -> None:
        """A click on a revision's line selects it in the index; the title selects nothing."""
        at = event.get_content_offset(self)
        if self.leader is not None and at is not None and at.y >= 1:
            rev = self.top + at.y - 1
            if rev < self.leader.row_count:
                self.leader.cursor = rev

    def refresh_line(self, y: int) -> None:
        self.refresh(Region(0, y, self.size.width, 1))

    def toggle_ascii(self) -> None:
        self.style_name = "ascii" if self.style_name == "unicode" else "unicode"
        self._lines.clear()
        self.refresh()

    # -- drawing -------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        width = self.size.width
        return self.framer.render_lines(crop, super().render_lines,
                                        lambda y: self._line(y, width))

    def render_line(self, y: int) -> Strip:
        return self._line(y, self.size.width)

    def _line(self, y: int, width: int) -> Strip:
        """Line ``y`` of a graph ``width`` cells wide."""
        if y == 0:
            title = self._title()
            if self._header is None or self._header[0] != (title, width):
                self._header = ((title, width), self._text(title, "dag--header", width))
            return self._header[1]
        layout = self.layout_
        rev = self.top + y - 1
        if self.view is None or rev >= len(self.view):
            return self.styles_cache.blank(width)
        if layout is None:
            return self._progress_line(y, width) if y == 1 else self.styles_cache.blank(width)
        key = (rev, rev == self.cursor, width)
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = self._draw_row(self._row(layout, rev), key[1], width)
        return line

    def _title(self) -> str:
        if self.layout_ is not None:
            return f"graph ({self.layout_.width} col)" if self.layout_.width > 1 else "graph"
        return "graph"

    def _text(self, text: str, component: str, width: int) -> Strip:
        style = self.styles_cache.base + self.styles_cache.part(component)
        return Strip([Segment(text[:width].ljust(width), style)], width)

    def _progress_line(self, y: int, width: int) -> Strip:
        done = int(self.progress * max(0, width - 6))
        bar = "━" * done + "╺" + " " * max(0, width - 7 - done)
        return self._text(f"{bar}{self.progress:4.0%}", "dag--line", width)

    def _row(self, layout: DagLayout, rev: int) -> Row:
        row = self._rows.get(rev)
        if row is None:  # a block between two checkpoints: nothing replayed twice
            start = rev - rev % CHECKPOINT
            for r in layout.rows(start, start + CHECKPOINT):
                self._rows[r.rev] = r
            row = self._rows[rev]
        return row

    def _draw_row(self, row: Row, current: bool, width: int) -> Strip:
        text = draw(row, self.style_name, current)
        if len(text) > width - 1:
            text = text[: width - 2] + "…"
        base = self.styles_cache.base
        line = base + self.styles_cache.part("dag--line")
        node_style = "dag--bad" if row.broken else "dag--cursor" if current else "dag--node"
        node = base + self.styles_cache.part(node_style)
        at = 2 * row.node  # two characters per column: the cell, then the gap
        segments = [Segment(" ", base), Segment(text[:at], line)]
        if at < len(text):
            segments += [Segment(text[at], node), Segment(text[at + 1:], line)]
        length = sum(cell_len(segment.text) for segment in segments)
        if length >= width:
            return Strip(segments).crop(0, width)
        return Strip([*segments, Segment(" " * (width - length), base)], width)


    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.styles_cache.clear()
        self._lines.clear()
        self._header = None


def _parents(view: RevlogView, rev: int) -> tuple[int, int]:
    e = view.entry(rev)
    return e.p1, e.p2
