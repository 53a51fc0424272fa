"""Checks of one revlog on its own: its entries, its files, every revision's bytes.

Two passes. The *structure* pass decodes every entry and checks what the
index promises, without reading data: flags known, chunks contiguous and
inside their file, bases and parents earlier revisions, link revisions
inside the changelog, nodes unique, file sizes matching the index. The
*content* pass rebuilds every revision, so every chunk is decompressed
(within the size the index declares) and every delta applied, then checks
the text's size and hash, and hands the text to a visitor for the
cross-revlog checks.

Damage found by the first pass is not reported again by the second: a
revision whose chunk lies outside its file is not read, and a revision whose
chain goes through a damaged one is reported as such, pointing at the
damaged bytes.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable

from . import verify_diagnose, verify_sidefiles
from .constants import (
    CHANGELOG_V2,
    KNOWN_REVISION_FLAGS,
    NULL_NODE,
    NULL_REV,
    REVIDX_ELLIPSIS,
    REVIDX_EXTSTORED,
    REVIDX_ISCENSORED,
    REVLOG_V1,
)
from .errors import CorruptionError, RevlogError
from .fields import field, has_field
from .filelog import is_censored
from .index import IndexEntry
from .problems import ERROR, WARNING, Collector, Problem, Severity
from .revlog import Revlog, hash_revision

# visitor(rev, text) for every revision whose text was rebuilt and hashes right
Visitor = Callable[[int, bytes], None]
# vouch(rev, text, node) -> True when other revlogs confirm the text: they refer to
# ``node``, its hash, or agree with what it says
Vouch = Callable[[int, bytes, bytes], bool]

PROGRESS_EVERY = 256


class RevlogChecker:
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

    # -- contents ------------------------------------------------------------------------

    def check_contents(self, visit: Visitor | None = None, vouch: Vouch | None = None,
                       salvage: Visitor | None = None) -> None:
        """Rebuild every revision; check size and hash; pass good texts to ``visit``.

        ``salvage(rev, None)`` is called for revisions whose text is lost, so a
        caller can still use what their own chunk holds.
        """
        self.rl.clear_caches()
        pending = 0
        for rev, e in enumerate(self.entries):
            pending += 1
            if pending == PROGRESS_EVERY:
                self.out.advance(pending, self.path)
                pending = 0
            text = self._content(rev, e, vouch)
            if text is not None:
                if visit is not None:
                    visit(rev, text)
            elif salvage is not None:
                salvage(rev, None)
        self.out.advance(pending, self.path)

    def _content(self, rev: int, e: IndexEntry | None, vouch: Vouch | None) -> bytes | None:
        """The checked text of ``rev``, or None (and why, in ``unreadable``)."""
        hashable = e is not None and rev not in self._bad_parents
        if hashable and rev in self._bad_base:
            text = self._explain_base(rev, e)
            if text is not None:
                return text
        if hashable and rev in self._bad_offset:
            text = self._explain_offset(rev, e)
            if text is not None:
                return text
        if e is None or rev in self._skip:
            self.unreadable[rev] = self._skip[rev]
            return None
        try:
            text = self.rl.revision(rev) if self._linear is None else self._linear.text(rev)
        except CorruptionError as err:
            self._unreadable(rev, err)
            return self._undo_flip(rev)
        return text if self._check_text(e, text, vouch) else self._undo_flip(rev)

    def _undo_flip(self, rev: int) -> bytes | None:
        """The right text of a revision whose only damage is a flipped bit, now found."""
        text = self._corrected.pop(rev, None)
        if text is not None:
            self.repaired[rev] = self.unreadable.pop(rev)
        return text

    def _explain_base(self, rev: int, e: IndexEntry) -> bytes | None:
        """Which base the damaged field should name: the one whose text, with this
        chunk applied, hashes right (the revision itself: it is a full text)."""
        old = self._bad_base[rev]
        if self._linear is not None:
            try:
                text = self._linear.text(rev)
                if self._hash_ok(e, text):
                    self.out.replace(old, dataclasses.replace(old, hint=(
                        "the data is intact: Mercurial only asks whether a non-generaldelta base "
                        "names the revision itself, so it reads past this field and hg verify "
                        "does not notice; other readers stop here")))
                    return text
            except CorruptionError:
                pass
        found = verify_diagnose.find_base(self.rl, rev, self._parent_nodes(e))
        if found is None:
            return None
        base, text = found
        what = "a full text" if base == rev else f"a delta against rev {base}"
        self.out.replace(old, dataclasses.replace(
            old, message=f"{old.message}; it should be {base}: the chunk is {what} and then "
                         f"hashes right"))
        self._skip.pop(rev, None)
        self.repaired[rev] = old
        if self._linear is not None:
            self._linear.remember(rev, text)
        return text

    def _explain_offset(self, rev: int, e: IndexEntry) -> bytes | None:
        """Confirm a misplaced offset: the chunk read where it should start hashes right."""
        old, expected = self._bad_offset[rev]
        text = verify_diagnose.text_at(self.rl, rev, expected, self._parent_nodes(e))
        if text is not None:
            self.out.replace(old, dataclasses.replace(
                old, message=f"{old.message}; it should be {expected}: the chunk there hashes "
                             f"right"))
            self._skip.pop(rev, None)
            self.repaired[rev] = old
        return text

    def _hash_ok(self, e: IndexEntry, text: bytes) -> bool:
        return e.rev not in self._bad_parents and hash_revision(
            text, *self._parent_nodes(e)) == e.node

    def _unreadable(self, rev: int, err: CorruptionError) -> None:
        if err.rev is not None and err.rev != rev:
            self.unreadable[rev] = self._broken_chain(rev, err.rev, err)
        else:
            self.unreadable[rev] = self._diagnose(rev, err)

    def _broken_chain(self, rev: int, through: int, err: CorruptionError | None) -> Problem:
        cause = self.unreadable.get(through) or self.repaired.get(through)
        if cause is not None:
            where, message = (cause.file, cause.offset, cause.field), cause.message
        else:
            where, message = (err.file, err.offset, "chunk"), err.message
        return self.report("broken-chain", f"cannot be rebuilt: its delta chain goes through "
                           f"rev {through}, which is damaged ({message})",
                           rev=rev, file=where[0], offset=where[1], field_name=where[2])

    def _diagnose(self, rev: int, err: CorruptionError) -> Problem:
        """Why the text of ``rev`` itself cannot be rebuilt: its chunk or its delta."""
        rl = self.rl
        where = dict(rev=rev, file=err.file, offset=err.offset)
        try:
            raw = rl.raw_chunk(rev)
        except RevlogError:
            return self.report("chunk-outside-file", err.message, field_name="chunk", **where)
        if verify_diagnose.is_zeroed(raw):
            return self._zeroed(rev, raw)
        flip = self._flip(rev)
        if flip is not None:
            return flip
        try:
            rl.chunk(rev)
        except RevlogError:
            return self.report("bad-chunk", f"chunk does not decompress: {err.message}",
                               field_name="chunk", length=len(raw), **where)
        return self.report("bad-delta", err.message, field_name="chunk", length=len(raw),
                           **where)

    def _zeroed(self, rev: int, raw: bytes) -> Problem:
        return self.report("zeroed-chunk", f"chunk is {len(raw)} zero bytes", rev=rev,
                           file=self.rl.data_path, offset=self.rl.chunk_offset(rev),
                           field_name="chunk", length=len(raw),
                           hint="a block of zeros: typical of a filesystem that lost data "
                                "after a crash")

    def _flip(self, rev: int) -> Problem | None:
        """A single flipped bit in the chunk, found by flipping it back."""
        e = self.entries[rev]
        if e is None or rev in self._bad_parents:
            return None
        cost = verify_diagnose.search_cost(self.rl, rev)
        if cost > min(verify_diagnose.SEARCH_LIMIT, self._search_budget):
            return None
        self._search_budget -= cost
        p1, p2 = self._parent_nodes(e)
        found = verify_diagnose.find_bit_flip(self.rl, rev, p1, p2)
        if found is None:
            return None
        offset, bit, text = found
        self._corrected[rev] = text
        return self.report("bit-flip", f"bit {bit} of byte {offset} is flipped: flipped back, "
                           f"the revision hashes right", rev=rev, file=self.rl.data_path,
                           offset=offset, field_name="chunk", length=1,
                           hint="a single flipped bit: typical of failing memory or disk")

    def _parent_nodes(self, e: IndexEntry) -> tuple[bytes, bytes]:
        """Parent nodes, as they should be when a parent's node field is damaged."""
        node = self.rl.node
        return (self.true_nodes.get(e.p1) or node(e.p1), self.true_nodes.get(e.p2) or node(e.p2))

    def _check_text(self, e: IndexEntry, text: bytes, vouch: Vouch | None) -> bool:
        """Size and hash of a rebuilt text; True when the text can be trusted."""
        rev = e.rev
        if rev in self._bad_parents:
            self._explain_parents(e, text)
            return True  # the hash cannot be checked; nothing says the text is wrong
        rl = self.rl
        computed = hash_revision(text, rl.node(e.p1), rl.node(e.p2))
        if computed != e.node and not self._mismatch(e, text, computed, vouch):
            return False
        ulen = e.uncompressed_length
        if ulen is not None and ulen != len(text):
            self.report_field("bad-size", rev, "uncompressed_length",
                              f"unpacked size is {len(text)}, {ulen} expected")
        return True

    def _explain_parents(self, e: IndexEntry, text: bytes) -> None:
        """Find which revision a damaged parent field should name, from the hash."""
        problems = self._bad_parents[e.rev]
        if len(problems) != 1:
            return
        old = problems[0]
        other = e.p2 if old.field == "p1" else e.p1
        found = verify_diagnose.find_parent(self.rl, e.rev, text, self.rl.node(other))
        if found is not None:
            self.out.replace(old, dataclasses.replace(
                old, message=f"{old.message}; it should be {found}: with {old.field} = "
                             f"{found} the revision hashes right"))

    def _mismatch(self, e: IndexEntry, text: bytes, computed: bytes, vouch: Vouch | None) -> bool:
        """Explain a hash mismatch; True when the text itself is right after all."""
        rev, rl = e.rev, self.rl
        if e.flags & (REVIDX_EXTSTORED | REVIDX_ELLIPSIS):
            return False  # the hash covers data kept elsewhere, or is not checked by design
        if rl.kind == "filelog" and is_censored_text(text):
            self.report_field("censored", rev, "flags",
                              "censored: the content was removed on purpose (hg censor)",
                              severity=WARNING,
                              hint="hg verify reports 'censored file data' as an error unless "
                                   "censor.policy=ignore")
            return False
        if self._parent_node_damaged(e, text):
            return True
        if verify_diagnose.node_damaged(e.node, computed) or (
                vouch is not None and vouch(rev, text, computed)):
            self.true_nodes[rev] = computed
            self.report_field("wrong-node", rev, "node",
                              f"integrity check failed: the stored node {e.node.hex()} is "
                              f"damaged; the text and parents hash to {computed.hex()}")
            return True
        self.unreadable[rev] = self._bad_text(e, text, computed)
        return False

    def _parent_node_damaged(self, e: IndexEntry, text: bytes) -> bool:
        """The text is right, but a parent's stored node is not (so this hash differs)."""
        damaged = [p for p in (e.p1, e.p2) if p in self.true_nodes]
        if not damaged or hash_revision(text, *self._parent_nodes(e)) != e.node:
            return False
        parent = damaged[0]
        f = field(self.rl.version, "node")
        self.report("parent-node-damaged",
                    f"integrity check failed: the node of its parent rev {parent} is damaged "
                    f"(with the right one the revision hashes right)", rev=e.rev,
                    file=self.rl.index_path, offset=self.rl.entry_offset(parent) + f.start,
                    field_name="node", length=f.size)
        return True

    def _chain_members(self, rev: int) -> list[int]:
        """The revisions ``rev`` was rebuilt from (before it), as the reader walked them."""
        try:
            if self._linear is None:
                return self.rl.delta_chain(rev)[:-1]
            start = rev
            while start > 0 and self.rl.entry(start).base != start:
                start -= 1
            return list(range(start, rev))
        except RevlogError:
            return []

    def _bad_text(self, e: IndexEntry, text: bytes, computed: bytes) -> Problem:
        """The text is wrong: find out where, as precisely as the bytes allow."""
        rl, rev = self.rl, e.rev
        for member in self._chain_members(rev):
            if member in self.unreadable or member in self.repaired:
                return self._broken_chain(rev, member, None)
        try:
            raw = rl.raw_chunk(rev)
        except RevlogError:
            raw = b""
        if verify_diagnose.is_zeroed(raw):
            return self._zeroed(rev, raw)
        flip = self._flip(rev)
        if flip is not None:
            return flip
        ulen = e.uncompressed_length
        size = (f"; it is {len(text)} bytes, the index says {ulen}"
                if ulen is not None and ulen != len(text) else "")
        return self.report("hash-mismatch",
                           f"integrity check failed: text and parents hash to "
                           f"{computed.hex()[:12]}, not the stored node {e.node.hex()[:12]}"
                           f"{size}", rev=rev, file=rl.data_path, offset=rl.chunk_offset(rev),
                           field_name="chunk", length=max(e.compressed_length, 0),
                           hint="the data of this revision is damaged (or its parents' "
                                "fields, or its node)" if not e.flags & REVIDX_ISCENSORED else
                           "flagged censored, but the text is no censorship tombstone")


def is_censored_text(text: bytes) -> bool:
    """A censorship tombstone (metadata with a ``censored`` key), damaged or not."""
    try:
        return is_censored(text)
    except CorruptionError:
        return False
