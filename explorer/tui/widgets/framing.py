"""A pane's content lines put in their frame without Textual's per-line styling.

Textual draws each line of a widget through its styles: border, padding,
tint, opacity, hatch and outline are worked out again for every line, then
the line filters (the ANSI-to-truecolour one is always on) copy it, each
step making a new ``Strip``. For the panes the explorer draws line by line
(tables, DAG, text, hex) that was as much work as drawing the line itself.
``Framer`` puts a content line between the left and right border cells
Textual drew for the first content line it was asked for, filters the
content's segments once, and keeps the framed line with the pane's own: a
line drawn again (a scroll by one row, a repaint) is the same ``Strip``,
whose crops and divisions Textual has cached on it. The border rows, and
any pane whose styles need more than a border (padding, tint, opacity,
hatch, outline, a hovered link), go through Textual as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.cache import LRUCache
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

KEPT = 256  # framed lines kept: a few screens of a pane


class Framer:
    """Draws ``widget``'s lines: the content rows itself, the rest through Textual."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self._key: tuple | None = None
        self._left: Segment | None = None
        self._right: Segment | None = None
        # by id of the content line: (that line, it framed); the line is held, so
        # its id is not another line's while the entry is here
        self._framed: LRUCache[int, tuple[Strip, Strip]] = LRUCache(KEPT)

    def render_lines(self, crop: Region, textual: Callable[[Region], list[Strip]],
                     draw: Callable[[int], Strip] | None = None) -> list[Strip]:
        """The lines of ``crop``. ``textual`` is the widget's inherited ``render_lines``;
        ``draw`` draws content line ``y`` (the widget's ``render_line``, or the same with
        what it looks up once a frame already looked up)."""
        widget = self.widget
        draw = draw or widget.render_line
        if not self._plain():
            return textual(crop)
        width, height = widget.region.size
        gutter = widget.styles.gutter
        content_width, content_height = widget.content_region.size
        first = gutter.top
        inside = range(max(crop.y, first),
                       min(crop.bottom, height - gutter.bottom, first + content_height))
        if not inside:
            return textual(crop)
        base_background, background = widget.background_colors
        filters = tuple(widget.get_line_filters())
        key = (width, content_width, widget.styles.border, base_background, background, filters)
        x1, x2 = crop.column_span
        strips: list[Strip] = []
        if crop.y < inside.start:
            strips += textual(Region(crop.x, crop.y, crop.width, inside.start - crop.y))
        start = inside.start
        if key != self._key:
            template = textual(Region(0, start, width, 1))[0]
            self._learn(template, key)
            strips.append(template if (x1, x2) == (0, width) else template.crop(x1, x2))
            start += 1
        inner = Style(background=base_background + background).rich_style
        framed = self._framed
        for y in range(start, inside.stop):
            line = draw(y - first)
            entry = framed.get(id(line))
            if entry is None:
                entry = framed[id(line)] = (
                    line, self._frame(line, width, content_width, inner, filters, background))
            strip = entry[1]
            strips.append(strip if (x1, x2) == (0, width) else strip.crop(x1, x2))
        if inside.stop < crop.bottom:
            strips += textual(Region(crop.x, inside.stop, crop.width, crop.bottom - inside.stop))
        return strips

    def _frame(self, line: Strip, width: int, content_width: int, inner: RichStyle,
               filters: Sequence[LineFilter], background: Color) -> Strip:
        """``line`` fitted to the content's width as Textual fits it (cut, or padded
        in the pane's background), filtered, between the border cells."""
        length = line.cell_length
        if length > content_width:
            line = line.adjust_cell_length(content_width, inner)
        segments = list(line)
        if length < content_width:
            segments.append(Segment(" " * (content_width - length), inner))
        for line_filter in filters:
            segments = line_filter.apply(segments, background)
        if self._left is not None:
            segments.insert(0, self._left)
        if self._right is not None:
            segments.append(self._right)
        return Strip(segments, width)

    def _plain(self) -> bool:
        """Nothing but a border around the content: no padding, tint, opacity, hatch,
        outline or hovered link (each changes every line, so Textual draws them)."""
        widget = self.widget
        styles = widget.styles
        if widget.BLANK or any(styles.padding) or styles.tint.a or styles.has_rule("hatch"):
            return False
        if widget.opacity != 1.0 or styles.text_opacity != 1.0:
            return False
        if any(edge for edge, _color in styles.outline):
            return False
        hover = widget.hover_style
        return not (widget.auto_links and hover._link_id and hover._meta
                    and "@click" in hover.meta)

    def _learn(self, template: Strip, key: tuple) -> None:
        """Take the border cells from a content line Textual drew (already filtered):
        its first segment is the left border, its last the right, when there are such."""
        border = self.widget.styles.border
        segments = list(template)
        self._left = segments[0] if border.left[0] and segments else None
        self._right = segments[-1] if border.right[0] and segments else None
        self._key = key
        self._framed.clear()
