"""Which repository requirements the engine understands: to read a store, and to write one.

A requirement (a line of ``.hg/requires`` or ``.hg/store/requires``) names a
feature the repository uses; Mercurial refuses to open a repository naming
one it does not know ("repository requires features unknown to this
Mercurial"), because the feature may change what the bytes mean. The engine
does the same, by degrees:

* ``WRITABLE``: the formats the engine writes as Mercurial does (those
  ``Repo.init`` makes, and the ones a commit, strip or censor keeps right);
  anything else and ``Repo.open`` refuses, before a transaction starts;
* ``READ_ONLY``: formats the engine reads but does not write (a commit would
  miss part of them: the file index of ``fileindex-v1``, the changeset
  sidedata of ``exp-copies-sidedata-changeset``, the blobs and the tracking
  rules of ``lfs``);
* anything else is unknown: the explorer still shows the store (that is what
  it is for), but every report, verify and the TUI say which requirement it
  does not know, as what they show may be wrong.

These are the requirements hg 7.2.4 writes for every format of
``tests/hgrepos.py`` and ``Repo.init``, plus the ones that change nothing the
engine reads or writes (the working copy's, phases the strip keeps as they
are), plus ``OURS``: formats of this engine alone, which hg must refuse;
``tests/engine/store/test_requirements.py`` holds them to that.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import StoreError
from ..format.compression import ENGINE_HEADERS

# What the store's bytes mean: revlog versions, deltas, chunk compression, names on disk.
_FORMAT = frozenset({
    "revlogv1", "exp-revlogv2.2", "exp-changelog-v2", "generaldelta", "sparserevlog",
    "delta-info-revlog", "revlog-compression-zstd", "treemanifest", "persistent-nodemap",
    "store", "fncache", "dotencode", "exp-very-fragile-and-unsafe-plain-store-encoding",
}) | {f"exp-compression-{engine}" for engine in ENGINE_HEADERS}
# Where the store is (a share), and files beside the revlogs that a strip keeps right
# (bookmarks in the store; phase roots whatever phases they name).
_REPOSITORY = frozenset({
    "share-safe", "shared", "relshared", "bookmarksinstore", "internal-phase-2",
    "exp-archived-phase",
})
# The working copy's only: the engine reads no dirstate (a strip drops one whose parent goes).
_WORKING_COPY = frozenset({"dirstate-v2", "dirstate-tracked-key-v1", "exp-sparse"})

# Ours alone, which hg must refuse: light-weight copies (format/copydelta.py).
OURS = frozenset({"exp-revlog-explorer-lightweight-copies"})

WRITABLE = _FORMAT | _REPOSITORY | _WORKING_COPY | OURS
READ_ONLY = {
    "fileindex-v1": "new files would be missing from its file index",
    "exp-copies-sidedata-changeset": "changesets would lack the sidedata listing their files",
    "lfs": "the engine neither stores lfs blobs nor knows which files go to lfs",
}
READABLE = WRITABLE | READ_ONLY.keys()


def unknown(requirements: Iterable[str]) -> list[str]:
    """The requirements the engine does not know, even to read (sorted)."""
    return sorted(set(requirements) - READABLE)


def read_warning(requirements: Iterable[str]) -> str | None:
    """What to tell a reader of a store naming requirements the engine does not know
    (None when it knows them all)."""
    names = unknown(requirements)
    if not names:
        return None
    listed = ", ".join(f"'{name}'" for name in names)
    return (f"unknown requirement{'s' if len(names) > 1 else ''} {listed}: hg refuses to open "
            "this repository, and what is read here may be wrong")


def check_writable(requirements: Iterable[str]) -> None:
    """Refuse (``StoreError``) to write a store whose requirements the engine does not
    write as Mercurial does."""
    names = unknown(requirements)
    if names:
        raise StoreError("repository requires features unknown to revlog-explorer: "
                         f"{' '.join(names)} (refusing to write)")
    read_only = sorted(set(requirements) & READ_ONLY.keys())
    if read_only:
        name = read_only[0]
        raise StoreError(f"refusing to write a store with requirement '{name}': "
                         f"{READ_ONLY[name]} (the explorer reads such stores, it does not "
                         "write them)")
