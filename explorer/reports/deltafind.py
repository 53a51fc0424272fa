"""``debug-delta-find``: the delta search for one stored revision, step by step.

``hg debug-delta-find -c|-m|FILE REV [--source full|storage|p1|p2|prev]`` offers
the text of REV again as a new revision, the revisions from REV on left out of
the candidates, and prints every step of the search: each round of
candidates, each delta built (its size, the projection that may discard an
intermediate snapshot, how long it took, why it was kept or not), then one
``DBG-DELTAS:`` summary. We run our writer's own search
(``Revlog.replay_delta_search``) with a tracer and print the same lines; the
two timings (``delta-search-time``, ``duration``) are our own measurement.

``--source`` hands in a delta first, as a bundle would: against nothing
(``full``, the default), the stored delta parent, p1, p2 or the previous
revision.

Where we differ from hg 7.2.4, on purpose:

* hg aborts on an inline revlog (``No such file or directory: ….d``: the
  command opens the data file the revision data of an inline revlog is not
  in, though the search never reads through it). We print the search: it is
  the same as for the revlog split (the offsets it measures are data offsets
  either way), which the tests check against hg given an empty ``.d``.
* ``-T``/``--template`` is accepted and changes nothing, as in hg (the command
  writes no formatted output); our ``--json`` is refused.
* Stores with delta-info flags (``delta-info-revlog``) are refused: hg's
  search there folds deltas to choose a base, which our writer does not mirror.

Deltas are made with hg's algorithm (``format.hgdiff``: its ``storage_diff``
for candidates, its ``textdiff`` for the ``--source`` delta, as hg's replay
makes them), not our writer's smaller bdiff, whatever the store's
``revlog-explorer.delta-algorithm``: the sizes decide the verdicts. What may
still differ is compression: the ``zstandard`` package bundles zstd 1.5.7
where hg vendors 1.5.6, so a zstd-compressed delta may differ by a byte.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from explorer.engine import NULL_REV, Revlog, Store
from explorer.engine.format.compression import Compressor
from explorer.engine.repo.formats import DELTA_INFO, write_config
from explorer.engine.revlog.delta_search import DeltaConfig, DeltaInfo
from explorer.engine.store.config import ConfigError
from explorer.reports.errors import ReportError
from explorer.reports.target import Target

SOURCES = ("full", "storage", "p1", "p2", "prev")
SEARCH = "DBG-DELTAS-SEARCH:"


@dataclass
class Recorder:
    """The tracer: keeps each event of the search with the time it happened."""

    events: list[tuple[float, str, tuple]] = field(default_factory=list)

    def __call__(self, event: str, *args: object) -> None:
        self.events.append((time.perf_counter(), event, args))


@dataclass(frozen=True)
class Setup:
    """How hg searches deltas in one revlog: its delta settings, compression, and
    the name the summary line gives it."""

    delta: DeltaConfig
    compress: Compressor
    label: str


def parse_rev(rl: Revlog, text: str) -> int:
    """REV as hg reads it here: a revision number of the revlog (``int(REV)``)."""
    try:
        rev = int(text)
    except ValueError:
        raise ReportError(f"invalid revision number: '{text}' (debug-delta-find takes "
                          "a revision number of the revlog)") from None
    if not 0 <= rev < len(rl):
        raise ReportError(f"revision {rev} is not in the revlog (0 to {len(rl) - 1})")
    return rev


def setup(target: Target, store: Store | None) -> Setup:
    """hg's settings for ``target``: a store's, from its requirements and
    configuration; a revlog opened by path gets none (not sparse, zlib, no limits)."""
    rl = target.revlog
    if store is None:
        cfg = DeltaConfig(generaldelta=rl.generaldelta, sparse=False, max_chain_len=None,
                          upper_bound_comp=None, delta_algorithm="hg")
        return Setup(cfg, Compressor("zlib"), "UNKNOWN")
    if DELTA_INFO in store.requirements:
        raise ReportError("debug-delta-find: stores with delta-info flags are not supported "
                          "(hg folds deltas there, which the explorer does not mirror)")
    try:
        wc = write_config(store.requirements, target.kind, config=store.config)
    except ConfigError as err:
        raise ReportError(str(err)) from None
    delta = replace(wc.delta, delta_algorithm="hg")
    return Setup(delta, Compressor(wc.compression, wc.level), _label(target))


def _label(target: Target) -> str:
    if target.kind == "changelog":
        return "CHANGELOG:"
    if target.kind == "manifest":
        tree = target.label[len("meta/"):-len("00manifest.i")]
        return f"MANIFESTLOG:{tree}:" if tree else "MANIFESTLOG:"
    return f"FILELOG:{target.label[len('data/'):-len('.i')]}:"


def source_base(target: Target, rev: int, source: str) -> int:
    """The base of the delta ``--source`` hands in (NULL_REV: none)."""
    p1, p2 = target.parents(rev)
    bases = {"full": NULL_REV, "storage": target.revlog.delta_parent(rev), "p1": p1,
             "p2": p2, "prev": rev - 1}
    if source not in bases:
        raise ReportError(f"invalid --source value: {source}", exit_code=10)
    return bases[source]


def deltafind_lines(target: Target, st: Setup, rev: int, source: str = "full",
                    quiet: bool = False) -> list[str]:
    """What ``hg debug-delta-find`` prints for ``rev`` (``-q``: the summary only)."""
    rl = target.revlog
    base = source_base(target, rev, source)
    parents = target.parents(rev)
    recorder = Recorder()
    start = time.perf_counter()
    info = rl.replay_delta_search(rev, st.delta, parents, st.compress.compress,
                                  source=base, trace=recorder)
    duration = time.perf_counter() - start
    lines = [] if quiet else list(_search_lines(rl, parents, recorder.events))
    lines.append(_summary(target, st.label, rev, info, base, recorder.events, duration))
    return lines


def _search_lines(rl: Revlog, parents: tuple[int, int], events: list) -> list[str]:
    out = []
    rounds = 0
    started = 0.0
    for when, event, args in events:
        if event == "search":
            target, cached = args
            extra = "" if cached is None else f" (cached={cached})"
            out.append(f"{SEARCH} SEARCH rev={target}{extra}\n")
        elif event == "round":
            rounds += 1
            stage, group, best = args
            out.append(f"{SEARCH} ROUND #{rounds} - {len(group)} candidates - "
                       f"{_round_kind(stage, group, best)}\n")
            if best is not None:
                out.append(f"{SEARCH}   CONTENDER: rev={best.base} - length={best.length}\n")
        elif event == "candidate":
            started = when
            out += _candidate_lines(rl, parents, args[0])
        elif event == "delta-size":
            out.append(f"{SEARCH}     uncompressed-delta-size={args[0]}\n")
        elif event == "projected":
            out.append(f"{SEARCH}     projected-lower-size={args[0]}\n")
        elif event == "discarded":
            out.append(f"{SEARCH}     DISCARDED ({args[0]})\n")
        elif event == "verdict":
            out.append(f"{SEARCH}     delta-search-time={when - started:f}\n")
            word, info = args
            if info is None:
                out.append(f"{SEARCH}     NO-DELTA\n")
            else:
                out.append(f"{SEARCH}     DELTA: length={info.length} ({word})\n")
    return out


def _round_kind(stage: str, group: tuple[int, ...], best: DeltaInfo | None) -> str:
    """hg's name for a round: by its stage, and for later stages by where the
    candidates lie against the best delta's base."""
    if stage == "cached":
        return "cached-delta"
    if stage == "parents":
        return "parents"
    if best is not None and all(c < best.base for c in group):
        return f"refine-down ({stage})"
    if best is not None and all(c > best.base for c in group):
        return f"refine-up ({stage})"
    return f"search-down ({stage})"


