"""``journal``: the transaction files of a store and what playing them back would do.

``journal`` (+ ``journal.backupfiles``) is left by a transaction that did
not finish: ``hg recover`` plays it back. ``undo`` (+ ``undo.backupfiles``)
describes the last committed transaction: ``hg rollback`` plays it back.
For each file either would cut, the report gives its size now, the size it
would be cut to, and which revisions of the revlog would go; for each
backup, the file it restores and whether the copy is still there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from explorer.engine import RevlogError, Store, StoreError
from explorer.engine.format.reading import read_regular
from explorer.engine.store.discovery import find_repository, inside
from explorer.engine.transaction.rollback import TransactionFiles, Truncation, read
from explorer.reports.errors import ReportError
from explorer.reports.notices import Warn, check_requirements

_UNDO_DESC_MAX = 64 * 1024  # a count and a transaction name: more is not an undo.desc
_TITLES = {
    "journal": "journal: an abandoned transaction; hg recover would play it back",
    "undo": "undo: the last transaction; hg rollback would undo it",
}


def open_store(path: str | None, cwd: str, warn: Warn | None = None) -> Store:
    """The store the journal report is about; ``warn`` hears of requirements the
    explorer does not know."""
    start = os.path.join(cwd, path) if path else cwd
    root = find_repository(start) or start
    if not os.path.isdir(root):
        raise ReportError(f"{path}: not a repository, .hg or store directory")
    try:
        store = Store.open(root)
    except (StoreError, RevlogError) as err:
        raise ReportError(str(err)) from None
    check_requirements(store, warn)
    return store


def journal_text(store: Store) -> Iterator[str]:
    found = False
    for name in ("journal", "undo"):
        state = read(store, name)
        if state is None:
            continue
        found = True
        yield from _transaction(store, state)
    if not found:
        yield f"no journal or undo files in {store.store_dir}\n"
    desc = _undo_desc(store)
    if desc:
        yield desc


def _transaction(store: Store, state: TransactionFiles) -> Iterator[str]:
    yield _TITLES[state.name] + "\n"
    if state.error is not None:
        yield f"  damaged: {state.error}\n"
    for t in state.truncations:
        yield f"  {_truncation_line(store, t)}\n"
    for r in state.restores:
        target = r.entry.path or "(temporary file)"
        where = "store" if r.entry.location == "" else r.entry.location
        if not r.entry.backup:
            yield f"  {where} {target}: would be deleted (created by the transaction)\n"
            continue
        status = "present" if r.backup_present else "MISSING"
        yield f"  {where} {target}: restored from {r.entry.backup} ({status})\n"


def _truncation_line(store: Store, t: Truncation) -> str:
    path, offset = t.entry.path, t.entry.offset
    action = t.action
    if action == "refused":
        return f"{path}: refused, the name would leave the store"
    if action == "impossible":
        now = "missing" if t.size is None else f"{t.size} bytes"
        return f"{path}: cannot be cut to {offset} bytes, it is {now} (recover would abort)"
    if action == "delete":
        return f"{path}: would be deleted ({t.size} bytes, created by the transaction)"
    if action == "keep":
        return f"{path}: {offset} bytes, unchanged"
    return (f"{path}: would be cut from {t.size} to {offset} bytes ({t.removed} bytes)"
            + _revisions_dropped(store, path, offset))


def _revisions_dropped(store: Store, path: str, offset: int) -> str:
    """', dropping revisions a..b' for a revlog file cut at ``offset``."""
    if not path.startswith(("data/", "meta/", "00")) or not path.endswith((".i", ".d")):
        return ""
    try:
        with store.open_revlog(path[:-2] + ".i") as rl:
            count = len(rl)
            kept = _kept(rl, offset, is_index=path.endswith(".i"))
    except RevlogError:
        return ""
    if kept >= count:
        return ", dropping a partial revision" if path.endswith(".i") else ""
    return f", dropping revisions {kept}..{count - 1}"


def _kept(rl, offset: int, *, is_index: bool) -> int:
    """How many revisions survive when the index (or data file) is cut at ``offset``."""
    for rev in range(len(rl)):
        if is_index and rl.entry_offset(rev) + rl.entry_size > offset:
            return rev
        if (rl.inline or not is_index) and rl.chunk_offset(rev) + rl.length(rev) > offset:
            return rev
    return len(rl)


def _undo_desc(store: Store) -> str | None:
    """``.hg/undo.desc``: the changeset count before the last transaction, and its name."""
    try:
        raw = read_regular(inside(os.path.join(store.root, "undo.desc"), store.root,
                                  what="the repository"), _UNDO_DESC_MAX)
    except RevlogError:  # a symlink out of .hg, a FIFO: not read
        return None
    lines = (raw or b"").decode("utf-8", "replace").splitlines()
    if len(lines) < 2 or not lines[0].isdigit():
        return None
    return f"undo.desc: '{lines[1]}'; rollback returns to {lines[0]} changesets\n"
