"""The state of one revlog's check: what is checked, and what its passes found.

A revlog is checked in passes (``revlog_structure``, ``sidefiles``,
``revlog_contents``), and each pass builds on what the earlier ones found:
the content pass does not read a revision whose chunk the structure pass
found outside its file, and rebuilds a text around a base or offset field
the structure pass found damaged. The cross-revlog checks (``links``) then
read the entries, the nodes and which texts were lost or repaired.

All of that lives here, in one ``RevlogCheck`` with public attributes, so
each pass is a plain function or class over it and no pass reaches into
another's private state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..format.fields import field as index_field
from ..format.index import IndexEntry
from ..revlog.revlog import Revlog
from ..revlog.scan import TextScan
from .problems import ERROR, Collector, Problem, Severity


class BadOffset(NamedTuple):
    """A chunk that does not start where the previous one ends, blamed on its offset field."""

    problem: Problem
    expected: int  # the logical offset the chunk should start at (where the previous ends)


def files_beside(rl: Revlog) -> Callable[[str], str]:
    """Side-file paths of a revlog opened on its own: ``<radix><suffix>`` next to its index."""
    index = rl.index_file
    radix = index[:-2] if index.endswith(".i") else index
    return radix.__add__


@dataclass(eq=False)
class RevlogCheck:
    """One revlog under check, where its problems go, and what the passes found.

    What is checked (given):

    * ``rl``: the revlog; ``path``: its unencoded store path, used in problems;
    * ``out``: the collector problems go to;
    * ``sidefile(suffix)``: the filesystem path of ``<radix><suffix>`` (nodemap
      docket, v2 index/data/sidedata files);
    * ``changelog_size``: the number of changesets link revisions must stay
      below, or None when the revlog is checked alone.

    What the structure pass found (read by the content pass and by ``links``):

    * ``entries``: every decoded entry, None where the entry cannot be trusted;
    * ``skipped``: revisions the content pass must not read, and the problem why;
    * ``bad_parents``, ``bad_bases``, ``bad_offsets``: damaged parent, base and
      offset fields, by revision (the content pass explains them from the hash);
    * ``nodes``: node -> the first revision that has it.

    What the content pass found (read by ``links``):

    * ``scan``: the texts as it reads them, in revision order (``scan.chunk(rev)``
      is the delta just applied: the manifest check reads its lines);

    * ``unreadable``: revisions whose text is lost, and the problem why;
    * ``repaired``: revisions whose text was rebuilt around a damaged field, and
      the problem naming that field (the engine's reader cannot read them);
    * ``true_nodes``: rev -> its right node, where the stored node is damaged.
    """

    rl: Revlog
    path: str
    out: Collector
    sidefile: Callable[[str], str]
    changelog_size: int | None = None
    entries: list[IndexEntry | None] = field(default_factory=list, init=False)
    skipped: dict[int, Problem] = field(default_factory=dict, init=False)
    bad_parents: dict[int, list[Problem]] = field(default_factory=dict, init=False)
    bad_bases: dict[int, Problem] = field(default_factory=dict, init=False)
    bad_offsets: dict[int, BadOffset] = field(default_factory=dict, init=False)
    nodes: dict[bytes, int] = field(default_factory=dict, init=False)
    scan: TextScan | None = field(default=None, init=False)
    unreadable: dict[int, Problem] = field(default_factory=dict, init=False)
    repaired: dict[int, Problem] = field(default_factory=dict, init=False)
    true_nodes: dict[int, bytes] = field(default_factory=dict, init=False)

    def changeset_of(self, rev: int | None) -> int | None:
        """The changeset a revision belongs to (its link revision), when trustworthy."""
        if rev is None:
            return None
        if self.rl.kind == "changelog":
            return rev
        e = self.entries[rev] if 0 <= rev < len(self.entries) else None
        if e is None or e.link_rev < 0:
            return None
        if self.changelog_size is not None and e.link_rev >= self.changelog_size:
            return None
        return e.link_rev

    def report(self, kind: str, message: str, *, rev: int | None = None,
               file: str | None = None, offset: int | None = None, field_name: str | None = None,
               length: int | None = None, severity: Severity = ERROR,
               hint: str | None = None) -> Problem:
        """Add a problem of this revlog to ``out`` (with its changeset) and return it."""
        problem = Problem(severity, self.path, file, rev, offset, field_name, message, hint, kind,
                          self.changeset_of(rev), length)
        self.out.add(problem)
        return problem

    def report_field(self, kind: str, rev: int, name: str, message: str, *,
                     severity: Severity = ERROR, hint: str | None = None) -> Problem:
        """A problem in field ``name`` of entry ``rev``, located at the field's bytes."""
        f = index_field(self.rl.version, name)
        return self.report(kind, message, rev=rev, file=self.rl.index_path,
                           offset=self.rl.entry_offset(rev) + f.start, field_name=name,
                           length=f.size, severity=severity, hint=hint)
