"""``diff-store GOOD BAD``: where a damaged copy of a store differs from a good one.

One line per differing region, grouped by file: the kind of damage (bit
flip, zeros, truncation, extension, copied block, rewritten entry, changed
bytes, missing or extra file), the byte range, the revision and field it
hits in the good copy, and the detail (which bit, which fields changed,
where a copied block came from).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from explorer.engine import RevlogError, Store, StoreError
from explorer.engine.damage.compare import Difference, compare_stores
from explorer.engine.store.discovery import find_repository
from explorer.reports.errors import ReportError
from explorer.reports.formats import json_lines
from explorer.reports.notices import Warn, check_requirements


def run_diff(good: str, bad: str, cwd: str, warn: Warn | None = None) -> list[Difference]:
    """How the store at ``bad`` differs from the one at ``good``; ``warn`` hears of
    requirements the explorer does not know."""
    stores = [_open(path, cwd, warn) for path in (good, bad)]
    try:
        return compare_stores(*stores)
    finally:
        for store in stores:
            store.close()


def _open(path: str, cwd: str, warn: Warn | None) -> Store:
    full = os.path.join(cwd, path)
    if not os.path.isdir(full):
        raise ReportError(f"{path}: not a directory (give a repository, .hg or store)")
    try:
        store = Store.open(find_repository(full) or full)
    except (StoreError, RevlogError) as err:
        raise ReportError(str(err)) from None
    check_requirements(store, warn)
    return store


def diff_text(differences: list[Difference]) -> Iterator[str]:
    if not differences:
        yield "the stores are identical\n"
        return
    current = None
    for d in differences:
        if d.file != current:
            current = d.file
            owner = f" ({d.path})" if d.path != d.file else ""
            yield f"{d.file}{owner}:\n"
        end = d.offset + d.length
        where = f"bytes {d.offset}..{end - 1}" if d.length > 1 else f"byte {d.offset}"
        hit = f", rev {d.rev} {d.field}" if d.rev is not None else ""
        yield f"  {d.kind:<16} {where}{hit}: {d.detail}\n"
    yield f"{len(differences)} differing regions\n"


def diff_json(differences: list[Difference]) -> Iterator[str]:
    return json_lines(d.to_json() for d in differences)
