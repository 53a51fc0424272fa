"""Verify's checks of light-weight copies (``format/copydelta.py``).

Kept apart from the per-revlog passes: they need the store (the base is in
another filelog) and its requirements. The passes still read every revision,
so a copy whose delta rebuilds the wrong text fails the hash check there;
here each flagged revision is checked for what only the store can tell: that
the store may hold it at all, that it is a chain base of a v1 filelog (in a
changelog or manifest the flag is not acted on, and the hash check fails), and
that its payload names a filelog and a node that exist.

The flags are looked up in the entries the filelog passes decoded already
(``flagged``): opening every filelog a second time only to read its flags
was a tenth of verify's time on a real history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import RevlogError
from ..format.constants import REVLOG_V1
from ..format.copydelta import FLAG, REQUIREMENT, parse_payload
from ..format.index import IndexEntry
from ..revlog.revlog import Revlog
from ..store.files import StoreFiles
from .problems import ERROR, Collector, Problem


def flagged(entries: Sequence[IndexEntry | None]) -> list[int]:
    """The revisions flagged copy-delta among a filelog's decoded entries (an entry
    that could not be decoded is all zeros or v0: no flags)."""
    return [e.rev for e in entries if e is not None and e.flags & FLAG]


def check_copy_deltas(store: StoreFiles, out: Collector,
                      scanned: Mapping[str, list[int]] | None = None) -> None:
    """Report every flagged revision of ``store`` that its reader could not rebuild.

    ``scanned``: filelog path -> its flagged revisions, for the filelogs whose
    entries were decoded already; the others are opened and their flags read here.
    """
    allowed = REQUIREMENT in store.requirements
    scanned = scanned or {}
    try:
        paths = store.revlog_paths([])
    except RevlogError:
        return  # the store checks have said why
    for kind, path in paths:
        if kind != "filelog":
            continue  # elsewhere the flag is not acted on: the hash check fails instead
        revs = scanned.get(path)
        if revs == []:
            continue
        try:
            with store.open_revlog(path, kind) as rl:
                for rev in range(len(rl)) if revs is None else revs:
                    if rl.flags(rev) & FLAG:
                        _check_one(store, rl, rev, allowed, out)
        except RevlogError:
            continue  # a revlog that cannot be read: its own passes report it


def _check_one(store: StoreFiles, rl: Revlog, rev: int, allowed: bool, out: Collector) -> None:
    why = _fault(store, rl, rev, allowed)
    if why is None:
        return
    kind, message = why
    out.add(Problem(ERROR, rl.name, rl.data_path, rev, rl.chunk_offset(rev), "chunk",
                    f"light-weight copy: {message}", kind=kind,
                    changeset=rl.entry(rev).link_rev, length=rl.length(rev)))


def _fault(store: StoreFiles, rl: Revlog, rev: int,
           allowed: bool) -> tuple[str, str] | None:
    """What is wrong with flagged revision ``rev`` (a problem kind and message), if any."""
    if not allowed:
        return "copy-delta-unexpected", (f"flag copy-delta set in a store without the "
                                         f"{REQUIREMENT} requirement")
    if rl.version != REVLOG_V1:
        return "copy-delta-unexpected", "flag copy-delta set in a filelog that is not v1"
    if rl.delta_parent(rev) != -1:
        return "copy-delta-unexpected", (f"stored against revision {rl.delta_parent(rev)}: a "
                                         "light-weight copy must be its own base")
    try:
        copy = parse_payload(rl.chunk(rev))
        store.copy_bases.source_text(copy.source, copy.source_node)
    except RevlogError as exc:
        return "bad-copy-base", str(exc)
    return None
