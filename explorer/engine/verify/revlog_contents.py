"""The second pass of a revlog check: every revision rebuilt, sized, hashed, explained.

``ContentChecks`` is mixed into ``RevlogChecker``, whose structure pass
leaves the decoded entries and what it found damaged (fields to read
around, revisions not to read). Here every chunk is decompressed within the
size its entry declares and every delta applied; each text is checked
against the entry's size and node, and each failure is narrowed down to
the bytes at fault: a damaged node or parent field, a flipped bit, a zeroed
block, a wrong base or offset (then the text is rebuilt around it), or a
chain that goes through a damaged revision.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..errors import CorruptionError, RevlogError
from ..format.constants import REVIDX_ELLIPSIS, REVIDX_EXTSTORED, REVIDX_ISCENSORED
from ..format.fields import field
from ..format.index import IndexEntry
from ..format.nodeid import hash_revision
from ..payloads.filetext import is_censored
from . import diagnose as verify_diagnose
from .problems import WARNING, Problem

# visitor(rev, text) for every revision whose text was rebuilt and hashes right
Visitor = Callable[[int, bytes], None]
# vouch(rev, text, node) -> True when other revlogs confirm the text: they refer to
# ``node``, its hash, or agree with what it says
Vouch = Callable[[int, bytes, bytes], bool]

PROGRESS_EVERY = 256


class ContentChecks:
    """The content pass; see the module docstring. Uses ``RevlogChecker``'s state."""


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
        if err.message.startswith("delta does not apply"):
            return self.report("bad-delta", err.message, field_name="chunk", length=len(raw),
                               **where)
        return self.report("bad-chunk", f"chunk does not decompress: {err.message}",
                           field_name="chunk", length=len(raw), **where)

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
