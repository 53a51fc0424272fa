"""What line-drawing widgets need to stay cheap per frame: cached styles, quiet resizes.

``Widget.rich_style`` walks the ancestors for the background and
``get_component_rich_style`` resolves CSS; asked for every line of every
frame they cost more than drawing the line (measured: about half the time
of a page of the index). The cache is dropped when Textual says the styles
changed (theme, focus, CSS).
"""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Size
from textual.widget import Widget


class CachedStyles(Widget):
    """Mixin for line-API widgets: ``base_style`` and ``part_style(name)``, cached."""

    _style_cache: dict[str, Style] | None = None

    @property
    def base_style(self) -> Style:
        cache = self._styles_now()
        style = cache.get("")
        if style is None:
            style = cache[""] = self.rich_style
        return style

    def part_style(self, name: str) -> Style:
        """The style of the component class ``name`` alone (to lay over others)."""
        cache = self._styles_now()
        style = cache.get(name)
        if style is None:
            style = cache[name] = self.get_component_rich_style(name)
        return style

    def _styles_now(self) -> dict[str, Style]:
        if self._style_cache is None:
            self._style_cache = {}
        return self._style_cache

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache = None


def set_virtual_size(widget: Widget, size: Size, repaint: bool = True) -> None:
    """Change a line widget's scrollable size without laying out the whole screen.

    ``virtual_size`` is a layout reactive: each change re-arranges every
    widget (measured: about a third of the work of a key press that loads a
    new chain or text). Only the widget's own scrollbars depend on it, so
    update those; a scrollbar that appears or goes still triggers a layout.
    ``repaint=False`` when called while drawing (the content did not change).
    """
    if size == widget.virtual_size:
        return
    widget.set_reactive(Widget.virtual_size, size)
    widget._scroll_update(size)
    if repaint:
        widget.refresh()
