"""The delta chain of a damaged revision, with the link that breaks it.

A revision that cannot be rebuilt, or rebuilds to a text that does not hash
to its node, still has a chain: the index alone gives it (each entry names
its delta base). The chain pane shows it, and the link where rebuilding
goes wrong. Each link is read and checked in turn from the snapshot up,
each text being a revision of its own with a node to check: the first link
whose chunk lies past the end of its file ("out of file"), does not
decompress ("bad chunk"), does not apply to the text below it ("bad
delta"), names a parent that does not exist ("bad parent") or gives a text
that does not hash to its node ("hash mismatch") is the broken one; a base
field pointing at no earlier revision ("bad base") ends the chain where it
is. Every link above the broken one is built on it.

Only a revision that fails is walked this way (a text per link is rebuilt
and hashed); an intact one gets ``chain_links`` as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, TypeVar

from explorer.engine import CorruptionError, Revlog, RevlogError
from explorer.engine.format.constants import REVIDX_ELLIPSIS, REVIDX_EXTSTORED, REVIDX_ISCENSORED
from explorer.engine.format.mpatch import PatchError, apply_delta
from explorer.engine.format.nodeid import hash_revision
from explorer.views.chain_links import Link, chain_links, delta_type
from explorer.views.revlog_view import RevlogView

UNREADABLE = "unreadable"  # the compression of a link whose chunk cannot be read
_UNHASHABLE = REVIDX_ISCENSORED | REVIDX_EXTSTORED | REVIDX_ELLIPSIS
T = TypeVar("T")
Fault = tuple[str, str, "str | None", "int | None"]  # reason, detail, file, offset


class Break(NamedTuple):
    """The broken link: its position in the chain, its revision, what is wrong in a
    few words ("bad chunk"…) and in the engine's, and the file and byte it is at."""

    position: int
    rev: int
    reason: str
    detail: str
    file: str | None = None
    offset: int | None = None

    def error(self) -> CorruptionError:
        """The break as the engine's reader would raise it (for the problems pane)."""
        return CorruptionError(f"{self.reason}: {self.detail}", file=self.file, rev=self.rev,
                               offset=self.offset)


class DamagedChain(NamedTuple):
    """A chain from the index, and where it breaks."""

    links: list[Link]
    broken: Break


def chain_or_break(view: RevlogView, rev: int) -> list[Link] | DamagedChain:
    """The chain pane's view of ``rev``: its links when it rebuilds and hashes right
    (or cannot hash by design: censored, stored elsewhere), else the damaged chain."""
    try:
        links = chain_links(view, rev)
        with view.lock:
            status = view.revlog.hash_status(rev)
    except (RevlogError, PatchError):
        status = UNREADABLE
    if status in ("ok", "censored", "extstored", "ellipsis"):
        return links
    return damaged_chain(view, rev)


def damaged_chain(view: RevlogView, rev: int) -> list[Link] | DamagedChain:
    """The chain of ``rev`` from the index, each link read and checked until one fails
    (just the links, when none does and ``rev`` hashes right: a damaged field that
    only made reading the chain the usual way fail, a parent of an earlier link)."""
    rl = view.revlog
    with view.lock:
        revs, bad_base = index_chain(rl, rev)
        links: list[Link] = []
        broken: Break | None = None
        text = b""
        for position, r in enumerate(revs):
            link, data, fault = _read_link(rl, r, links[-1].read if links else 0)
            links.append(link)
            if broken is not None:
                continue
            if fault is None and bad_base is not None and bad_base[0] == r:
                fault = bad_base[1:]
            if fault is None:
                text, fault = _rebuild(rl, r, text if position else None, data,
                                       last=position == len(revs) - 1)
            if fault is not None:
                broken = Break(position, r, *fault)
    return links if broken is None else DamagedChain(links, broken)


def index_chain(rl: Revlog, rev: int) -> tuple[list[int], tuple[int, str, str, str | None,
                                                                int | None] | None]:
    """The chain's revisions from the index, oldest first, and (rev, "bad base", why,
    file, offset) when a base field points at no earlier revision (the chain starts there).

    Every revision on the way is a link here, even one with an empty chunk (which
    the engine's reader skips: it changes nothing), since damage may have emptied it."""
    chain = [rev]
    while True:
        try:
            base = rl.delta_parent(chain[-1])
        except RevlogError as err:
            return chain[::-1], (chain[-1], "bad base", getattr(err, "message", str(err)),
                                 getattr(err, "file", None), getattr(err, "offset", None))
        if base == -1:
            return chain[::-1], None
        chain.append(base)


