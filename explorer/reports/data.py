"""``data``: the raw text of one revision, as ``hg debugdata`` prints it.

The text is the stored "raw text": filelog copy metadata included, a
censored revision's tombstone, an LFS pointer rather than the large file.

Revision ids follow Mercurial. Changelog, manifests and revlogs named by
path take a revision number (negative counts from the tip), a full node id,
or an unambiguous hex prefix. A filelog (a tracked file argument) takes only
a revision number or a full node id, and ``-1`` is the empty null revision (in a v0 revlog,
lower negative numbers count from the tip, a quirk of hg's v0 index).
"""

from __future__ import annotations

import base64
from typing import Any

from explorer.engine import NULL_REV, CorruptionError, LookupError, Revlog

from .errors import ReportError
from .target import Target

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


def data_bytes(target: Target, rev: int) -> bytes:
    """The raw text of ``rev``."""
    return target.revlog.revision(rev)


def integrity(target: Target, rev: int) -> str:
    """``Revlog.hash_status`` of ``rev`` ("ok" for the null revision).

    hg refuses to print a censored revision ("censored"); a text that does
    not hash to its node ("mismatch") is damage. Externally stored (LFS) and
    ellipsis revisions never match by design and are printed.
    """
    return "ok" if rev == NULL_REV else target.revlog.hash_status(rev)


def censored_error(target: Target, rev: int) -> ReportError:
    return ReportError(f"file censored {target.label}:{rev} (its stored text is a tombstone)")


def integrity_error(target: Target, rev: int) -> CorruptionError:
    rl = target.revlog
    return CorruptionError("the node is not the hash of the parents and text "
                           "(integrity check failed)", file=rl.index_path, rev=rev,
                           offset=rl.entry_offset(rev))


def data_record(target: Target, rev: int) -> dict[str, Any]:
    """Our ``--json`` object: the text as UTF-8 when it is, else base64."""
    text = data_bytes(target, rev)
    record: dict[str, Any] = {
        "rev": rev,
        "node": target.revlog.node(rev).hex(),
        "size": len(text),
    }
    try:
        record["text"] = text.decode("utf-8")
    except UnicodeDecodeError:
        record["base64"] = base64.b64encode(text).decode("ascii")
    return record
