"""The copies screen (``c``): every copy and rename in the history, and what it costs.

One row per copy (``explorer.views.copies``: the same rows, order and totals as the
notebook's ``displays.copies``): where it is, its source, the bytes it takes in the
store and as a light-weight copy, and the difference; the totals over the table.
Finding the copies reads every filelog, so it runs in a thread worker with a progress
bar, and the screen can be closed meanwhile. Enter opens the copy's filelog revision,
``s`` its source's, each as a jump the app's back (``<``) returns from; ``o`` changes
the order. The screen's result is the position to open (None: none). This module
loads the report's machinery (the writer's compressors): the app imports it only when
the screen is first opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static
from textual.worker import get_current_worker

from explorer.engine import RevlogError, Store
from explorer.tui.widgets.plain import plain
from explorer.tui.widgets.table import Cell, Column, VirtualTable
from explorer.views.copies import (
    HEADERS,
    ORDERS,
    CopyCost,
    CopyTable,
    cells,
    copy_table,
    describe,
)
from explorer.views.links import Position, filelog_path
from explorer.views.printable import printable

# Columns as views.copies.HEADERS names them: numbers as wide as their widest cell, the
# two paths share what the numbers and the note's least leave (no more than their
# longest), the note the rest.
PATHS = ("copy", "source")
PATH_LEAST = 12
NOTE_LEAST = 12


class Stop(Exception):
    """Raised in the worker's progress callback: the screen closed, stop working."""


