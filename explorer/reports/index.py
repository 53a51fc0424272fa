"""``index``: the entries of a revlog index, as ``hg debugindex`` prints them.

Plain output has five columns: rev, linkrev and the three node ids.
``-v`` adds every stored field (rank, parent revisions, full size, delta
base, flags, compression modes, data and sidedata offsets and sizes);
``--debug`` does the same with full 40-digit node ids. Each column is right
aligned to a fixed width (a node column to the node length) and values wider
than their column simply push the rest of the line to the right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from explorer.engine import IndexEntry, Revlog
from explorer.engine.format.constants import COMP_MODE_NAMES
from explorer.reports.formats import SHORT_NODE, node_hex

Cell = Callable[[Revlog, IndexEntry, bool], str]


def _rank(rl: Revlog, e: IndexEntry, full: bool) -> str:
    return str(e.rank)


def _node(rl: Revlog, e: IndexEntry, full: bool) -> str:
    return node_hex(e.node, full)


def _parent_node(which: int) -> Cell:
    def cell(rl: Revlog, e: IndexEntry, full: bool) -> str:
        return node_hex(rl.node(e.p1 if which == 1 else e.p2), full)

    return cell


def _full_size(rl: Revlog, e: IndexEntry, full: bool) -> str:
    # v0 does not store the size of the full text.
    return "-" if e.uncompressed_length is None else str(e.uncompressed_length)


def _sidedata_mode(rl: Revlog, e: IndexEntry, full: bool) -> str:
    mode = e.sidedata_compression_mode
    return COMP_MODE_NAMES.get(mode, str(mode))


def _field(name: str) -> Cell:
    return lambda rl, e, full: str(getattr(e, name))


NODE_WIDTH = object()  # marks the columns as wide as a node id

# (header, width, shown without -v, value)
COLUMNS: list[tuple[str, Any, bool, Cell]] = [
    ("rev", 6, True, _field("rev")),
    ("rank", 6, False, _rank),
    ("linkrev", 7, True, _field("link_rev")),
    ("nodeid", NODE_WIDTH, True, _node),
    ("p1-rev", 6, False, _field("p1")),
    ("p1-nodeid", NODE_WIDTH, True, _parent_node(1)),
    ("p2-rev", 6, False, _field("p2")),
    ("p2-nodeid", NODE_WIDTH, True, _parent_node(2)),
    ("full-size", 20, False, _full_size),
    ("delta-base", 10, False, _field("base")),
    ("flags", 5, False, _field("flags")),
    ("comp-mode", 9, False, _field("data_compression_mode")),
    ("data-offset", 20, False, _field("offset")),
    ("chunk-size", 10, False, _field("compressed_length")),
    ("sd-comp-mode", 12, False, _sidedata_mode),
    ("sidedata-offset", 20, False, _field("sidedata_offset")),
    ("sd-chunk-size", 13, False, _field("sidedata_length")),
]


def _columns(verbose: bool) -> list[tuple[str, Any, bool, Cell]]:
    return [c for c in COLUMNS if verbose or c[2]]


def _node_width(rl: Revlog, full: bool) -> int:
    # An empty revlog has no node to measure; hg then uses the short width.
    return 40 if full and len(rl) else SHORT_NODE


def index_text(rl: Revlog, *, verbose: bool, full_nodes: bool) -> Iterator[str]:
    """Lines of ``hg debugindex`` (``-v`` for ``verbose``, ``--debug`` for both flags)."""
    columns = _columns(verbose)
    node_width = _node_width(rl, full_nodes)
    widths = [node_width if w is NODE_WIDTH else w for _, w, _, _ in columns]
    yield " ".join(name.rjust(w) for (name, *_), w in zip(columns, widths)) + "\n"
    for rev in rl:
        e = rl.entry(rev)
        cells = (cell(rl, e, full_nodes).rjust(w) for (*_, cell), w in zip(columns, widths))
        yield " ".join(cells) + "\n"


def index_hg_json(rl: Revlog, *, verbose: bool, full_nodes: bool) -> Iterator[dict[str, str]]:
    """The items of ``hg debugindex -T json``: every value a string, keyed by column."""
    columns = _columns(verbose)
    for rev in rl:
        e = rl.entry(rev)
        yield {name: cell(rl, e, full_nodes) for name, _, _, cell in columns}


def index_records(rl: Revlog) -> Iterator[dict[str, Any]]:
    """Our ``--json``: every field of every entry, nodes in full hex."""
    for rev in rl:
        e = rl.entry(rev)
        yield {
            "rev": e.rev,
            "link_rev": e.link_rev,
            "node": e.node.hex(),
            "p1": e.p1,
            "p1_node": rl.node(e.p1).hex(),
            "p2": e.p2,
            "p2_node": rl.node(e.p2).hex(),
            "rank": e.rank,
            "full_size": e.uncompressed_length,
            "delta_base": e.base,
            "flags": e.flags,
            "compression_mode": COMP_MODE_NAMES.get(e.data_compression_mode,
                                                    e.data_compression_mode),
            "data_offset": e.offset,
            "chunk_size": e.compressed_length,
            "sidedata_compression_mode": COMP_MODE_NAMES.get(e.sidedata_compression_mode,
                                                             e.sidedata_compression_mode),
            "sidedata_offset": e.sidedata_offset,
            "sidedata_size": e.sidedata_length,
        }
