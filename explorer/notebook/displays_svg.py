"""The graphs of ``explorer.notebook.graphs`` drawn as SVG, laid out as the DAG pane is.

Both kinds of graph put every revision below the ones it depends on: a
parent, or the base its delta is against, always has a lower number. So
one layout serves both: ``explorer.views.dag_layout`` gives each revision a
line (in rev order) and a column, keeping a column for a revision while its
children are still to come; an edge runs down its parent's column, then
across to the child; a parent left out of a window is a dashed stub.
Nodes are coloured by how the revision is stored (a full snapshot, an
intermediate one, a delta), with the details on hover.

A graph of more than ``MAX_NODES`` revisions is not drawn (it would be
taller than any screen): the drawing says so and how to take a window.
"""

from __future__ import annotations

import html

import networkx as nx

from explorer.views.dag_layout import DagLayout
from explorer.views.printable import printable

MAX_NODES = 400
DX, DY, R, TOP, LEFT = 16, 18, 5, 30, 12
COLOURS = {"full": "#e65100", "intermediate": "#f9a825", None: "#1565c0"}
LEGEND = [("full snapshot", "full"), ("intermediate snapshot", "intermediate"),
          ("delta", None)]


def _e(value: object) -> str:
    return html.escape(printable(value, keep_newlines=False), quote=True)


def is_revlog_graph(g: object) -> bool:
    """Whether ``g`` is one of ``explorer.notebook.graphs``' graphs (revisions as nodes)."""
    return (isinstance(g, nx.DiGraph) and "revlog" in g.graph
            and all(isinstance(n, int) for n in g))


def describe(g: nx.DiGraph) -> str:
    name = g.graph["revlog"]
    if "start" in g.graph:
        return f"{name}: parents of revs {g.graph['start']}..{g.graph['stop'] - 1}"
    if "root" in g.graph:
        return f"{name}: revisions rebuilt through the chunk of rev {g.graph['root']}"
    return f"{name}: delta chains, each tree on one full snapshot"


def _storage(attributes: dict) -> str | None:
    """"full", "intermediate" or None (a delta), from what a node says."""
    if "snapshot" in attributes:
        return attributes["snapshot"]
    if attributes.get("is_snapshot"):
        return "full" if attributes.get("base", 0) == -1 else "intermediate"
    return None


def _hover(rev: int, attributes: dict) -> str:
    words = [f"rev {rev}"] + [f"{k} {attributes[k]}" for k in
                              ("node", "size", "compressed", "link_rev", "base", "depth", "p1",
                               "p2") if attributes.get(k) is not None]
    return ", ".join(words)


def _layout(g: nx.DiGraph) -> tuple[list[int], list, int]:
    """Nodes in rev order, their rows of the DAG layout, and its width in columns."""
    nodes = sorted(g)
    index = {n: i for i, n in enumerate(nodes)}

    def parents(i: int) -> tuple[int, int]:
        n = nodes[i]
        lower = sorted({index[m] for m in (*g.successors(n), *g.predecessors(n)) if m < n})
        return (lower + [-1, -1])[0], (lower + [-1, -1])[1]

    layout = DagLayout(len(nodes), parents)
    layout.compute()
    return nodes, layout.rows(0, len(nodes)), layout.width


def graph_svg(g: nx.DiGraph) -> str:
    """The drawing of one of ``graphs``' graphs."""
    title = f'<text x="4" y="16" font-weight="bold">{_e(describe(g))}</text>'
    if len(g) > MAX_NODES:
        return _svg(560, 50, title + f'<text x="4" y="38">{len(g)} revisions: too many to '
                    f"draw (at most {MAX_NODES}); take a window of the revlog</text>")
    nodes, rows, width = _layout(g)
    x = [LEFT + row.node * DX for row in rows]
    y = [TOP + i * DY for i in range(len(nodes))]
    index = {n: i for i, n in enumerate(nodes)}
    edges = []
    for child, parent in ((max(a, b), min(a, b)) for a, b in g.edges):
        c, p = index[child], index[parent]
        edges.append(f'<path d="M{x[p]},{y[p]} L{x[p]},{y[c] - DY // 2} L{x[c]},{y[c]}" '
                     'fill="none" stroke="#888"/>')
    edges += _outside(g, nodes, x, y)
    label_x = LEFT + max(width, 1) * DX + 8
    marks = []
    for i, n in enumerate(nodes):
        a = g.nodes[n]
        colour = COLOURS.get(_storage(a), COLOURS[None])
        marks.append(f'<g><title>{_e(_hover(n, a))}</title>'
                     f'<circle cx="{x[i]}" cy="{y[i]}" r="{R}" fill="{colour}"/>'
                     f'<text x="{label_x}" y="{y[i] + 4}">{n}</text></g>')
    legend = _legend(label_x + 60, TOP)
    height = TOP + len(nodes) * DY
    wide = max(label_x + 240, 8 * len(describe(g)) + 10)
    return _svg(wide, max(height, TOP + 3 * DY), title + "".join(edges + marks) + legend)


def _outside(g: nx.DiGraph, nodes: list[int], x: list[int], y: list[int]) -> list[str]:
    """A dashed stub above each revision for each parent before the window (a parents
    graph's nodes keep ``p1`` and ``p2`` even when the window leaves them out)."""
    stubs = []
    for i, n in enumerate(nodes):
        for p in {g.nodes[n].get("p1", -1), g.nodes[n].get("p2", -1)} - {-1} - set(g):
            stubs.append(f'<line x1="{x[i]}" y1="{y[i]}" x2="{x[i] + DX // 2}" '
                         f'y2="{y[i] - DY // 2}" stroke="#888" stroke-dasharray="2,2">'
                         f"<title>parent {p}, outside the window</title></line>")
    return stubs


def _legend(x: int, y: int) -> str:
    out = []
    for i, (words, kind) in enumerate(LEGEND):
        out.append(f'<circle cx="{x}" cy="{y + i * DY}" r="{R}" fill="{COLOURS[kind]}"/>'
                   f'<text x="{x + 10}" y="{y + i * DY + 4}">{words}</text>')
    return "".join(out)


def _svg(width: int, height: int, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'font-family="monospace" font-size="12">{body}</svg>')


class GraphDrawing:
    """A graph of ``graphs`` that displays as its drawing (``draw(g)``)."""

    def __init__(self, graph: nx.DiGraph) -> None:
        if not is_revlog_graph(graph):
            raise ValueError("draw() takes a graph of explorer.notebook.graphs "
                             "(revisions as nodes, its revlog named)")
        self.graph = graph

    def __repr__(self) -> str:
        return f"<GraphDrawing {describe(self.graph)}, {len(self.graph)} revisions>"

    def _repr_svg_(self) -> str:
        return graph_svg(self.graph)


def draw(graph: nx.DiGraph) -> GraphDrawing:
    """``graph`` to display as SVG, with or without ``explorer.notebook.enable()``."""
    return GraphDrawing(graph)


def svg_or_none(graph: object) -> str | None:
    """The formatter ``enable`` registers for networkx graphs: ours are drawn, others
    are left to their usual display."""
    return graph_svg(graph) if is_revlog_graph(graph) else None
