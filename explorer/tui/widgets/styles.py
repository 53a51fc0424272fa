"""What line-drawing widgets need to stay cheap per frame: styles looked up once, and
no layout of the whole screen when only their scrollable size changed.

``Widget.rich_style`` walks the ancestors for the background and
``get_component_rich_style`` resolves CSS; asked for every line of every
frame they cost more than drawing the line (measured: about half the time
of a page of the index). A ``StyleCache`` is an object the widget holds, not
a base class: a mixin deriving from ``Widget`` placed before ``ScrollView``
in a widget's bases hides ``ScrollView`` from Textual's CSS (it follows the
first DOM base only), and the widget then cannot scroll.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


class StyleCache:
    """``base`` and ``part(name)`` of one widget, kept until ``clear()``: the widget
    calls it from ``notify_style_update`` (theme, focus, CSS changed)."""

    def __init__(self, widget: Widget, prefix: str = "") -> None:
        self._widget = widget
        self._prefix = prefix  # of the component classes ``layered`` names
        self._styles: dict[str, Style] = {}
        self._layers: dict[tuple[str, ...], Style] = {}
        self._blanks: dict[int, Strip] = {}

    @property
    def base(self) -> Style:
        """The widget's own style (its colours over its ancestors' background)."""
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self._widget.rich_style
        return style

    def part(self, name: str) -> Style:
        """The style of the component class ``name`` alone (to lay over others)."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self._widget.get_component_rich_style(name)
        return style

    def layered(self, *names: str) -> Style:
        """The widget's style with the named component classes laid over it in
        order (empty names skipped), composed once."""
        style = self._layers.get(names)
        if style is None:
            style = self.base
            for name in names:
                if name:
                    style += self.part(f"{self._prefix}{name}")
            self._layers[names] = style
        return style

    def blank(self, width: int) -> Strip:
        """An empty line ``width`` cells wide in the widget's style: the same strip each
        time, so a pane's framed copy of it is kept too (``explorer.tui.widgets.framing``)."""
        strip = self._blanks.get(width)
        if strip is None:
            strip = self._blanks[width] = Strip.blank(width, self.base)
        return strip

    def clear(self) -> None:
        self._styles.clear()
        self._layers.clear()
        self._blanks.clear()


def set_virtual_size(widget: ScrollView, size: Size, repaint: bool = True) -> None:
    """Change a line widget's scrollable size, laying out the screen only if it must.

    ``virtual_size`` is a layout reactive: each change re-arranges and redraws
    every pane (measured: it doubled the work of a cursor move, which gives
    the chain and text panes new sizes). Only the widget's own scrollbars
    depend on the size, so unless one of them must appear or go, the size is
    set without a layout and the scrollbars are told it. A widget whose width is
    ``auto`` (the index on a wide terminal) is as wide as its content: it is laid
    out again. ``repaint=False`` when called while drawing (the content did not change).
    """
    if size == widget.virtual_size:
        return
    width = widget.styles.width
    if _scrollbars_wanted(widget, size) != (
            widget.show_vertical_scrollbar, widget.show_horizontal_scrollbar) or \
            (width is not None and width.is_auto):
        widget.virtual_size = size
        return
    widget.set_reactive(Widget.virtual_size, size)
    if widget.show_vertical_scrollbar:
        widget.vertical_scrollbar.window_virtual_size = size.height
    if widget.show_horizontal_scrollbar:
        widget.horizontal_scrollbar.window_virtual_size = size.width
    if widget.scroll_x > widget.max_scroll_x or widget.scroll_y > widget.max_scroll_y:
        # (only then: a scroll stops a scrolling animation, as lines widening the
        # text while End scrolls down would)
        widget.scroll_to(min(widget.scroll_x, widget.max_scroll_x),
                         min(widget.scroll_y, widget.max_scroll_y), animate=False)
    if repaint:
        widget.refresh()


def _scrollbars_wanted(widget: ScrollView, size: Size) -> tuple[bool, bool]:
    """The (vertical, horizontal) scrollbars a scrollable ``size`` calls for: always
    with ``overflow: scroll`` (a pane whose length varies keeps its bar and never
    needs a layout for it), never with ``hidden``, else when the content is larger."""
    room = widget.scrollable_content_region.size
    return (_wanted(widget.styles.overflow_y, size.height > room.height),
            _wanted(widget.styles.overflow_x, size.width > room.width))


def _wanted(overflow: str, larger: bool) -> bool:
    return overflow == "scroll" or (overflow == "auto" and larger)


def sync_scrollbars(widget: ScrollView) -> None:
    """Put the scrollbars' thumbs where the view is. Textual moves a thumb only when
    the view scrolls while its bar is shown: a view scrolled before its bar appeared
    (a jump to a revision as a revlog opens) would show its thumb at the top."""
    if widget.show_vertical_scrollbar:
        widget.vertical_scrollbar.position = widget.scroll_y
    if widget.show_horizontal_scrollbar:
        widget.horizontal_scrollbar.position = widget.scroll_x


def cut_to_width(strip: Strip, start: int, width: int, style: Style) -> Strip:
    """The ``width`` cells of ``strip`` from ``start``, ending in "…" where text goes
    on beyond the pane (scroll right to read it), so nothing looks complete when cut."""
    shown = strip.crop_extend(start, start + width, style)
    if width > 1 and strip.cell_length > start + width:
        end = shown.crop(width - 1, width)
        ellipsis_style = next((seg.style for seg in end if seg.style), style)
        shown = Strip.join([shown.crop(0, width - 1), Strip([Segment("…", ellipsis_style)])])
    return shown


def set_border_subtitle(widget: Widget, subtitle: str) -> None:
    """Set ``widget``'s border subtitle (markup, as ``border_subtitle =`` takes it),
    repainting only its last row, and only if the subtitle changed.

    Textual's setter repaints the whole widget even for the same subtitle: for a
    container (the chain pane, titled with its chain on every key) that restyles
    every row of its background under the children, about 2 ms a key (measured).
    """
    new = widget.render_str(subtitle).expand_tabs(4).split()[0]
    old = widget._border_subtitle
    if old is not None and old.markup == new.markup:
        return
    widget._border_subtitle = new
    offset, (width, height) = widget.content_offset, widget.outer_size
    widget.refresh(Region(-offset.x, height - 1 - offset.y, width, 1))
