"""A scrolling view of a ``Document``: only the lines on screen are ever styled."""

from __future__ import annotations

from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from explorer.tui.widgets.styles import CachedStyles, set_virtual_size
from explorer.views.document import Document, ready


class LinesView(CachedStyles, ScrollView, can_focus=True):
    """Shows a document; arrows, PgUp/PgDn, Home/End scroll it (ScrollView's keys)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.document = self.original = Document([])
        self._strips: LRUCache[int, Strip] = LRUCache(512)

    def show(self, document: Document) -> None:
        self.original = document
        if document.prose:
            document = self._wrapped(document)
        self.document = document
        self._strips.clear()
        width = max(document.width, self.scrollable_content_region.width)
        set_virtual_size(self, Size(width, len(document)))
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def _wrapped(self, document: Document) -> Document:
        width = max(20, self.scrollable_content_region.width - 1)
        lines: list[Text] = []
        for i in range(len(document)):
            lines += document.line(i).wrap(self.app.console, width) or [Text("")]
        return Document([ready(lines)])

    def on_resize(self) -> None:
        if self.original.prose:
            self.show(self.original)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self.document):
            return Strip.blank(width, self.base_style)
        strip = self._strips.get(index)
        if strip is None:
            text = self.document.line(index)
            text.no_wrap = True
            segments = list(text.render(self.app.console, end=""))
            strip = self._strips[index] = Strip(segments).apply_style(self.base_style)
            if strip.cell_length > self.virtual_size.width:
                set_virtual_size(self, Size(strip.cell_length, len(self.document)),
                                 repaint=False)
        return strip.crop_extend(scroll_x, scroll_x + width, self.base_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
