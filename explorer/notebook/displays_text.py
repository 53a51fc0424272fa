"""A revision's text, and the hunks of its delta, displayed as the TUI's text pane shows them.

``text(rl, rev)`` decodes the revision for its revlog's kind (changeset
fields, manifest entries, file content or a hex dump); ``delta(rl, rev)``
lists the hunks of its own delta with the base bytes each replaces. Both
come from ``explorer.views.revision_text``, the text pane's own code, and
read the revision when displayed, not before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from explorer.engine import Revlog
from explorer.notebook.displays_document import document_html, document_text
from explorer.views.document import Document
from explorer.views.printable import printable
from explorer.views.revision_text import delta_document, revision_document
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef


def revlog_view(rl: Revlog) -> RevlogView:
    """``rl`` as the views take it (the panes' wrapper, here without a UI)."""
    return RevlogView(RevlogRef(rl.kind, rl.name, rl.index_path, rl.data_path), rl)


@dataclass
class RevisionDocument:
    """A document about one revision, made when displayed."""

    what: str
    revlog: Revlog
    rev: int
    make: Callable[[RevlogView, int], Document]

    def document(self) -> Document:
        return self.make(revlog_view(self.revlog), self.rev)

    def __repr__(self) -> str:
        return f"<{self.what} of {printable(self.revlog.name)} rev {self.rev}>"

    def _repr_html_(self) -> str:
        return document_html(self.document())

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(document_text(self.document()))


def checked_rev(rl: Revlog, rev: int) -> int:
    if not 0 <= rev < len(rl):
        raise ValueError(f"{printable(rl.name)}: rev {rev} is not within 0..{len(rl) - 1}")
    return rev


def text(rl: Revlog, rev: int) -> RevisionDocument:
    """Revision ``rev`` decoded for its kind, under a line saying whether it hashes right."""
    return RevisionDocument("text", rl, checked_rev(rl, rev), revision_document)


def delta(rl: Revlog, rev: int) -> RevisionDocument:
    """The hunks of the delta ``rev`` is stored as (or that it is stored whole)."""
    return RevisionDocument("delta", rl, checked_rev(rl, rev), delta_document)
