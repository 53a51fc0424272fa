"""Checks of one revlog on its own: its entries, its files, every revision's bytes.

Two passes. The *structure* pass decodes every entry and checks what the
index promises, without reading data: flags known, chunks contiguous and
inside their file, bases and parents earlier revisions, link revisions
inside the changelog, nodes unique, file sizes matching the index. The
*content* pass (``verify_contents``) rebuilds every revision, so every chunk is decompressed
(within the size the index declares) and every delta applied, then checks
the text's size and hash, and hands the text to a visitor for the
cross-revlog checks.

Damage found by the first pass is not reported again by the second: a
revision whose chunk lies outside its file is not read, and a revision whose
chain goes through a damaged one is reported as such, pointing at the
damaged bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..errors import CorruptionError
from ..format.constants import CHANGELOG_V2, KNOWN_REVISION_FLAGS, NULL_NODE, NULL_REV, REVLOG_V1
from ..format.fields import field, has_field
from ..format.index import IndexEntry
from ..revlog.revlog import Revlog
from . import diagnose as verify_diagnose
from . import sidefiles as verify_sidefiles
from .problems import ERROR, WARNING, Collector, Problem, Severity
from .revlog_contents import ContentChecks


class RevlogChecker(ContentChecks):
    """Checks one revlog and reports to ``out``.

    ``path`` is the unencoded store path used in problems; ``changelog_size``
    the number of changesets link revisions must stay below (None when the
    revlog is checked alone); ``sidefile(suffix)`` maps ``<radix><suffix>``
    names (nodemap docket, v2 files) to filesystem paths; ``nodemap`` says
    whether to look for a persistent nodemap.
    """

    def __init__(self, rl: Revlog, path: str, out: Collector, *,
                 changelog_size: int | None = None,
                 sidefile: Callable[[str], str] | None = None,
                 nodemap: bool = True) -> None:
        self.rl = rl
        self.path = path
        self.out = out
        self.changelog_size = changelog_size
        radix = rl.index_file[:-2] if rl.index_file.endswith(".i") else rl.index_file
        self.sidefile = sidefile or radix.__add__
        self.nodemap = nodemap  # look for a persistent nodemap (stores say whether they keep one)
        self.entries: list[IndexEntry | None] = []
        self.unreadable: dict[int, Problem] = {}  # rev -> why its text is missing
        # rev -> the damaged field its text was rebuilt around (the engine cannot read it)
        self.repaired: dict[int, Problem] = {}
        self._corrected: dict[int, bytes] = {}  # rev -> its text with a flipped bit undone
        self._search_budget = verify_diagnose.SEARCH_BUDGET
        self._skip: dict[int, Problem] = {}  # revisions not to read, and why
        self._bad_parents: dict[int, list[Problem]] = {}
        self._linear: verify_diagnose.LinearChains | None = None
        self._bad_base: dict[int, Problem] = {}
        self._bad_offset: dict[int, tuple[Problem, int]] = {}  # and where the chunk should be
        self.nodes: dict[bytes, int] = {}
        self.true_nodes: dict[int, bytes] = {}  # rev -> its right node (the stored one is damaged)

    # -- problems ------------------------------------------------------------------------

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
        problem = Problem(severity, self.path, file, rev, offset, field_name, message, hint, kind,
                          self.changeset_of(rev), length)
        self.out.add(problem)
        return problem

    def report_field(self, kind: str, rev: int, name: str, message: str, *,
                     severity: Severity = ERROR, hint: str | None = None) -> Problem:
        """A problem in field ``name`` of entry ``rev``."""
        f = field(self.rl.version, name)
        return self.report(kind, message, rev=rev, file=self.rl.index_path,
                           offset=self.rl.entry_offset(rev) + f.start, field_name=name,
                           length=f.size, severity=severity, hint=hint)

    # -- structure -----------------------------------------------------------------------

    def check_structure(self) -> None:
        rl = self.rl
        self.entries = [self._entry(rev) for rev in range(len(rl))]
        chain_base = NULL_REV
        for e in self.entries:
            if e is None:
                continue
            self._check_flags(e)
            self._check_size(e)
            chain_base = self._check_base(e, chain_base)
            self._check_parents(e)
            self._check_link(e)
            self._check_node(e)
        self._check_offsets()
        self._check_sizes()
        verify_sidefiles.check_docket(self)
        if self.nodemap:
            verify_sidefiles.check_nodemap(self)

    def _entry(self, rev: int) -> IndexEntry | None:
        """The decoded entry, or None (reported) when it cannot be trusted at all."""
        raw = self.rl.entry_bytes(rev)
        if not raw.strip(b"\0"):
            self._skip[rev] = self.report(
                "zeroed-entry", f"entry is {len(raw)} zero bytes", rev=rev,
                file=self.rl.index_path, offset=self.rl.entry_offset(rev), field_name="entry",
                length=len(raw), hint="a block of zeros: typical of a filesystem that lost "
                                      "data after a crash")
            return None
        try:
            return self.rl.entry(rev)
        except CorruptionError as err:  # v0 stores parents as nodes, resolved on decode
            self._skip[rev] = self.report(
                "bad-parent", err.message, rev=rev, file=err.file, offset=err.offset,
                field_name="p1" if err.offset == self.rl.entry_offset(rev) + 16 else "p2",
                length=20)
            return None

    def _check_flags(self, e: IndexEntry) -> None:
        unknown = e.flags & ~KNOWN_REVISION_FLAGS
        if unknown:
            self.report_field("bad-flags", e.rev, "flags",
                              f"unknown revision flags {unknown:#06x}")

    def _check_size(self, e: IndexEntry) -> None:
        """A negative text size is damage; reading would have no bound to hold to."""
        if e.uncompressed_length is not None and e.uncompressed_length < 0:
            self._skip[e.rev] = self.report_field(
                "bad-size", e.rev, "uncompressed_length",
                f"the text size {e.uncompressed_length} is negative")

    def _check_base(self, e: IndexEntry, chain_base: int) -> int:
        """Check the delta base; return the chain base a following non-generaldelta
        revision must name."""
        rl, rev, base = self.rl, e.rev, e.base
        if rl.version == CHANGELOG_V2:
            return rev
        if not NULL_REV <= base <= rev:
            where = "past the revision" if base > rev else "not a revision"
            self._bad_base[rev] = self.report_field(
                "bad-base", rev, "base", f"delta base {base} is {where}",
                hint="the delta chain cannot be followed from here")
            if rl.generaldelta:
                self._skip[rev] = self._bad_base[rev]
            else:
                self._linear = verify_diagnose.LinearChains(rl)
            return chain_base
        if base in (rev, NULL_REV):
            return rev
        if not rl.generaldelta and base != chain_base and rev > 0:
            self.report_field("bad-base", rev, "base",
                              f"delta base {base} is not where its chain starts "
                              f"(rev {chain_base})", severity=WARNING,
                              hint="non-generaldelta chains run back to the last full text; "
                                   "Mercurial ignores this field there but other readers do not")
        return chain_base

    def _check_parents(self, e: IndexEntry) -> None:
        for name, p in (("p1", e.p1), ("p2", e.p2)):
            if not NULL_REV <= p < e.rev:
                where = "past the last revision" if p >= len(self.rl) else (
                    "not an earlier revision" if p >= e.rev else "not a revision")
                problem = self.report_field(
                    "bad-parent", e.rev, name, f"{name} is {p}, {where}",
                    hint="Mercurial 7.2 aborts with a traceback on such an entry"
                    if self.rl.kind == "changelog" else None)
                self._bad_parents.setdefault(e.rev, []).append(problem)

    def _check_link(self, e: IndexEntry) -> None:
        rl, rev, link = self.rl, e.rev, e.link_rev
        if rl.kind == "changelog":
            if link != rev and has_field(rl.version, "link_rev"):
                self.report_field("bad-linkrev", rev, "link_rev",
                                  f"changelog rev {rev} has link revision {link}, not itself")
            return
        limit = self.changelog_size
        if link < 0 or (limit is not None and link >= limit):
            self.report_field("bad-linkrev", rev, "link_rev",
                              f"rev {rev} points to nonexistent changeset {link}")

    def _check_node(self, e: IndexEntry) -> None:
        if e.node == NULL_NODE:
            self.report_field("null-node", e.rev, "node", "node is the null id")
            return
        first = self.nodes.setdefault(e.node, e.rev)
        if first != e.rev:
            self.report_field("duplicate-node", e.rev, "node",
                              f"duplicate revision {e.rev} ({first}): both have node "
                              f"{e.node.hex()[:12]}")

    def _check_offsets(self) -> None:
        """Chunks follow each other without gap or overlap, and stay inside their file."""
        rl = self.rl
        size = self._data_file_size()
        expected = 0
        entries = self.entries
        for rev, e in enumerate(entries):
            if e is None:
                continue
            start, clen = rl.start(rev), e.compressed_length
            if clen < 0:
                self._skip[rev] = self.report_field("bad-length", rev, "compressed_length",
                                                    f"chunk length {clen} is negative")
                continue
            if start != expected and not (rev == 0 and rl.version == REVLOG_V1):
                if self._misplaced(rev, start, expected) == "offset":
                    expected += clen  # where the next chunk starts if only this offset is wrong
                    self._check_inside(rev, clen, size)
                    continue
            expected = start + clen
            self._check_inside(rev, clen, size)

    def _data_file_size(self) -> int:
        """Bytes really in the file holding the chunks (a v2 docket may promise more)."""
        rl = self.rl
        if rl.inline:
            return rl.data_size()
        try:
            actual = os.path.getsize(rl.data_path)
        except OSError:
            actual = 0
        return min(actual, rl.data_size())

    def _misplaced(self, rev: int, start: int, expected: int) -> str:
        """Chunk ``rev`` does not start where the previous one ends: blame the field
        the next entry disagrees with, and say which ("offset" or "length")."""
        rl, entries = self.rl, self.entries
        nxt = rev + 1 < len(entries) and entries[rev + 1] is not None
        consistent_after = nxt and rl.start(rev + 1) == start + entries[rev].compressed_length
        if consistent_after and rev > 0 and entries[rev - 1] is not None:
            prev = entries[rev - 1]
            self.report_field(
                "bad-length", rev - 1, "compressed_length",
                f"chunk length {prev.compressed_length} ends at {expected}, but rev {rev} "
                f"starts at {start}")
            return "length"
        if start < expected:
            message = (f"chunk starts at {start}, inside the previous chunk (which ends at "
                       f"{expected})")
            kind = "overlapping-offsets"
        else:
            message = (f"chunk starts at {start}, {start - expected} bytes after the previous "
                       f"chunk ends ({expected})")
            kind = "offset-gap"
        self._bad_offset[rev] = (self.report_field(kind, rev, "offset", message), expected)
        return "offset"

    def _check_inside(self, rev: int, clen: int, size: int) -> None:
        pos = self.rl.chunk_offset(rev)
        if pos + clen <= size:
            return
        name = os.path.basename(self.rl.data_path)
        self._skip[rev] = self.report("chunk-outside-file",
                    f"chunk of {clen} bytes at {pos} runs past the end of {name} "
                    f"({size} bytes)", rev=rev, file=self.rl.data_path, offset=min(pos, size),
                    field_name="chunk", length=max(0, size - pos) if pos < size else 0,
                    hint="the file was truncated (a crash, a full disk, a bad copy)")

    def _check_sizes(self) -> None:
        """Bytes after the last entry, or after the last chunk (Mercurial's checksize)."""
        rl = self.rl
        trailing = rl.trailing_index_bytes
        if trailing:
            end = os.path.getsize(rl.index_path) if os.path.exists(rl.index_path) else 0
            if rl.docket is not None:
                end = min(end, rl.docket.index_end)
            self.report("index-extra-bytes",
                        f"index contains {trailing} extra bytes (a partial entry for "
                        f"rev {len(rl)})", rev=len(rl), file=rl.index_path, offset=end - trailing,
                        field_name="entry", length=trailing,
                        hint="left by an interrupted write; hg recover (with the journal) "
                             "or truncating the file removes it")
        if rl.inline or not len(rl) or rl.docket is not None:
            return
        last = self.entries[-1]
        if last is None:
            return
        expected = rl.start(len(rl) - 1) + last.compressed_length
        actual = rl.data_size()
        if actual > expected:
            self.report("data-extra-bytes",
                        f"data length off by {actual - expected} bytes: the last chunk ends "
                        f"at {expected}", file=rl.data_path, offset=expected, field_name="data",
                        length=actual - expected,
                        hint="bytes appended by an interrupted transaction (or a lost index "
                             "entry)")
        elif actual < expected:
            self.report("data-short",
                        f"data length off by {actual - expected} bytes: the file ends at "
                        f"{actual}, the last chunk at {expected}", file=rl.data_path,
                        offset=actual, field_name="data", length=0)
