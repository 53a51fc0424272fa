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

from rich.console import RenderableType
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar
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


class QuietScrollBar(ScrollBar):
    """A scrollbar whose moves repaint it only if its thumb is drawn elsewhere."""

    window_virtual_size: Reactive[int] = Reactive(100, repaint=False)
    window_size: Reactive[int] = Reactive(0, repaint=False)
    position: Reactive[float] = Reactive(0, repaint=False)

    def __init__(self, vertical: bool = True, name: str | None = None, *,
                 thickness: int = 1) -> None:
        super().__init__(vertical, name, thickness=thickness)
        self._drawn: object = ()  # the look last rendered (() : none yet)

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
