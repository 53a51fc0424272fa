"""The store pane: every revlog of the store, with its kind, size and format.

A store can hold thousands of filelogs; opening each one to count its
revisions is left to a worker, for the rows on screen, so the pane shows
its list at once and fills in the numbers as they come. Enter opens the
revlog under the cursor; ``/`` keeps only the revlogs whose path holds what
is typed (Enter on an empty filter shows them all again).
"""

from __future__ import annotations

import os
from typing import ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import get_current_worker

from explorer.engine import RevlogError
from explorer.tui.widgets.loader import after_first_frame
from explorer.tui.widgets.table import Cell, Column, VirtualTable
from explorer.views.sizes import ON_DISK, human_size
from explorer.views.source import RevlogRef, Source


class RevlogFacts(NamedTuple):
    """What the store pane shows of one revlog (``error`` when it cannot be opened)."""

    revisions: int
    index_size: int
    data_size: int
    format: str
    error: str = ""


def revlog_facts(source: Source, ref: RevlogRef) -> RevlogFacts:
    """Open ``ref`` and describe it; a damaged revlog, or a listed name that would
    leave the store, is described, not raised."""
    index_size = data_size = 0
    try:
        index_size, data_size = _size(ref.index_file), _size(ref.data_file)
        with source.open(ref) as rl:
            return RevlogFacts(len(rl), index_size, data_size, rl.format_description())
    except RevlogError as err:
        return RevlogFacts(0, index_size, data_size, "", str(getattr(err, "message", err)))


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


class StorePane(VirtualTable):
    """The revlogs of the open source; ``Chosen`` when the user opens one.

    Rows are those the filter keeps; ``ref_index(row)`` is the revlog's place
    in ``source.refs``, which is what the app opens and what ``facts`` and
    ``open_ref`` count in.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip="Store pane: keep the revlogs whose path holds some text"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.source: Source | None = None
        self.facts: dict[int, RevlogFacts] = {}
        self.open_ref: int | None = None
        self.kept: list[int] | None = None  # None: every revlog
        self.pattern = ""

    def show(self, source: Source, ref: int = 0) -> None:
        self.source = source
        self.facts = {}
        self.open_ref = ref
        self.kept, self.pattern = None, ""
        self._show_rows(ref)

    def ref_index(self, row: int) -> int:
        """The place in ``source.refs`` of the revlog shown at ``row``."""
        return row if self.kept is None else self.kept[row]

    def _row_of(self, ref: int) -> int | None:
        if self.kept is None:
            return ref
        try:
            return self.kept.index(ref)
        except ValueError:
            return None

    def _show_rows(self, ref: int | None) -> None:
        count = len(self.source.refs) if self.kept is None else len(self.kept)
        row = self._row_of(ref) if ref is not None else None
        self.reset(_COLUMNS if self.size.width >= _WIDE_ENOUGH else _NARROW_COLUMNS,
                   count, row or 0)
        self._request_facts()

    def action_filter(self) -> None:
        if self.source is not None:
            self.app.command_line.ask("filter revlogs", "part of a path · Enter on nothing "
                                      "shows every revlog", self.apply_filter)

    def apply_filter(self, text: str | None) -> None:
        """Keep the revlogs whose path holds ``text`` (any case); None or "": all."""
        if self.source is None:
            return
        self.pattern = text or ""
        needle = self.pattern.casefold()
        self.kept = None if not needle else \
            [i for i, ref in enumerate(self.source.refs) if needle in ref.path.casefold()]
        self._show_rows(self.open_ref)
        if self.parent is not None:
            self.parent.border_subtitle = "" if self.kept is None else \
                f"/{self.pattern}: {len(self.kept)} of {len(self.source.refs)}"

    def mark_open(self, ref: int) -> None:
        """Mark revlog ``ref`` as the open one and put the cursor on it (if shown)."""
        self.open_ref = ref
        self.invalidate()
        row = self._row_of(ref)
        if row is not None and self.cursor != row:
            self.move_to(row)

    def row_cells(self, row: int) -> list[Cell]:
        row = self.ref_index(row)
        ref = self.source.refs[row]
        facts = self.facts.get(row)
        marker = ("▶" if row == self.open_ref else " ", "accent")
        kind = {"changelog": "cl", "manifest": "mf", "filelog": "fl"}.get(ref.kind, "?")
        if facts is None:
            return [marker, (kind, "dim"), (ref.path, ""), ("…", "dim"), ("", "")]
        size = (human_size(facts.index_size + facts.data_size), "")
        if facts.error:
            return [marker, (kind, "dim"), (ref.path, "bad"), ("!", "bad"), size]
        return [marker, (kind, "dim"), (ref.path, ""), (str(facts.revisions), ""), size]

    def describe(self, row: int) -> str:
        """Two lines on the revlog at ``row``: what it is and its files (plain text, to
        show through ``plain``)."""
        if self.source is None or not 0 <= row < self.row_count:
            return ""
        row = self.ref_index(row)
        ref = self.source.refs[row]
        facts = self.facts.get(row)
        if facts is None:
            return f"{ref.path} ({ref.kind})"
        if facts.error:
            return f"{ref.path} ({ref.kind}): {facts.error}"
        data = "inline: data in the .i" if "inline" in facts.format.split() else \
            f".d {facts.data_size:,} B"
        return (f"{ref.path}: {ref.kind}, {facts.revisions} revisions\n"
                f".i {facts.index_size:,} B · {data} · {facts.format}")

    def row_style(self, row: int) -> str:
        facts = self.facts.get(self.ref_index(row))
        return "bad" if facts is not None and facts.error else ""

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._request_facts()

    def on_resize(self) -> None:
        # (VirtualTable's on_resize runs too, after this: it fits the columns chosen here)
        self.column_specs = _COLUMNS if self.size.width >= _WIDE_ENOUGH else _NARROW_COLUMNS
        self._request_facts()

    def _request_facts(self) -> None:
        source = self.source
        if source is None:
            return
        rows = [self.ref_index(r) for r in range(self.first_visible,
                min(self.row_count, self.first_visible + self.page_rows + 8))]
        rows = [r for r in rows if r not in self.facts]
        if rows:
            after_first_frame(self, lambda: self.run_worker(
                lambda: self._fill(source, rows), thread=True, exclusive=True,
                group="store-facts", exit_on_error=False,
                description="sizes of the revlogs on screen"))

    def _fill(self, source: Source, rows: list[int]) -> None:
        worker = get_current_worker()
        found = {}
        for row in rows:
            if worker.is_cancelled:
                return
            found[row] = revlog_facts(source, source.refs[row])
        self.app.call_from_thread(self._arrived, source, found)

    def _arrived(self, source: Source, found: dict[int, RevlogFacts]) -> None:
        if source is self.source:
            self.facts.update(found)
            self.invalidate()
            if self.row_count and self.ref_index(self.cursor) in found:
                self.post_message(self.CursorMoved(self, self.cursor))


class StoreBox(Vertical):
    """The store table and two lines about the revlog under its cursor."""

    ALLOW_MAXIMIZE = True

    def compose(self) -> ComposeResult:
        yield StorePane(id="store")
        yield Static(id="store-info", classes="explain")


_COLUMNS = [
    Column("", 1),
    Column("", 2, "left"),
    Column("revlog", 0, "path"),
    Column("revs", 5),
    Column(ON_DISK, 5),
]
# Narrower than this, the path would get less than 16 cells: the counts give way
# (the two lines under the table still say them).
_WIDE_ENOUGH = 16 + sum(c.width + 1 for c in _COLUMNS) + 2
_NARROW_COLUMNS = _COLUMNS[:3]
