"""What ``revlog-explorer PATH`` prints until the TUI opens there: a short store summary.

PATH is a repository (or any directory inside one), a ``.hg`` or store
directory, or a single revlog ``.i`` file.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

from explorer.engine import Revlog, Store, StoreError
from explorer.engine.store.requirements import read_warning
from explorer.reports.errors import ReportError
from explorer.reports.target import find_repository


def summary_text(path: str) -> Iterator[str]:
    """A few lines naming the store or revlog at ``path`` and what it holds."""
    if os.path.isfile(path):
        yield from _revlog_summary(path)
        return
    if not os.path.isdir(path):
        raise ReportError(f"{path}: no such file or directory")
    root = find_repository(path) or path
    try:
        store = Store.open(root)
    except StoreError as err:
        raise ReportError(str(err)) from None
    with store:
        yield from _store_summary(store)


def _revlog_summary(path: str) -> Iterator[str]:
    if not path.endswith(".i"):
        raise ReportError(f"{path} is not a revlog index (.i) file")
    with Revlog.open(path) as rl:
        yield f"revlog     {path}\n"
        yield f"format     {rl.format_description()}\n"
        yield f"revisions  {len(rl)}\n"


def _store_summary(store: Store) -> Iterator[str]:
    kinds: Counter[str] = Counter()
    revisions: Counter[str] = Counter()
    for kind, _path, rl in store.revlogs():
        kinds[kind] += 1
        revisions[kind] += len(rl)
        if kind == "filelog":
            rl.close()
    present = [k for k in ("changelog", "manifest", "filelog") if kinds[k]]
    yield f"store      {store.store_dir}\n"
    yield f"requires   {' '.join(sorted(store.requirements))}\n"
    warning = read_warning(store.requirements)
    if warning is not None:
        yield f"warning    {warning}\n"
    yield "revlogs    " + ", ".join(_count(kinds[k], k) for k in present) + "\n"
    yield "revisions  " + ", ".join(f"{revisions[k]} in {_plural(kinds[k], k)}"
                                    for k in present) + "\n"
    yield "reports    revlog-explorer index|revlogindex|deltachain|stats|data --help\n"


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def _count(count: int, noun: str) -> str:
    return f"{count} {_plural(count, noun)}"
