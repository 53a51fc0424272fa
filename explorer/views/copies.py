"""Every copy of a store and what it costs, as rows and totals the TUI and notebook show.

``copy_costs`` works out, for each copy or rename recorded in the store (by hg's
rule: ``engine/repo/lightcopies.all_copies``), its source (path, filelog rev and
node), the bytes its chunk takes in the store, and the bytes it would take as a
light-weight copy (a delta from the source revision's text made with the engine's
bdiff, behind the path and node of the source, compressed as the store compresses a
new chunk: ``format/copydelta.py``). The ``copies`` report prints them
(``explorer.reports.copies``); the TUI's copies screen and the notebook's
``displays.copies`` show them through ``CopyTable``: the same columns, order and
totals in both, so what one shows the other shows too.

It lives here, below the reports, because the front ends may not import the reports
(``pyproject.toml``'s layers): the report builds on it instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from explorer.engine import RevlogError, Store
from explorer.engine.format.constants import REVIDX_COPY_DELTA
from explorer.engine.repo import lightcopies

# Called with what is being done ("searching filelogs", "costing copies"), how many of
# how many are done: a long run shows how far it got; a callback that raises stops it.
Progress = Callable[[str, int, int], None]

SEARCHING, COSTING = "searching filelogs", "costing copies"


@dataclass(frozen=True)
class CopyCost:
    """One copy: where it is and comes from, and its bytes as stored and as a light-weight
    copy (``lightweight`` True when it is stored as one already)."""

    path: str
    rev: int
    node: str
    linkrev: int
    source: str
    source_rev: int
    source_node: str
    text_size: int
    stored: int
    as_lightweight: int
    lightweight: bool
    error: str | None = None

    @property
    def saving(self) -> int:
        return self.stored - self.as_lightweight


def copy_costs(store: Store, progress: Progress | None = None) -> Iterator[CopyCost]:
    """The cost of every copy of ``store`` (``lightcopies.all_copies``), in path order.
    A copy whose source cannot be read, or a revision that cannot be read at all (it
    may be a copy), comes with ``error`` saying why and -1 for what could not be worked
    out; the others are still listed. ``progress`` hears of the filelogs searched, then
    of the copies costed."""
    compressor = lightcopies.store_compressor(store)
    unreadable: list = []
    searched = None if progress is None else (lambda done, total:
                                               progress(SEARCHING, done, total))
    found = lightcopies.all_copies(store, unreadable, searched)
    yield from _unreadable(unreadable)
    for done, copy in enumerate(found):
        if progress is not None:
            progress(COSTING, done, len(found))
        yield _cost(store, copy, compressor)


def _cost(store: Store, copy: lightcopies.Copy, compressor) -> CopyCost:
    with store.filelog(copy.path) as rl:
        text = rl.revision(copy.rev)
        e = rl.entry(copy.rev)
        cost = CopyCost(copy.path, copy.rev, e.node.hex(), e.link_rev, copy.source, -1,
                        copy.source_node.hex(), len(text), rl.length(copy.rev), -1,
                        bool(e.flags & REVIDX_COPY_DELTA))
    try:
        with store.filelog(copy.source) as src:
            source_rev = src.rev(copy.source_node)
        light = lightcopies.lightweight_size(store, copy, text, compressor)
    except RevlogError as exc:
        return dataclasses.replace(cost, error=f"its source cannot be read: {exc}")
    return dataclasses.replace(cost, source_rev=source_rev, as_lightweight=light)


def _unreadable(found: list) -> Iterator[CopyCost]:
    """Rows for the revisions that could not be read: they may be copies."""
    for path, rev, exc in found:
        yield CopyCost(path, rev, "", -1, "?", -1, "", -1, -1, -1, False,
                       error=f"cannot be read, it may be a copy: {exc}")


@dataclass
class Totals:
    copies: int = 0
    text: int = 0
    stored: int = 0
    as_lightweight: int = 0
    smaller: int = 0  # each copy as the smaller of the two: what the light-weight writer keeps

    def add(self, cost: CopyCost) -> None:
        self.copies += 1
        self.text += cost.text_size
        self.stored += cost.stored
        self.as_lightweight += cost.as_lightweight
        self.smaller += min(cost.stored, cost.as_lightweight)

    @property
    def saved(self) -> int:
        """Bytes saved storing each copy as the smaller of its two forms."""
        return self.stored - self.smaller


def share(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` ("-" of nothing)."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


# -- the table both front ends show ---------------------------------------------------------

HEADERS = ["linkrev", "copy", "rev", "source", "text", "stored", "light", "saved", "note"]

ORDERS: dict[str, Callable[[CopyCost], tuple]] = {
    # the unreadable first (they need looking at), then the largest saving
    "saving": lambda c: (c.error is None, -c.saving, c.path, c.rev),
    "path": lambda c: (c.path, c.rev),
    "linkrev": lambda c: (c.linkrev, c.path, c.rev),
    "stored": lambda c: (c.error is None, -c.stored, c.path, c.rev),
}


# The column each order sorts by, and its arrow: larger first (↓) or smaller first (↑).
SORTED_BY = {"saving": ("saved", "↓"), "path": ("copy", "↑"), "linkrev": ("linkrev", "↑"),
             "stored": ("stored", "↓")}


def source_label(cost: CopyCost) -> str:
    """``path@rev`` of the copy's source (``path@?`` when its rev is unknown)."""
    return f"{cost.source}@{'?' if cost.source_rev < 0 else cost.source_rev}"


