"""What hg tells of a repository beyond its revlogs: phases, bookmarks, obsolete and
hidden changesets, heads and branch heads, each read from the files hg reads.

``Queries`` is a part of ``Store``. A transaction's hooks see its pending files
(``phaseroots.pending``, ``bookmarks.pending``) when ``HG_PENDING`` names the
repository, as hg's ``txnutil.trypending`` opens them.

Filters are hg's repoview names: ``None`` (every changeset), ``"visible"`` (hg's
default: obsolete changesets and those of the archived and internal phases hidden,
unless a bookmark, a local tag, the working copy or a visible descendant keeps them)
and ``"served"`` (visible, secret ones left out too).

Each query stays fast on 10^6 changesets: phases are raised along the parent columns
by one compiled walk (``format/walks.py``), the hidden set and filtered heads look only
at the changesets above the lowest filtered one, node lookups search the index (no map
of a million nodes), and the branch map takes each changeset's branch from hg's
rev-branch cache where hg would trust it (``revbranch.py``), reading texts otherwise.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

from ..format.constants import NODE_SIZE, NULL_REV
from ..store.discovery import read_optional
from ..store.files import StoreFiles

if TYPE_CHECKING:
    from .branches import BranchHeads
    from .obsstore import Marker
    from .phases import PhaseRoots
    from .revbranch import Branches

# The modules each query needs load with its first use: every Store is a Queries,
# and most open one only to read revlogs.

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
        from .phases import PhaseRoots

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
    def _phases(self) -> bytearray:
        """Every changeset's phase, a byte each (one more slot, the null revision's:
        public): each root's phase raised along the parents from the lowest root up,
        as hg's C index computes them."""
        from ..format import walks

        cl = self.changelog
        values = bytearray(len(cl) + 1)
        roots = self._phase_roots.roots
        for phase in sorted(roots):  # a revision root of two phases keeps the higher
            for rev in roots[phase]:
                values[rev] = phase
        lowest = min((min(revs) for phase, revs in roots.items() if phase and revs),
                     default=len(cl))
        walks.raise_to_parents(*cl.parent_columns(), values, lowest)
        return values

    @functools.cached_property
    def phase_map(self) -> list[int]:
        """The phase of every changeset, by revision."""
        return list(memoryview(self._phases)[:-1])

    def _in_phases(self, *phases: int) -> list[int]:
        """The changesets of ``phases`` (none public), ascending."""
        values, count = self._phases, len(self._phases) - 1
        found = []
        for phase in phases:
            at = values.find(phase, 0, count)
            while at >= 0:
                found.append(at)
                at = values.find(phase, at + 1, count)
        return sorted(found)

    # -- bookmarks and obsolescence --------------------------------------------------------

    def bookmarks(self) -> dict[str, bytes]:
        """Bookmark name -> node, sorted by name as ``hg bookmarks`` lists them."""
        from . import bookmarks as names

        in_store = names.REQUIREMENT in self.requirements
        data = self._read_pending(self.store_dir if in_store else self.root, "bookmarks")
        marks = names.read_named_nodes(data, self._known)
        return dict(sorted(marks.items(), key=lambda item: item[0].encode(
            "utf-8", "surrogateescape")))

    @functools.cached_property
    def _markers(self) -> list[Marker]:
        from .obsstore import read_markers

        return read_markers(read_optional(self.inside(os.path.join(self.store_dir, "obsstore"))),
                            self.fs_path("obsstore"))

    def obsolete_markers(self) -> list[Marker]:
        """The obsolescence markers of ``.hg/store/obsstore``, in file order."""
        return list(self._markers)

    def obsolete(self) -> set[int]:
        """Draft and secret changesets some marker makes obsolete (hg's ``obsolete()``)."""
        from .phases import DRAFT, SECRET

        cl, phases = self.changelog, self._phases
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
        from .phases import ARCHIVED, INTERNAL, SECRET

        hidden = self._hidden()
        secret = frozenset(self._in_phases(SECRET, ARCHIVED, INTERNAL))
        return {None: frozenset(), "visible": hidden, "served": hidden | secret}

    def _hidden(self) -> frozenset[int]:
        """hg's ``computehidden``: hideable changesets but those pinned, and the
        ancestors of visible mutable changesets revealed."""
        from .phases import ARCHIVED, DRAFT, INTERNAL, SECRET

        hidden = self.obsolete() | set(self._in_phases(ARCHIVED, INTERNAL))
        if not hidden:
            return frozenset()
        hidden -= self._pinned()
        stack = [r for r in self._in_phases(DRAFT, SECRET, ARCHIVED, INTERNAL)
                 if r not in hidden]
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
        from . import bookmarks as names

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
        """Changesets with no child the filter leaves, ascending (``heads(all())``).

        Only what lies at or above the lowest visible parent of a filtered changeset
        can have lost its children to the filter; below it the heads are the
        changelog's own, so the walk covers the filtered region, not the history."""
        cl = self.changelog
        out = self.filtered(filter_)
        every = [r for r in cl.heads() if r != NULL_REV]
        if not out:
            return every
        p1, p2 = cl.parent_columns()
        exposed = [p for r in out for p in (p1[r], p2[r]) if p != NULL_REV and p not in out]
        low = min(exposed, default=min(out))
        has_child = bytearray(len(cl) + 1)
        for rev in range(low, len(cl)):
            if rev not in out:
                has_child[p1[rev]] = has_child[p2[rev]] = 1
        return [r for r in every if r < low and r not in out] + [
            r for r in range(low, len(cl)) if r not in out and not has_child[r]]

    def branch_map(self, filter_: str | None = "visible") -> dict[str, BranchHeads]:
        """Every named branch with its heads (hg's branchmap, which leaves obsolete
        changesets out), in order of first changeset."""
        from .branches import branch_map

        cached = self._branch_maps.get(filter_)
        if cached is None:
            excluded = bytearray(len(self.changelog) + 1)
            for rev in self.filtered(filter_) | self.obsolete():
                excluded[rev] = 1
            cached = self._branch_maps[filter_] = branch_map(self.changelog, excluded,
                                                             self._branches)
        return cached

    @functools.cached_property
    def _branch_maps(self) -> dict[str | None, dict[str, BranchHeads]]:
        return {}

    @functools.cached_property
    def _branches(self) -> Branches:
        """Every changeset's branch: hg's rev-branch cache where hg would trust it."""
        from .revbranch import branches, read_cache

        base = self.store_dir if "store" not in self.requirements else os.path.dirname(
            self.store_dir)
        names_, records = read_cache(os.path.join(base, "cache"))
        return branches(self.changelog, names_, records, self._branch_of)

    def _branch_of(self, rev: int) -> tuple[str, bool]:
        from ..payloads.changeset import changeset_branch

        return changeset_branch(self.changelog.revision(rev))

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
