"""The second pass of a revlog check: every revision rebuilt, sized, hashed, explained.

It runs after ``revlog_structure`` and reads what that pass left in the
``RevlogCheck``: the decoded entries, the revisions not to read, and the
damaged parent, base and offset fields. Every chunk is decompressed within
the size its entry declares and every delta applied; each text is checked
against the entry's size and node, and each failure is narrowed down to the
bytes at fault: a damaged node or parent field, a flipped bit, a zeroed
block, a wrong base or offset (then the text is rebuilt around it), or a
chain that goes through a damaged revision.

What it finds goes back into the ``RevlogCheck`` (``unreadable``,
``repaired``, ``true_nodes``); texts that check out are handed to a visitor
for the cross-revlog checks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..errors import CorruptionError, RevlogError
from ..format.constants import (
    NULL_NODE,
    NULL_REV,
    REVIDX_ELLIPSIS,
    REVIDX_EXTSTORED,
    REVIDX_ISCENSORED,
)
from ..format.fields import field
from ..format.index import IndexEntry
from ..format.nodeid import hash_revision
from ..payloads.filetext import is_censored
from .diagnose import (
    SEARCH_BUDGET,
    SEARCH_LIMIT,
    LinearChains,
    find_base,
    find_bit_flip,
    find_parent,
    is_zeroed,
    node_damaged,
    search_cost,
    text_at,
)
from .problems import WARNING, Problem
from .revlog_check import RevlogCheck

# visitor(rev, text) for every revision whose text was rebuilt and hashes right
Visitor = Callable[[int, bytes], None]
# vouch(rev, text, node) -> True when other revlogs confirm the text: they refer to
# ``node``, its hash, or agree with what it says
Vouch = Callable[[int, bytes, bytes], bool]

PROGRESS_EVERY = 256


def check_contents(check: RevlogCheck, visit: Visitor | None = None,
                   vouch: Vouch | None = None, salvage: Visitor | None = None) -> None:
    """Run the content pass over ``check`` (after ``check_structure``); see ``ContentPass``."""
    ContentPass(check).run(visit, vouch, salvage)


class ContentPass:
    """The content pass over one ``RevlogCheck``; see the module docstring.

    Besides the check, it keeps what only this pass needs: how texts are read
    (as Mercurial reads them when a non-generaldelta base field is damaged),
    texts recovered by undoing a flipped bit until the revision is reached, and
    what is left of the bit-flip search budget.
    """

    def __init__(self, check: RevlogCheck) -> None:
        self.check = check
        rl = check.rl
        # Without generaldelta a damaged base field is never read by Mercurial: read past it.
        self._linear = LinearChains(rl) if check.bad_bases and not rl.generaldelta else None
        self._corrected: dict[int, bytes] = {}  # rev -> its text with a flipped bit undone
        self._search_budget = SEARCH_BUDGET
        check.scan = rl.scan()  # every text in revision order, each rebuilt once

    def run(self, visit: Visitor | None = None, vouch: Vouch | None = None,
            salvage: Visitor | None = None) -> None:
        """Rebuild every revision; check size and hash; pass good texts to ``visit``.

        ``salvage(rev, None)`` is called for revisions whose text is lost, so a
        caller can still use what their own chunk holds.
        """
        check = self.check
        check.rl.clear_caches()
        pending = 0
        for rev, e in enumerate(check.entries):
            pending += 1
            if pending == PROGRESS_EVERY:
                check.out.advance(pending, check.path, len(check.entries))
                pending = 0
            text = self._content(rev, e, vouch)
            if text is not None:
                if visit is not None:
                    visit(rev, text)
            elif salvage is not None:
                salvage(rev, None)
        check.out.advance(pending, check.path, len(check.entries))

    def _content(self, rev: int, e: IndexEntry | None, vouch: Vouch | None) -> bytes | None:
        """The checked text of ``rev``, or None (and why, in ``unreadable``)."""
        check = self.check
        hashable = e is not None and rev not in check.bad_parents
        if hashable and rev in check.bad_bases:
            text = self._explain_base(rev, e)
            if text is not None:
                return text
        if hashable and rev in check.bad_offsets:
            text = self._explain_offset(rev, e)
            if text is not None:
                return text
        if e is None or rev in check.skipped:
            check.unreadable[rev] = check.skipped[rev]
            return None
        try:
            text = check.scan.text(rev) if self._linear is None else self._linear.text(rev)
        except CorruptionError as err:
            self._unreadable(rev, err)
            return self._undo_flip(rev)
        return text if self._check_text(e, text, vouch) else self._undo_flip(rev)

    def _undo_flip(self, rev: int) -> bytes | None:
        """The right text of a revision whose only damage is a flipped bit, now found."""
        text = self._corrected.pop(rev, None)
        if text is not None:
            self.check.repaired[rev] = self.check.unreadable.pop(rev)
        return text

    def _explain_base(self, rev: int, e: IndexEntry) -> bytes | None:
        """Which base the damaged field should name: the one whose text, with this
        chunk applied, hashes right (the revision itself: it is a full text)."""
        check = self.check
        old = check.bad_bases[rev]
        if self._linear is not None:
            try:
                text = self._linear.text(rev)
                if self._hash_ok(e, text):
                    check.out.replace(old, dataclasses.replace(old, hint=(
                        "the data is intact: Mercurial only asks whether a non-generaldelta base "
                        "names the revision itself, so it reads past this field and hg verify "
                        "does not notice; other readers stop here")))
                    return text
            except CorruptionError:
                pass
        found = find_base(check.rl, rev, self._parent_nodes(e))
        if found is None:
            return None
        base, text = found
        what = "a full text" if base == rev else f"a delta against rev {base}"
        check.out.replace(old, dataclasses.replace(
            old, message=f"{old.message}; it should be {base}: the chunk is {what} and then "
                         f"hashes right"))
        check.skipped.pop(rev, None)
        check.repaired[rev] = old
        if self._linear is not None:
            self._linear.remember(rev, text)
        return text

    def _explain_offset(self, rev: int, e: IndexEntry) -> bytes | None:
        """Confirm a misplaced offset: the chunk read where it should start hashes right."""
        check = self.check
        old, expected = check.bad_offsets[rev]
        text = text_at(check.rl, rev, expected, self._parent_nodes(e))
        if text is not None:
            check.out.replace(old, dataclasses.replace(
                old, message=f"{old.message}; it should be {expected}: the chunk there hashes "
                             f"right"))
            check.skipped.pop(rev, None)
            check.repaired[rev] = old
        return text

    def _hash_ok(self, e: IndexEntry, text: bytes) -> bool:
        return e.rev not in self.check.bad_parents and hash_revision(
            text, *self._parent_nodes(e)) == e.node

    def _unreadable(self, rev: int, err: CorruptionError) -> None:
        if err.rev is not None and err.rev != rev:
            self.check.unreadable[rev] = self._broken_chain(rev, err.rev, err)
        else:
            self.check.unreadable[rev] = self._diagnose(rev, err)

    def _broken_chain(self, rev: int, through: int, err: CorruptionError | None) -> Problem:
        check = self.check
        cause = check.unreadable.get(through) or check.repaired.get(through)
        if cause is not None:
            where, message = (cause.file, cause.offset, cause.field), cause.message
        else:
            where, message = (err.file, err.offset, "chunk"), err.message
        return check.report("broken-chain", f"cannot be rebuilt: its delta chain goes through "
                            f"rev {through}, which is damaged ({message})",
                            rev=rev, file=where[0], offset=where[1], field_name=where[2])

    def _diagnose(self, rev: int, err: CorruptionError) -> Problem:
        """Why the text of ``rev`` itself cannot be rebuilt: its chunk or its delta."""
        check = self.check
        where = dict(rev=rev, file=err.file, offset=err.offset)
        try:
            raw = check.rl.raw_chunk(rev)
        except RevlogError:
            return check.report("chunk-outside-file", err.message, field_name="chunk", **where)
        if is_zeroed(raw):
            return self._zeroed(rev, raw)
        flip = self._flip(rev)
        if flip is not None:
            return flip
        if err.message.startswith("delta does not apply"):
            return check.report("bad-delta", err.message, field_name="chunk", length=len(raw),
                                **where)
        return check.report("bad-chunk", f"chunk does not decompress: {err.message}",
                            field_name="chunk", length=len(raw), **where)

    def _zeroed(self, rev: int, raw: bytes) -> Problem:
        rl = self.check.rl
        return self.check.report("zeroed-chunk", f"chunk is {len(raw)} zero bytes", rev=rev,
                                 file=rl.data_path, offset=rl.chunk_offset(rev),
                                 field_name="chunk", length=len(raw),
                                 hint="a block of zeros: typical of a filesystem that lost data "
                                      "after a crash")

    def _flip(self, rev: int) -> Problem | None:
        """A single flipped bit in the chunk, found by flipping it back."""
        check = self.check
        e = check.entries[rev]
        if e is None or rev in check.bad_parents:
            return None
        cost = search_cost(check.rl, rev)
        if cost > min(SEARCH_LIMIT, self._search_budget):
            return None
        self._search_budget -= cost
        p1, p2 = self._parent_nodes(e)
        found = find_bit_flip(check.rl, rev, p1, p2)
        if found is None:
            return None
        offset, bit, text = found
        self._corrected[rev] = text
        return check.report("bit-flip", f"bit {bit} of byte {offset} is flipped: flipped back, "
                            f"the revision hashes right", rev=rev, file=check.rl.data_path,
                            offset=offset, field_name="chunk", length=1,
                            hint="a single flipped bit: typical of failing memory or disk")

    def _parent_nodes(self, e: IndexEntry) -> tuple[bytes, bytes]:
        """Parent nodes, as they should be when a parent's node field is damaged."""
        true_nodes, node = self.check.true_nodes, self.check.rl.node
        return (true_nodes.get(e.p1) or node(e.p1), true_nodes.get(e.p2) or node(e.p2))

    def _check_text(self, e: IndexEntry, text: bytes, vouch: Vouch | None) -> bool:
        """Size and hash of a rebuilt text; True when the text can be trusted."""
        rev, check = e.rev, self.check
        if rev in check.bad_parents:
            self._explain_parents(e, text)
            return True  # the hash cannot be checked; nothing says the text is wrong
        computed = hash_revision(text, self._node(e.p1), self._node(e.p2))
        if computed != e.node and not self._mismatch(e, text, computed, vouch):
            return False
        ulen = e.uncompressed_length
        if ulen is not None and ulen != len(text):
            check.report_field("bad-size", rev, "uncompressed_length",
                               f"unpacked size is {len(text)}, {ulen} expected")
        return True

    def _node(self, rev: int) -> bytes:
        """The stored node of ``rev`` (an earlier revision, or null), from its decoded entry
        when the structure pass kept one."""
        if rev == NULL_REV:
            return NULL_NODE
        e = self.check.entries[rev]
        return self.check.rl.node(rev) if e is None else e.node

    def _explain_parents(self, e: IndexEntry, text: bytes) -> None:
        """Find which revision a damaged parent field should name, from the hash."""
        check = self.check
        problems = check.bad_parents[e.rev]
        if len(problems) != 1:
            return
        old = problems[0]
        other = e.p2 if old.field == "p1" else e.p1
        found = find_parent(check.rl, e.rev, text, check.rl.node(other))
        if found is not None:
            check.out.replace(old, dataclasses.replace(
                old, message=f"{old.message}; it should be {found}: with {old.field} = "
                             f"{found} the revision hashes right"))

    def _mismatch(self, e: IndexEntry, text: bytes, computed: bytes, vouch: Vouch | None) -> bool:
        """Explain a hash mismatch; True when the text itself is right after all."""
        check, rev = self.check, e.rev
        if e.flags & (REVIDX_EXTSTORED | REVIDX_ELLIPSIS):
            return False  # the hash covers data kept elsewhere, or is not checked by design
        if check.rl.kind == "filelog" and is_censored_text(text):
            check.report_field("censored", rev, "flags",
                               "censored: the content was removed on purpose (hg censor)",
                               severity=WARNING,
                               hint="hg verify reports 'censored file data' as an error unless "
                                    "censor.policy=ignore")
            return False
        if self._parent_node_damaged(e, text):
            return True
        if node_damaged(e.node, computed) or (vouch is not None and vouch(rev, text, computed)):
            check.true_nodes[rev] = computed
            check.report_field("wrong-node", rev, "node",
                               f"integrity check failed: the stored node {e.node.hex()} is "
                               f"damaged; the text and parents hash to {computed.hex()}")
            return True
        check.unreadable[rev] = self._bad_text(e, text, computed)
        return False

    def _parent_node_damaged(self, e: IndexEntry, text: bytes) -> bool:
        """The text is right, but a parent's stored node is not (so this hash differs)."""
        check = self.check
        damaged = [p for p in (e.p1, e.p2) if p in check.true_nodes]
        if not damaged or hash_revision(text, *self._parent_nodes(e)) != e.node:
            return False
        parent = damaged[0]
        f = field(check.rl.version, "node")
        check.report("parent-node-damaged",
                     f"integrity check failed: the node of its parent rev {parent} is damaged "
                     f"(with the right one the revision hashes right)", rev=e.rev,
                     file=check.rl.index_path, offset=check.rl.entry_offset(parent) + f.start,
                     field_name="node", length=f.size)
        return True

    def _chain_members(self, rev: int) -> list[int]:
        """The revisions ``rev`` was rebuilt from (before it), as the reader walked them."""
        rl = self.check.rl
        try:
            if self._linear is None:
                return rl.delta_chain(rev)[:-1]
            start = rev
            while start > 0 and rl.entry(start).base != start:
                start -= 1
            return list(range(start, rev))
        except RevlogError:
            return []

    def _bad_text(self, e: IndexEntry, text: bytes, computed: bytes) -> Problem:
        """The text is wrong: find out where, as precisely as the bytes allow."""
        check, rev = self.check, e.rev
        rl = check.rl
        for member in self._chain_members(rev):
            if member in check.unreadable or member in check.repaired:
                return self._broken_chain(rev, member, None)
        try:
            raw = rl.raw_chunk(rev)
        except RevlogError:
            raw = b""
        if is_zeroed(raw):
            return self._zeroed(rev, raw)
        flip = self._flip(rev)
        if flip is not None:
            return flip
        ulen = e.uncompressed_length
        size = (f"; it is {len(text)} bytes, the index says {ulen}"
                if ulen is not None and ulen != len(text) else "")
        return check.report("hash-mismatch",
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
