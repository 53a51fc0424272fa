"""The static displays a notebook asks for by name, in one place.

``from explorer.notebook import displays`` then, in a cell:

- ``displays.text(rl, rev)``: the revision decoded for its kind;
- ``displays.delta(rl, rev)``: the hunks of its delta;
- ``displays.hexview(rl, rev)``: its bytes with every field named;
- ``displays.problems(store.verify())``: what verify found, one row per cause;
- ``displays.copies(store)``: every copy and rename, what it costs stored and as a
  light-weight copy, with the totals (the TUI's copies screen);
- ``displays.draw(graph)``: a graph of ``explorer.notebook.graphs`` as SVG
  (after ``enable()`` such graphs draw themselves);
- ``displays.revlogs(store, 50, 100)``: the store's revlogs past the first page;
- ``displays.chain(rl, rev)``, ``displays.rows(rl, start, stop)``: a delta
  chain, a window of the index.

Each returns a small object that displays itself as HTML (or SVG) and plain
text, with or without ``explorer.notebook.enable()``; nothing is read
before it is displayed, and everything read from the store is escaped.
"""

from explorer.notebook.displays_copies import copies
from explorer.notebook.displays_hex import hexview
from explorer.notebook.displays_problems import problems
from explorer.notebook.displays_svg import draw
from explorer.notebook.displays_text import delta, text
from explorer.notebook.tables import chain, revlogs, rows

__all__ = ["chain", "copies", "delta", "draw", "hexview", "problems", "revlogs", "rows", "text"]
