"""Every copy and rename of a store, and what each costs: stored, and as a light-weight copy.

``copies(store)`` shows the table of the TUI's copies screen (``c``), made by the same
code (``explorer.views.copies``): one row per copy (where it is, its source as
``path@rev``, its text, the bytes its chunk takes, the bytes it would take as a
light-weight copy, the difference, and a note: light-weight already, or why it
cannot be read), largest saving first, the totals above it. The copies are found when
the object is first displayed (every filelog is read) and kept for the next display.
Like every table here it shows at most ``tables.MAX_ROWS`` rows (the first and the
last ones), and everything read from the store is escaped. Damage beyond one copy's
row (copies kept only in a changelog that cannot be read) is said instead of the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explorer.engine import RevlogError, Store
from explorer.notebook import tables
from explorer.notebook.tables import Cell, Row, Table, bounded_table, escape, table_html, table_text
from explorer.views.copies import ORDERS, CopyTable, cells, copy_table, describe
from explorer.views.printable import printable


@dataclass
class Copies:
    """The copies of ``store`` in ``order`` (a key of ``views.copies.ORDERS``)."""

    store: Store
    order: str = "saving"
    found: CopyTable | None = field(default=None, repr=False)

    def table(self) -> CopyTable:
        """The copies, found on first use."""
        if self.found is None:
            self.found = copy_table(self.store)
        if self.found.order != self.order:
            self.found = self.found.ordered(self.order)
        return self.found

    def rows(self) -> Table:
        found = self.table()
        return bounded_table(found.headers, len(found.costs), lambda i: _row(found, i),
                             tables.MAX_ROWS)

    def summary(self) -> str:
        """The totals, then what the list does not cover (the report's note)."""
        found = self.table()
        return found.summary() + (f"\nnote: {found.note}" if found.note else "")

    def __repr__(self) -> str:
        return f"<Copies of {printable(self.store.store_dir)} by {self.order}>"

    def _repr_html_(self) -> str:
        try:
            summary, rows = self.summary(), table_html(self.rows())
        except RevlogError as err:  # damage beyond one copy's row: said, not raised
            return f"<p><b>{escape(_cannot(err))}</b></p>"
        lines = "<br>".join(escape(line) for line in summary.splitlines())
        return f"<p><b>{lines}</b></p>{rows}"

    def _repr_pretty_(self, p, cycle: bool) -> None:
        try:
            p.text(self.summary() + "\n" + table_text(self.rows()))
        except RevlogError as err:
            p.text(_cannot(err))


def _cannot(err: RevlogError) -> str:
    return f"the copies cannot be listed: {err}"


def _row(found: CopyTable, i: int) -> Row:
    """A copy: its nodes on hover over the paths, the whole row in a sentence over the row;
    an unreadable one marked."""
    cost = found.costs[i]
    texts = cells(cost)
    titles = {1: cost.node, 3: cost.source_node}
    return Row([Cell(text, titles.get(n, "")) for n, text in enumerate(texts)],
               mark=cost.error is not None, note=describe(cost))


def copies(store: Store, order: str = "saving") -> Copies:
    """Every copy of ``store`` to display, by ``order``: "saving" (the largest first; the
    unreadable before them), "path", "linkrev" or "stored"."""
    if order not in ORDERS:
        raise ValueError(f"order {order!r}: one of {', '.join(ORDERS)}")
    return Copies(store, order)
