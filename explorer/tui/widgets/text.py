"""The text pane: the selected revision decoded for its kind, or the delta that made it.

Lines that name another revision (a changeset's manifest and files, a
manifest's entries, the changeset that introduced a revision) are links: a
click on one posts ``LinkClicked`` and the app follows it. From the keyboard,
the pane has a line cursor as tig's views do (drawn while the pane has the
focus; the view follows it, the wheel scrolls without it) and Enter follows the
cursor's line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message

from explorer.tui.widgets.lines import LinesView
from explorer.tui.widgets.loader import RevisionLoader, describe_error
from explorer.views.document import Document, message, styled
from explorer.views.links import Link
from explorer.views.revision_text import delta_document, revision_document
from explorer.views.revlog_view import RevlogView


class TextPane(LinesView):
    """The decoded revision; ``d`` switches to the delta hunks applied at this step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "toggle_delta", "Text/delta", tooltip="Show the decoded text or the "
                "hunks of the delta that made this revision"),
        Binding("enter", "follow", "Follow", tooltip="Follow the cursor's line, if it "
                "names another revision (underlined)"),
        Binding("up", "move(-1)", "Line up", show=False),
        Binding("down", "move(1)", "Line down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move_to(0)", "First line", show=False),
        Binding("end", "move_to(-1)", "Last line", show=False),
    ]

    #: How the cursor's line is drawn while the pane has the focus.
    CURSOR = Style(reverse=True)

    class LinkClicked(Message):
        """A click on a line that leads to another revision."""

        def __init__(self, link: Link) -> None:
            super().__init__()
            self.link = link

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.loader = RevisionLoader(self, self, group="text")
        self.delta_mode = False
        self.cursor = 0

    def on_show(self) -> None:
        self.loader.start_loading()

    def action_toggle_delta(self) -> None:
        self.delta_mode = not self.delta_mode
        self.loader.start_loading()

    def on_click(self, event: events.Click) -> None:
        """Put the cursor on the line clicked and follow its link, if it has one."""
        at = event.get_content_offset(self)
        if at is None:
            return
        self.move_to(self.scroll_offset.y + at.y)
        link = self.link_at(self.cursor)
        if link is not None:
            self.post_message(self.LinkClicked(link))

    def show(self, document: Document) -> None:
        super().show(document)
        self.cursor = 0

    def action_move(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        """A page on, the view with the cursor: as a pager's PgDn, keeping the line."""
        page = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=self.scroll_y + direction * page, animate=False)
        self.move_to(self.cursor + direction * page)

    def action_move_to(self, row: int) -> None:
        self.move_to(row if row >= 0 else self._rows.count - 1)

    def move_to(self, row: int) -> None:
        """The cursor on ``row`` (within the document), scrolled into view."""
        self.cursor = max(0, min(row, self._rows.count - 1))
        height = self.scrollable_content_region.height
        if self.cursor < self.scroll_y:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= self.scroll_y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
        self.refresh()

    def link_at(self, row: int) -> Link | None:
        """Where line ``row`` leads (a prose document, wrapped to the pane, leads nowhere)."""
        document = self.document
        if document.prose or not 0 <= row < len(document):
            return None
        return document.line(row).link

    def action_follow(self) -> None:
        link = self.link_at(self.cursor)
        if link is None:
            self.app.notify("This line leads nowhere: move to an underlined one, or press "
                            "l for every link of this revision.")
            return
        self.post_message(self.LinkClicked(link))

    def line_mark(self, index: int) -> Style | None:
        return self.CURSOR if self.has_focus and index == self.cursor else None

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def mode(self) -> str:
        return "delta" if self.delta_mode else "text"

    def builder(self) -> Callable[[RevlogView, int], Document]:
        return delta_document if self.delta_mode else revision_document

    def display_result(self, result: object) -> None:
        if isinstance(result, Document):
            self.show(result)
        elif result is None:
            self.show(message(""))
        else:
            self.show(message(styled(f"cannot be read: {describe_error(result)}",
                                     style="bold red")))
