"""What the widget sends its front end: the views' plain data as JSON-ready values.

Every string read from a store goes through ``printable`` here (a lone
surrogate would not even encode for the kernel's socket); the front end then
sets it as text, never as markup. Nothing here is O(revisions): rows are
made for the window asked for, graphs for a bounded neighbourhood.
"""

from __future__ import annotations

import os

from explorer.engine import CorruptionError, RevlogError
from explorer.views.anatomy import Section, file_label, sections
from explorer.views.chain_links import Link, delta_type, explain
from explorer.views.dag_window import DagWindow
from explorer.views.delta_tree import DeltaTree
from explorer.views.document import Document, Line
from explorer.views.printable import printable
from explorer.views.revlog_view import DAMAGED, NOT_SNAPSHOT, UNKNOWN, RevlogView

HEX_SHOWN = 4096  # bytes of a section sent; the rest is summarised


def describe_error(err: Exception) -> str:
    """A read error in a line: what is wrong, and where (file name and byte)."""
    if isinstance(err, CorruptionError):
        where = [os.path.basename(err.file)] if err.file else []
        if err.offset is not None:
            where.append(f"byte {err.offset}")
        return printable(err.message + (f" ({', '.join(where)})" if where else ""))
    return printable(str(err))


def _fact(value: int) -> int | None:
    return None if value in (UNKNOWN, NOT_SNAPSHOT, DAMAGED) else value


def index_rows(view: RevlogView, start: int, stop: int) -> list[dict]:
    """Index entries ``start`` to ``stop - 1`` with chain length and snapshot level."""
    revs = range(max(0, start), min(stop, len(view)))
    view.fill_facts(revs, lambda: False)
    return [_index_row(view, rev) for rev in revs]


def _index_row(view: RevlogView, rev: int) -> dict:
    try:
        e = view.entry(rev)
    except CorruptionError as err:
        return {"rev": rev, "error": describe_error(err)}
    row = {
        "rev": rev, "offset": e.offset, "flags": f"{e.flags:04x}",
        "stored": e.compressed_length, "size": e.uncompressed_length, "base": e.base,
        "link": e.link_rev, "p1": e.p1, "p2": e.p2, "node": e.node.hex()[:12],
        "chain": _fact(view.chain_length[rev]),
        "level": _fact(view.snapshot_depth[rev]),
    }
    if rev in view.damage:
        row["error"] = printable(view.damage[rev], keep_newlines=False)
    return row


def line_json(line: Line) -> list:
    """``[runs, style]``: runs as ``[text, style]`` pairs, all text printable."""
    return [[[printable(text, keep_newlines=False), style] for text, style in line.runs],
            line.style]


def document_lines(doc: Document, start: int, stop: int) -> list[list]:
    return [line_json(doc.line(i)) for i in range(max(0, start), min(stop, len(doc)))]


def hex_sections(view: RevlogView, rev: int) -> list[dict]:
    """The hex pane's sections, each cut to ``HEX_SHOWN`` bytes."""
    return [_section(view, s) for s in sections(view, rev)]


def _section(view: RevlogView, s: Section) -> dict:
    data = s.data[:HEX_SHOWN]
    return {
        "title": printable(s.title, keep_newlines=False),
        "file": printable(file_label(view.revlog, s.file) if s.file else "",
                          keep_newlines=False),
        "offset": s.offset,
        "total": s.total,
        "hex": data.hex(),
        "spans": [[sp.start, min(sp.end, len(data)), printable(sp.name, keep_newlines=False),
                   printable(sp.explain, keep_newlines=False)]
                  for sp in s.spans if sp.start < len(data)],
    }


def tree_json(tree: DeltaTree) -> dict:
    """The snapshot tree with each node's words: why it is stored so, in one line."""
    return {
        "rev": tree.rev,
        "length": tree.chain_length,
        "read": tree.read,
        "cut": tree.cut,
        "cut_row": tree.cut_row,
        "more": [[base, count] for base, count in sorted(tree.more.items())],
        "nodes": [{"rev": n.rev, "base": n.base, "level": n.level, "why": n.why,
                   "stored": n.stored, "chain": n.on_chain, "row": n.row, "column": n.column}
                  for n in tree.nodes],
    }


def dag_json(window: DagWindow) -> dict:
    return {
        "rev": window.rev,
        "width": window.width,
        "nodes": [{"rev": n.rev, "row": n.row, "column": n.column, "parents": list(n.parents),
                   "outside": list(n.outside), "broken": n.broken} for n in window.nodes],
    }


def link_words(view: RevlogView, rev: int) -> str:
    """Why ``rev`` is stored as it is (the chain pane's sentence for its own link)."""
    rl = view.revlog
    try:
        with view.lock:
            chain = rl.delta_chain(rev)
            raw = rl.raw_chunk(rev)
            e = rl.entry(rev)
            link = Link(rev, rl.delta_parent(rev), delta_type(rl, rev),
                        len(chain) - 1 if rl.is_snapshot(rev) else None, len(raw),
                        rl.chunk_compression(rev, raw), len(rl.chunk(rev)),
                        e.uncompressed_length, 0, e.flags)
    except RevlogError as err:
        return describe_error(err)
    return printable(explain(link, len(chain) - 1, len(chain)), keep_newlines=False)
