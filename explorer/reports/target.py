"""Which revlog a report's arguments name, found as Mercurial's debug commands find it.

The arguments are those of ``hg debugindex`` and its siblings: ``-R REPO``,
``-c``, ``-m``, ``--dir DIR``, a tracked file, or a path to a revlog index.
Mercurial's rules, which we follow so that our output diffs clean against
its output:

* The repository is the one given with ``-R``, else the nearest directory
  holding ``.hg`` from the working directory upwards.
* A FILE argument is first a tracked path *relative to the repository root*
  (not to the working directory). Only when that filelog is missing or empty
  is FILE a filesystem path, relative to the working directory, of a revlog
  ``.i`` (a ``.d`` names the ``.i`` beside it, as in Mercurial).
* A revlog opened by filesystem path is read without the repository's
  configuration: Mercurial sees it as not sparse (no intermediate snapshots,
  no sparse-read columns), whatever store it lives in.
* Filelogs list their parents as stored; every other revlog lists a real
  second parent before a null first one ("canonical parent order").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from explorer.engine import NULL_REV, Revlog, Store, StoreError
from explorer.engine.store.discovery import find_repository
from explorer.reports.errors import ReportError
from explorer.reports.notices import Warn, check_requirements

Kind = Literal["changelog", "manifest", "filelog", "path"]


@dataclass(frozen=True)
class Selection:
    """The revlog-naming arguments, as given on the command line."""

    repository: str | None = None
    changelog: bool = False
    manifest: bool = False
    dir: str | None = None
    file: str | None = None


@dataclass
class Target:
    """A revlog to report on, with the settings Mercurial would read it with.

    ``sparse_revlog``: the store uses sparse-revlog, so a delta against a
    non-parent snapshot is itself a snapshot. ``sparse_read``: Mercurial
    plans reads by slicing delta chains (as the revlog's ``read_config`` says,
    which the store set from hg's configuration), and ``debugdeltachain`` shows
    the read columns. ``canonical_parents``: a null p1 is listed after p2.
    ``nodemap``: hg opens it with its persistent nodemap (the changelog and the
    manifests of a ``persistent-nodemap`` store).
    """

    revlog: Revlog
    label: str
    kind: Kind
    sparse_revlog: bool = False
    sparse_read: bool = False
    canonical_parents: bool = True
    nodemap: bool = False

    def parents(self, rev: int) -> tuple[int, int]:
        """Parent revisions in the order Mercurial lists them for this revlog."""
        e = self.revlog.entry(rev)
        if self.canonical_parents and e.p1 == NULL_REV:
            return e.p2, e.p1
        return e.p1, e.p2


def resolve(selection: Selection, cwd: str | None = None, warn: Warn | None = None) -> Target:
    """The revlog ``selection`` names; ``ReportError`` when it names none. ``warn`` hears
    of requirements of the store that the explorer does not know."""
    cwd = cwd or os.getcwd()
    _check_combination(selection)
    store = _open_store(selection.repository, cwd, warn)
    if selection.changelog or selection.manifest or selection.dir:
        if store is None:
            raise ReportError(
                f"no repository found in '{cwd}' (.hg not found): -c, -m and --dir need one"
            )
        return _store_revlog(store, selection)
    if not selection.file:
        raise ReportError("name a revlog: -c, -m, --dir DIR, a tracked file or a path to a .i file")
    if store is not None:
        tracked = _tracked_file(store, selection.file)
        if tracked is not None:
            return tracked
    return _revlog_at_path(selection.file, cwd, in_repo=store is not None)


def _check_combination(sel: Selection) -> None:
    if sel.changelog and sel.manifest:
        raise ReportError("cannot specify --changelog and --manifest at the same time")
    if sel.changelog and sel.dir:
        raise ReportError("cannot specify --changelog and --dir at the same time")
    if (sel.changelog or sel.manifest or sel.dir) and sel.file:
        raise ReportError("cannot specify filename with --changelog or --manifest")


def open_store(repository: str | None, cwd: str | None = None,
               warn: Warn | None = None) -> Store:
    """The store of ``-R REPO`` or of the repository holding ``cwd``, as hg finds it;
    ``ReportError`` outside any repository."""
    cwd = cwd or os.getcwd()
    store = _open_store(repository, cwd, warn)
    if store is None:
        raise ReportError(f"no repository found in '{cwd}' (.hg not found)")
    return store


def _open_store(repository: str | None, cwd: str, warn: Warn | None) -> Store | None:
    if repository is not None:
        root = os.path.join(cwd, repository)
        if not os.path.isdir(root):
            raise ReportError(f"repository {repository} not found")
    else:
        root = find_repository(cwd)
        if root is None:
            return None
    try:
        store = Store.open(root)
    except StoreError as err:
        raise ReportError(str(err)) from None
    check_requirements(store, warn)
    return store


def _read_settings(store: Store) -> dict:
    """How hg reads this store's revlogs (``Store.read_settings``: sparse-revlog stores
    always read sparsely, others when ``experimental.sparse-read`` says so)."""
    try:
        return {
            "sparse_revlog": "sparserevlog" in store.requirements,
            "sparse_read": store.read_settings.sparse,
        }
    except StoreError as err:
        raise ReportError(str(err)) from None


def _store_revlog(store: Store, sel: Selection) -> Target:
    settings = _read_settings(store)
    settings["nodemap"] = "persistent-nodemap" in store.requirements
    if sel.changelog:
        return Target(store.changelog, "00changelog.i", "changelog", **settings)
    if sel.dir:
        if "treemanifest" not in store.requirements:
            raise ReportError("--dir can only be used on repos with treemanifest enabled")
        directory = sel.dir if sel.dir.endswith("/") else sel.dir + "/"
        revlog = store.dirlog(directory)
        if len(revlog) == 0:
            raise ReportError(f"no tree manifest for directory '{directory}'")
        return Target(revlog, f"meta/{directory}00manifest.i", "manifest", **settings)
    return Target(store.manifest, "00manifest.i", "manifest", **settings)


def _tracked_file(store: Store, file: str) -> Target | None:
    """The filelog of ``file`` (relative to the repository root), if it has revisions."""
    path = file[1:] if file.startswith("/") else file
    try:
        revlog = store.filelog(path)
    except StoreError:
        return None
    if len(revlog) == 0:
        revlog.close()
        return None
    return Target(revlog, f"data/{path}.i", "filelog", canonical_parents=False,
                  **_read_settings(store))


def _revlog_at_path(file: str, cwd: str, *, in_repo: bool) -> Target:
    full = os.path.join(cwd, file)
    if not os.path.isfile(full):
        where = " (not a tracked file either)" if in_repo else ""
        raise ReportError(f"revlog '{file}' not found{where}")
    if file.endswith(".i.a"):  # a pending index (a transaction's, or one a crash left)
        return Target(Revlog.open(full, data_path=full[:-4] + ".d", name=file, sparse=False),
                      f"{file} (pending)", "path")
    if not file.endswith((".i", ".d")):
        hint = "a file tracked in the repository (path from its root) or " if in_repo else ""
        raise ReportError(f"'{file}' is not a revlog: give {hint}the path of a .i, .i.a or "
                          ".d file")
    return Target(Revlog.open(full[:-2] + ".i", name=file[:-2] + ".i", sparse=False), file,
                  "path")


def path_target(file: str, cwd: str | None = None) -> Target:
    """The revlog whose ``.i`` is at ``file`` (relative to ``cwd``), whether a repository
    holds it or not: the INDEX of ``hg debugancestor INDEX REV1 REV2``."""
    return _revlog_at_path(file, cwd or os.getcwd(), in_repo=False)
