"""Scrollbars that repaint only when what they show changes.

Textual repaints a scrollbar whenever its position or sizes change, which a
pane's scrollbar does on most keys: a cursor move scrolls the index by a row,
a new chain changes the chain table's length. The bar drawn for a million rows
moves by a cell every fifty thousand rows, and a chain shorter than its pane
has no thumb at all, so most of those repaints (each rendering and styling
every cell of the bar, measured at about 1.5 ms a key) drew the same bar again.
A ``QuietScrollBar`` repaints when its thumb would be drawn elsewhere; colours
(theme, hover, grab) and resizes still repaint it as Textual does.

A widget uses one by overriding its ``vertical_scrollbar`` and
``horizontal_scrollbar`` properties with ``vertical_bar`` and ``horizontal_bar``
(a Textual widget creates its scrollbars there, on first use).
"""

from __future__ import annotations

from math import ceil

from rich.color import Color
from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Region
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget


def thumb(size: int, virtual_size: float, window_size: float, position: float,
          bars: int) -> tuple[int, int] | None:
    """Where ``ScrollBarRender.render_bar`` draws the thumb, in ``bars``-ths of a cell
    (its start and end), or None for a bar without one: the bar's whole look
    besides its colours, size and thickness. The arithmetic is render_bar's own."""
    if not (window_size and size and virtual_size and size != virtual_size):
        return None
    thumb_size = max(1, window_size / (virtual_size / size))
    at = (size - thumb_size) * (position / (virtual_size - window_size))
    start = int(at * bars)
    return start, start + ceil(thumb_size * bars)


# render_bar's own defaults, for a style without colours
DEFAULT_BACK, DEFAULT_BAR = Color.parse("#555555"), Color.parse("bright_magenta")


class QuietScrollBar(ScrollBar):
    """A scrollbar whose moves repaint it only if its thumb is drawn elsewhere."""

    window_virtual_size: Reactive[int] = Reactive(100, repaint=False)
    window_size: Reactive[int] = Reactive(0, repaint=False)
    position: Reactive[float] = Reactive(0, repaint=False)

    def __init__(self, vertical: bool = True, name: str | None = None, *,
                 thickness: int = 1) -> None:
        super().__init__(vertical, name, thickness=thickness)
        self._drawn: object = ()  # the look last rendered (() : none yet)
        self._made: tuple[tuple, list[Strip]] | None = None  # the lines, and what for

    def look(self) -> tuple[int, int] | None:
        """The thumb as ``render`` would draw it now (see ``thumb``)."""
        window_size = self.window_size if self.window_size < self.window_virtual_size else 0
        bars = self.renderer.VERTICAL_BARS if self.vertical else self.renderer.HORIZONTAL_BARS
        return thumb(self.size.height if self.vertical else self.size.width,
                     ceil(self.window_virtual_size), ceil(window_size), self.position,
                     len(bars))

    def render(self) -> RenderableType:
        self._drawn = self.look()
        return super().render()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The bar's lines, made from its segments directly and kept until the bar
        looks otherwise. Through Rich's console and Textual's line styling a bar
        cost ~0.5 ms each time its thumb moved: every segment carries a fresh
        style (with the mouse actions), so nothing downstream was ever cached."""
        bar = self.render()
        if not isinstance(bar, ScrollBarRender):
            return super().render_lines(crop)
        key = (self.size, bar.style, self._drawn)
        if self._made is None or self._made[0] != key:
            self._made = (key, self._lines(bar))
        lines = self._made[1][crop.y:crop.bottom]
        return [strip.crop(crop.x, crop.right) for strip in lines]

    def _lines(self, bar: ScrollBarRender) -> list[Strip]:
        """Every line of the bar (a bar has at most four different ones)."""
        width, height = self.size
        length, thickness = (height, width) if self.vertical else (width, height)
        segments = bar.render_bar(
            size=length, virtual_size=bar.virtual_size, window_size=bar.window_size,
            position=bar.position, thickness=thickness, vertical=self.vertical,
            back_color=bar.style.bgcolor or DEFAULT_BACK, bar_color=bar.style.color or DEFAULT_BAR,
        ).segments[:length]
        filters = self.get_line_filters()
        background = self.background_colors[1]
        base = self.visual_style.rich_style  # under each segment's, as Textual renders
        made: dict[int, Strip] = {}

        def line(segments: list[Segment]) -> Strip:
            strip = made.get(id(segments[0]))
            if strip is None:
                strip = Strip([Segment(text, base + style) for text, style, _ in segments],
                              width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                made[id(segments[0])] = strip
            return strip

        if self.vertical:
            return [line([segment]) for segment in segments]
        return [line(segments)] * height

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._made = None  # the theme, or the widget's colours under the bar

    def _moved(self) -> None:
        if self.look() != self._drawn:
            self.refresh()

    def watch_window_virtual_size(self) -> None:
        self._moved()

    def watch_window_size(self) -> None:
        self._moved()

    def watch_position(self) -> None:
        self._moved()


def vertical_bar(widget: Widget) -> ScrollBar:
    """``widget``'s vertical scrollbar, a quiet one, created as Textual creates its own."""
    if widget._vertical_scrollbar is None:
        bar = widget._vertical_scrollbar = QuietScrollBar(
            vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
        _start(widget, bar)
    return widget._vertical_scrollbar


def horizontal_bar(widget: Widget) -> ScrollBar:
    """``widget``'s horizontal scrollbar, a quiet one, created as Textual creates its own."""
    if widget._horizontal_scrollbar is None:
        bar = widget._horizontal_scrollbar = QuietScrollBar(
            vertical=False, name="horizontal", thickness=widget.scrollbar_size_horizontal)
        _start(widget, bar)
    return widget._horizontal_scrollbar


def _start(widget: Widget, bar: ScrollBar) -> None:
    bar.display = False
    widget.app._start_widget(widget, bar)
