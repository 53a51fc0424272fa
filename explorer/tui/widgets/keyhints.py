"""The bottom line: the keys the focused pane answers, drawn as one widget.

It shows what Textual's ``Footer(compact=True)`` shows, as it shows it (each
action's first shown binding, in the screen's order, dimmed when disabled, the
command palette's key on the right), but is one widget drawing one line:
``Footer`` composes a widget per key (~15 here) and composes them all again each
time the bindings change, three times right after the first frame, which an early
key waited for. A click on a hint presses its key, as on ``Footer``'s; the pointer
over a hint highlights it and shows its tooltip.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from explorer.tui.widgets.commandline import CommandLine


class Hint(NamedTuple):
    """One key's hint, and the columns it covers on the line (``end`` excluded)."""

    key: str
    key_display: str
    description: str
    enabled: bool
    tooltip: str
    start: int
    end: int


KEPT_LOOKS = 16  # the hints of a few focused panes, with and without a hover


class KeyHints(Widget, can_focus=False):
    """The focused pane's keys on one line, the palette's key at its right end; while
    its ``command_line`` asks, the question instead."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "keyhints--item", "keyhints--key", "keyhints--description", "keyhints--hover",
        "keyhints--palette-edge", "keyhints--prompt",
    }
    PALETTE_EDGE = "▏"  # Footer's palette key: a border-left of vkey

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.hints: list[Hint] = []
        self.hovered: Hint | None = None
        self.command_line = CommandLine(self.refresh)
        self._drawn: dict[tuple, Strip] = {}  # lines by what they show (``_look``)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()

    def _layout_hints(self) -> tuple[list[Hint], Hint | None]:
        """The screen's shown bindings as hints, each with its columns, and the
        palette's (None without a palette)."""
        app = self.app
        active = self.screen.active_bindings
        hints: list[Hint] = []
        actions: set[str] = set()
        column = 0
        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            shown = app.get_key_display(binding)
            end = column + cell_len(shown) + 1 + cell_len(binding.description)
            hints.append(Hint(binding.key, shown, binding.description, enabled,
                              tooltip or binding.tooltip, column, end))
            column = end + 1  # Footer's margin between keys
        palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE \
            else None
        if palette is None:
            return hints, None
        _node, binding, enabled, tooltip = palette
        shown = app.get_key_display(binding)
        width = 1 + cell_len(shown) + 1 + cell_len(binding.description)
        start = self.size.width - 1 - width  # Footer leaves the last column free
        return hints, Hint(binding.key, shown, binding.description, enabled,
                           binding.tooltip or binding.description, start, start + width)

    def _hint_text(self, hint: Hint) -> Text:
        item = self.get_component_rich_style("keyhints--item")
        text = Text.assemble((hint.key_display, self.get_component_rich_style("keyhints--key")),
                             (" " + hint.description,
                              self.get_component_rich_style("keyhints--description")))
        text.stylize_before(item + (Style(dim=True) if not hint.enabled else Style()))
        if hint == self.hovered:  # Footer's hover: the item's background, over its parts'
            hover = self.get_component_rich_style("keyhints--hover")
            text.stylize(Style(bgcolor=hover.bgcolor))
        return text

    def render(self) -> Text:
        if self.command_line.asking:
            self.hints = []
            return self.command_line.text(self.size.width,
                                          self.get_component_rich_style("keyhints--prompt"))
        hints, palette = self._layout_hints()
        self.hints = hints + ([palette] if palette else [])
        width = self.size.width
        keys_width = width if palette is None else palette.start
        line = Text(no_wrap=True, overflow="crop", end="")
        for hint in hints:
            line.append_text(self._hint_text(hint))
            line.append(" ")
        line.truncate(max(keys_width, 0), pad=True)
        if palette is not None:
            line.append(self.PALETTE_EDGE, self.get_component_rich_style("keyhints--palette-edge"))
            line.append_text(self._hint_text(palette))
        line.truncate(width)
        return line

    def _look(self) -> tuple[tuple, list[Hint]]:
        """All the line's look depends on besides its styles (the question while asking,
        else the hints and the one under the mouse; the width), and the hints it shows."""
        width = self.size.width
        line = self.command_line
        if line.asking:
            return ("asking", line.prompt, line.hint, line.typed, width), []
        hints, palette = self._layout_hints()
        shown = hints + ([palette] if palette else [])
        return (tuple(shown), self.hovered, width), shown

    def render_line(self, y: int) -> Strip:
        """The line as last drawn for the same look: a prompt answered brings back the
        hints it hid without building them again (Textual's content rendering of the
        line cost about a tenth of the key that answers a go-to, measured). Whatever
        changes the look repaints the line, so Textual draws a new one afresh."""
        look, self.hints = self._look()
        line = self._drawn.get(look)
        if line is None:
            if len(self._drawn) >= KEPT_LOOKS:
                self._drawn.clear()
            line = self._drawn[look] = super().render_line(y)
        return line

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()

    def hint_at(self, x: int) -> Hint | None:
        """The hint drawn at column ``x``, if any."""
        return next((hint for hint in self.hints if hint.start <= x < hint.end), None)

    def on_click(self, event: events.Click) -> None:
        hint = self.hint_at(event.x)
        if hint is None:
            return
        if hint.enabled:
            self.app.simulate_key(hint.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hint = self.hint_at(event.x)
        if hint != self.hovered:
            self.hovered = hint
            self.tooltip = hint.tooltip if hint is not None and hint.tooltip else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.tooltip = None
            self.refresh()
