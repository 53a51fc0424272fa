"""``debugsidedata``: the sidedata entries of one revision, as hg lists them.

Only revlog-v2 and changelog-v2 revisions carry sidedata; for any other revision
hg prints nothing. Entries are sorted by key: ``entry-KEY`` with the key in
octal, four digits, and the value's size; with ``-v`` also the value, quoted
and escaped as hg's ``stringutil.pprint`` does (``codecs.escape_encode``, so a
quote is always ``\\'``, unlike Python's ``repr``). Like hg, we refuse a revlog
named by path or an empty one (hg opens storage, never a file, for this command).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from explorer.engine.payloads.sidedata import decode_sidedata
from explorer.reports.errors import ReportError
from explorer.reports.target import Target


def sidedata_lines(target: Target, rev: int, verbose: bool = False) -> Iterator[str | bytes]:
    """What ``hg debugsidedata [-v]`` prints for revision ``rev`` of ``target``."""
    check_storage(target)
    entries = sorted(decode_sidedata(target.revlog.sidedata(rev)).items())
    if not entries:
        return
    yield f"{len(entries)} sidedata entries\n"
    for key, value in entries:
        yield f" entry-{key:04o} size {len(value)}\n"
        if verbose:
            yield b"  '%s'\n" % codecs.escape_encode(value)[0]


def check_storage(target: Target) -> None:
    """hg's ``openstorage`` without a path fallback: an empty or path-named revlog
    is no storage it will open."""
    if target.kind == "path" or len(target.revlog) == 0:
        raise ReportError("cannot give path to non-revlog")
