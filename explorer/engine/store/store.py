"""A repository's store: where it is, what it requires, which revlogs it holds.

``Store.open`` takes a working-copy root, its ``.hg`` or the ``.hg/store``
directory. The requirements decide the layout:

====================  ===========================  =======================
requirement           files found by               names encoded with
====================  ===========================  =======================
(no ``store``)        walking .hg/data, .hg/meta   ``Encoding.DIR``
``store``             walking store/data, meta     ``Encoding.FILENAME``
``fncache``           the ``fncache`` file         ``HYBRID``, ``DOTENCODE``
``fileindex-v1``      the file index               ``DOTENCODE``
====================  ===========================  =======================

(``PLAIN`` replaces the hashed encodings in stores that carry the experimental
plain-encoding requirement.)

Everything here speaks *unencoded store paths* ("data/Foo.txt.i"); only
``fs_path`` turns one into a filesystem path.
"""

from __future__ import annotations

import enum
import functools
import os
import re
import struct
from typing import Literal

from ..errors import CorruptionError, StoreError
from ..revlog.revlog import Revlog
from .pathencode import Encoding, decode_path, encode_path, to_bytes, to_str

Kind = Literal["changelog", "manifest", "filelog"]

CHANGELOG = "00changelog.i"
MANIFEST = "00manifest.i"
REVLOG_SUFFIXES = (".i", ".d", ".n", ".nd", ".idx", ".dat", ".sda")
_UID_SUFFIXES = (".nd", ".idx", ".dat", ".sda")  # named <radix>-<uid><suffix>
_PLAIN_ENCODING = "exp-very-fragile-and-unsafe-plain-store-encoding"
_NOT_TEXT = re.compile(rb"[^\x20-\x7e\n]")

# fileindex-v1 docket: marker, used sizes of the list/meta/tree files, their
# 8-character ids, tree root pointer, unused tree bytes, 4 flag bytes; a
# garbage list follows, which readers do not need.
_FILEINDEX_DOCKET = struct.Struct(">12s3I8s8s8s3I")
_FILEINDEX_MARKER = b"fileindex-v1"
_FILEINDEX_META = struct.Struct(">IHH")  # path offset and length in the list file, dirname length
_FILEINDEX_UNSET_ID = b"00000000"


class Layout(enum.Enum):
    """How the store keeps track of its revlogs (see the module docstring)."""

    NO_STORE = "no-store"
    STORE = "store"
    FNCACHE = "fncache"
    FILEINDEX = "fileindex-v1"


def layout_of(requirements: set[str]) -> tuple[Layout, Encoding]:
    """The layout and name encoding a set of requirements selects, as Mercurial picks them."""
    if "store" not in requirements:
        return Layout.NO_STORE, Encoding.DIR
    plain = _PLAIN_ENCODING in requirements
    if "fncache" in requirements:
        if "dotencode" in requirements:
            return Layout.FNCACHE, Encoding.DOTENCODE
        return Layout.FNCACHE, Encoding.PLAIN if plain else Encoding.HYBRID
    if "fileindex-v1" in requirements:
        return Layout.FILEINDEX, Encoding.PLAIN if plain else Encoding.DOTENCODE
    return Layout.STORE, Encoding.FILENAME


