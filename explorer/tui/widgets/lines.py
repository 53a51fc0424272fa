"""A scrolling view of a ``Document``: only the lines on screen are ever styled.

A document's lines are plain data (``explorer.views.document``); they become
rich text here, when they are drawn, or all at once for a few lines of prose
that are wrapped to the pane's width.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from rich.console import Console
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Offset, Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from explorer.tui.widgets.framing import Framer
from explorer.tui.widgets.scrollbars import horizontal_bar, vertical_bar
from explorer.tui.widgets.styles import (
    StyleCache,
    cut_to_width,
    set_virtual_size,
    sync_scrollbars,
)
from explorer.views.document import Document, Line


def rich_text(line: Line) -> Text:
    """A document's line as rich text."""
    return Text.assemble(*line.runs, style=line.style)


class RunStyles:
    """Style strings parsed once (``console.get_style``, as rich parses a span's), and
    the combinations of a line's style with a run's."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._combined: dict[tuple[str, str], Style] = {}

    def get(self, line_style: str, run_style: str = "") -> Style:
        """``line_style`` with ``run_style`` over it (as rich combines a span's)."""
        key = (line_style, run_style)
        style = self._combined.get(key)
        if style is None:
            parse = self._console.get_style
            styles = (parse(line_style, default=Style.null()),)
            if run_style:
                styles += (parse(run_style, default=Style.null()),)
            style = self._combined[key] = Style.combine(styles)
        return style

    def clear(self) -> None:
        self._combined.clear()


def line_segments(line: Line, styles: RunStyles) -> list[Segment]:
    """The segments rich renders ``rich_text(line)`` into (no wrapping), built from the
    runs directly: several times quicker than assembling and rendering a ``Text``.

    rich's rules, kept: control codes are dropped; runs without a style join into one
    segment, styled runs are a segment each (an empty one too splits the text);
    a line without any styled run is a single unstyled segment, its own style unused.
    """
    segments: list[Segment] = []
    pending = ""  # unstyled text not yet a segment
    any_styled = False
    for text, style in line.runs:
        if not text:
            continue
        text = strip_control_codes(text)
        if not style:
            pending += text
            continue
        any_styled = True
        if pending:
            segments.append(Segment(pending, styles.get(line.style)))
            pending = ""
        if text:
            segments.append(Segment(text, styles.get(line.style, style)))
    if not any_styled:
        return [Segment(pending)]
    if pending:
        segments.append(Segment(pending, styles.get(line.style)))
    return segments


class _Rows(NamedTuple):
    """What the view draws: ``count`` rows, row ``i`` being ``segments(i)``."""

    count: int
    segments: Callable[[int], list[Segment]]


class LinesView(ScrollView, can_focus=True):
    """Shows a document; arrows, PgUp/PgDn, Home/End and the wheel scroll it
    (ScrollView's keys)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.styles_cache = StyleCache(self)
        self.framer = Framer(self)
        self.document = Document([])
        self._rows = _Rows(0, lambda i: [Segment("")])
        self._run_styles: RunStyles | None = None  # made with the app's console, on show
        self._strips: LRUCache[int, Strip] = LRUCache(512)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return vertical_bar(self)

    @property
    def horizontal_scrollbar(self) -> ScrollBar:
        return horizontal_bar(self)

    def show(self, document: Document) -> None:
        self.document = document
        if self._run_styles is None:
            self._run_styles = RunStyles(self.app.console)
        styles = self._run_styles
        self._rows = self._wrapped(document) if document.prose else _Rows(
            len(document), lambda i: line_segments(document.line(i), styles))
        self._strips.clear()
        # the document's own width (drawing widens it if a line is longer): a pane's
        # width here would outlast a scrollbar that takes a column and scroll sideways
        set_virtual_size(self, Size(document.width, self._rows.count))
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def _wrapped(self, document: Document) -> _Rows:
        width = max(20, self.scrollable_content_region.width - 1)
        lines: list[Text] = []
        for i in range(len(document)):
            lines += rich_text(document.line(i)).wrap(self.app.console, width) or [Text("")]
        console = self.app.console

        def segments(i: int) -> list[Segment]:
            lines[i].no_wrap = True
            return list(lines[i].render(console, end=""))
        return _Rows(len(lines), segments)

    def watch_show_horizontal_scrollbar(self, shown: bool) -> None:
        """A horizontal scrollbar (a line wider than the pane came into view) takes the
        last line: a view that was at the end stays there."""
        if shown and self.scroll_y >= self.max_scroll_y - 1:
            self.scroll_to(y=self.max_scroll_y, animate=False)
        sync_scrollbars(self)

    def watch_show_vertical_scrollbar(self) -> None:
        sync_scrollbars(self)

    def on_resize(self) -> None:
        if self.document.prose:
            self.show(self.document)

    def render_lines(self, crop: Region) -> list[Strip]:
        offset, width = self.scroll_offset, self.scrollable_content_region.width
        return self.framer.render_lines(crop, super().render_lines,
                                        lambda y: self._line(y, offset, width))

    def render_line(self, y: int) -> Strip:
        return self._line(y, self.scroll_offset, self.scrollable_content_region.width)

    def _line(self, y: int, offset: Offset, width: int) -> Strip:
        """Line ``y`` of a view ``width`` cells wide, scrolled to ``offset``."""
        scroll_x, scroll_y = offset
        index = scroll_y + y
        base = self.styles_cache.base
        if index >= self._rows.count:
            return self.styles_cache.blank(width)
        strip = self._strips.get(index)
        if strip is None:
            strip = Strip(Segment.apply_style(self._rows.segments(index), base))
            self._strips[index] = strip
            if strip.cell_length > self.virtual_size.width:
                set_virtual_size(self, Size(strip.cell_length, self._rows.count),
                                 repaint=False)
        strip = cut_to_width(strip, scroll_x, width, base)
        marked = self.line_mark(index)
        return strip if marked is None else strip.apply_style(marked)

    def line_mark(self, index: int) -> Style | None:
        """A style laid over line ``index`` as it is drawn (none here): lets a subclass
        point at one line without restyling its cached strip."""
        return None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.styles_cache.clear()
        self._strips.clear()
        if self._run_styles is not None:
            self._run_styles.clear()
