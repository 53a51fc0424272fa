"""A repository's store opened for reading: where it is, what it requires, which
revlogs it holds, and those revlogs.

``StoreFiles.open`` takes a working-copy root, its ``.hg`` or the ``.hg/store``
directory; the requirements decide the layout (``store.layout``).
Everything here speaks *unencoded store paths* ("data/Foo.txt.i"); only
``fs_path`` turns one into a filesystem path. The checks over a store
(verify, diff-store) sit above this layer: ``explorer.engine.Store`` is this
class with them added.
"""

from __future__ import annotations

import functools
import os

from ..errors import CorruptionError, StoreError
from ..format.copydelta import REQUIREMENT as LIGHTWEIGHT_COPIES
from ..format.reading import read_regular
from ..revlog.revlog import Revlog
from ..revlog.slicing import DENSITY_THRESHOLD, MIN_GAP_SIZE, ReadConfig
from .config import HgConfig, read_config
from .copybases import CopyBases
from .discovery import find_hg_dir, inside, read_requires, share_source
from .filelists import parse_fncache, read_file_index
from .layout import (
    CHANGELOG,
    MANIFEST,
    REVLOG_SUFFIXES,
    Kind,
    Layout,
    kind_of,
    layout_of,
    radix_of,
)
from .pathencode import decode_path, encode_path, to_bytes