class Store:
    """The store of one repository. Holds no open files but the revlogs it caches."""

    def __init__(self, root: str, store_dir: str, requirements: set[str]) -> None:
        self.root = root
        self.store_dir = store_dir
        self.requirements = requirements
        self.layout, self.encoding = layout_of(requirements)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open the store of a repository root, its ``.hg`` or its store directory."""
        root = _find_hg_dir(os.path.abspath(os.fspath(path)))
        requirements = _read_requires(os.path.join(root, "requires"), missing_ok=True)
        base = _share_source(root, requirements)
        store_dir = os.path.join(base, "store")
        if "share-safe" in requirements:
            requirements |= _read_requires(os.path.join(store_dir, "requires"), missing_ok=False)
        if "store" not in requirements:
            store_dir = base
        if not os.path.isdir(store_dir):
            raise StoreError(f"{root}: the store directory {store_dir} is missing")
        return cls(root, store_dir, requirements)

    def __repr__(self) -> str:
        return f"<Store {self.store_dir} {self.layout.value}>"

    def __enter__(self) -> Store:
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
        if any(part in (".", "..") for part in store_path.split("/")):
            raise StoreError(f"invalid store path {store_path!r}: it would leave the store")
        encoded = encode_path(store_path, self.encoding)
        return os.path.join(self.store_dir, *encoded.split("/"))

    def inside(self, path: str) -> str:
        """``path`` itself, when it resolves inside the store: a symlink may point elsewhere,
        and we neither read nor write outside the store.

        Only the components below the store directory are looked at (one
        ``lstat`` each); the full resolution runs when one of them is a link.
        """
        prefix = self.store_dir + os.sep
        if path.startswith(prefix):
            rel = path[len(prefix):]
        else:
            rel = os.path.relpath(path, self.store_dir)
        current = self.store_dir
        for part in rel.split(os.sep):
            current = os.path.join(current, part)
            if part == ".." or os.path.islink(current):
                real = os.path.realpath(path)
                if os.path.commonpath([real, self._real_dir]) != self._real_dir:
                    raise StoreError(f"{path} resolves to {real}, outside the store "
                                     f"{self._real_dir}")
                break
        return path

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
        return _parse_fncache(_read_optional(path) or b"", path)

    def file_index(self) -> list[str]:
        """The tracked paths of a fileindex-v1 store; path i has token i + 1."""
        if self.layout is not Layout.FILEINDEX:
            raise StoreError(f"{self.store_dir}: a {self.layout.value} store has no file index")
        return _read_file_index(self.store_dir)

    def revlog_paths(self, undecodable: list[str] | None = None) -> list[tuple[Kind, str]]:
        """Every revlog of the store as (kind, unencoded index path).

        The changelog comes first, then the root manifest, tree manifests and
        filelogs, each group sorted by byte path of the revlog (as Mercurial
        walks them). When the store is listed by walking directories, a name
        that does not decode raises ``CorruptionError``, unless an
        ``undecodable`` list is given to collect such names instead.
        """
        top: list[tuple[Kind, str]] = [("changelog", CHANGELOG), ("manifest", MANIFEST)]
        present = [(kind, path) for kind, path in top if os.path.isfile(self.fs_path(path))]
        radixes = {
            _radix(name)
            for name in self._listed_files(undecodable)
            if name.startswith(("data/", "meta/")) and name.endswith(REVLOG_SUFFIXES)
        }
        ordered = sorted(radixes, key=lambda r: (r.startswith("data/"), to_bytes(r)))
        return present + [(_kind_of(radix), radix + ".i") for radix in ordered]

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
        return Revlog.open(
            self.inside(self.fs_path(store_path)),
            data_path=self.inside(self.fs_path(radix + ".d")),
            sidefile=lambda suffix: self.inside(self.fs_path(radix + suffix)),
            name=store_path,
            kind=kind or _kind_of(radix),
            sparse="sparserevlog" in self.requirements,
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

    def verify(self, progress=None) -> list:
        """Every problem of the store, as ``Problem`` records (see ``explorer.engine.verify.run``).

        ``progress(done, total, label)`` is called as revisions are checked;
        returning False stops the run with ``verify.Cancelled``.
        """
        from ..verify.run import verify_store

        return verify_store(self, progress).problems

    def compare(self, other: Store) -> list:
        """How ``other`` (a damaged copy) differs from this store, region by region
        (see ``explorer.engine.damage.compare``)."""
        from ..damage.compare import compare_stores

        return compare_stores(self, other)

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


# --- discovery ----------------------------------------------------------------


def find_repository(start: str) -> str | None:
    """The nearest directory at or above ``start`` holding a ``.hg`` (hg's discovery)."""
    path = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(path, ".hg")):
            return path
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def _find_hg_dir(path: str) -> str:
    """The .hg directory that ``path`` (a root, a .hg or a store) belongs to."""
    if not os.path.lexists(path):
        raise StoreError(f"{path}: no such file or directory")
    if not os.path.isdir(path):
        if path.endswith(".i"):
            raise StoreError(f"{path} is a single revlog, not a store: open it with Revlog.open")
        raise StoreError(f"{path} is a file, not a Mercurial repository, .hg or store directory")
    if os.path.isdir(os.path.join(path, ".hg")):
        return os.path.join(path, ".hg")
    parent = os.path.dirname(path)
    if os.path.basename(path) == "store" and os.path.isfile(os.path.join(parent, "requires")):
        return parent
    if os.path.basename(path) == ".hg" or os.path.isfile(os.path.join(path, "requires")):
        return path
    raise StoreError(
        f"{path} is not a Mercurial repository: no .hg directory, requires file or store here"
    )


def _share_source(root: str, requirements: set[str]) -> str:
    """The .hg holding the store: ``root`` itself, or the source of a share."""
    if not {"shared", "relshared"} & requirements:
        return root
    pointer = os.path.join(root, "sharedpath")
    data = _read_optional(pointer)
    if data is None:
        raise StoreError(f"{root}: shared repository without a sharedpath file")
    source = os.path.join(root, os.fsdecode(data.rstrip(b"\n")))
    if not os.path.isdir(source):
        raise StoreError(f"{pointer} points to {source}, which is not a directory")
    return os.path.normpath(source)


