"""Checks of the files that describe a revlog's files: v2 dockets and nodemap dockets.

A v2 docket says how many bytes of its index, data and sidedata files are
committed; a persistent nodemap docket names a trie file and the tip it was
written for. Each must agree with what it describes, or readers see a
different revlog than writers left.

These checks are part of a revlog's structure pass (run after
``revlog_structure``, whose decoded entries they read) and report through
the same ``RevlogCheck``.
"""

from __future__ import annotations

import os

from ..errors import CorruptionError, RevlogError, StoreError
from ..format.nodemap import BLOCK, parse_nodemap_docket
from ..format.reading import read_regular
from .problems import WARNING
from .revlog_check import RevlogCheck

# Byte offset of each committed end in the docket (after the header word and six u8).
_ENDS_AT = {"index": 10, "data": 26, "sidedata": 42}
_SHOWN = 5  # list at most this many revisions in one message
_TIP_NODE_AT = 34  # version, uid length, four u64, then the uid and the tip node
# A docket is 34 bytes of header, a uid of at most 255 bytes and a node: no more than
# this is read of one, whatever its size (past it, it is damaged anyway).
_DOCKET_MAX = 1 << 16


def _size(path: str) -> int | None:
    try:
        return os.path.getsize(path)
    except (OSError, ValueError):  # ValueError: a NUL in a name read from a docket
        return None


def check_docket(check: RevlogCheck) -> None:
    """The v2 docket's committed ends against its files and the index."""
    d = check.rl.docket
    if d is None:
        return
    ends = {
        "index": (d.index_suffix(), d.index_end, d.pending_index_end),
        "data": (d.data_suffix(), d.data_end, d.pending_data_end),
        "sidedata": (d.sidedata_suffix(), d.sidedata_end, d.pending_sidedata_end),
    }
    for what, (suffix, end, pending) in ends.items():
        _check_end(check, what, check.sidefile(suffix), end, pending)
    if d.index_end % check.rl.entry_size:
        check.report("docket-mismatch", f"the docket's index end {d.index_end} is not a whole "
                     f"number of {check.rl.entry_size}-byte entries", file=check.rl.index_file,
                     offset=_ENDS_AT["index"], field_name="docket", length=8)
    _check_data_end(check)


def _check_end(check: RevlogCheck, what: str, file: str, end: int, pending: int) -> None:
    size = _size(file)
    docket = check.rl.index_file
    at = dict(file=docket, offset=_ENDS_AT[what], field_name="docket", length=8)
    if size is None:
        if end:
            check.report("docket-mismatch", f"the docket names {os.path.basename(file)} "
                         f"({end} bytes) but it is missing", **at)
        return
    if size < end:
        check.report("docket-mismatch", f"{os.path.basename(file)} is {size} bytes, the docket "
                     f"says {end} are committed", file=file, offset=size, field_name=what,
                     length=0)
    elif size > end:
        check.report("uncommitted-bytes", f"{size - end} bytes past the docket's end of "
                     f"{os.path.basename(file)}: written by a transaction that did not finish",
                     file=file, offset=end, field_name=what, length=size - end, severity=WARNING,
                     hint="harmless to readers; hg recover or the next write removes them")
    if pending != end:
        check.report("docket-pending", f"the docket's pending {what} end ({pending}) differs from "
                     f"its committed end ({end}): a transaction did not finish",
                     severity=WARNING, **{**at, "offset": _ENDS_AT[what] + 8})


def _check_data_end(check: RevlogCheck) -> None:
    rl, entries = check.rl, check.entries
    if not entries or entries[-1] is None:
        return
    last = len(entries) - 1
    end = rl.start(last) + max(entries[-1].compressed_length, 0)
    if end != rl.docket.data_end:
        check.report("docket-mismatch", f"the docket's data end is {rl.docket.data_end}, but the "
                     f"last chunk ends at {end}", file=rl.index_file, offset=_ENDS_AT["data"],
                     field_name="docket", length=8)


