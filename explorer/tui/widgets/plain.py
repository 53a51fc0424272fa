"""Text read from a store, ready for a Textual widget.

Two things go wrong when a name from a store is handed to a widget as it
is: a byte that is not UTF-8 (a surrogate escape) or a control character
reaches the terminal and breaks the pane borders, and a string widget reads
Textual markup in it, so ``a[/]b.txt`` raises and ``[@click=app.quit]x`` is
a link. ``plain`` escapes the bytes (``explorer.views.printable``) and
wraps the result so that no markup is read.
"""

from __future__ import annotations

from textual.content import Content

from explorer.views.printable import printable


def plain(text: str, *, one_line: bool = False) -> Content:
    """``text`` as the bytes it holds (``\\xe9``), never read as markup; ``one_line``
    escapes newlines too (a title)."""
    return Content(printable(text, keep_newlines=not one_line))
