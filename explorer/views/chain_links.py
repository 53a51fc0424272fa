"""The delta chain of one revision, link by link, for the delta chain pane.

Each link is a revision whose chunk is read to rebuild the selected one:
what it is a delta against and why (in ``hg debugdeltachain``'s words:
p1, p2, prev, snap…), how it is stored and how well it compressed, and
which of the chain's reads brings it: the engine reads a chain in slices as
Mercurial does (``Revlog.read_slices``), so the bytes read may be more than
the chunks (holes between them) and come in several reads. The words
explaining each reason are presentation, kept here with the rows.
"""

from __future__ import annotations

from typing import NamedTuple

from explorer.engine import Revlog
from explorer.engine.format.constants import (
    REVIDX_DELTA_GOOD,
    REVIDX_DELTA_HAS_QUALITY,
    REVIDX_DELTA_P1_SMALL,
    REVIDX_DELTA_P2_SMALL,
)
from explorer.views.revlog_view import RevlogView


class Link(NamedTuple):
    """One revision of a chain. ``depth`` is its snapshot level (None for a plain
    delta); ``delta`` the size of its decompressed chunk; ``read`` the bytes
    of the chunks from the chain's start up to and including this link (the
    chain's payload so far). ``reads``: how many reads a cold rebuild has made
    once this link's chunk is in (its own read is number ``reads``), and
    ``read_bytes`` the bytes those reads took from the file, holes included."""

    rev: int
    base: int
    why: str
    depth: int | None
    stored: int
    compression: str
    delta: int
    text: int | None
    read: int
    flags: int
    reads: int = 1
    read_bytes: int = 0

    @property
    def ratio(self) -> float:
        """How much compression shrank the chunk (decompressed / stored)."""
        return self.delta / self.stored if self.stored else 1.0


def chain_links(view: RevlogView, rev: int) -> list[Link]:
    """The links rebuilding ``rev``, from its full snapshot up (reads every chunk)."""
    rl = view.revlog
    links = []
    read = 0
    with view.lock:
        chain = rl.delta_chain(rev)
        reads = _reads_by_rev(rl, rev)
        for depth, r in enumerate(chain):
            e = rl.entry(r)
            raw = rl.raw_chunk(r)
            read += len(raw)
            links.append(Link(
                rev=r,
                base=rl.delta_parent(r),
                why=delta_type(rl, r),
                depth=depth if rl.is_snapshot(r) else None,
                stored=len(raw),
                compression=rl.chunk_compression(r, raw),
                delta=len(rl.chunk(r)),
                text=e.uncompressed_length,
                read=read,
                flags=e.flags,
                reads=reads[r][0],
                read_bytes=reads[r][1],
            ))
    return links


def _reads_by_rev(rl: Revlog, rev: int) -> dict[int, tuple[int, int]]:
    """For each revision of the chain: the number of the read bringing its chunk, and the
    bytes read up to and including that read."""
    out = {}
    total = 0
    for number, piece in enumerate(rl.read_slices(rev), 1):
        total += piece.size
        out.update((r, (number, total)) for r in piece.revs)
    return out


def delta_type(rl: Revlog, rev: int) -> str:
    """What ``rev`` is stored against, in ``hg debugdeltachain``'s words."""
    base = rl.delta_parent(rev)
    if base == -1:
        return "base"
    if not rl.generaldelta:
        return "prev"
    e = rl.entry(rev)
    if base == e.p1:
        return "p1"
    if base == e.p2:
        return "p2"
    if base == _through_empty(rl, e.p1):
        return "skip1"
    if base == _through_empty(rl, e.p2):
        return "skip2"
    if rl.is_snapshot(rev):
        return "snap"
    return "prev" if base == rev - 1 else "other"


def _through_empty(rl: Revlog, parent: int) -> int:
    """A parent seen through its empty deltas (hg never deltas against those)."""
    while parent >= 0 and rl.length(parent) == 0 and rl.delta_parent(parent) != -1:
        parent = rl.delta_parent(parent)
    return parent


REASONS = {
    "base": "stored whole: a full snapshot, where every chain starts. Reading it needs "
            "nothing else.",
    "snap": "an intermediate snapshot{level}: a delta against another snapshot that is not a "
            "parent. Sparse-revlog keeps such snapshots so later revisions find a good "
            "base with a short chain.",
    "p1": "a delta against its first parent: Mercurial tries the parents first, and "
          "this delta was small enough.",
    "p2": "a delta against its second parent (this is a merge): it gave a smaller delta "
          "than the first parent.",
    "skip1": "a delta against the base of its first parent: p1 stored an empty delta "
             "(the same text as its base), so its base serves directly.",
    "skip2": "a delta against the base of its second parent, which stored an empty delta.",
    "prev": "a delta against the previous revision of the file, whatever its parents: "
            "all that revlogs without generaldelta can do.",
    "other": "a delta against a revision that is neither a parent nor a snapshot: "
             "the delta search found no better base (a parent's chain may have been "
             "too long or too costly to read).",
}


def explain(link: Link, position: int, count: int) -> str:
    """A sentence or two on why ``link`` is stored the way it is."""
    head = f"rev {link.rev}, link {position + 1} of {count}: "
    level = f" of level {link.depth}" if link.depth is not None else ""
    words = REASONS.get(link.why, link.why).replace("{level}", level)
    quality = _quality(link.flags)
    how = _STORED_AS.get(link.compression, link.compression)
    stored = (f" Stored {how}: {link.stored} bytes on disk for a "
              f"{link.delta}-byte {'text' if link.base == -1 else 'delta'}"
              f" (×{link.ratio:.1f}).")
    return head + words + stored + (" " + quality if quality else "") + " " + _read_note(link)


def _read_note(link: Link) -> str:
    """Which read brings the chunk, and what the reads have cost so far."""
    return (f"Brought by read {link.reads}: {link.read_bytes} bytes read so far, for "
            f"{link.read} bytes of chunks.")


_STORED_AS = {
    "zlib": "zlib-compressed",
    "zstd": "zstd-compressed",
    "uncompressed": "uncompressed (marked 'u')",
    "none": "raw (it starts with NUL: no mark needed)",
    "plain": "uncompressed (the v2 entry's compression mode says so: no mark)",
    "empty": "empty",
}


def _quality(flags: int) -> str:
    """What the delta-info revision flags say about the choice, when the writer kept them."""
    if not flags & REVIDX_DELTA_HAS_QUALITY:
        return ""
    notes = ["The writer recorded this delta as " +
             ("good." if flags & REVIDX_DELTA_GOOD else "not good.")]
    if flags & REVIDX_DELTA_P1_SMALL:
        notes.append("p1 gave the smaller delta.")
    if flags & REVIDX_DELTA_P2_SMALL:
        notes.append("p2 gave the smaller delta.")
    return " ".join(notes)
