"""Jupyter display of the engine's objects, and networkx views of revlogs.

``%load_ext explorer.notebook`` (or ``explorer.notebook.enable()``) registers
IPython display formatters for ``Revlog``, ``IndexEntry``, ``Store`` and
verify's ``Problem``; the tables they show are made in ``tables``, and
``graphs`` gives networkx graphs of bounded parts of a revlog, which then
display as drawings (``displays_svg``). ``displays`` names the other static
views: revision text, delta hunks, hex anatomy, problems by cause, copies. IPython finds
the formatters by type (``Problem`` by dotted name, so nothing is imported,
and a missing class costs nothing). Nothing here imports Textual, and IPython
only when ``enable`` is called outside a shell. ``explore`` gives the interactive
widget (``explorer.notebook.widget``, which needs anywidget: the notebook extra).
"""

from __future__ import annotations

from collections.abc import Callable

from explorer.engine import IndexEntry, Revlog, Store
from explorer.notebook.tables import (
    entry_html,
    entry_text,
    problem_html,
    problem_text,
    revlog_html,
    revlog_text,
    store_html,
    store_text,
)

RENDERERS: dict[type, tuple[Callable[[object], str], Callable[[object], str]]] = {
    Revlog: (revlog_html, revlog_text),
    IndexEntry: (entry_html, entry_text),
    Store: (store_html, store_text),
}

# verify's Problem, by (module, class name): where it is defined
PROBLEM_TYPES = [("explorer.engine.verify.problems", "Problem")]


def _pretty(text: Callable[[object], str]) -> Callable[[object, object, bool], None]:
    """A plain-text function in the shape IPython's pretty printer calls."""
    return lambda obj, p, cycle: p.text(text(obj))


def enable(ip=None) -> None:
    """Register the formatters with ``ip`` (by default the running IPython)."""
    if ip is None:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is None:
            raise RuntimeError("explorer.notebook.enable() needs a running IPython "
                               "(a Jupyter kernel or the ipython shell)")
    formatters = ip.display_formatter.formatters
    html_f, text_f = formatters["text/html"], formatters["text/plain"]
    for cls, (to_html, to_text) in RENDERERS.items():
        html_f.for_type(cls, to_html)
        text_f.for_type(cls, _pretty(to_text))
    for module, name in PROBLEM_TYPES:
        html_f.for_type_by_name(module, name, problem_html)
        text_f.for_type_by_name(module, name, _pretty(problem_text))
    # graphs' networkx graphs draw themselves; other graphs keep their usual display
    from explorer.notebook.displays_svg import svg_or_none  # networkx loads only here

    formatters["image/svg+xml"].for_type_by_name("networkx.classes.digraph", "DiGraph",
                                                 svg_or_none)


def explore(target=None):
    """The explorer as a notebook widget over ``target`` (a ``Store``, a ``Revlog``, a
    path, or None for the demo store); see ``explorer.notebook.widget``. Imported when
    called, so the tables work without the notebook extra (anywidget)."""
    from explorer.notebook.widget import explore as widget

    return widget(target)


def load_ipython_extension(ip) -> None:
    """``%load_ext explorer.notebook``."""
    enable(ip)
