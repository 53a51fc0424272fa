"""What the explorer opens: a store with its revlogs, or one revlog file.

``open_source(path)`` accepts what a user types: a working copy (or any
directory inside one), its ``.hg``, a store directory, one ``.i`` (or the
``.d`` beside it), or nothing for the built-in demo store. Whatever cannot be
opened raises ``SourceError`` with a sentence for the screen; nothing here
imports Textual.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from explorer.engine import CorruptionError, Revlog, RevlogError, Store
from explorer.engine.store.requirements import read_warning


class SourceError(Exception):
    """The path cannot be explored; the message says why, for the user."""


class RevlogRef:
    """One revlog of a source: its kind, its unencoded store path (or file name),
    and the filesystem paths of its index and data files.

    A revlog the store lists (``RevlogRef.listed``) has its file names encoded
    when they are first asked for: a store may list a great many revlogs and a
    screen shows a few, and a hostile name (one that would leave the store) then
    fails alone, as ``StoreError``, instead of the whole listing.
    """

    __slots__ = ("kind", "path", "pending", "_files", "_store")

    def __init__(self, kind: str, path: str, index_file: str, data_file: str,
                 pending: bool = False) -> None:
        self.kind, self.path, self.pending = kind, path, pending
        self._files: tuple[str, str] | None = (index_file, data_file)
        self._store: Store | None = None

    @classmethod
    def listed(cls, store: Store, kind: str, path: str) -> RevlogRef:
        """The revlog ``path`` that ``store`` lists."""
        ref = cls.__new__(cls)
        ref.kind, ref.path, ref.pending = kind, path, False
        ref._files, ref._store = None, store
        return ref

    @property
    def index_file(self) -> str:
        return self._paths()[0]

    @property
    def data_file(self) -> str:
        return self._paths()[1]

    def _paths(self) -> tuple[str, str]:
        if self._files is None:
            store = self._store
            self._files = (store.fs_path(self.path), store.fs_path(self.path[:-2] + ".d"))
        return self._files

    def __repr__(self) -> str:
        return f"RevlogRef({self.kind!r}, {self.path!r}, pending={self.pending})"


@dataclass
class Source:
    """An opened store or revlog file; ``start`` is the revlog to show first."""

    label: str
    refs: list[RevlogRef]
    store: Store | None = None
    start: int = 0
    undecodable: list[str] = field(default_factory=list)
    listing_error: CorruptionError | None = None
    requirement_warning: str | None = None  # the store names requirements we do not know

    def open(self, ref: RevlogRef) -> Revlog:
        """Open one revlog (``RevlogError`` when it is damaged beyond opening)."""
        if self.store is not None and not ref.pending:
            return self.store.open_revlog(ref.path, ref.kind)
        return Revlog.open(ref.index_file, data_path=ref.data_file, kind=ref.kind,
                           name=ref.path)

    @property
    def root(self) -> str | None:
        """The repository root (the directory holding ``.hg``), when a store is open."""
        if self.store is None:
            return None
        return os.path.dirname(self.store.root)


def open_source(path: str | os.PathLike[str] | None) -> Source:
    """Open what ``path`` names (None: the demo store, built on first use).

    Messages and the label name the path as the user gave it.
    """
    if path is None:
        from explorer.views import demo  # the writer it needs is not loaded otherwise

        return _open_store(os.fspath(demo.demo_path()), "demo store")
    given = os.fspath(path)
    full = os.path.abspath(given)
    if not os.path.lexists(full):
        raise SourceError(f"{given}: no such file or directory")
    if os.path.isdir(full):
        return _open_store(full, given)
    if full.endswith(".d") and os.path.isfile(full[:-2] + ".i"):
        full = full[:-2] + ".i"
    if not full.endswith((".i", ".i.a")):
        raise SourceError(f"{given} is a file, but not a revlog index (.i): give a repository, "
                          "its .hg, a store directory, an .i file or a pending .i.a")
    return _open_file(full, given)


def _open_file(path: str, label: str) -> Source:
    name = os.path.basename(path)
    kind = "changelog" if name.startswith("00changelog") else (
        "manifest" if name.startswith("00manifest") else "filelog")
    pending = path.endswith(".a")
    radix = path[:-4] if pending else path[:-2]
    ref = RevlogRef(kind, name, path, radix + ".d", pending)
    return Source(label=f"{label} (pending)" if pending else label, refs=[ref])


def _pending_changelog(store: Store) -> list[RevlogRef]:
    """The changelog a transaction has not committed (a hook's view), or a crash left."""
    index = store.fs_path("00changelog.i") + ".a"
    if not os.path.isfile(index):
        return []
    return [RevlogRef("changelog", "00changelog.i.a", index, store.fs_path("00changelog.d"),
                      pending=True)]


def _open_store(path: str, label: str) -> Source:
    """The store at or above ``path``. A file list that cannot be read (a damaged
    fncache) leaves the changelog and manifest, and says why."""
    root = _repository_root(path, label)
    try:
        store = Store.open(root)
    except CorruptionError as err:
        raise SourceError(f"the store of {label} is damaged: {err}") from None
    except RevlogError as err:
        raise SourceError(str(err)) from None
    except OSError as err:
        raise SourceError(f"{label}: {err.strerror}") from None
    undecodable: list[str] = []
    listing_error = None
    try:
        listed = store.revlog_paths(undecodable)
    except (CorruptionError, OSError) as err:
        listing_error = err if isinstance(err, CorruptionError) else CorruptionError(
            f"cannot list the store's files: {err.strerror}", file=store.store_dir)
        listed = [(kind, name) for kind, name in (("changelog", "00changelog.i"),
                                                  ("manifest", "00manifest.i"))
                  if os.path.isfile(store.fs_path(name))]
    refs = [RevlogRef.listed(store, kind, store_path) for kind, store_path in listed]
    refs[1:1] = _pending_changelog(store)
    return Source(label=label, refs=refs, store=store, undecodable=undecodable,
                  listing_error=listing_error,
                  requirement_warning=read_warning(store.requirements))


def _repository_root(path: str, label: str) -> str:
    """``path`` itself when it is a .hg or store directory, else the nearest working
    copy at or above it (so any directory inside a repository works)."""
    if os.path.basename(path) in (".hg", "store") or os.path.isfile(
            os.path.join(path, "requires")):
        return path
    probe = path
    while True:
        if os.path.isdir(os.path.join(probe, ".hg")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            raise SourceError(f"{label} is not inside a Mercurial repository "
                              "(no .hg here or above) and is not a store directory")
        probe = parent