def _read_link(rl: Revlog, r: int, read_before: int) -> tuple[Link, bytes, Fault | None]:
    """Link ``r`` as its chunk shows it (the index's figures when it cannot be read),
    its decompressed chunk, and what stops it being read."""
    e = rl.entry(r)
    base = _or(lambda: rl.delta_parent(r), r)
    depth = _or(lambda: rl.is_snapshot(r), False)
    facts = dict(rev=r, base=base, why=_or(lambda: delta_type(rl, r), "?"), depth=None,
                 text=e.uncompressed_length, flags=e.flags)
    try:
        raw = rl.raw_chunk(r)
    except CorruptionError as err:
        past = rl.chunk_offset(r) + rl.length(r) > rl.data_size()
        return (Link(stored=e.compressed_length, compression=UNREADABLE, delta=0,
                     read=read_before + e.compressed_length, **facts), b"",
                ("out of file" if past else "unreadable chunk", err.message, err.file,
                 err.offset))
    facts.update(stored=len(raw), read=read_before + len(raw),
                 compression=_or(lambda: rl.chunk_compression(r, raw), "?"))
    try:
        data = rl.chunk(r)
    except CorruptionError as err:
        return Link(delta=0, **facts), b"", ("bad chunk", err.message, err.file, err.offset)
    facts["depth"] = None if not depth else _or(lambda: rl.snapshot_depth(r), None)
    return Link(delta=len(data), **facts), data, None


def _rebuild(rl: Revlog, r: int, below: bytes | None, data: bytes, *, last: bool
             ) -> tuple[bytes, Fault | None]:
    """The text of link ``r`` (its chunk applied to the text ``below``; None: it is the
    first link), and why it is wrong, if it is. A damaged parent field leaves an
    earlier link's hash uncheckable but its text intact: only the last one's breaks."""
    chunk = (rl.data_path, rl.chunk_offset(r))
    if below is None:
        text = data
    else:
        try:
            text = apply_delta(below, data)
        except PatchError as exc:
            return b"", ("bad delta", f"delta does not apply: {exc} (at byte {exc.position} "
                                      "of the decompressed delta)", *chunk)
    e = rl.entry(r)
    if e.flags & _UNHASHABLE:
        return text, None
    try:
        p1, p2 = rl.parent_nodes(r)
    except RevlogError as err:
        return text, ("bad parent", getattr(err, "message", str(err)),
                      getattr(err, "file", None), getattr(err, "offset", None)) if last else None
    node = hash_revision(text, p1, p2)
    if node != e.node:
        shown = 12 if node[:6] != e.node[:6] else 40  # prefixes that differ
        return text, ("hash mismatch", f"the text rebuilt up to here hashes to "
                                       f"{node.hex()[:shown]}, not to its node "
                                       f"{e.node.hex()[:shown]}", *chunk)
    return text, None


def _or(compute: Callable[[], T], default: T) -> T:
    """``compute()``, or ``default`` where a damaged field stops it."""
    try:
        return compute()
    except RevlogError:
        return default


REASONS = {
    "out of file": "its chunk runs past the end of the file holding it",
    "unreadable chunk": "its chunk cannot be read",
    "bad chunk": "its chunk does not decompress",
    "bad delta": "its delta does not apply to the text below it",
    "bad parent": "a parent field names no revision",
    "hash mismatch": "the text rebuilt up to it does not hash to its node",
    "bad base": "its base field points at no earlier revision: the chain cannot go below it",
}


def explain_break(chain: DamagedChain, position: int) -> str:
    """What the link at ``position`` has to do with the break, in a sentence or two."""
    broken = chain.broken
    count = len(chain.links)
    rev = chain.links[position].rev
    head = f"rev {rev}, link {position + 1} of {count}: "
    if position == broken.position:
        return (head + f"BROKEN ({broken.reason}): {REASONS.get(broken.reason, broken.reason)}"
                f" — {broken.detail}.")
    if position > broken.position:
        return (head + f"built on the broken link, rev {broken.rev} ({broken.reason}): its "
                "text cannot be rebuilt right, whatever its own chunk holds.")
    return head + "checks out: its text rebuilds and hashes to its node."
