"""Checks of the store as a whole, before any revlog is read.

Requirements the engine does not know (hg would refuse the repository; we
read on, and say so), an abandoned transaction (its journal still there),
pending and split files a crash left behind, files that resolve outside the
store, and the list of revlogs (fncache or file index) itself. Returns the list, so the revlog
checks can tick off each entry and report the orphans.
"""

from __future__ import annotations

import os

from ..errors import CorruptionError, StoreError
from ..store import requirements
from ..store.files import StoreFiles
from ..store.layout import REVLOG_SUFFIXES, Layout
from ..transaction import rollback
from .problems import ERROR, WARNING, Collector, Problem, Severity

_SPLIT_DIRS = ("data-s", "meta-s")


def _add(out: Collector, kind: str, path: str, message: str, *, severity: Severity = ERROR,
         file: str | None = None, offset: int | None = None, length: int | None = None,
         hint: str | None = None) -> None:
    out.add(Problem(severity, path, file, None, offset, None, message, hint, kind, None, length))


def check_store(store: StoreFiles, out: Collector) -> set[str] | None:
    """Store-level problems; returns the revlogs the store lists (None: list unreadable)."""
    _requirements(store, out)
    journal = _journal(store, out)
    _leftovers(store, out, journal)
    _escapes(store, out)
    return _listing(store, out)


def _requirements(store: StoreFiles, out: Collector) -> None:
    warning = requirements.read_warning(store.requirements)
    if warning is not None:
        _add(out, "unknown-requirement", "requires", warning, severity=WARNING,
             hint="the store is read as if the requirement were not there")


def _journal(store: StoreFiles, out: Collector) -> bool:
    try:
        state = rollback.read(store, "journal")
    except StoreError:
        return True  # a symlink out of the store: ``_escapes`` reports it
    except CorruptionError as err:
        _add(out, "bad-journal", "journal", err.message, file=err.file)
        return True
    if state is None:
        return False
    cut = [t for t in state.truncations if t.action in ("truncate", "delete")]
    _add(out, "abandoned-transaction", "journal",
         "abandoned transaction found - run hg recover"
         + (f": it would cut {len(cut)} files back" if cut else ""),
         file=state.file, hint="revlog-explorer journal shows what recovering would undo")
    if isinstance(state.error, CorruptionError):  # a StoreError is reported by ``_escapes``
        _add(out, "bad-journal", "journal", state.error.message, file=state.error.file,
             offset=state.error.offset)
    for t in state.truncations:
        _truncation(out, t)
    for r in state.restores:
        if r.entry.backup and not r.backup_present and not r.entry.cache:
            _add(out, "bad-journal", "journal", f"the backup {r.entry.backup} of "
                 f"{r.entry.path} is missing: recover cannot restore it", file=state.file)
    return True


def _truncation(out: Collector, t: rollback.Truncation) -> None:
    path = t.entry.path
    if t.action == "refused":
        _add(out, "unsafe-path", "journal", f"the journal names {path!r}, which would leave "
             f"the store; recover must not follow it")
    elif t.action == "impossible":
        _add(out, "bad-journal", path, f"the journal would cut {path} to {t.entry.offset} bytes "
             f"but it has {t.size if t.size is not None else 'no'} bytes: recover will abort",
             file=t.file, offset=t.size)
    elif t.action == "truncate":
        _add(out, "uncommitted", path, f"{t.removed} bytes written by the abandoned transaction "
             f"(recover cuts the file back to {t.entry.offset} bytes)", severity=WARNING,
             file=t.file, offset=t.entry.offset, length=t.removed)


