"""``revlogindex``: the older index dump, as ``hg debugrevlogindex`` prints it.

Format 0 lists node ids of the revision and its parents; format 1 lists
flags, full-text size, link revision and parent revision numbers. ``-v``
adds the data offset and chunk length; ``--debug`` prints full node ids.
Format 1 lists parent revisions in canonical order (see ``target``); format
0 lists parent nodes as stored, because Mercurial's node-based parent lookup
compares a revision number with the null node and so never reorders.
Numbers are printed with a sign column (Python's ``% 6d``): a value as wide
as its column is preceded by one more space.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from explorer.reports.errors import ReportError
from explorer.reports.formats import SHORT_NODE, node_hex
from explorer.reports.target import Target


def revlogindex_text(target: Target, *, fmt: int, verbose: bool,
                     full_nodes: bool) -> Iterator[str]:
    """Lines of ``hg debugrevlogindex -f FMT`` (``-v``, ``--debug``)."""
    if fmt not in (0, 1):
        raise ReportError(f"unknown format {fmt}")
    rl = target.revlog
    width = 40 if full_nodes and len(rl) else SHORT_NODE
    yield _header(fmt, verbose, width)
    for rev in rl:
        e = rl.entry(rev)
        node = node_hex(e.node, full_nodes)
        if fmt == 0:
            where = f" {e.offset: 9d} {e.compressed_length: 7d}" if verbose else ""
            yield (f"{rev: 6d}{where} {e.link_rev: 7d} {node} "
                   f"{node_hex(rl.node(e.p1), full_nodes)} {node_hex(rl.node(e.p2), full_nodes)}\n")
        else:
            p1, p2 = target.parents(rev)
            where = f" {e.offset: 8d} {e.compressed_length: 8d}" if verbose else ""
            yield (f"{rev: 6d} {e.flags:04x}{where} {rl.raw_size(rev): 8d} {e.link_rev: 6d} "
                   f"{p1: 6d} {p2: 6d} {node}\n")


def _header(fmt: int, verbose: bool, width: int) -> str:
    if fmt == 0:
        where = "    offset  length" if verbose else ""
        return f"   rev{where} linkrev {'nodeid'.ljust(width)} {'p1'.ljust(width)} p2\n"
    where = "   offset   length" if verbose else ""
    return f"   rev flag{where}     size   link     p1     p2 {'nodeid'.rjust(width)}\n"


def revlogindex_records(target: Target) -> Iterator[dict[str, Any]]:
    """Our ``--json``: one object per revision, parents in Mercurial's listed order."""
    rl = target.revlog
    for rev in rl:
        e = rl.entry(rev)
        p1, p2 = target.parents(rev)
        yield {
            "rev": rev,
            "offset": e.offset,
            "length": e.compressed_length,
            "flags": e.flags,
            "size": rl.raw_size(rev),
            "link_rev": e.link_rev,
            "p1": p1,
            "p2": p2,
            "node": e.node.hex(),
            "p1_node": rl.node(p1).hex(),
            "p2_node": rl.node(p2).hex(),
        }
