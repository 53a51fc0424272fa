"""``copies``: every copy and rename in a store's history, and what it costs.

Mercurial stores a copied file's first revision in its new filelog, usually
as a full text. For each copy recorded in filelog metadata (``copy`` and
``copyrev``, by hg's rule: ``engine/repo/lightcopies.find_copies``) this
report lists its source (path, filelog rev and node), the bytes its chunk
takes in the store, and the bytes it would take as a light-weight copy (a
delta from the source revision's text made with the engine's bdiff,
behind the path and node of the source, compressed as the store compresses
a new chunk: ``format/copydelta.py``), then totals for the repository.
Copies a store keeps in its changesets (the ``FILES`` sidedata block of
``exp-copies-sidedata-changeset``, the extras of ``experimental.copies.write-to``)
are listed too when the store says it may hold such (a requirement, hg's
configuration) and its manifests are flat; the report's note says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict

from explorer.engine import Store
from explorer.engine.repo import lightcopies
from explorer.views.copies import CopyCost, Totals, copy_costs

__all__ = ["CopyCost", "Totals", "copies_json", "copies_lines", "copy_costs", "totals_lines"]

HEADER = (f"{'linkrev':>7} {'copy':<32} {'rev':>4} {'source':<32} {'srcrev':>6} {'text':>8} "
          f"{'stored':>8} {'light':>8} {'saved':>8}\n")


def copies_lines(store: Store, costs: Iterable[CopyCost]) -> Iterator[str]:
    """The table: a line per copy (``*`` after the stored size: stored light-weight; ``!``
    and why, for a copy whose source cannot be read), then the totals of the copies
    read and what the report does not cover."""
    totals = Totals()
    yield HEADER
    for c in costs:
        if c.error is not None:
            yield f"{c.linkrev:>7} {c.path:<32} {c.rev:>4} {c.source:<32} ! {c.error}\n"
            continue
        totals.add(c)
        mark = "*" if c.lightweight else " "
        yield (f"{c.linkrev:>7} {c.path:<32} {c.rev:>4} {c.source:<32} {c.source_rev:>6} "
               f"{c.text_size:>8} {c.stored:>8}{mark}{c.as_lightweight:>8} {c.saving:>8}\n")
    yield from totals_lines(totals)
    note = lightcopies.changelog_copies_note(store)
    if note is not None:
        yield f"note: {note}\n"


def totals_lines(t: Totals) -> Iterator[str]:
    """Two lines: every copy light-weight; and each copy as the smaller of its two forms
    (the light-weight writer keeps a full text where the delta is no smaller)."""
    yield (f"{t.copies} copies: {t.text} bytes of text, {t.stored} bytes stored, "
           f"{t.as_lightweight} bytes as light-weight copies\n")
    saved = t.stored - t.smaller
    share = f" ({100 * saved / t.stored:.1f}% of their stored bytes)" if t.stored else ""
    yield f"light-weight where smaller: {t.smaller} bytes, {saved} bytes saved{share}\n"


def copies_json(costs: Iterable[CopyCost]) -> Iterator[dict]:
    """One object per copy (our JSON)."""
    for c in costs:
        yield {**asdict(c), "saving": c.saving}
