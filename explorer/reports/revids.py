"""Revision ids on the command line, looked up as Mercurial looks them up.

Changelog, manifests and revlogs named by path take a revision number
(negative counts from the tip), a full node id, or an unambiguous hex
prefix. A filelog named by a tracked file takes, in ``hg debugdata``, only a
revision number or a full node id, and there ``-1`` is the empty null
revision (in a v0 revlog lower negative numbers count from the tip, a quirk
of hg's list-based v0 index).
"""

from __future__ import annotations

from explorer.engine import NULL_REV, LookupError, Revlog
from explorer.reports.errors import ReportError
from explorer.reports.target import Target

_HEX = frozenset("0123456789abcdefABCDEF")
_WORKING_DIR_HEX = "f" * 40  # hg's pseudo node of the working directory


def find_rev(target: Target, ident: str, *, filelog_rules: bool) -> int:
    """The revision ``ident`` names; ``ReportError`` when it names none or several.

    ``filelog_rules``: the stricter lookup of a filelog (no prefixes, -1 is null).
    A prefix of all f's is refused as hg does: it could be the working directory.
    """
    rl = target.revlog
    try:
        if filelog_rules:
            return _filelog_rev(rl, ident)
        if ident and _WORKING_DIR_HEX.startswith(ident):
            raise LookupError(ident)
        return rl.lookup(ident)
    except LookupError:
        raise ReportError(f"invalid revision identifier {ident}") from None


def _filelog_rev(rl: Revlog, ident: str) -> int:
    try:
        rev = int(ident)
    except ValueError:
        rev = None
    if rev is not None and str(rev) == ident:
        if rl.version == 0 and -len(rl) <= rev < NULL_REV:
            rev += len(rl)  # hg's v0 index is a Python list: negative numbers wrap
        if NULL_REV <= rev < len(rl):
            return rev
    if len(ident) == 40 and set(ident) <= _HEX:
        return rl.rev(bytes.fromhex(ident))
    raise LookupError(ident)