class StoreFiles:
    """The store of one repository, read. Holds no open files but the revlogs it caches."""

    def __init__(self, root: str, store_dir: str, requirements: set[str]) -> None:
        self.root = root
        self.store_dir = store_dir
        self.requirements = requirements
        self.layout, self.encoding = layout_of(requirements)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> StoreFiles:
        """Open the store of a repository root, its ``.hg`` or its store directory."""
        root = find_hg_dir(os.path.abspath(os.fspath(path)))
        requirements = read_requires(
            inside(os.path.join(root, "requires"), root, what="the repository"), missing_ok=True)
        base = share_source(root, requirements)
        store_dir = os.path.join(base, "store")
        if "share-safe" in requirements:
            requirements |= read_requires(inside(os.path.join(store_dir, "requires"), store_dir),
                                          missing_ok=False)
        if "store" not in requirements:
            store_dir = base
        if not os.path.isdir(store_dir):
            raise StoreError(f"{root}: the store directory {store_dir} is missing")
        return cls(root, store_dir, requirements)

    def __repr__(self) -> str:
        return f"<Store {self.store_dir} {self.layout.value}>"

    def __enter__(self) -> StoreFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the cached changelog and manifest; they reopen on next use."""
        for name in ("changelog", "manifest"):
            revlog = self.__dict__.pop(name, None)
            if revlog is not None:
                revlog.close()

    # -- names -----------------------------------------------------------------

    def fs_path(self, store_path: str) -> str:
        """The filesystem path of an unencoded store path such as "data/Foo.txt.i".

        A "." or ".." component is refused: some encodings keep it as is, and
        a hostile fncache or journal line would then name a file outside the store.
        """
        known = self._fs_paths.get(store_path)
        if known is not None:
            return known
        if any(part in (".", "..") for part in store_path.split("/")):
            raise StoreError(f"invalid store path {store_path!r}: it would leave the store")
        encoded = encode_path(store_path, self.encoding)
        path = self._fs_paths[store_path] = os.path.join(self.store_dir, *encoded.split("/"))
        return path

    @functools.cached_property
    def _fs_paths(self) -> dict[str, str]:
        """The paths ``fs_path`` worked out already: verify asks for each revlog's twice
        or more (listing checks, opening), and the encoding is a few regex passes."""
        return {}

    def inside(self, path: str) -> str:
        """``path`` itself, when it resolves inside the store: a symlink may point elsewhere,
        and we neither read nor write outside the store."""
        return inside(path, self.store_dir, self._real_dir)

    @functools.cached_property
    def _real_dir(self) -> str:
        return os.path.realpath(self.store_dir)

    def fncache(self) -> list[str]:
        """The fncache entries (unencoded store paths), in file order.

        A missing fncache is an empty one, as for Mercurial (a repository
        without commits has none).
        """
        if self.layout is not Layout.FNCACHE:
            raise StoreError(f"{self.store_dir}: a {self.layout.value} store has no fncache")
        path = self.inside(os.path.join(self.store_dir, "fncache"))
        return parse_fncache(read_regular(path) or b"", path)

    def file_index(self) -> list[str]:
        """The tracked paths of a fileindex-v1 store; path i has token i + 1."""
        if self.layout is not Layout.FILEINDEX:
            raise StoreError(f"{self.store_dir}: a {self.layout.value} store has no file index")
        return read_file_index(self.store_dir)

    def revlog_paths(self, undecodable: list[str] | None = None) -> list[tuple[Kind, str]]:
        """Every revlog of the store as (kind, unencoded index path).

        The changelog comes first, then the root manifest, tree manifests and
        filelogs, each group sorted by byte path of the revlog (as Mercurial
        walks them). When the store is listed by walking directories, a name
        that does not decode raises ``CorruptionError``, unless an
        ``undecodable`` list is given to collect such names instead.
        """
        top: list[tuple[Kind, str]] = [("changelog", CHANGELOG), ("manifest", MANIFEST)]
        present = [(kind, path) for kind, path in top if os.path.lexists(self.fs_path(path))]
        radixes = {
            radix_of(name)
            for name in self._listed_files(undecodable)
            if name.startswith(("data/", "meta/")) and name.endswith(REVLOG_SUFFIXES)
        }
        ordered = sorted(radixes, key=lambda r: (r.startswith("data/"), to_bytes(r)))
        return present + [(kind_of(radix), radix + ".i") for radix in ordered]

    def _listed_files(self, undecodable: list[str] | None) -> list[str]:
        if self.layout is Layout.FNCACHE:
            return self.fncache()
        if self.layout is Layout.FILEINDEX:
            return [f"data/{path}.i" for path in self.file_index()]
        return self._walk(undecodable)

    def _walk(self, undecodable: list[str] | None) -> list[str]:
        """Decoded names of the revlog files under data/ and meta/."""
        names = []
        for top in ("data", "meta"):
            for directory, _subdirs, files in os.walk(os.path.join(self.store_dir, top)):
                for file in files:
                    if not file.endswith(REVLOG_SUFFIXES):
                        continue
                    full = os.path.join(directory, file)
                    relative = os.path.relpath(full, self.store_dir).replace(os.sep, "/")
                    try:
                        names.append(decode_path(relative, self.encoding))
                    except CorruptionError as err:
                        if undecodable is None:
                            raise CorruptionError(err.message, file=full) from None
                        undecodable.append(relative)
        return names

    # -- revlogs -----------------------------------------------------------------

    def open_revlog(self, store_path: str, kind: Kind | None = None) -> Revlog:
        """Open the revlog whose unencoded index path is ``store_path``."""
        if not store_path.endswith(".i"):
            raise StoreError(f"{store_path!r} is not the index of a revlog (no .i)")
        radix = store_path[:-2]
        index = self.inside(self.fs_path(store_path))
        if store_path == CHANGELOG and self.pending and os.path.exists(index + ".a"):
            index += ".a"  # the pending changelog of the transaction running this hook
        rl = Revlog.open(
            index,
            data_path=self.inside(self.fs_path(radix + ".d")),
            sidefile=lambda suffix: self.inside(self.fs_path(radix + suffix)),
            name=store_path,
            kind=kind or kind_of(radix),
            sparse="sparserevlog" in self.requirements,
            read_config=self.read_settings,
        )
        if rl.kind == "filelog" and LIGHTWEIGHT_COPIES in self.requirements:
            rl.use_copy_bases(self.copy_bases)
        return rl

    @functools.cached_property
    def copy_bases(self) -> CopyBases:
        """What reads the base of a light-weight copy (in another filelog of this store)."""
        return CopyBases(self.filelog)

    @property
    def pending(self) -> bool:
        """Whether the changelog a transaction has not committed yet is visible: hg shows
        it to the hooks it runs (``HG_PENDING`` names the repository's root)."""
        return os.environ.get("HG_PENDING") == os.path.dirname(self.root)

    @functools.cached_property
    def config(self) -> HgConfig:
        """The configuration hg would use in this repository (``config.read_config``)."""
        return read_config(self.root)

    @functools.cached_property
    def read_settings(self) -> ReadConfig:
        """How hg reads this store's chains: sliced always in a sparse-revlog store, else
        when ``experimental.sparse-read`` says so, at the density and minimum gap of
        ``experimental.sparse-read.density-threshold`` and ``.min-gap-size``. A value
        of the wrong type raises ``ConfigError``, as hg aborts on it."""
        config = self.config
        return ReadConfig(
            sparse=("sparserevlog" in self.requirements
                    or config.bool("experimental", "sparse-read", False)),
            density=config.float("experimental", "sparse-read.density-threshold",
                                 DENSITY_THRESHOLD),
            min_gap=config.size("experimental", "sparse-read.min-gap-size", MIN_GAP_SIZE),
        )

    @functools.cached_property
    def changelog(self) -> Revlog:
        return self.open_revlog(CHANGELOG, "changelog")

    @functools.cached_property
    def manifest(self) -> Revlog:
        """The root manifest."""
        return self.open_revlog(MANIFEST, "manifest")

    def filelog(self, path: str) -> Revlog:
        """The filelog of a tracked file, ``path`` as in the manifest ("dir/file.txt")."""
        if not path or path.startswith("/") or path.endswith("/"):
            raise StoreError(f"{path!r} is not a tracked file path")
        return self.open_revlog(f"data/{path}.i", "filelog")

    def dirlog(self, directory: str) -> Revlog:
        """The tree manifest of ``directory`` ("dir/sub" or "dir/sub/"); "" is the root."""
        directory = directory.strip("/")
        if not directory:
            return self.manifest
        return self.open_revlog(f"meta/{directory}/00manifest.i", "manifest")

    def revlogs(self) -> list[tuple[Kind, str, Revlog]]:
        """Every revlog of the store, opened, in ``revlog_paths`` order."""
        return [(kind, path, self._revlog(kind, path)) for kind, path in self.revlog_paths()]

    def _revlog(self, kind: Kind, path: str) -> Revlog:
        """The cached changelog or root manifest, or a newly opened revlog."""
        if path == CHANGELOG:
            return self.changelog
        if path == MANIFEST:
            return self.manifest
        return self.open_revlog(path, kind)