def _leftovers(store: StoreFiles, out: Collector, journal: bool) -> None:
    """Pending (``.a``) and split (``.s``, ``data-s/``) files a transaction left."""
    why = ("part of the abandoned transaction" if journal else
           "left by a transaction that did not finish")
    for name in sorted(_listdir(store.store_dir)):
        full = os.path.join(store.store_dir, name)
        if name.endswith((".i.a", ".n.a")):
            _add(out, "pending-file", name, f"pending file {name} ({why}): readers ignore it",
                 severity=WARNING, file=full, hint="hg recover removes it")
        elif name.endswith(".i.s"):
            _add(out, "split-file", name, f"split index {name} ({why}): an inline revlog was "
                 f"being split", severity=WARNING, file=full, hint="hg recover removes it")
    for directory in _SPLIT_DIRS:
        full = os.path.join(store.store_dir, directory)
        if any(files for _, _, files in os.walk(full)):  # hg leaves the directory itself
            _add(out, "split-file", directory + "/", f"split indexes under {directory}/ ({why})",
                 severity=WARNING, file=full, hint="hg recover removes them")


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _escapes(store: StoreFiles, out: Collector) -> None:
    """Symlinks in the store that resolve outside it: never followed."""
    for directory, subdirs, files in os.walk(store.store_dir):
        for name in subdirs + files:
            full = os.path.join(directory, name)
            if not os.path.islink(full):
                continue
            try:
                store.inside(full)
            except StoreError as err:
                rel = os.path.relpath(full, store.store_dir).replace(os.sep, "/")
                _add(out, "unsafe-path", rel, str(err), file=full,
                     hint="a store holds no symlinks; this one is not read")


def _listing(store: StoreFiles, out: Collector) -> set[str] | None:
    """The revlogs the store lists (fncache, file index) or holds (found by walking it);
    None when the list itself is unreadable."""
    try:
        if store.layout is Layout.FNCACHE:
            listed = _safe_names(store, out, store.fncache(), "fncache")
            _unlisted(store, out, listed)
            return listed
        if store.layout is Layout.FILEINDEX:
            names = [f"data/{p}.i" for p in store.file_index()]
            return _safe_names(store, out, names, "fileindex")
    except CorruptionError as err:
        _add(out, "bad-fncache", "fncache" if store.layout is Layout.FNCACHE else "fileindex",
             err.message, file=err.file, offset=err.offset,
             hint="hg debugrebuildfncache" if store.layout is Layout.FNCACHE else None)
        return None
    except StoreError as err:
        _add(out, "unsafe-path", "fncache" if store.layout is Layout.FNCACHE else "fileindex",
             str(err))
        return None
    undecodable: list[str] = []
    found = store.revlog_paths(undecodable)
    for name in undecodable:
        _add(out, "bad-filename", name, f"cannot decode filename '{name}'",
             file=os.path.join(store.store_dir, name))
    return {path for _, path in found if path.startswith(("data/", "meta/"))}


def _unlisted(store: StoreFiles, out: Collector, listed: set[str]) -> None:
    """Revlog files on disk that the fncache does not list: Mercurial never sees them."""
    known = {store.fs_path(name) for name in listed}
    for top in ("data", "meta"):
        for directory, _dirs, files in os.walk(os.path.join(store.store_dir, top)):
            for name in files:
                full = os.path.join(directory, name)
                if full not in known and name.endswith(REVLOG_SUFFIXES):
                    rel = os.path.relpath(full, store.store_dir).replace(os.sep, "/")
                    _add(out, "not-in-fncache", rel, f"{rel} is not listed in the fncache: "
                         f"Mercurial ignores it", severity=WARNING, file=full,
                         hint="hg debugrebuildfncache adds it back, if it belongs")


def _safe_names(store: StoreFiles, out: Collector, names: list[str], listing: str) -> set[str]:
    """The listed names that stay inside the store; the others are reported."""
    kept = set()
    offset = 0
    for name in names:
        try:
            store.fs_path(name)
            kept.add(name)
        except StoreError as err:
            _add(out, "unsafe-path", listing, f"{listing} names {name!r}: {err}",
                 file=os.path.join(store.store_dir, listing),
                 offset=offset if listing == "fncache" else None,
                 hint="this entry is not read")
        offset += len(name.encode("utf-8", "surrogateescape")) + 1
    return kept
