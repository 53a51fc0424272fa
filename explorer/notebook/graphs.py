"""networkx views of bounded parts of a revlog, and questions answered with them.

A revlog of a million revisions makes a million-node graph: seconds to build
and about a gigabyte of memory, for little insight. So every graph here is of
a window of revisions (at most ``MAX_REVS`` unless the caller raises it) or of
the delta chains of a few revisions; whole-revlog statistics come cheaper
from the engine itself.

Two kinds of graph:

- ``parents_graph``: the history, edges child → parent (as the index
  stores them), so networkx's words are reversed: ``nx.descendants(G, rev)``
  are the revision's ancestors in history, ``nx.ancestors`` its descendants;
- ``delta_forest`` and ``delta_subtree``: how texts are rebuilt, edges
  base → rev along the chunks read (``Revlog.delta_chain``: a revision with
  an empty delta changes nothing and Mercurial reads past it), so each tree
  is rooted at a full snapshot and ``nx.write_network_text`` draws it.

``why_chain_is_long`` reads one chain against the format's limits. Nothing
here imports Textual: scripts and notebooks use it as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from explorer.engine import NULL_REV, Revlog
from explorer.engine.revlog.delta_search import LIMIT_DELTA2TEXT, SPARSE_MAX_CHAIN

# A window this size builds in a fraction of a second and ~100 MB (1M: 4.5 s, 870 MB).
MAX_REVS = 100_000


def _window(rl: Revlog, start: int, stop: int | None, max_revs: int | None) -> range:
    """The revisions start..stop-1 of ``rl``, refused when out of range or too many."""
    stop = len(rl) if stop is None else stop
    if not 0 <= start <= stop <= len(rl):
        raise ValueError(f"{rl.name}: window {start}..{stop} is not within 0..{len(rl)}")
    if max_revs is not None and stop - start > max_revs:
        raise ValueError(f"{rl.name}: {stop - start} revisions is more than {max_revs}; "
                         "pick a smaller window or pass max_revs")
    return range(start, stop)


def _attributes(rl: Revlog, rev: int) -> dict:
    """What every graph's node says about its revision (``base``: its delta parent,
    -1 for a full text)."""
    e = rl.entry(rev)
    return {
        "node": e.node.hex(),
        "link_rev": e.link_rev,
        "compressed": e.compressed_length,
        "size": rl.raw_size(rev),
        "is_snapshot": rl.is_snapshot(rev),
        "base": rl.delta_parent(rev),
    }


def parents_graph(rl: Revlog, start: int = 0, stop: int | None = None, *,
                  max_revs: int | None = MAX_REVS) -> nx.DiGraph:
    """The revisions start..stop-1 with edges child → parent (attribute ``parent``: 1 or 2).

    Only parents inside the window get an edge; every node keeps ``p1`` and
    ``p2`` (revision numbers, -1 for none) so a window's roots still say
    where they come from.
    """
    g = nx.DiGraph(revlog=rl.name, start=start, stop=len(rl) if stop is None else stop)
    window = _window(rl, start, stop, max_revs)
    for rev in window:
        p1, p2 = rl.parents(rev)
        g.add_node(rev, p1=p1, p2=p2, **_attributes(rl, rev))
        for which, p in ((2, p2), (1, p1)):  # p1 last: it wins when p1 == p2
            if p != NULL_REV and p in window:
                g.add_edge(rev, p, parent=which)
    return g


def delta_forest(rl: Revlog, revs: Iterable[int], *,
                 max_revs: int | None = MAX_REVS) -> nx.DiGraph:
    """The delta chains of ``revs`` merged into one forest, edges base → rev.

    Nodes carry ``base`` (the stored delta parent, -1 for a full text),
    ``snapshot`` ("full", "intermediate" or None) and ``depth`` (snapshot
    level, None for a plain delta) besides the usual sizes. Chains share
    their common start, so each tree is everything built on one full text.
    """
    g = nx.DiGraph(revlog=rl.name)
    revs = list(revs)
    if max_revs is not None and len(revs) > max_revs:
        raise ValueError(f"{rl.name}: {len(revs)} revisions is more than {max_revs}")
    for rev in revs:
        chain = rl.delta_chain(rev)
        for depth, r in enumerate(chain):
            if r not in g:
                g.add_node(r, **_chain_attributes(rl, r, depth))
        nx.add_path(g, chain)
    return g


def _chain_attributes(rl: Revlog, rev: int, position: int) -> dict:
    """Node attributes of a chain member; ``position`` is its index in its own chain,
    which is its snapshot depth when it is a snapshot (a chain's prefix is the chain
    of each of its members)."""
    attributes = _attributes(rl, rev)
    base = attributes["base"]
    snapshot = None
    if attributes["is_snapshot"]:
        snapshot = "full" if base == NULL_REV else "intermediate"
    attributes.update(snapshot=snapshot, depth=position if snapshot else None)
    return attributes


def delta_subtree(rl: Revlog, rev: int, stop: int | None = None, *,
                  max_revs: int | None = MAX_REVS) -> nx.DiGraph:
    """Every revision from ``rev`` to ``stop``-1 whose text is rebuilt through the chunk
    of ``rev``, as a tree rooted at ``rev`` (edges base → rev along the chunks read).

    It answers "what is lost if this chunk is damaged?" (all of the tree) and
    "how much builds on this snapshot?". One pass over the window, each
    revision looking only at its delta parent. A revision storing an empty
    delta has no chunk anyone reads: its tree is empty.
    """
    window = _window(rl, rev, stop, max_revs)
    g = nx.DiGraph(revlog=rl.name, root=rev)
    if not _is_read(rl, rev):
        return g
    g.add_node(rev, **_attributes(rl, rev))
    last_read: dict[int, int] = {rev: rev}  # member → the chunk its text is rebuilt from last
    for r in window[1:]:
        base = rl.delta_parent(r)
        if base in last_read:
            g.add_node(r, **_attributes(rl, r))
            g.add_edge(last_read[base], r)
            last_read[r] = r if _is_read(rl, r) else last_read[base]
    return g


def _is_read(rl: Revlog, rev: int) -> bool:
    """Whether rebuilding ``rev`` reads its own chunk (not for an empty delta)."""
    return rl.length(rev) > 0 or rl.delta_parent(rev) == NULL_REV


@dataclass(frozen=True)
class ChainLink:
    """One chunk read to rebuild a revision."""

    rev: int
    compressed: int  # bytes of its chunk on disk
    size: int  # length of that revision's full text
    depth: int | None  # snapshot level (0 full), None for a plain delta


@dataclass(frozen=True)
class ChainReport:
    """The delta chain of one revision held against the limits of the format.

    ``max_deltas`` is Mercurial's default cap on deltas in a chain: 1000 with
    sparse-revlog, none without (``format.maxchainlen`` may set another).
    A writer also refuses a delta whose chain's chunks would total more than
    ``LIMIT_DELTA2TEXT`` times the new text: ``size_limit``.
    """

    revlog: str
    rev: int
    links: tuple[ChainLink, ...]
    text_size: int
    generaldelta: bool
    sparse: bool
    max_deltas: int | None

    @property
    def chain(self) -> list[int]:
        return [link.rev for link in self.links]

    @property
    def deltas(self) -> int:
        """Deltas applied on top of the full text (the writer's chain length)."""
        return len(self.links) - 1

    @property
    def chain_size(self) -> int:
        """Bytes read: every chunk of the chain (``hg debugdeltachain``'s chainsize)."""
        return sum(link.compressed for link in self.links)

    @property
    def size_limit(self) -> int:
        return LIMIT_DELTA2TEXT * self.text_size

    @property
    def snapshots(self) -> list[ChainLink]:
        return [link for link in self.links if link.depth is not None]

    @property
    def deltas_after_last_snapshot(self) -> int:
        last = max((i for i, link in enumerate(self.links) if link.depth is not None), default=0)
        return len(self.links) - 1 - last

    @property
    def nearest_limit(self) -> tuple[str, float]:
        """The limit this chain is closest to, "length" or "size", and how close (1.0: at it).

        A writer extends a chain until one of them refuses the next delta,
        so this is usually what ended (or will end) the chain.
        """
        size = self.chain_size / self.size_limit if self.size_limit else 1.0
        if self.max_deltas is None:
            return "size", size
        length = self.deltas / self.max_deltas
        return ("length", length) if length >= size else ("size", size)

    def reasons(self) -> list[str]:
        """The chain in sentences, each about one thing that shapes its length."""
        return [self._shape(), self._snapshot_line(), self._length_line(), self._size_line(),
                self._verdict()]

    def __str__(self) -> str:
        return "\n".join([f"{self.revlog} rev {self.rev}:"] + [f"- {r}" for r in self.reasons()])

    def _shape(self) -> str:
        links = len(self.links)
        head = (f"rebuilt from {links} chunk{'s' if links > 1 else ''}: the full text of rev "
                f"{self.links[0].rev}, then {self.deltas} delta{'s' if self.deltas != 1 else ''}")
        if self.generaldelta:
            return head + "."
        return head + (" -- without generaldelta each delta is against the previous "
                       "revision, so the chain is every revision since the last full text.")

    def _snapshot_line(self) -> str:
        inter = [s for s in self.snapshots if s.depth]
        if not inter:
            where = "no intermediate snapshot"
        else:
            where = (f"{len(inter)} intermediate snapshot{'s' if len(inter) > 1 else ''} "
                     "(" + ", ".join(f"rev {s.rev} level {s.depth}" for s in inter) + ")")
        tail = self.deltas_after_last_snapshot
        return f"{where}; {tail} plain delta{'s' if tail != 1 else ''} after the last snapshot."

    def _length_line(self) -> str:
        if self.max_deltas is None:
            return (f"{self.deltas} deltas, and no length cap: without sparse-revlog Mercurial "
                    "limits chains only by their size (unless format.maxchainlen is set).")
        line = (f"{self.deltas} of at most {self.max_deltas} deltas "
                f"({100 * self.deltas // self.max_deltas}% of the sparse-revlog cap)")
        if self.deltas >= self.max_deltas:
            return line + ": at the cap, no revision can be stored as a delta of this one."
        return line + "."

    def _size_line(self) -> str:
        ratio = self.chain_size / self.text_size if self.text_size else float("inf")
        line = (f"chunks total {self.chain_size} bytes, {ratio:.2f}x the {self.text_size}-byte "
                f"text; a delta is refused once its chain would pass {LIMIT_DELTA2TEXT}x the "
                f"text ({self.size_limit} bytes)")
        if self.chain_size > self.size_limit:
            return line + ": this chain is past it (the text shrank, or another writer)."
        return line + f": {self.size_limit - self.chain_size} bytes of headroom."

    def _verdict(self) -> str:
        which, closeness = self.nearest_limit
        name = "the chain-size limit" if which == "size" else "the chain-length cap"
        return f"nearest limit: {name}, {100 * closeness:.0f}% reached."


def why_chain_is_long(rl: Revlog, rev: int) -> ChainReport:
    """The chain of ``rev``: its chunks and sizes, where its snapshots are, and how
    close it is to the chain-length cap and the chain-size limit."""
    chain = rl.delta_chain(rev)
    links = tuple(
        ChainLink(r, rl.length(r), rl.raw_size(r), depth if rl.is_snapshot(r) else None)
        for depth, r in enumerate(chain)
    )
    capped = rl.sparse and rl.generaldelta
    return ChainReport(revlog=rl.name, rev=rev, links=links, text_size=rl.raw_size(rev),
                       generaldelta=rl.generaldelta, sparse=rl.sparse,
                       max_deltas=SPARSE_MAX_CHAIN if capped else None)