class CopiesTable(VirtualTable):
    """The rows of a ``CopyTable``; the cursor's copy is ``cost(cursor)``."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.table = CopyTable([])
        self.widest = widest_cells(self.table)

    def show(self, table: CopyTable) -> None:
        self.table = table
        self.widest = widest_cells(table)
        self.reset(self._columns(), len(table.costs))

    def _columns(self) -> list[Column]:
        return columns(self.table, self.widest, self.scrollable_content_region.width)

    def on_resize(self) -> None:
        """Paths take what the new width leaves them (then the base class fits the note)."""
        self.column_specs = self._columns()
        super().on_resize()

    def cost(self, row: int) -> CopyCost:
        return self.table.costs[row]

    def row_cells(self, row: int) -> list[Cell]:
        cost = self.cost(row)
        texts = cells(cost)
        styles = ["accent", "", "accent", "", "", "", "", _saving_style(cost),
                  "bad" if cost.error is not None else "mark"]
        return list(zip(texts, styles))


def widest_cells(table: CopyTable) -> list[int]:
    """The width of each column's widest cell, its title's included (once: a resize
    measures no row)."""
    widest = [len(title) for title in table.headers]
    for cost in table.costs:
        widest = [max(n, len(printable(text))) for n, text in zip(widest, cells(cost))]
    return widest


def columns(table: CopyTable, widest: list[int], width: int) -> list[Column]:
    """The columns of ``table`` in ``width`` cells (wider when it needs it: the table
    scrolls sideways then); ``widest`` from ``widest_cells``."""
    need = dict(zip(HEADERS, widest))
    numbers = sum(n for title, n in need.items() if title not in (*PATHS, "note"))
    room = width - (len(HEADERS) + 1) - numbers - NOTE_LEAST
    share = max(PATH_LEAST, room // 2)
    paths = {title: min(need[title], share) for title in PATHS}
    for title in PATHS:  # what one path does not need, the other may take
        spare = room - sum(paths.values())
        paths[title] = max(paths[title], min(need[title], paths[title] + spare))
    return [Column(shown, paths[title], "path") if title in paths
            else Column(shown, 0, "left") if title == "note"
            else Column(shown, need[title]) for title, shown in zip(HEADERS, table.headers)]


def _saving_style(cost: CopyCost) -> str:
    """A saving stands out; a light-weight copy that would be larger is dimmed."""
    if cost.error is not None:
        return ""
    return "mark" if cost.saving > 0 else "dim"


@dataclass
class Found:
    """What the screen found and where its cursor was: the app keeps it, so that the
    next opening is immediate and puts the cursor back on the same copy."""

    table: CopyTable
    row: int = 0


Remember = Callable[[Found], None]


class CopiesScreen(ModalScreen[Position | None]):
    """Every copy of ``store`` (``found``: worked out already); ``remember`` keeps what
    the worker finds."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "close", "Close", tooltip="Back to the panes"),
        Binding("enter", "open_copy", "Open the copy", key_display="Enter",
                tooltip="Open the copy's filelog at its revision (back: <)"),
        Binding("s", "open_source", "Open its source",
                tooltip="Open the filelog the copy comes from, at the source revision "
                "(back: <)"),
        Binding("o", "order", "Order", tooltip="Sort by saving, path, changeset or bytes "
                "stored, in turn"),
    ]

    def __init__(self, store: Store, found: Found | None, remember: Remember) -> None:
        super().__init__()
        self.store = store
        self.found = found
        self.remember = remember

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog copies"):
            yield Label("Copies and renames: stored, and as light-weight copies",
                        classes="dialog-title")
            yield Static("", id="copies-summary")
            yield ProgressBar(id="copies-progress", show_eta=False)
            yield CopiesTable(id="copies-table")
            yield Static("", id="copies-status", classes="explain")

    @property
    def rows(self) -> CopiesTable:
        return self.query_one(CopiesTable)

    def on_mount(self) -> None:
        self.rows.focus()
        if self.found is not None:
            self._show(self.found)
        else:
            self._status("searching the filelogs for copies…")
            self.run_worker(self._find, thread=True, exit_on_error=False,
                            description="finding copies", group="copies")

    # -- the worker ------------------------------------------------------------------

    def _find(self) -> None:
        worker = get_current_worker()
        shown = [None]

        def progress(stage: str, done: int, total: int) -> None:
            if worker.is_cancelled:
                raise Stop
            step = (stage, 100 * done // max(total, 1))
            if step != shown[0]:  # at most a hundred updates a stage, however large
                shown[0] = step
                self.app.call_from_thread(self._progress, stage, done, total)

        try:
            table = copy_table(self.store, progress)
        except Stop:
            return
        except (RevlogError, OSError) as err:  # damage beyond one copy's row, a file gone
            self.app.call_from_thread(self._failed, str(err))
            return
        self.app.call_from_thread(self._found, table)

    def _progress(self, stage: str, done: int, total: int) -> None:
        if not self.is_attached:  # closed meanwhile
            return
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=max(total, 1), progress=done)
        self._status(f"{stage}: {done} of {total}…")

    def _failed(self, reason: str) -> None:
        if not self.is_attached:
            return
        self.query_one(ProgressBar).display = False
        self.query_one("#copies-summary", Static).update(
            plain(f"the copies cannot be listed: {reason}"))
        self.query_one("#copies-summary").add_class("bad")
        self._status("Escape: close (c tries again)")

    def _found(self, table: CopyTable) -> None:
        self.found = Found(table)
        self.remember(self.found)  # kept for the next opening, even if closed meanwhile
        if self.is_attached:
            self._show(self.found)

    def _show(self, found: Found) -> None:
        table = found.table
        self.query_one(ProgressBar).display = False
        summary = table.summary() + (f"\n{table.note}" if table.note else "")
        self.query_one("#copies-summary", Static).update(plain(summary))
        self.rows.show(table)
        self.rows.move_to(found.row)
        if not table.costs:
            self._status("no copy or rename is recorded in this store's history")

    # -- rows and keys ---------------------------------------------------------------

    def _status(self, text: str) -> None:
        self.query_one("#copies-status", Static).update(plain(text), layout=False)

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        if self.rows.row_count:
            self._status(f"{describe(self.rows.cost(event.row))}\nEnter: open the copy · "
                         f"s: its source · o: order (now by {self.rows.table.order}) · "
                         "Escape: close")

    def on_virtual_table_chosen(self, event: VirtualTable.Chosen) -> None:
        event.stop()
        self.action_open_copy()

    def action_open_copy(self) -> None:
        if self.rows.row_count:
            cost = self.rows.cost(self.rows.cursor)
            self._leave(Position(filelog_path(cost.path), cost.rev))

    def action_open_source(self) -> None:
        if not self.rows.row_count:
            return
        cost = self.rows.cost(self.rows.cursor)
        if cost.source_rev < 0:
            self.app.notify(f"the source of {cost.path} rev {cost.rev} cannot be read",
                            severity="warning")
            return
        self._leave(Position(filelog_path(cost.source), cost.source_rev))

    def action_order(self) -> None:
        if self.found is None:
            return
        names = list(ORDERS)
        here = self.rows.cost(self.rows.cursor) if self.rows.row_count else None
        old = self.found.table
        table = self.found.table = old.ordered(names[(names.index(old.order) + 1) % len(names)])
        self.rows.show(table)
        if here is not None:
            self.rows.move_to(table.costs.index(here))

    def action_close(self) -> None:
        self._leave(None)

    def _leave(self, there: Position | None) -> None:
        """Close with ``there`` as the result; a search still going stops at its next
        filelog (now: the screen's removal, which would stop it too, comes later)."""
        self.workers.cancel_group(self, "copies")
        if self.found is not None:
            self.found.row = self.rows.cursor
        self.dismiss(there)
