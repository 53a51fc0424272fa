"""The text pane: the selected revision decoded for its kind, or the delta that made it.

Lines that name another revision (a changeset's manifest and files, a
manifest's entries, the changeset that introduced a revision) are links: a
click on one posts ``LinkClicked`` and the app follows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

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
    ]

    class LinkClicked(Message):
        """A click on a line that leads to another revision."""

        def __init__(self, link: Link) -> None:
            super().__init__()
            self.link = link

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.loader = RevisionLoader(self, self, group="text")
        self.delta_mode = False

    def on_show(self) -> None:
        self.loader.start_loading()

    def action_toggle_delta(self) -> None:
        self.delta_mode = not self.delta_mode
        self.loader.start_loading()

    def on_click(self, event: events.Click) -> None:
        """Follow the link of the line clicked, if it has one (a prose document, wrapped
        to the pane's width, has none)."""
        at = event.get_content_offset(self)
        document = self.document
        if at is None or document.prose:
            return
        row = self.scroll_offset.y + at.y
        link = document.line(row).link if 0 <= row < len(document) else None
        if link is not None:
            self.post_message(self.LinkClicked(link))

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