def check_nodemap(check: RevlogCheck) -> None:
    """A persistent nodemap (``<radix>.n`` + trie) maps exactly this index's nodes."""
    try:
        docket_file = check.sidefile(".n")
    except StoreError:
        return  # a symlink out of the store: the store checks report it
    except RevlogError as err:
        check.report("nodemap", f"the nodemap docket is not readable: {err}")
        return
    try:
        raw = read_regular(docket_file, _DOCKET_MAX)
    except CorruptionError as err:
        check.report("nodemap", f"cannot read the nodemap docket: {err.message}",
                     file=err.file)
        return
    if raw is None:
        return
    try:
        docket = parse_nodemap_docket(raw, docket_file)
    except CorruptionError as err:
        check.report("nodemap", err.message, file=docket_file, offset=err.offset,
                     field_name="docket")
        return
    if docket is None:
        check.report("nodemap", f"unknown nodemap docket version {raw[:1].hex() or '(empty)'}",
                     file=docket_file, offset=0, field_name="docket", severity=WARNING)
        return
    if not _tip_matches(check, docket, docket_file):
        return
    try:
        data_file = check.sidefile(docket.data_suffix())
    except RevlogError as err:
        check.report("nodemap", f"the nodemap docket names an unusable file: {err}",
                     file=docket_file, offset=_TIP_NODE_AT, field_name="docket")
        return
    _check_trie(check, docket, data_file)


def _tip_matches(check: RevlogCheck, docket, docket_file: str) -> bool:
    rl = check.rl
    at = dict(file=docket_file, field_name="docket", severity=WARNING,
              hint="Mercurial ignores a nodemap that does not match the index; "
                   "hg debugupdatecaches rewrites it")
    if not 0 <= docket.tip_rev < len(rl):
        check.report("nodemap", f"the nodemap was written for tip rev {docket.tip_rev}, which the "
                     f"index does not have ({len(rl)} revisions)", offset=2, **at)
        return False
    if rl.node(docket.tip_rev) != docket.tip_node:
        check.report("nodemap", f"the nodemap's tip node {docket.tip_node.hex()[:12]} is not the "
                     f"node of rev {docket.tip_rev}", offset=_TIP_NODE_AT + len(docket.uid), **at)
        return False
    return True


def _check_trie(check: RevlogCheck, docket, data_file: str) -> None:
    try:
        data = read_regular(data_file, docket.data_length) or b""
    except CorruptionError as err:
        check.report("nodemap", f"cannot read the nodemap data: {err.message}", file=err.file)
        return
    if len(data) < docket.data_length:
        check.report("nodemap", f"the nodemap data file holds {len(data)} bytes, its docket says "
                     f"{docket.data_length}", file=data_file, offset=len(data), field_name="trie")
        return
    if docket.data_length % BLOCK.size:
        check.report("nodemap", f"nodemap data of {docket.data_length} bytes is not a whole number "
                     f"of {BLOCK.size}-byte blocks", file=data_file, offset=0, field_name="trie")
        return
    found = _walk_trie(check, data, data_file)
    if found is None:
        return
    missing = [r for r in range(docket.tip_rev + 1) if r not in found]
    if missing:
        shown = ", ".join(map(str, missing[:_SHOWN])) + (" ..." if len(missing) > _SHOWN else "")
        check.report("nodemap", f"{len(missing)} revisions missing from the nodemap: {shown}",
                     file=data_file, offset=len(data) - BLOCK.size, field_name="trie")


def _walk_trie(check: RevlogCheck, data: bytes, data_file: str) -> set[int] | None:
    """Every revision of the trie, each checked to sit under its node's prefix."""
    blocks = len(data) // BLOCK.size
    if not blocks:
        return set()
    rl, found, seen = check.rl, set(), set()
    todo = [(blocks - 1, "")]
    while todo:
        block, prefix = todo.pop()
        if block in seen or not 0 <= block < blocks:
            check.report("nodemap", f"nodemap block {block} is pointed at twice or does not exist",
                         file=data_file, offset=min(block, blocks) * BLOCK.size, field_name="trie")
            return None
        seen.add(block)
        for nibble, value in enumerate(BLOCK.unpack_from(data, block * BLOCK.size)):
            key = prefix + "0123456789abcdef"[nibble]
            if value >= 0:
                todo.append((value, key))
            elif value < -1:
                rev = -(value + 2)
                if rev >= len(rl) or not rl.node(rev).hex().startswith(key):
                    check.report("nodemap", f"the nodemap maps prefix {key} to rev {rev}, whose "
                                 f"node does not start so", file=data_file,
                                 offset=block * BLOCK.size + 4 * nibble, field_name="trie",
                                 length=4)
                    continue
                found.add(rev)
    return found
