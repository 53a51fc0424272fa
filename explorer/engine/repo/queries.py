"""What hg tells of a repository beyond its revlogs: phases, bookmarks, obsolete and
hidden changesets, heads and branch heads, each read from the files hg reads.

``Queries`` is a part of ``Store``. A transaction's hooks see its pending files
(``phaseroots.pending``, ``bookmarks.pending``) when ``HG_PENDING`` names the
repository, as hg's ``txnutil.trypending`` opens them.

Filters are hg's repoview names: ``None`` (every changeset), ``"visible"`` (hg's
default: obsolete changesets and those of the archived and internal phases hidden,
unless a bookmark, a local tag, the working copy or a visible descendant keeps them)
and ``"served"`` (visible, secret ones left out too).
"""

from __future__ import annotations

import functools
import os

from ..format.constants import NODE_SIZE, NULL_REV
from ..payloads.changeset import parse_changeset
from ..store.discovery import read_optional
from ..store.files import StoreFiles
from . import bookmarks as names
from .branches import BranchHeads, branch_map
from .obsstore import Marker, read_markers
from .phases import ARCHIVED, DRAFT, INTERNAL, PUBLIC, SECRET, PhaseRoots

FILTERS = (None, "visible", "served")


class Queries(StoreFiles):
    """Repository queries over a store opened for reading (cached until ``close``)."""

    _CACHES = ("_phase_roots", "phase_map", "_markers", "_filtered", "_branch_maps")

    def close(self) -> None:
        super().close()
        for name in self._CACHES:
            self.__dict__.pop(name, None)

    # -- files, pending ones first -----------------------------------------------------

    def _read_pending(self, directory: str, name: str) -> bytes | None:
        """``name`` in ``directory``, or its ``.pending`` copy when hg would read it."""
        path = os.path.join(directory, name)
        if self.pending:
            data = read_optional(self._checked(path + ".pending", directory))
            if data is not None:
                return data
        return read_optional(self._checked(path, directory))

    def _checked(self, path: str, directory: str) -> str:
        return self.inside(path) if directory == self.store_dir else path

    def _known(self, node: bytes) -> bool:
        return self.changelog.has_node(node)

    # -- phases -------------------------------------------------------------------------

    @functools.cached_property
    def _phase_roots(self) -> PhaseRoots:
        cl = self.changelog
        return PhaseRoots.parse(self._read_pending(self.store_dir, "phaseroots"),
                                lambda node: cl.rev(node) if cl.has_node(node) else None,
                                self.fs_path("phaseroots"))

    def phase(self, rev: int) -> int:
        """The phase of changeset ``rev`` (``phases.PUBLIC`` .. ``INTERNAL``)."""
        if rev != NULL_REV:
            self.changelog.node(rev)  # a LookupError for a revision the changelog lacks
        return self._phase_roots.phase(rev, self.changelog.parents)

    @functools.cached_property
    def phase_map(self) -> list[int]:
        """The phase of every changeset, by revision."""
        roots, parents = self._phase_roots, self.changelog.parents
        return [roots.phase(rev, parents) for rev in range(len(self.changelog))]

    # -- bookmarks and obsolescence --------------------------------------------------------

    def bookmarks(self) -> dict[str, bytes]:
        """Bookmark name -> node, sorted by name as ``hg bookmarks`` lists them."""
        in_store = names.REQUIREMENT in self.requirements
        data = self._read_pending(self.store_dir if in_store else self.root, "bookmarks")
        marks = names.read_named_nodes(data, self._known)
        return dict(sorted(marks.items(), key=lambda item: item[0].encode(
            "utf-8", "surrogateescape")))

    @functools.cached_property
    def _markers(self) -> list[Marker]:
        return read_markers(read_optional(self.inside(os.path.join(self.store_dir, "obsstore"))),
                            self.fs_path("obsstore"))

    def obsolete_markers(self) -> list[Marker]:
        """The obsolescence markers of ``.hg/store/obsstore``, in file order."""
        return list(self._markers)

    def obsolete(self) -> set[int]:
        """Draft and secret changesets some marker makes obsolete (hg's ``obsolete()``)."""
        cl, phases = self.changelog, self.phase_map
        gone = {m.predecessor for m in self._markers}
        return {cl.rev(node) for node in gone if len(node) == NODE_SIZE and cl.has_node(node)
                and phases[cl.rev(node)] in (DRAFT, SECRET)}

    # -- filters ---------------------------------------------------------------------------

    def filtered(self, filter_: str | None = "visible") -> frozenset[int]:
        """The changesets hg's repoview ``filter_`` leaves out."""
        if filter_ not in FILTERS:
            raise ValueError(f"unknown filter {filter_!r}; one of {FILTERS}")
        return self._filtered[filter_]

    @functools.cached_property
    def _filtered(self) -> dict[str | None, frozenset[int]]:
        hidden = self._hidden()
        secret = frozenset(r for r, p in enumerate(self.phase_map) if p >= SECRET)
        return {None: frozenset(), "visible": hidden, "served": hidden | secret}

    def _hidden(self) -> frozenset[int]:
        """hg's ``computehidden``: hideable changesets but those pinned, and the
        ancestors of visible mutable changesets revealed."""
        phases = self.phase_map
        hidden = self.obsolete() | {r for r, p in enumerate(phases) if p in (ARCHIVED, INTERNAL)}
        if not hidden:
            return frozenset()
        hidden -= self._pinned()
        stack = [r for r, p in enumerate(phases) if p != PUBLIC and r not in hidden]
        parents = self.changelog.parents
        while stack:
            for p in parents(stack.pop()):
                if p in hidden:
                    hidden.discard(p)
                    stack.append(p)
        return frozenset(hidden)

    def _pinned(self) -> set[int]:
        """What keeps a changeset visible (hg's ``pinnedrevs``): the working copy's
        parents, bookmarks, local tags and both sides of an unresolved merge."""
        cl = self.changelog
        nodes = set(names.dirstate_parents(read_optional(os.path.join(self.root, "dirstate"))))
        nodes.update(self.bookmarks().values())
        localtags = read_optional(os.path.join(self.root, "localtags"))
        nodes.update(names.read_named_nodes(localtags, self._known).values())
        merge = read_optional(os.path.join(self.root, "merge", "state2"))
        nodes.update(names.unresolved_merge_sides(merge))
        return {cl.rev(node) for node in nodes if self._known(node)}

    # -- heads -----------------------------------------------------------------------------

    def heads(self, filter_: str | None = "visible") -> list[int]:
        """Changesets with no child the filter leaves, ascending (``heads(all())``)."""
        out = self.filtered(filter_)
        if not out:
            return [r for r in self.changelog.heads() if r != NULL_REV]
        visible = [r for r in range(len(self.changelog)) if r not in out]
        parents = self.changelog.parents
        has_child = {p for r in visible for p in parents(r)}
        return [r for r in visible if r not in has_child]

    def branch_map(self, filter_: str | None = "visible") -> dict[str, BranchHeads]:
        """Every named branch with its heads (hg's branchmap, which leaves obsolete
        changesets out), in order of first changeset."""
        cached = self._branch_maps.get(filter_)
        if cached is None:
            out = self.filtered(filter_) | self.obsolete()
            revs = (r for r in range(len(self.changelog)) if r not in out)
            cached = self._branch_maps[filter_] = branch_map(self.changelog, revs, self._branch_of)
        return cached

    @functools.cached_property
    def _branch_maps(self) -> dict[str | None, dict[str, BranchHeads]]:
        return {}

    def _branch_of(self, rev: int) -> tuple[str, bool]:
        entry = parse_changeset(self.changelog.revision(rev))
        return entry.branch, "close" in entry.extra

    def branch_heads(self, closed: bool = False, filter_: str | None = "visible") -> list[int]:
        """The heads ``hg heads`` lists: every branch's open heads (all with ``closed``),
        highest first."""
        heads = [h for b in self.branch_map(filter_).values()
                 for h in (b.heads if closed else b.open_heads)]
        return sorted(heads, reverse=True)

    def branches(self, filter_: str | None = "visible") -> list[tuple[BranchHeads, bool]]:
        """Every branch with whether it is active (an open head with no child at all),
        in ``hg branches`` order: active first, then by tip, highest first."""
        top = set(self.heads(filter_))
        rows = [(b, not b.closed and bool(top.intersection(b.open_heads)))
                for b in self.branch_map(filter_).values()]
        rows.sort(key=lambda row: (row[1], row[0].tip, row[0].name.encode(
            "utf-8", "surrogateescape"), not row[0].closed), reverse=True)
        return rows
