"""What line-drawing widgets need to stay cheap per frame: styles looked up once.

``Widget.rich_style`` walks the ancestors for the background and
``get_component_rich_style`` resolves CSS; asked for every line of every
frame they cost more than drawing the line (measured: about half the time
of a page of the index). A ``StyleCache`` is an object the widget holds, not
a base class: a mixin deriving from ``Widget`` placed before ``ScrollView``
in a widget's bases hides ``ScrollView`` from Textual's CSS (it follows the
first DOM base only), and the widget then cannot scroll.
"""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class StyleCache:
    """``base`` and ``part(name)`` of one widget, kept until ``clear()``: the widget
    calls it from ``notify_style_update`` (theme, focus, CSS changed)."""

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._styles: dict[str, Style] = {}

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

    def clear(self) -> None:
        self._styles.clear()