def _read_optional(path: str) -> bytes | None:
    """The bytes of ``path``, None when it does not exist."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise StoreError(f"cannot read {path}: {err.strerror}") from None


def _read_requires(path: str, *, missing_ok: bool) -> set[str]:
    """Requirement names, one a line; very old repositories have no requires file."""
    data = _read_optional(path)
    if data is None:
        if missing_ok:
            return set()
        raise StoreError(f"{path} is missing (share-safe repositories keep one in the store)")
    bad = _NOT_TEXT.search(data)
    if bad:
        message = f"requires is not a text file (byte 0x{data[bad.start()]:02x})"
        raise CorruptionError(message, file=path, offset=bad.start())
    names = set()
    offset = 0
    for line in data.splitlines(keepends=True):
        name = line.rstrip(b"\n")
        if not name[:1].isalnum():
            raise CorruptionError(
                f"{to_str(name)!r} is not a requirement name", file=path, offset=offset
            )
        names.add(name.decode("ascii"))
        offset += len(line)
    return names


# --- file lists ---------------------------------------------------------------


def _parse_fncache(data: bytes, path: str) -> list[str]:
    """fncache: one dir-encoded store path per line, each ending with a newline."""
    if data and not data.endswith(b"\n"):
        raise CorruptionError(
            "fncache does not end with a newline (hg debugrebuildfncache rebuilds it)",
            file=path,
            offset=data.rfind(b"\n") + 1,
        )
    entries = []
    offset = 0
    for line in data.split(b"\n")[:-1]:
        if not line:
            raise CorruptionError("empty entry in fncache", file=path, offset=offset)
        entries.append(decode_path(to_str(line), Encoding.DIR))
        offset += len(line) + 1
    return entries


def _read_file_index(store_dir: str) -> list[str]:
    """The paths of a fileindex-v1 file index, in token order.

    The docket (``fileindex``) names three append-only files and how much of
    each is in use. Token t's path is described by the 8-byte record t of
    ``fileindex-meta.<id>`` (offset and length in ``fileindex-list.<id>``);
    token 0 is the root of the prefix tree in ``fileindex-tree.<id>``, which
    only speeds up lookups and is not needed to list the paths.
    """
    docket_file = os.path.join(store_dir, "fileindex")
    docket = _read_optional(docket_file)
    if docket is None:  # nothing committed yet
        return []
    if len(docket) < _FILEINDEX_DOCKET.size:
        raise CorruptionError(
            "file index docket is truncated", file=docket_file, offset=len(docket)
        )
    marker, list_size, meta_size, _tree, list_id, meta_id, *_ = _FILEINDEX_DOCKET.unpack_from(
        docket
    )
    if marker != _FILEINDEX_MARKER:
        raise CorruptionError("not a fileindex-v1 docket", file=docket_file, offset=0)
    names, _ = _file_index_part(store_dir, docket_file, "list", list_id, list_size)
    meta, meta_file = _file_index_part(store_dir, docket_file, "meta", meta_id, meta_size)
    return _file_index_paths(names, meta, meta_file)


def _file_index_part(
    store_dir: str, docket_file: str, part: str, uid: bytes, size: int
) -> tuple[bytes, str]:
    """The used bytes of fileindex-<part>.<uid> and its path."""
    id_offset = {"list": 24, "meta": 32}[part]
    if uid == _FILEINDEX_UNSET_ID and size == 0:
        return b"", ""
    if not (uid.isascii() and uid.isalnum()) or uid == _FILEINDEX_UNSET_ID:
        raise CorruptionError(f"bad {part} file id {uid!r}", file=docket_file, offset=id_offset)
    path = os.path.join(store_dir, f"fileindex-{part}.{uid.decode('ascii')}")
    data = _read_optional(path)
    if data is None:
        raise CorruptionError(
            f"the file index docket names a missing file {path}", file=docket_file, offset=id_offset
        )
    if len(data) < size:
        message = f"{len(data)} bytes, the docket says {size} are in use"
        raise CorruptionError(message, file=path, offset=len(data))
    return data[:size], path


def _file_index_paths(names: bytes, meta: bytes, meta_file: str) -> list[str]:
    record = _FILEINDEX_META.size
    if len(meta) % record:
        raise CorruptionError(
            "meta file is not a whole number of records",
            file=meta_file,
            offset=len(meta) - len(meta) % record,
        )
    paths = []
    for token in range(1, len(meta) // record):
        start, length, _dirname = _FILEINDEX_META.unpack_from(meta, token * record)
        if length == 0 or start + length > len(names):
            raise CorruptionError(
                f"token {token} points outside the list file", file=meta_file, offset=token * record
            )
        paths.append(to_str(names[start : start + length]))
    return paths


# --- store paths --------------------------------------------------------------


def _radix(name: str) -> str:
    """A revlog file name without its suffix: data/foo for data/foo.i, data/foo-1a2b3c4d.idx."""
    basename = name.rsplit("/", 1)[-1]
    cut = "-" if name.endswith(_UID_SUFFIXES) and "-" in basename else "."
    return name[: name.rfind(cut)]


def _kind_of(radix: str) -> Kind:
    if radix == "00changelog":
        return "changelog"
    if radix == "00manifest" or radix.startswith("meta/"):
        return "manifest"
    return "filelog"