def note(cost: CopyCost) -> str:
    """What the last column says: the error, or that the copy is light-weight already."""
    if cost.error is not None:
        return f"! {cost.error}"
    return "light-weight already" if cost.lightweight else ""


def cells(cost: CopyCost) -> list[str]:
    """The row of ``cost``, as ``HEADERS`` names its columns ("-": not worked out)."""
    numbers = [cost.text_size, cost.stored, cost.as_lightweight]
    shown = ["-" if n < 0 else str(n) for n in numbers]
    saving = str(cost.saving) if min(numbers) >= 0 else "-"
    return ["-" if cost.linkrev < 0 else str(cost.linkrev), cost.path, str(cost.rev),
            source_label(cost), *shown, saving, note(cost)]


def describe(cost: CopyCost) -> str:
    """The whole of one row in a sentence (the TUI's status line, the notebook's hover)."""
    where = f"{cost.path} rev {cost.rev}"
    if cost.linkrev >= 0:
        where += f" (changeset {cost.linkrev})"
    if cost.error is not None:
        return f"{where}: {cost.error}"
    stored = "stored light-weight already, " if cost.lightweight else ""
    return (f"{where} copies {source_label(cost)}: {cost.text_size} bytes of text, "
            f"{stored}{cost.stored} bytes stored, {cost.as_lightweight} as a light-weight "
            f"copy ({cost.saving} saved)")


@dataclass
class CopyTable:
    """A store's copies in one order, with their totals and the report's note."""

    costs: list[CopyCost]
    note: str | None = None  # what the copies in changesets mean for this list
    order: str = "saving"

    def __post_init__(self) -> None:
        self.costs = sorted(self.costs, key=ORDERS[self.order])

    def ordered(self, order: str) -> CopyTable:
        """The same copies in ``order`` (a key of ``ORDERS``)."""
        return CopyTable(self.costs, self.note, order)

    @property
    def headers(self) -> list[str]:
        """``HEADERS``, the column sorted by marked with its arrow."""
        column, arrow = SORTED_BY[self.order]
        return [f"{h}{arrow}" if h == column else h for h in HEADERS]

    @property
    def totals(self) -> Totals:
        totals = Totals()
        for cost in self.costs:
            if cost.error is None:
                totals.add(cost)
        return totals

    @property
    def errors(self) -> int:
        return sum(1 for c in self.costs if c.error is not None)

    def summary(self) -> str:
        """The totals in one line: count, stored, as light-weight, the saving."""
        t = self.totals
        light_saved = share(t.stored - t.as_lightweight, t.stored)
        words = [f"{t.copies} {'copy' if t.copies == 1 else 'copies'}",
                 f"{t.stored} bytes stored",
                 f"as light-weight {t.as_lightweight} ({light_saved} saved)",
                 f"where smaller {t.smaller} ({share(t.saved, t.stored)} saved)"]
        already = sum(1 for c in self.costs if c.lightweight)
        if already:
            words.append(f"{already} light-weight already")
        if self.errors:
            words.append(f"{self.errors} unreadable")
        return " · ".join(words)


def copy_table(store: Store, progress: Progress | None = None) -> CopyTable:
    """Every copy of ``store``, by saving (``progress``: as ``copy_costs``)."""
    return CopyTable(list(copy_costs(store, progress)), lightcopies.changelog_copies_note(store))