def _candidate_lines(rl: Revlog, parents: tuple[int, int], rev: int) -> list[str]:
    kind = None
    if rev == parents[0]:
        kind = "p1"
    elif rev == parents[1]:
        kind = "p2"
    elif rl.is_snapshot(rev):
        kind = f"snapshot-{rl.snapshot_depth(rev)}"
    lines = [f"{SEARCH}   CANDIDATE: rev={rev}\n"]
    if kind is not None:
        lines.append(f"{SEARCH}     type={kind}\n")
    size, base = (0, NULL_REV) if rev == NULL_REV else (rl.length(rev), rl.delta_parent(rev))
    lines += [f"{SEARCH}     size={size}\n", f"{SEARCH}     base={base}\n"]
    return lines


def _summary(target: Target, label: str, rev: int, info: DeltaInfo, cached: int,
             events: list, duration: float) -> str:
    rounds = sum(1 for _, event, _ in events if event == "round")
    tries = sum(1 for _, event, _ in events if event == "candidate")
    full = info.base == rev
    if full:
        kind, depth, used_cached = "full", 0, False
    else:
        kind = "snapshot" if info.snapshot_depth else "delta"
        depth = -1 if info.snapshot_depth is None else info.snapshot_depth
        used_cached = cached != NULL_REV and rounds == 1 and tries == 1 and info.base == cached
    p1, p2 = (_chain_length(target.revlog, p) for p in target.parents(rev))
    return (f"DBG-DELTAS: {label:<12} rev={rev}: delta-base={info.base} "
            f"is-cached={int(used_cached)} - search-rounds={rounds} try-count={tries} - "
            f"delta-type={kind:<6} snap-depth={depth} - p1-chain-length={p1} "
            f"p2-chain-length={p2} - duration={duration:f}\n")


def _chain_length(rl: Revlog, rev: int) -> int:
    """Deltas between ``rev`` and its chain's full text (-1 for null), as hg counts them
    (``revlog._chaininfo``): empty deltas too, which rebuilding a text skips
    (``delta_chain`` leaves them out)."""
    if rev == NULL_REV:
        return -1
    length = 0
    while (rev := rl.delta_parent(rev)) != NULL_REV:
        length += 1
    return length
