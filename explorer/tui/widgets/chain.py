"""The delta chain pane: every link read to rebuild the selected revision.

One row per link, from the full snapshot down to the revision itself: what
it is a delta against and why, its snapshot level, how it is stored, and the
compression it got. The line under the table explains the link under the
cursor in words. Walking a chain reads each chunk, so a worker does it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from explorer.tui.widgets.loader import Failed, RevisionLoader, describe_error
from explorer.tui.widgets.plain import plain
from explorer.tui.widgets.styles import set_border_subtitle
from explorer.tui.widgets.table import Cell, Column, VirtualTable
from explorer.views.chain_damage import UNREADABLE, DamagedChain, chain_or_break, explain_break
from explorer.views.chain_links import Link, explain
from explorer.views.revlog_view import RevlogView
from explorer.views.sizes import DELTA, STORED, fit_bytes, human_size


class ChainTable(VirtualTable):
    """The links of the selected revision's chain."""

    TRAILING_GAP = False  # its scrollbar is always shown (app.tcss): the track ends the row

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.loader = RevisionLoader(self, self, group="chain")
        self.links: list[Link] = []
        self.error = ""
        self.damaged: DamagedChain | None = None  # a chain that breaks, and where

    def on_show(self) -> None:
        self.loader.start_loading()

    def mode(self) -> str:
        return ""

    def builder(self) -> Callable[[RevlogView, int], list[Link] | DamagedChain]:
        return chain_or_break

    def display_result(self, result: object) -> None:
        self.damaged = result if isinstance(result, DamagedChain) else None
        if self.damaged is not None:
            result = self.damaged.links
        self.links = result if isinstance(result, list) else []
        self.error = "" if result is None or isinstance(result, list) else \
            f"cannot be read: {describe_error(result)}"
        rev_w = max(4, len(str(len(self.loader.target[0]) - 1))) \
            if self.loader.target else 4
        columns = [
            Column("rev", rev_w), Column("base", rev_w), Column("why", 5, "left"),
            Column("lvl", 3), Column(STORED, 6), Column(DELTA, 6), Column("comp", 4, "left"),
            Column("ratio", 5),
        ]
        cursor = len(self.links) - 1 if self.damaged is None else self.damaged.broken.position
        self.reset(columns, len(self.links), cursor)
        self.post_message(self.Changed())
        if self.damaged is not None and self.loader.target is not None:
            broken = self.damaged.broken  # listed in the problems pane, marked in the index
            self.post_message(Failed(self.loader.target[0], broken.rev, broken.error()))

    def row_cells(self, row: int) -> list[Cell]:
        link = self.links[row]
        comp = _COMP_SHORT.get(link.compression, link.compression)
        unread = link.compression == UNREADABLE
        return [
            (str(link.rev), "accent"),
            ("-" if link.base == -1 else str(link.base), ""),
            (link.why, "mark" if link.why in ("base", "snap") else ""),
            ("" if link.depth is None else str(link.depth), "mark"),
            (fit_bytes(link.stored, 6), ""),
            ("?" if unread else fit_bytes(link.delta, 6), ""),
            (comp, "dim"),
            ("?" if unread else f"{link.ratio:.1f}", "dim"),
        ]

    def row_style(self, row: int) -> str:
        if self.damaged is not None and row >= self.damaged.broken.position:
            return "bad"
        return "mark" if self.links[row].depth is not None and row < len(self.links) - 1 else ""

    def summary(self) -> str:
        """The chain in one line: links, snapshots, what reading it costs (reads and bytes,
        holes included) for its chunks' bytes; the most telling first, as a narrow
        pane cuts the end."""
        if self.error:
            return self.error
        if not self.links:
            return ""
        last = self.links[-1]
        if self.damaged is not None:
            broken = self.damaged.broken
            return (f"rev {last.rev}: {len(self.links)} links from the index, broken at rev "
                    f"{broken.rev} ({broken.reason})")
        snapshots = sum(1 for link in self.links if link.depth is not None)
        return (f"rev {last.rev}: {len(self.links)} link{'s' if len(self.links) > 1 else ''}"
                f", {snapshots} snapshot{'s' if snapshots != 1 else ''}, {last.reads} "
                f"read{'s' if last.reads != 1 else ''} of {human_size(last.read_bytes)} "
                f"for {human_size(last.read)} of chunks")

    def explanation(self) -> str:
        if self.error:
            return self.error
        if not self.links:
            return ""
        if self.damaged is not None:
            return explain_break(self.damaged, self.cursor)
        return explain(self.links[self.cursor], self.cursor, len(self.links))

    class Changed(Message):
        """A new chain arrived."""


class ChainPane(Vertical):
    """The chain table with the explanation of the link under its cursor."""

    ALLOW_MAXIMIZE = True

    def compose(self) -> ComposeResult:
        yield ChainTable(id="chain-table")
        yield Static(id="chain-why", classes="explain")

    @property
    def table(self) -> ChainTable:
        return self.query_one(ChainTable)

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        event.stop()
        self._describe()

    def on_chain_table_changed(self, event: ChainTable.Changed) -> None:
        event.stop()
        set_border_subtitle(self, self.table.summary())
        self._describe()

    def _describe(self) -> None:
        self.query_one("#chain-why", Static).update(plain(self.table.explanation()),
                                                     layout=False)


# The comp column is 4 wide: a plain v2 chunk and a NUL-led v1 one are both raw.
_COMP_SHORT = {"uncompressed": "u", "none": "raw", "plain": "raw", "empty": "-"}
