"""Choosing what a new revision is stored against, as Mercurial chooses it.

Candidates come in groups, tried in order; within a group the smallest good
delta wins, and a later group is only tried while nothing good was found:

1. a delta handed in by the caller (the manifest's delta against p1), if its
   base passes the filters;
2. the parents (both at once);
3. with sparse-revlog, snapshots: those in the parents' chains from the
   deepest level up (and their siblings), then full snapshots made since;
   a good one is refined towards its base and towards its children;
   without sparse-revlog but with generaldelta, the previous revision;
   without generaldelta, only the previous revision is ever possible;
4. otherwise a full text.

A delta is *good* when it is no larger than the text, its chain's chunks
stay under twice the text, the chain is not too long, the read span is
bounded (non-sparse), and an intermediate snapshot is small enough for its
depth. These rules keep stores compact and reads fast; matching them is what
keeps our stores the size of Mercurial's.

A search may be *traced*: given ``trace``, a callable, it calls it with one
event per step Mercurial's ``debug-delta-find`` prints (``TRACE_EVENTS``),
so a report can replay the search for a stored revision (``replay``). The
engine prints nothing; without a tracer each step costs one ``is None`` test.

Deltas are made by one of two algorithms (``DeltaConfig.delta_algorithm``):
``compact``, our bdiff, a little smaller than hg's; or ``hg``, Mercurial's
own (``format.hgdiff``), whose sizes, and so whose choices, are hg's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from ..format import bdiff, hgdiff
from ..format.constants import NULL_REV, RAWTEXT_CHANGING_FLAGS, REVIDX_ISCENSORED
from .inner import InnerRevlog

LIMIT_DELTA2TEXT = 2  # a chain's chunks may total twice the text
LIMIT_BASE2TEXT = 500  # a base this much smaller than the text is hopeless
SPARSE_MAX_CHAIN = 1000
CANDIDATE_CHUNK = 20

Group = tuple[int, ...]

#: What a tracer hears, as ``trace(event, *args)``, in the order they happen:
#:
#: ``search`` (target rev, base of the handed-in delta or None): the search starts
#: (not for an empty text, which is stored whole at once);
#: ``round`` (stage, candidates, best so far or None): a group is tried; stage is
#: "cached", "parents", "snapshot" or "prev";
#: ``candidate`` (rev): a delta against rev is built;
#: ``delta-size`` (bytes): its size before compression;
#: ``projected`` (bytes): the least an intermediate snapshot's compressed delta may
#: be (its size over the expected compression ratio);
#: ``discarded`` (reason): "snapshot limit" or "prev size", the projection too big;
#: ``verdict`` (word, DeltaInfo or None): "GOOD", "BAD", "BIGGER" (than the best so
#: far) or "NO-DELTA" (refused before any delta was built).
TRACE_EVENTS = ("search", "round", "candidate", "delta-size", "projected", "discarded",
                "verdict")
Tracer = Callable[..., None]
Differ = Callable[[bytes, bytes], bytes]

#: The delta algorithms by name: what a delta search diffs with.
DELTA_ALGORITHMS: dict[str, Differ] = {"compact": bdiff.diff, "hg": hgdiff.storage_diff}


@dataclass(frozen=True)
class DeltaConfig:
    """How one revlog stores deltas (Mercurial's defaults for a 7.x store)."""

    generaldelta: bool = True
    sparse: bool = True
    store_deltas: bool = True  # False for the changelog: always full texts
    max_chain_len: int | None = SPARSE_MAX_CHAIN
    max_chain_span: int = -1  # -1: four times the text
    upper_bound_comp: int | None = None  # filelogs: 10 (expected max compression)
    lazy_delta_base: bool = True  # try a handed-in delta's base first
    delta_algorithm: str = "compact"  # a key of DELTA_ALGORITHMS


@dataclass
class DeltaInfo:
    base: int  # the base field to store (delta parent, or chain base without gd)
    chain_base: int
    chain_len: int
    chain_size: int  # compressed bytes of the whole chain, this chunk included
    distance: int  # bytes read from the chain base's start to this chunk's end
    header: bytes
    data: bytes
    snapshot_depth: int | None  # None: not a snapshot

    @property
    def length(self) -> int:
        return len(self.header) + len(self.data)


class SnapshotIndex:
    """What searches learn about stored revisions, kept across them: snapshots
    by the revision they are stored against (-1 for full texts), each one's
    depth, and each revision's chain length, size and base.

    Every search filters the same growing set of snapshots, so without this
    each one would walk their chains again. Stored revisions never change
    while a writer lives (a strip or a rollback reopens the revlog, and with
    it the writer), so nothing here goes stale.
    """

    def __init__(self) -> None:
        self.children: dict[int, set[int]] = defaultdict(set)
        self._snapshots: set[int] = set()
        self._depth: dict[int, int] = {}
        self._chains: dict[int, tuple[int, int, int]] = {}
        self._sizes: dict[int, tuple[int, int, int]] = {}
        self._done = 0

    def update(self, rl: InnerRevlog) -> None:
        for rev in range(self._done, len(rl)):
            if rl.is_snapshot(rev):
                self.children[rl.delta_parent(rev)].add(rev)
                self._snapshots.add(rev)
        self._done = len(rl)

    def is_snapshot(self, rl: InnerRevlog, rev: int) -> bool:
        if rev < self._done:
            return rev == NULL_REV or rev in self._snapshots
        return rl.is_snapshot(rev)

    def snapshot_depth(self, rl: InnerRevlog, rev: int) -> int:
        depth = self._depth.get(rev)
        if depth is None:
            depth = self._depth[rev] = rl.snapshot_depth(rev)
        return depth

    def sizes(self, rl: InnerRevlog, rev: int) -> tuple[int, int, int | None]:
        """(flags, compressed length, raw size as stored: None for v0) of ``rev``."""
        known = self._sizes.get(rev)
        if known is None:
            e = rl.entry(rev)
            known = self._sizes[rev] = (e.flags, e.compressed_length, e.uncompressed_length)
        return known

    def chain(self, rl: InnerRevlog, rev: int, generaldelta: bool) -> tuple[int, int, int]:
        """(links below ``rev`` in its chain, compressed bytes of all of it, its
        base): every revision down to the chain base counts, empty deltas
        included (as Mercurial counts)."""
        if rev == NULL_REV:  # replaying rev 0 without generaldelta: the null "previous"
            return 0, 0, NULL_REV
        walked = []
        r = rev
        while r not in self._chains:
            base = rl.entry(r).base
            if base == r or base == NULL_REV:
                self._chains[r] = (0, rl.length(r), r)
                break
            walked.append(r)
            r = base if generaldelta else r - 1
        links, size, chain_base = self._chains[r]
        for r in reversed(walked):
            links, size = links + 1, size + rl.length(r)
            self._chains[r] = (links, size, chain_base)
        return self._chains[rev]


class DeltaSearch:
    """The state of choosing a base for one new revision of ``rl``.

    Candidate groups come from generators that read ``self.best`` (the best
    good delta so far) whenever they resume: that is how a stage knows the
    previous group succeeded.
    """

    def __init__(self, rl: InnerRevlog, cfg: DeltaConfig, text: bytes, p1: int, p2: int,
                 compress: Callable[[bytes], tuple[bytes, bytes]], snapshots: SnapshotIndex,
                 cached: tuple[int, bytes] | None = None, *, target: int | None = None,
                 cached_is_snapshot: bool = False, trace: Tracer | None = None) -> None:
        """``target``: the revision being stored (a stored one when replaying: the
        revisions from it on are not candidates). ``cached_is_snapshot``: the
        handed-in delta is tried as a snapshot would be (a replay of a revision
        stored as one)."""
        self.rl, self.cfg, self.text = rl, cfg, text
        self.textlen = len(text)
        self.p1, self.p2 = p1, p2
        self.compress, self.diff = compress, DELTA_ALGORITHMS[cfg.delta_algorithm]
        self.snapshots = snapshots
        self.cached = cached
        self.target = len(rl) if target is None else target
        self.tested = {NULL_REV}
        self.best: DeltaInfo | None = None
        self.group_is_snapshot = False
        self.cached_is_snapshot = cached_is_snapshot
        self.trace = trace
        self.stage = "full"

    # -- the answer ----------------------------------------------------------------

    def find(self) -> DeltaInfo:
        """The delta to store (or the full text)."""
        if not self.textlen:
            return self.full_text()
        trace = self.trace
        if trace is not None:
            trace("search", self.target, None if self.cached is None else self.cached[0])
        if not self.cfg.store_deltas or not len(self.rl):
            return self.full_text()
        for group in self._groups():
            if trace is not None:
                trace("round", self.stage, group, self.best)
            self.best = self._best_of(group, self.best)
        return self.best if self.best is not None else self.full_text()

    def _best_of(self, group: Group, best: DeltaInfo | None) -> DeltaInfo | None:
        trace = self.trace
        for rev in group:
            if trace is not None:
                trace("candidate", rev)
            info = self._delta_against(rev)
            if info is None or (best is not None and best.length <= info.length):
                if trace is not None:
                    trace("verdict", "NO-DELTA" if info is None else "BIGGER", info)
                continue
            good = self._good(info)
            if good:
                best = info
            if trace is not None:
                trace("verdict", "GOOD" if good else "BAD", info)
        return best

    def full_text(self) -> DeltaInfo:
        header, data = self.compress(self.text)
        size = len(header) + len(data)
        return DeltaInfo(self.target, self.target, 1, size, size, header, data, 0)

    # -- candidate groups ------------------------------------------------------------

    def _groups(self) -> Iterator[Group]:
        cfg = self.cfg
        if self.cached is not None and cfg.generaldelta and cfg.lazy_delta_base:
            base = self.cached[0]
            if self._keep(base):
                self.tested.add(base)
                self.stage, self.group_is_snapshot = "cached", self.cached_is_snapshot
                yield (base,)
                self.group_is_snapshot = False
                if self.best is not None:
                    return
        if not cfg.generaldelta:
            self.stage = "prev"
            yield (self.target - 1,)  # the only base possible, always tried
            return
        parents = tuple(p for p in (self.p1, self.p2) if p != NULL_REV)
        if parents:
            self.stage = "parents"
            yield from self._chunked(parents)
            if self.best is not None:
                return
        if cfg.sparse:
            self.stage, self.group_is_snapshot = "snapshot", True
            yield from self._snapshot_stage()
            self.group_is_snapshot = False
        else:
            self.stage = "prev"
            yield from self._chunked((self.target - 1,))

    def _chunked(self, candidates: Group) -> Iterator[Group]:
        """Filter a raw group and hand it out 20 at a time; a later chunk only
        while the previous one improved the best delta."""
        group = self._filter(candidates)
        for start in range(0, len(group), CANDIDATE_CHUNK):
            chunk = group[start : start + CANDIDATE_CHUNK]
            self.tested.update(chunk)
            before = self.best
            yield chunk
            if self.best is before:
                return

    def _snapshot_stage(self) -> Iterator[Group]:
        """Snapshot candidates, then refinement down and up from a good one."""
        floor = self._snapshot_floor()
        if floor is None:
            return
        for group in self._snapshot_bases(floor):
            yield from self._chunked(group)
            if self.best is not None:
                break
        good = self.best
        if good is None or good.snapshot_depth is None:
            return
        previous = None
        while previous is not good:  # towards the base: a smaller snapshot?
            previous = good
            base = self.rl.delta_parent(good.base)
            if base == NULL_REV:
                break
            yield from self._chunked((base,))
            good = self.best
        previous = None
        while previous is not good:  # towards children: a closer snapshot?
            previous = good
            self.snapshots.update(self.rl)
            children = (r for r in self.snapshots.children[good.base] if r >= floor)
            yield from self._chunked(tuple(sorted(children)))
            good = self.best

    def _snapshot_floor(self) -> int | None:
        """First revision after the oldest full snapshot under the parents: older
        snapshots are not considered (Mercurial's snapshot cache starts there)."""
        parents = [p for p in (self.p1, self.p2) if p != NULL_REV]
        if not parents:
            return None
        self._parent_chains = [self.rl.delta_chain(p) for p in parents]
        return min(chain[0] for chain in self._parent_chains) + 1

    def _snapshot_bases(self, floor: int) -> Iterator[Group]:
        rl = self.rl
        by_level: dict[int, set[int]] = defaultdict(set)
        for chain in self._parent_chains:
            for level, rev in enumerate(chain):
                if not self.snapshots.is_snapshot(rl, rev):
                    break
                by_level[level].add(rev)
        self.snapshots.update(rl)
        related = set().union(*self._parent_chains)
        other = next((r for r in range(self.target - 1, floor - 1, -1) if r not in related),
                     None)
        if other is not None:
            # an unrelated recent chain may offer a better snapshot, no deeper than ours
            deepest = max(by_level)
            for level, rev in enumerate(rl.delta_chain(other)):
                if rev < floor:
                    continue
                if deepest < level or not self.snapshots.is_snapshot(rl, rev):
                    break
                by_level[level].add(rev)
        lowest = None
        for _level, snaps in sorted(by_level.items(), reverse=True):
            siblings = set()
            for s in snaps:
                siblings.update(r for r in self.snapshots.children[s] if r >= floor)
            if lowest is not None:
                siblings = {r for r in siblings if lowest < r}
            yield tuple(sorted(siblings))
            yield tuple(sorted(snaps))
            lowest = min(snaps)
        yield tuple(sorted(r for r in self.snapshots.children[NULL_REV] if floor <= r))

    # -- filters -----------------------------------------------------------------------

    def _filter(self, candidates: Group) -> Group:
        kept = []
        for rev in candidates:
            # an empty delta changes nothing: its base is the real candidate
            while not (rev == NULL_REV or rev in self.tested
                       or self.snapshots.sizes(self.rl, rev)[1]):
                self.tested.add(rev)
                rev = self.rl.delta_parent(rev)
            if self._keep(rev):
                kept.append(rev)
            else:
                self.tested.add(rev)
        return tuple(kept)

    def _keep(self, rev: int) -> bool:
        rl, cfg = self.rl, self.cfg
        if rev == NULL_REV or rev in self.tested or rev >= self.target:
            return False
        flags, length, raw_size = self.snapshots.sizes(rl, rev)
        if flags & RAWTEXT_CHANGING_FLAGS:
            return False
        limit = self.textlen * LIMIT_DELTA2TEXT
        if limit < length:
            return False
        chain_len, chain_size = self.chain_info(rev)
        if cfg.max_chain_len and chain_len >= cfg.max_chain_len:
            return False
        if limit < chain_size:
            return False
        if cfg.sparse:
            return self._keep_sparse(rev, length, raw_size)
        return True

    def _keep_sparse(self, rev: int, length: int, raw_size: int | None) -> bool:
        rl = self.rl
        if raw_size is None or raw_size < 0:
            raw_size = rl.raw_size(rev)
        if raw_size < self.textlen // LIMIT_BASE2TEXT:
            return False
        bound = self.cfg.upper_bound_comp
        if bound is None or rev in (self.p1, self.p2) or not self.snapshots.is_snapshot(rl, rev):
            return True
        depth = self.snapshots.snapshot_depth(rl, rev)
        lowest = max(self.textlen - raw_size, 0) // bound
        return (self.textlen >> depth) >= lowest and length >= lowest

    def _good(self, info: DeltaInfo) -> bool:
        textlen, cfg = self.textlen, self.cfg
        if textlen < info.length:
            return False
        if not cfg.sparse:
            span = max(cfg.max_chain_span or info.distance, textlen * 4)
            if span < info.distance:
                return False
        if textlen * LIMIT_DELTA2TEXT < info.chain_size:
            return False
        if cfg.max_chain_len and cfg.max_chain_len < info.chain_len:
            return False
        depth = info.snapshot_depth
        if depth:
            if (textlen >> depth) < info.length:
                return False
            if self.rl.length(info.base) < info.length:
                return False
        return True

    # -- building one candidate ---------------------------------------------------------------

    def chain_info(self, rev: int) -> tuple[int, int]:
        """(links below ``rev`` in its chain, compressed bytes of all of it, base included)."""
        return self.snapshots.chain(self.rl, rev, self.cfg.generaldelta)[:2]

    def _delta_against(self, base: int) -> DeltaInfo | None:
        rl, trace = self.rl, self.trace
        chain_base = self.snapshots.chain(rl, base, self.cfg.generaldelta)[2]
        delta_base = base if self.cfg.generaldelta else chain_base
        depth = None
        if self.cfg.sparse and self.group_is_snapshot and delta_base not in (self.p1, self.p2):
            if not self.snapshots.is_snapshot(rl, delta_base):
                return None
            depth = self.snapshots.snapshot_depth(rl, delta_base) + 1
        delta = self._raw_delta(base)
        if trace is not None:
            trace("delta-size", len(delta))
        bound = self.cfg.upper_bound_comp
        if bound is not None and depth:
            lowest = len(delta) // bound
            if trace is not None:
                trace("projected", lowest)
            if (self.textlen >> depth) < lowest:
                if trace is not None:
                    trace("discarded", "snapshot limit")
                return None
            if rl.length(base) < lowest:
                if trace is not None:
                    trace("discarded", "prev size")
                return None
        header, data = self.compress(delta)
        length = len(header) + len(data)
        end = rl.end(len(rl) - 1)  # the revlog's end, also when replaying a stored revision
        chain_len, chain_size = self.chain_info(base)
        start = rl.start(chain_base) if chain_base != NULL_REV else 0
        return DeltaInfo(delta_base, chain_base, chain_len + 1, chain_size + length,
                         length + end - start, header, data, depth)

    def _raw_delta(self, base: int) -> bytes:
        if self.cached is not None and self.cached[0] == base:
            return self.cached[1]
        rl = self.rl
        if base != NULL_REV and rl.flags(base) & REVIDX_ISCENSORED:
            # a censored base's stored text is a tombstone: replace it whole
            return bdiff.replace_delta(rl.raw_size(base), self.text)
        return self.diff(rl.revision(base), self.text)


def replay(rl: InnerRevlog, cfg: DeltaConfig, rev: int, parents: tuple[int, int],
           compress: Callable[[bytes], tuple[bytes, bytes]], *, source: int = NULL_REV,
           trace: Tracer | None = None) -> DeltaInfo:
    """The search for stored ``rev`` run again, as Mercurial's ``debug-delta-find`` runs
    it: its text offered as new, the revisions from ``rev`` on left out of the
    candidates, distances measured to the end of the whole revlog.

    ``parents`` in the order the revlog's readers list them; ``source``: a revision
    whose delta to the text is handed in first (hg's ``--source``), NULL_REV for none.
    The handed-in delta is tried as a snapshot when ``rev`` is stored as one, and
    whatever the configuration's ``lazy_delta_base`` (hg's replay asks it to be tried).
    With hg's algorithm the handed-in delta is hg's ``textdiff``, as its replay makes
    it (its searches use ``storage_diff``, which also cuts the common suffix).
    """
    text = rl.revision(rev)
    cached = None
    if source != NULL_REV:
        diff = hgdiff.textdiff if cfg.delta_algorithm == "hg" else bdiff.diff
        cached = (source, diff(rl.revision(source), text))
    search = DeltaSearch(rl, replace(cfg, lazy_delta_base=True), text, *parents, compress,
                         SnapshotIndex(), cached, target=rev,
                         cached_is_snapshot=rl.is_snapshot(rev), trace=trace)
    if rl.flags(rev) & RAWTEXT_CHANGING_FLAGS:
        return search.full_text()
    return search.find()
