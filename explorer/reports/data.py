"""``data``: the raw text of one revision, as ``hg debugdata`` prints it.

The text is the stored "raw text": filelog copy metadata included, an LFS
pointer rather than the large file. Like hg, we refuse a censored revision
(its stored text is a tombstone, not the revision); a text that does not hash
to its node is printed, then reported as damage.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from explorer.engine import NULL_REV, CorruptionError, Revlog
from explorer.reports.errors import ReportError
from explorer.reports.formats import json_lines
from explorer.reports.target import Target


def data_output(target: Target, rev: int, *, as_json: bool) -> Iterator[bytes | str]:
    """What ``data`` prints: the raw text, or our ``--json`` record of it.

    Raises ``ReportError`` before printing a censored revision, and
    ``CorruptionError`` after printing a text that fails its hash check.
    """
    rl = target.revlog
    text = rl.revision(rev)
    status = "ok" if rev == NULL_REV else rl.hash_status(rev)
    if status == "censored":
        raise ReportError(f"file censored {target.label}:{rev} (its stored text is a tombstone)")
    if as_json:
        yield from json_lines([_record(rl, rev, text)])
    else:
        yield text
    # LFS and ellipsis revisions never match their node by design: only a plain
    # mismatch is damage.
    if status == "mismatch":
        raise CorruptionError("the node is not the hash of the parents and text "
                              "(integrity check failed)", file=rl.index_path, rev=rev,
                              offset=rl.entry_offset(rev))


def _record(rl: Revlog, rev: int, text: bytes) -> dict[str, Any]:
    """Our ``--json`` object: the text as UTF-8 when it is, else base64."""
    record: dict[str, Any] = {"rev": rev, "node": rl.node(rev).hex(), "size": len(text)}
    try:
        record["text"] = text.decode("utf-8")
    except UnicodeDecodeError:
        record["base64"] = base64.b64encode(text).decode("ascii")
    return record
