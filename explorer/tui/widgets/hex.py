"""The hex pane: the raw bytes of the selected revision, every field coloured and named.

Three runs of bytes (``explorer.views.anatomy``): the index entry, the chunk as
stored, and the chunk decompressed when it was compressed. Each line shows
file offsets, the bytes, their ASCII, and the names of the fields starting on
it; the field under the byte cursor is explained in words below. Arrows move
the cursor, ``[`` and ``]`` jump between fields.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from explorer.tui.widgets.framing import Framer
from explorer.tui.widgets.loader import RevisionLoader, describe_error
from explorer.tui.widgets.plain import plain
from explorer.tui.widgets.styles import (
    StyleCache,
    cut_to_width,
    set_virtual_size,
    sync_scrollbars,
)
from explorer.views.anatomy import Section, Span, file_label, sections
from explorer.views.revlog_view import RevlogView

PALETTE = ["#e5c07b", "#61afef", "#98c379", "#c678dd", "#56b6c2", "#e06c75", "#d19a66"]
ADDRESS_WIDTH = 9
_COLOURS = [Style(color=colour) for colour in PALETTE]


class Line(NamedTuple):
    """A line of the pane: a section title (``first`` = -1), or bytes from ``first``."""

    section: int
    first: int


class HexView(ScrollView, can_focus=True):
    """Hex dump of the selected revision's entry and chunk, with a byte cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"hex--title", "hex--address", "hex--legend",
                                             "hex--cursor", "hex--dim"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Byte left", show=False),
        Binding("right", "move(1)", "Byte right", show=False),
        Binding("up", "move_line(-1)", "Line up", show=False),
        Binding("down", "move_line(1)", "Line down", show=False),
        Binding("pageup", "move_page(-1)", "Page up", show=False),
        Binding("pagedown", "move_page(1)", "Page down", show=False),
        Binding("home", "to_end(0)", "First byte", show=False),
        Binding("end", "to_end(1)", "Last byte", show=False),
        Binding("right_square_bracket", "field(1)", "Next field", show=False),
        Binding("left_square_bracket", "field(-1)", "Previous field", show=False),
    ]

    # (section, byte within the section)
    cursor: reactive[tuple[int, int]] = reactive((0, 0), repaint=False, init=False)

    class FieldChanged(Message):
        """The cursor is on another byte; the explanation below follows."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.loader = RevisionLoader(self, self, group="hex")
        self.styles_cache = StyleCache(self)
        self.framer = Framer(self)
        self.sections: list[Section] = []
        self.error = ""
        self.lines: list[Line] = []
        self._title_lines: list[int] = []
        self.per_line = 16
        self._strips: LRUCache[tuple, Strip] = LRUCache(512)
        self._generation = 0
        self._pending_jump: tuple[str, int] | None = None

    # -- loading -------------------------------------------------------------

    def on_show(self) -> None:
        self.loader.start_loading()

    def mode(self) -> str:
        return ""

    def builder(self) -> Callable[[RevlogView, int], list[Section]]:
        return sections

    def display_result(self, result: object) -> None:
        self.sections = result if isinstance(result, list) else []
        self.error = "" if result is None or isinstance(result, list) else \
            f"cannot be read: {describe_error(result)}"
        self._layout()
        self.set_reactive(HexView.cursor, (0, 0))
        self.scroll_to(0, 0, animate=False)
        if self._pending_jump is not None:
            self.jump_to_file_byte(*self._pending_jump)
        self.post_message(self.FieldChanged())

    def jump_to_file_byte(self, file: str, offset: int) -> bool:
        """Put the cursor on byte ``offset`` of ``file`` if a section holds it; else
        remember it for the next revision loaded (a jump from the problems pane)."""
        for i, section in enumerate(self.sections):
            if section.file == file and section.offset is not None and \
                    section.offset <= offset < section.offset + max(1, len(section.data)):
                self._pending_jump = None
                self.cursor = (i, min(offset - section.offset, max(0, len(section.data) - 1)))
                return True
        self._pending_jump = (file, offset)
        return False

    def _layout(self) -> None:
        """One line per section title, per ``per_line`` bytes, and a gap after each."""
        lines = []
        self._title_lines = []
        for i, section in enumerate(self.sections):
            self._title_lines.append(len(lines))
            lines.append(Line(i, -1))
            lines += [Line(i, at) for at in range(0, len(section.data), self.per_line)]
            lines.append(Line(i, -2))
        self.lines = lines
        self._generation += 1
        width = ADDRESS_WIDTH + 2 + 4 * self.per_line + 4 + 30
        set_virtual_size(self, Size(width, len(lines)))
        self.refresh()

    def watch_show_vertical_scrollbar(self) -> None:
        sync_scrollbars(self)

    def watch_show_horizontal_scrollbar(self) -> None:
        sync_scrollbars(self)

    def on_resize(self) -> None:
        per_line = 16 if self.size.width >= ADDRESS_WIDTH + 4 * 16 + 30 else 8
        if per_line != self.per_line:
            self.per_line = per_line
            self._layout()
        self._scroll_to_cursor()

    # -- drawing -------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        return self.framer.render_lines(crop, super().render_lines)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if self.error and index == 0:
            strip = Strip([Segment(self.error, Style(color="red", bold=True))])
        elif index >= len(self.lines):
            return self.styles_cache.blank(width)
        else:
            line = self.lines[index]
            at_cursor = self.cursor[0] == line.section and \
                line.first <= self.cursor[1] < line.first + self.per_line
            key = (index, self.cursor[1] if at_cursor else -1, self.has_focus, self._generation)
            strip = self._strips.get(key)
            if strip is None:
                strip = self._strips[key] = self._draw(line, at_cursor)
        return cut_to_width(strip, scroll_x, width, self.styles_cache.base)

    def _file_label(self, file: str) -> str:
        target = self.loader.target
        return os.path.basename(file) if target is None else file_label(target[0].revlog, file)

    def _draw(self, line: Line, at_cursor: bool) -> Strip:
        section = self.sections[line.section]
        base = self.styles_cache.base
        if line.first == -1:
            where = "" if section.offset is None else \
                f"  {self._file_label(section.file)} @ {section.offset}"
            title = self.styles_cache.part("hex--title")
            return Strip([Segment(section.title, base + title),
                          Segment(where, base + self.styles_cache.part("hex--dim"))])
        if line.first == -2:
            return Strip([])
        data = section.data[line.first : line.first + self.per_line]
        address = "" if section.offset is None else str(section.offset + line.first)
        segments = [Segment(address.rjust(ADDRESS_WIDTH) + "  ",
                            base + self.styles_cache.part("hex--address"))]
        styles = [self._byte_style(section, line.first + i) for i in range(len(data))]
        cursor = self.styles_cache.part("hex--cursor")
        if at_cursor and self.has_focus:
            styles[self.cursor[1] - line.first] += cursor
        elif at_cursor:
            styles[self.cursor[1] - line.first] += Style(underline=True)
        for i, byte in enumerate(data):
            segments.append(Segment(f"{byte:02x}", base + styles[i]))
            segments.append(Segment("  " if i == 7 else " ", base))
        segments.append(Segment("   " * (self.per_line - len(data)) + " ", base))
        for i, byte in enumerate(data):
            segments.append(Segment(chr(byte) if 32 <= byte < 127 else ".", base + styles[i]))
        names = [s.name for s in section.spans if line.first <= s.start < line.first + len(data)]
        if names:
            segments.append(Segment(" " * (self.per_line - len(data)) + "  ◂ " + ", ".join(names),
                                    base + self.styles_cache.part("hex--legend")))
        return Strip(segments)

    def _byte_style(self, section: Section, at: int) -> Style:
        i = _span_index(section, at)
        if i is None or section.spans[i].name.startswith("padding"):
            return self.styles_cache.part("hex--dim")
        return _COLOURS[i % len(_COLOURS)]

    # -- cursor --------------------------------------------------------------

    def watch_cursor(self, old: tuple[int, int], new: tuple[int, int]) -> None:
        self._generation += 1
        self.refresh()
        self._scroll_to_cursor()
        self.post_message(self.FieldChanged())

    def _line_of(self, section: int, at: int) -> int:
        if section >= len(self._title_lines):
            return 0
        return self._title_lines[section] + 1 + at // self.per_line

    def _scroll_to_cursor(self) -> None:
        y = self._line_of(*self.cursor)
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if y - 1 < top:
            self.scroll_to(y=max(0, y - 1), animate=False)
        elif y >= top + height:
            self.scroll_to(y=y - height + 1, animate=False)

    def _flat(self) -> list[tuple[int, int]]:
        """Start and length of each section's bytes, for moves across sections."""
        return [(i, len(s.data)) for i, s in enumerate(self.sections) if s.data]

    def action_move(self, step: int) -> None:
        order = self._flat()
        if not order:
            return
        section, at = self.cursor
        position = next((k for k, (i, _) in enumerate(order) if i == section), 0)
        at += step
        while at < 0 and position > 0:
            position -= 1
            at += order[position][1]
        while at >= order[position][1] and position < len(order) - 1:
            at -= order[position][1]
            position += 1
        self.cursor = (order[position][0], max(0, min(at, order[position][1] - 1)))

    def action_move_line(self, direction: int) -> None:
        self.action_move(direction * self.per_line)

    def action_move_page(self, direction: int) -> None:
        rows = max(1, self.scrollable_content_region.height - 2)
        self.action_move(direction * self.per_line * rows)

    def action_to_end(self, last: int) -> None:
        order = self._flat()
        if order:
            i, size = order[-1] if last else order[0]
            self.cursor = (i, size - 1 if last else 0)

    def action_field(self, direction: int) -> None:
        """Jump to the first byte of the next (or previous) field."""
        section_index, at = self.cursor
        if not self.sections:
            return
        starts = [(i, s.start) for i, section in enumerate(self.sections)
                  for s in section.spans]
        here = (section_index, at)
        if direction > 0:
            later = [p for p in starts if p > here]
            if later:
                self.cursor = later[0]
        else:
            current = self.current_span()
            this_start = (section_index, current.start) if current else here
            earlier = [p for p in starts if p < this_start]
            if earlier:
                self.cursor = earlier[-1]

    def current_span(self) -> Span | None:
        if not self.sections:
            return None
        section, at = self.cursor
        return _span_at(self.sections[section], at)

    def describe(self) -> str:
        """Where the cursor is and what the field there means."""
        if self.error:
            return self.error
        if not self.sections or not self.sections[self.cursor[0]].data:
            return ""
        section_index, at = self.cursor
        section = self.sections[section_index]
        span = _span_at(section, at)
        if span is None:
            return f"byte {at} of the {section.title.split(' of ')[0]}: not part of any field."
        value = section.data[span.start : span.end]
        shown = value[:8].hex(" ") + (" …" if len(value) > 8 else "")
        where = f"bytes {span.start}–{span.end - 1}"
        if section.offset is not None:
            where += f" (file {section.offset + span.start}–{section.offset + span.end - 1})"
        return f"{span.name} · {where} · {shown}\n{span.explain}"

    def on_focus(self) -> None:
        self._generation += 1
        self.refresh()

    def on_blur(self) -> None:
        self._generation += 1
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.styles_cache.clear()
        self._generation += 1  # drawn lines carry the old styles


def _span_index(section: Section, at: int) -> int | None:
    """Which span holds byte ``at`` (spans are sorted and do not overlap)."""
    i = bisect_right(section.spans, at, key=lambda s: s.start) - 1
    if i >= 0 and section.spans[i].start <= at < section.spans[i].end:
        return i
    return None


def _span_at(section: Section, at: int) -> Span | None:
    i = _span_index(section, at)
    return None if i is None else section.spans[i]


class HexPane(Vertical):
    """The hex view and, below it, the explanation of the field under its cursor."""

    ALLOW_MAXIMIZE = True

    def compose(self) -> ComposeResult:
        yield HexView(id="hex-view")
        yield Static(id="hex-explain", classes="explain")

    @property
    def view(self) -> HexView:
        return self.query_one(HexView)

    def on_hex_view_field_changed(self, event: HexView.FieldChanged) -> None:
        event.stop()
        self.query_one("#hex-explain", Static).update(plain(self.view.describe()),
                                                       layout=False)
