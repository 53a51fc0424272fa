"""A repository to create and edit: commits, strip, censor, recover.

``Repo.init`` writes the requirement files Mercurial writes for the chosen
format; ``Repo.commit`` writes files, manifest and changeset as hg commits
them (same nodes for the same history); every change goes through a
``Transaction``, so an error or a crash leaves a store that rollback (ours or
``hg recover``) returns to its last committed state.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..errors import RevlogError, StoreError
from ..format.constants import NULL_NODE, NULL_REV
from ..payloads.changeset import parse_changeset
from ..payloads.filetext import file_content
from ..revlog.revlog import Revlog
from ..store.discovery import read_optional
from ..store.pathencode import encode_dir
from ..transaction.transaction import StoreLock, Transaction, playback
from . import lightcopies, nodemaps, rewrite
from .commit import Change, Committer, Entry, changeset_manifest, parse_flat
from .formats import RepoFormat, split_requirements, write_config
from .phases import PhaseRoots, new_commit_phase
from .store import Store
from .workingcopy import UNWRITTEN, WorkingCopy
from .writable import check_writable

DUMMY_CHANGELOG = b"\0\0\xff\xff dummy changelog to prevent using the old repo layout"


class Repo:
    """A repository opened for writing (it reads through ``self.store``)."""

    def __init__(self, store: Store, compression: str | None = None,
                 compression_level: int | None = None, lightweight_copies: bool = False) -> None:
        self.store = store
        # experimental: new copies stored as deltas against their source (repo/lightcopies.py)
        self.lightweight_copies = lightweight_copies
        self.compression = compression  # engine for new chunks; None: the store's
        self.root = Path(store.root).parent
        self.tree_manifest = "treemanifest" in store.requirements
        self._revlogs: dict[str, Revlog] = {}
        self._tr: Transaction | None = None
        self._new_files: set[str] = set()
        self._gone_files: set[str] = set()
        self._manifests: dict[int, dict[str, Entry]] = {}
        self._texts: dict[bytes, bytes] = {}
        self._level = compression_level

    # -- creating and opening -----------------------------------------------------------

    @classmethod
    def init(cls, path: str | os.PathLike, *, compression: str = "zstd",
             compression_level: int | None = None, generaldelta: bool = True,
             sparse: bool | None = None, revlog: str = "v1", changelog_v2: bool = False,
             store: bool = True, fncache: bool = True, dotencode: bool | None = None,
             tree_manifest: bool = False, share_safe: bool = True,
             delta_info: bool = False) -> Repo:
        """Create an empty repository at ``path`` (which may exist, empty)."""
        if sparse is None:
            sparse = generaldelta
        if dotencode is None:
            dotencode = fncache
        fmt = RepoFormat(compression, compression_level, generaldelta, sparse, revlog,
                         changelog_v2, store, fncache, dotencode, tree_manifest, share_safe,
                         delta_info)
        reqs = fmt.requirements()
        hg_dir = Path(path) / ".hg"
        if hg_dir.exists():
            raise StoreError(f"{hg_dir} already exists")
        try:
            hg_dir.mkdir(parents=True)
        except OSError as err:
            raise StoreError(f"cannot create {hg_dir}: {err.strerror}") from None
        try:
            _write_layout(hg_dir, reqs, store)
        except OSError as err:
            shutil.rmtree(hg_dir, ignore_errors=True)  # half a repository would pass for one
            raise StoreError(f"cannot create the repository {hg_dir}: {err.strerror} "
                             f"({err.filename})") from None
        return cls.open(path, compression_level=compression_level)

    @classmethod
    def open(cls, path: str | os.PathLike, *, compression: str | None = None,
             compression_level: int | None = None, lightweight_copies: bool = False) -> Repo:
        """Open a repository for writing; ``compression`` overrides the engine used for
        new chunks (a store may mix them: each chunk names its own), ``compression_level``
        its level. ``lightweight_copies`` (experimental) stores each new copy as a delta
        against its source where that saves bytes, and then marks the store with a
        requirement hg refuses (``repo/lightcopies.py``, ``format/copydelta.py``). A
        store the engine does not write as Mercurial does is refused here, before
        anything is written (``writable.check_writable``)."""
        store = Store.open(path)
        try:
            check_writable(store)
            for kind in ("changelog", "manifest", "filelog"):  # the options hg refuses
                write_config(store.requirements, kind, compression_level, None, compression,
                             store.config)
            new_commit_phase(store.config, store.requirements)
        except BaseException:
            store.close()
            raise
        return cls(store, compression, compression_level, lightweight_copies)

    def close(self) -> None:
        for rl in self._revlogs.values():
            rl.close()
        self._revlogs.clear()
        self.store.close()

    def __enter__(self) -> Repo:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- revlogs ------------------------------------------------------------------------

    def revlog(self, name: str) -> Revlog:
        """The revlog whose unencoded index path is ``name``, ready to write."""
        rl = self._revlogs.get(name)
        if rl is None:
            rl = self.store.open_revlog(name)
            rl.write_config = write_config(self.store.requirements, rl.kind, self._level,
                                           self._new_files.add, self.compression,
                                           self.store.config)
            self._revlogs[name] = rl
        return rl

    @property
    def changelog(self) -> Revlog:
        return self.revlog("00changelog.i")

    def __len__(self) -> int:
        return len(self.changelog)

    # -- transactions ---------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, description: str = "commit") -> Iterator[Transaction]:
        """A transaction over the store; nested calls join the open one."""
        if self._tr is not None:
            yield self._tr
            return
        tr = Transaction(self.store.store_dir, self.store.fs_path, plain_dir=self.store.root,
                         description=description, first_rev=self._refresh)
        tr.on_finalize("002-fncache", self._write_fncache)
        tr.on_finalize("003-phaseroots", self._write_phaseroots)
        written: dict[str, str] = {}
        # hg's strip leaves the nodemap as it was: stale, so readers ignore it until the
        # next transaction that writes the revlog rewrites it
        if nodemaps.REQUIREMENT in self.store.requirements and description != "strip":
            tr.on_finalize("005-nodemaps", lambda t: written.update(self._write_nodemaps(t)))
        self._tr = tr
        self._phases: PhaseRoots | None = None
        try:
            with tr:
                yield tr
            for radix, name in written.items():
                nodemaps.remove_others(self, radix, name)
        except BaseException:
            self._forget_caches()
            raise
        finally:
            self._tr = None
            self._phases = None
            self._new_files.clear()
            self._gone_files.clear()

    def _refresh(self) -> int:
        """With the lock held, forget whatever another writer (hg) changed since we read
        it, as hg invalidates its caches when it takes the lock; return the
        changelog's length."""
        if not all(rl.is_current() for rl in self._revlogs.values()):
            self._forget_caches()
            self.store.close()
        return len(self.changelog)

    def _forget_caches(self) -> None:
        self._manifests.clear()
        self._texts.clear()
        for rl in self._revlogs.values():
            rl.close()
        self._revlogs.clear()

    def recover(self) -> list[str]:
        """Roll back an abandoned transaction (what ``hg recover`` does)."""
        with StoreLock(self.store.store_dir):  # not under a live transaction's feet
            journal = os.path.join(self.store.store_dir, "journal")
            if not os.path.exists(journal):
                return []
            done = playback(self.store.store_dir, self.store.fs_path, self.store.root)
        self._forget_caches()
        return done

    # -- committing -----------------------------------------------------------------------

    def commit(self, files: Mapping[str, bytes | None], message: str, user: str,
               date: tuple[float, int] = (0, 0), parents: tuple[int, int] | None = None,
               copies: Mapping[str, str] | None = None, flags: Mapping[str, str] | None = None,
               branch: str | None = None, extra: Mapping[str, str] | None = None,
               close_branch: bool = False) -> bytes:
        """Commit a changeset; return its node.

        ``files`` maps paths to new contents (None removes the file); paths not
        mentioned keep the first parent's version. ``parents`` are changelog
        revisions (default: the tip, no second parent); ``copies`` maps a
        destination to its source; ``flags`` gives 'x' (executable) or 'l'
        (symlink), by default the file keeps its previous flags. ``branch``
        defaults to the first parent's, and ``close_branch`` closes that branch's
        head, as ``hg commit`` after ``hg update`` to that parent. The new changeset
        takes the phase ``phases.new-commit`` gives, or its parents' if higher.
        """
        merged_extra = dict(extra or {})
        if close_branch:
            merged_extra["close"] = "1"
        with self.transaction() as tr:  # the tip is read under the lock
            p1, p2 = self._parents(parents)
            # hg commits on the working copy's branch, which is p1's after an update
            merged_extra["branch"] = self._branch_of(p1) if branch is None else branch
            change = Change(files, message, user, date, p1, p2, dict(copies or {}),
                            dict(flags or {}), merged_extra)
            return Committer(self, tr).commit(change)

    def _branch_of(self, rev: int) -> str:
        if rev == NULL_REV:
            return "default"
        return parse_changeset(self.changelog.revision(rev)).branch

    def _parents(self, parents: tuple[int, int] | None) -> tuple[int, int]:
        """The parents of a new changeset: those given (checked), or the tip."""
        if parents is None:
            parents = (len(self.changelog) - 1, NULL_REV)
        p1, p2 = parents
        for p in parents:
            if not -1 <= p < len(self.changelog):
                raise RevlogError(f"parent {p} is not a changeset")
        if p1 == NULL_REV and p2 != NULL_REV:
            p1, p2 = p2, p1
        return p1, p2

    # -- rewriting history --------------------------------------------------------------

    def strip(self, rev: int) -> list[bytes]:
        """Remove changeset ``rev`` and every later one; return the nodes removed.

        When the working copy's parent goes, the working copy moves to the surviving
        parent, as hg's strip moves it (refused, before anything changes, when it holds
        uncommitted changes); ``.hg/wlock`` is held throughout.
        """
        with StoreLock(self.store.root, "wlock"), self.transaction("strip") as tr:
            cl = self.changelog
            if not 0 <= rev < len(cl):
                raise RevlogError(f"no changeset {rev} to strip")
            stripped = [cl.node(r) for r in range(rev, len(cl))]
            move = self._working_copy_move(rev)
            if move is not None:  # first, as hg: a failed strip leaves it at a kept parent
                move()
            cuts = []
            for kind, path in self.store.revlog_paths():
                rl = self.revlog(path)
                keep = rev if kind == "changelog" else rewrite.cut_point(rl, rev)
                if keep < len(rl):
                    cuts.append((rl, keep))
            rewrites = self._strip_side_files(rev, set(stripped))
            for rl, keep in cuts:
                rewrite.truncate(self, rl, keep, tr)
            tr.on_finalize("004-strip", lambda t: self._replace_files(rewrites, t))
        self._forget_caches()
        shutil.rmtree(Path(self.store.root) / "cache", ignore_errors=True)  # hg rebuilds them
        return stripped

    def _working_copy_move(self, rev: int):
        """What moves the working copy off the stripped changesets, checked now (nothing
        is written yet); None when its parent survives."""
        wc = WorkingCopy(str(self.root))
        dirstate = wc.dirstate()
        cl = self.changelog
        if dirstate is None or not any(p != NULL_NODE and cl.has_node(p) and cl.rev(p) >= rev
                                       for p in dirstate.parents):
            return None
        unwritten = [r for r in UNWRITTEN if r in self.store.requirements]
        if unwritten:
            raise RevlogError(f"the strip removes the working copy's parent, and its "
                              f"dirstate format ({unwritten[0]}) is one the explorer does not "
                              "write: strip with hg")
        parent = cl.rev(dirstate.parents[0])
        old = self.manifest_of(parent)
        read = self._file_reader()
        wc.check_clean(dirstate, old, read)
        target = self._update_target(rev, parent, wc.branch())
        new, node, branch = self.manifest_of(target), cl.node(target), self._branch_of(target)
        return lambda: wc.update(old, new, read, node, branch)

    def _update_target(self, rev: int, parent: int, branch: str) -> int:
        """hg's strip target: the first parent of the stripped root, unless the working
        copy's branch differs from that one's; then the newest revision of the working
        copy's branch next to the stripped ancestors of its parent."""
        cl = self.changelog
        target = cl.parents(rev)[0]
        if self._branch_of(target) == branch:
            return target
        between = set(cl.ancestors([parent], stoprev=rev, inclusive=True)) & \
            {rev, *cl.descendants([rev])}
        around = {p for r in between for p in cl.parents(r)} - between
        matching = [r for r in around if 0 <= r < rev and self._branch_of(r) == branch]
        return max(matching, default=target)

    def _file_reader(self):
        """Content of a file revision, by path and node (what the working copy holds)."""
        def read(path: str, node: bytes) -> bytes:
            with self.store.filelog(path) as flog:
                return file_content(flog.revision(flog.rev(node)))
        return read

    def censor(self, path: str, node: bytes | str, tombstone: bytes = b"") -> None:
        """Replace the content of file revision ``node`` of ``path`` with a tombstone."""
        with self.transaction("censor") as tr:
            rev = self.revlog(f"data/{path}.i").lookup(node)
            rewrite.censor(self, path, rev, tombstone, tr)
        self._forget_caches()

    def convert_copies(self, lightweight: bool) -> lightcopies.Conversion:
        """Rewrite the store's copies as light-weight copies, or back to full texts
        (``lightcopies.convert``); the repository is closed afterwards (its requirements
        changed): open it again to go on."""
        return lightcopies.convert(self, lightweight)

    def forget_file(self, *names: str) -> None:
        """Store files removed by this transaction (dropped from the fncache at close)."""
        self._gone_files.update(names)

    def note_new_file(self, name: str) -> None:
        self._new_files.add(name)

    def forget_revlog(self, name: str) -> None:
        rl = self._revlogs.pop(name, None)
        if rl is not None:
            rl.close()

    def _strip_side_files(self, first: int, stripped: set[bytes]) -> dict:
        """Phase roots without the stripped nodes, bookmarks moved off them, as hg does.

        Every file is read (and phase roots hg could not read refused) before any
        revlog is cut, so a refusal leaves everything as it was; each is written at
        the close, backed up, so a rollback puts it back.
        """
        hg_dir = Path(self.store.root)
        rewrites = {}
        phases = self.phases()
        phases.strip(first)
        if phases.changed:
            rewrites[("phaseroots", "")] = phases.serialize(self.changelog.node)
        # hg moves a bookmark on a stripped changeset to the newest surviving parent
        cl = self.changelog
        parents = [p for r in range(first, len(cl)) for p in cl.parents(r) if p < first]
        target = cl.node(max(parents)) if parents and max(parents) >= 0 else NULL_NODE
        for path, location in ((hg_dir / "bookmarks", "plain"),
                               (hg_dir / "store" / "bookmarks", "")):
            data = read_optional(str(path))
            moved = None if data is None else rewrite.moved_bookmarks(data, stripped, target,
                                                                       cl.has_node)
            if moved != data:
                rewrites[("bookmarks", location)] = moved
        return rewrites

    @staticmethod
    def _replace_files(rewrites: dict, tr: Transaction) -> None:
        for (name, location), data in rewrites.items():
            tr.replace_file(name, data, location)

    def note_commit(self, rev: int, manifest: dict[str, Entry], manifest_node: bytes) -> None:
        """Remember the new changeset's manifest (the next commit's p1, usually) and give
        it its phase (``phases.new-commit``, or its parents' when higher)."""
        self._manifests = {rev: manifest}
        target = new_commit_phase(self.store.config, self.store.requirements)
        self.phases().register_new(rev, target, self.changelog.parents)

    def phases(self) -> PhaseRoots:
        """The phase roots, read once a transaction (under its lock)."""
        if self._phases is None:
            path = self.store.fs_path("phaseroots")
            cl = self.changelog
            self._phases = PhaseRoots.parse(read_optional(path),
                                            lambda node: cl.rev(node) if cl.has_node(node)
                                            else None, path)
        return self._phases

    # -- reading parents -----------------------------------------------------------------

    def manifest_node(self, rev: int) -> bytes:
        return changeset_manifest(self.changelog, rev)

    def manifest_text(self, rev: int) -> bytes | None:
        """The flat manifest text of changeset ``rev`` (None for the null revision)."""
        node = self.manifest_node(rev)
        if node == NULL_NODE:
            return None
        ml = self.revlog("00manifest.i")
        return ml.revision(ml.rev(node))

    def manifest_of(self, rev: int) -> dict[str, Entry]:
        """Every file of changeset ``rev``: path -> (file node, flags)."""
        if rev == NULL_REV:
            return {}
        known = self._manifests.get(rev)
        if known is None:
            node = self.manifest_node(rev)
            if self.tree_manifest:
                known = self._read_tree_files("", node)
            else:
                known = parse_flat(self.manifest_text(rev))
            self._manifests[rev] = known
        return dict(known)

    def dir_text(self, directory: str, node: bytes) -> bytes:
        """Text of a tree-manifest directory revision."""
        name = f"meta/{directory}00manifest.i" if directory else "00manifest.i"
        rl = self.revlog(name)
        return rl.revision(rl.rev(node))

    def tree_of(self, rev: int) -> dict[str, tuple[bytes, bytes]]:
        """Directories of changeset ``rev``'s tree manifest: "a/b/" -> (node, text)."""
        out: dict[str, tuple[bytes, bytes]] = {}
        if rev != NULL_REV:
            self._walk_tree("", self.manifest_node(rev), out)
        return out

    def _walk_tree(self, directory: str, node: bytes, out: dict) -> None:
        text = self.dir_text(directory, node)
        out[directory] = (node, text)
        for name, (sub, flags) in parse_flat(text).items():
            if flags == "t":
                self._walk_tree(f"{directory}{name}/", sub, out)

    def _read_tree_files(self, directory: str, node: bytes) -> dict[str, Entry]:
        files = {}
        for name, (sub, flags) in parse_flat(self.dir_text(directory, node)).items():
            if flags == "t":
                files.update(self._read_tree_files(f"{directory}{name}/", sub))
            else:
                files[f"{directory}{name}"] = (sub, flags)
        return files

    # -- store files written at close ------------------------------------------------------

    def _write_fncache(self, tr: Transaction) -> None:
        if "fncache" not in self.store.requirements or not (self._new_files or self._gone_files):
            return
        current = set(self.store.fncache())
        added = {n for n in self._new_files if n.startswith(("data/", "meta/"))} - current
        gone = self._gone_files & current
        if gone:  # hg rewrites the whole file (in no particular order: we sort it)
            tr.replace_file("fncache", _fncache_lines((current | added) - gone))
        elif added:  # and appends when it only adds, keeping the file's order
            old = read_optional(self.store.fs_path("fncache")) or b""
            tr.replace_file("fncache", old + _fncache_lines(added))

    def _write_nodemaps(self, tr: Transaction) -> dict[str, str]:
        """New nodemaps of the revlogs this transaction changed (hg's are kept current)."""
        written = {}
        for radix in nodemaps.WITH_NODEMAP:
            name = nodemaps.persist(self, radix, tr)
            if name is not None:
                written[radix] = name
        return written

    def _write_phaseroots(self, tr: Transaction) -> None:
        """The phase roots, rewritten whole as hg writes them, when a commit moved one."""
        if self._phases is not None and self._phases.changed:
            tr.replace_file("phaseroots", self._phases.serialize(self.changelog.node))


def _fncache_lines(names: set[str]) -> bytes:
    return "".join(f"{encode_dir(n)}\n" for n in sorted(names)).encode("utf-8",
                                                                        "surrogateescape")


def _write_layout(hg_dir: Path, reqs: set[str], store: bool) -> None:
    """The requirement files, the store directory and hg's dummy changelog of a new
    repository whose ``.hg`` is ``hg_dir``."""
    working, in_store = split_requirements(reqs)
    _write_requires(hg_dir / "requires", working)
    if store:
        (hg_dir / "store").mkdir()
        if in_store:
            _write_requires(hg_dir / "store" / "requires", in_store)
        (hg_dir / "00changelog.i").write_bytes(DUMMY_CHANGELOG)


def _write_requires(path: Path, reqs: set[str]) -> None:
    path.write_text("".join(f"{r}\n" for r in sorted(reqs)))


