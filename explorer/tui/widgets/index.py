"""The index pane: every entry of the revlog, one row each, drawn only when on screen.

Entries are decoded from the index bytes as rows scroll into view; chain
length and snapshot depth need a chain walk, so a worker computes them for
the rows on screen and the rows show "…" until then. A damaged revision's
row is marked. Panes that scroll with it (the DAG) register in ``followers``
and are told of every scroll and cursor move at once, not by message, so
they change in the same frame as the index.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message
from textual.worker import get_current_worker

from explorer.engine import RevlogError
from explorer.tui.widgets.loader import after_first_frame
from explorer.tui.widgets.table import Cell, Column, VirtualTable
from explorer.views.revlog_view import DAMAGED, NOT_SNAPSHOT, UNKNOWN, RevlogView
from explorer.views.sizes import FULL, STORED


class IndexTable(VirtualTable):
    """The index entries of one revlog."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: RevlogView | None = None
        self.followers: list[Callable[[int, int], None]] = []

    def show(self, view: RevlogView | None, rev: int = 0) -> None:
        """Show the entries of ``view`` with the cursor on ``rev``."""
        self.view = view
        if view is None:
            self.reset([], 0)
            return
        self.reset(_columns(view), len(view), rev)
        self._request_facts()

    def row_cells(self, row: int) -> list[Cell]:
        view = self.view
        e = view.entry(row)
        chain, depth = view.chain_length[row], view.snapshot_depth[row]
        full = e.base == row
        return [
            (str(row), "accent"),
            (str(e.offset), ""),
            (f"{e.flags:04x}", "mark" if e.flags else "dim"),
            (str(e.compressed_length), ""),
            ("?" if e.uncompressed_length is None else str(e.uncompressed_length), ""),
            (str(e.base), "mark" if full else ""),
            (str(e.link_rev), ""),
            (str(e.p1), "dim" if e.p1 == -1 else ""),
            (str(e.p2), "dim" if e.p2 == -1 else ""),
            (e.node.hex()[:12], "accent"),
            _fact(chain),
            ("" if depth == NOT_SNAPSHOT else "…" if depth == UNKNOWN else
             "!" if depth == DAMAGED else str(depth), "mark"),
        ]

    def row_style(self, row: int) -> str:
        return "bad" if self.view is not None and row in self.view.damage else ""

    # -- lazily filled facts ---------------------------------------------------

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._tell_followers()
            self._request_facts()

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self._tell_followers()

    def reset(self, *args, **kwargs) -> None:
        super().reset(*args, **kwargs)
        self._tell_followers()

    def _tell_followers(self) -> None:
        for follow in self.followers:
            follow(self.first_visible, self.cursor)

    def on_resize(self) -> None:
        # (VirtualTable's on_resize runs too: Textual calls each class's handler)
        self._request_facts()

    def _request_facts(self) -> None:
        view = self.view
        if view is None or not len(view):
            return
        rows = self.visible_rows()
        near = range(rows.start, min(len(view), rows.stop + 8))
        if all(view.chain_length[r] != UNKNOWN for r in near):
            return
        # a page either side too: a row scrolled in one at a time finds its facts
        # there, rather than each key starting a worker (and its messages) for one row
        page = len(rows)
        wanted = [r for r in (*near, *range(near.stop, min(len(view), near.stop + page)),
                              *range(max(0, rows.start - page), rows.start))
                  if view.chain_length[r] == UNKNOWN]
        if wanted:
            after_first_frame(self, lambda: self.run_worker(
                lambda: self._fill(view, wanted), thread=True, exclusive=True,
                group="index-facts", exit_on_error=False,
                description="chain lengths of the rows on screen"))

    def _fill(self, view: RevlogView, rows: list[int]) -> None:
        worker = get_current_worker()
        filled = view.fill_facts(rows, lambda: worker.is_cancelled)
        if filled and not worker.is_cancelled:
            self.app.call_from_thread(self._facts_arrived, view, filled)

    def _facts_arrived(self, view: RevlogView, rows: list[int]) -> None:
        if view is self.view:
            self.redraw_cells(rows, FACT_COLUMNS)
            if any(r in view.damage for r in rows):
                self.invalidate()  # damaged rows change colour throughout
            damaged = [r for r in rows if r in view.damage]
            if damaged:
                self.post_message(self.DamageFound(view, damaged))

    class DamageFound(Message):
        """Filling facts found damaged revisions (the problems pane lists them)."""

        def __init__(self, view: RevlogView, revs: list[int]) -> None:
            super().__init__()
            self.view = view
            self.revs = revs


FACT_COLUMNS = 10  # chain length and snapshot level come after the ten entry fields


def _fact(value: int) -> Cell:
    if value == UNKNOWN:
        return "…", "dim"
    if value == DAMAGED:
        return "!", "bad"
    return str(value), ""


def _data_size(view: RevlogView) -> int:
    """The data file's size; 0 when it is not read (a FIFO: each revision says so)."""
    try:
        return view.revlog.data_size()
    except RevlogError:
        return 0


def _columns(view: RevlogView) -> list[Column]:
    """Widths fixed from what the revlog can hold, never measured row by row."""
    n = len(view)
    rev_w = max(4, len(str(n - 1)))
    size_w = max(6, len(str(_data_size(view))))
    return [
        Column("rev", rev_w),
        Column("offset", size_w),
        Column("flags", 5),
        Column(STORED, size_w),
        Column(FULL, size_w),
        Column("base", rev_w),
        Column("link", max(rev_w, 5)),
        Column("p1", rev_w),
        Column("p2", rev_w),
        Column("node", 12, "left"),
        Column("chain", 5),
        Column("snap", 4),
    ]
