"""The explorer as a Jupyter widget: state in traitlets, big tables by request.

What the user selects is two traitlets, ``revlog`` (a store path) and
``rev``; setting either from Python or from the page recomputes the linked
views (delta tree, DAG window, hex anatomy, the text's length) and syncs
them, all bounded in size. What can be long (the revlogs of a store, the
index, a revision's lines) is never state: the front end asks for the window
it shows with a custom message and the kernel answers with those rows only,
so a revlog of a million revisions costs what its visible rows cost.
"""

from __future__ import annotations

import os
from pathlib import Path

import anywidget
import traitlets

from explorer.engine import Revlog, RevlogError, Store
from explorer.notebook.widget import payloads
from explorer.notebook.widget.revlogs import RevlogList, name
from explorer.views.dag_window import dag_window
from explorer.views.delta_tree import delta_tree
from explorer.views.document import Document, message
from explorer.views.printable import printable
from explorer.views.revision_text import delta_document, revision_document
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef, Source, open_source

STATIC = Path(__file__).parent / "static"
MAX_WINDOW = 500  # rows answered for one request, whatever is asked
TEXT_MODES = ("text", "delta")


class Explorer(anywidget.AnyWidget):
    """Browse a store: ``revlog`` and ``rev`` select, the views follow."""

    _esm = STATIC / "explorer.js"
    _css = STATIC / "explorer.css"

    label = traitlets.Unicode("").tag(sync=True)
    revlogs = traitlets.Int(0).tag(sync=True)
    revlog = traitlets.Unicode("").tag(sync=True)
    rev = traitlets.Int(-1).tag(sync=True)
    count = traitlets.Int(0).tag(sync=True)
    facts = traitlets.Dict().tag(sync=True)
    text_mode = traitlets.Unicode("text").tag(sync=True)
    text = traitlets.Dict().tag(sync=True)
    chain = traitlets.Dict().tag(sync=True)
    dag = traitlets.Dict().tag(sync=True)
    hexdump = traitlets.List().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, source: Source, opened: dict[str, Revlog] | None = None) -> None:
        self._source = source
        self._list = RevlogList(source, opened or {})
        self._view: RevlogView | None = None
        self._docs: dict[str, Document] = {}
        super().__init__(label=printable(source.label, keep_newlines=False),
                         revlogs=len(source.refs))
        self.on_msg(self._on_msg)
        if source.refs:
            self.revlog = name(source.refs[source.start])

    # -- selection -------------------------------------------------------------------

    @traitlets.validate("revlog")
    def _valid_revlog(self, proposal) -> str:
        if self._list.find(proposal.value) is None:
            raise traitlets.TraitError(f"no revlog {proposal.value!r} in {self._source.label}")
        return proposal.value

    @traitlets.validate("rev")
    def _valid_rev(self, proposal) -> int:
        rev, count = proposal.value, self.count
        if count == 0 and rev == -1:
            return rev
        if not 0 <= rev < count:
            raise traitlets.TraitError(f"rev {rev} is out of range: {self.revlog} has "
                                       f"revisions 0 to {count - 1}")
        return rev

    @traitlets.validate("text_mode")
    def _valid_mode(self, proposal) -> str:
        if proposal.value not in TEXT_MODES:
            raise traitlets.TraitError(f"text_mode is one of {', '.join(TEXT_MODES)}")
        return proposal.value

    @traitlets.observe("revlog")
    def _open(self, change) -> None:
        ref = self._list.find(change.new)
        self._release()
        try:
            revlog = self._list.opened.get(ref.path) or self._source.open(ref)
        except (RevlogError, OSError) as err:
            with self.hold_sync():
                self.count, self.facts = 0, {"kind": ref.kind}
                self.error = f"cannot open {change.new}: {payloads.describe_error(err)}"
                self._select(-1)
            return
        self._view = RevlogView(ref, revlog)
        with self.hold_sync():
            self.error = ""
            self.count = len(revlog)
            self.facts = _facts(ref, revlog)
            self._select(len(revlog) - 1)

    def _release(self) -> None:
        """Close the open revlog, unless the caller handed it over (theirs to close).
        (ipywidgets closes a widget when it is collected: maybe half made.)"""
        view = getattr(self, "_view", None)
        if view is not None and view.revlog not in self._list.opened.values():
            view.close()
        self._view = None
        self._docs = {}

    def close(self) -> None:
        """Close the revlog being explored, then the widget (its comm)."""
        self._release()
        super().close()

    def _select(self, rev: int) -> None:
        """Select ``rev``, recomputing the views even when it is the number already set."""
        if self.rev == rev:
            self._show()
        else:
            self.rev = rev

    @traitlets.observe("rev")
    def _on_rev(self, change) -> None:
        self._show()

    @traitlets.observe("text_mode")
    def _on_mode(self, change) -> None:
        self._load_text()

    def _show(self) -> None:
        """The linked views of the selected revision."""
        view, rev = self._view, self.rev
        with self.hold_sync():
            if view is not None:
                self.error = ""  # a damaged revision says so again below
            if view is None or rev < 0:
                self.chain, self.dag, self.hexdump = {}, {}, []
                self._docs = {}
                self.text = {"revlog": self.revlog, "rev": rev, "mode": self.text_mode,
                             "count": 0}
                return
            try:
                self.chain = {**payloads.tree_json(delta_tree(view, rev)),
                              "words": payloads.link_words(view, rev)}
            except RevlogError as err:
                self.chain = {"rev": rev, "nodes": [], "error": payloads.describe_error(err)}
            self.dag = payloads.dag_json(dag_window(view, rev))
            try:
                self.hexdump = payloads.hex_sections(view, rev)
            except RevlogError as err:
                self.hexdump = [{"title": payloads.describe_error(err), "hex": "", "spans": [],
                                 "file": "", "offset": None, "total": 0}]
            self._docs = {}
            self._load_text()

    def _load_text(self) -> None:
        doc = self._document(self.text_mode)
        self.text = {"revlog": self.revlog, "rev": self.rev, "mode": self.text_mode,
                     "count": len(doc), "head": payloads.document_lines(doc, 0, 60)}

    def _document(self, mode: str) -> Document:
        if mode not in self._docs:
            build = revision_document if mode == "text" else delta_document
            if self._view is None or self.rev < 0:
                self._docs[mode] = message("no revision selected")
            else:
                try:
                    self._docs[mode] = build(self._view, self.rev)
                except RevlogError as err:
                    self._view.mark_damaged(self.rev, payloads.describe_error(err))
                    self.error = f"rev {self.rev} cannot be rebuilt: {payloads.describe_error(err)}"
                    self._docs[mode] = message(self.error)
        return self._docs[mode]

    # -- windows asked for by the front end -----------------------------------------

    def _on_msg(self, widget, content, buffers) -> None:
        if not isinstance(content, dict):
            return
        answer = self.answer(content)
        if answer is not None:
            self.send(answer)

    def answer(self, request: dict) -> dict | None:
        """The reply to one request of the front end (``kind``: revlogs, index or
        lines, a window of each; lookup, a go-to); None for a kind it does not know."""
        kind = request.get("kind")
        start = _int(request.get("start"), 0)
        stop = min(_int(request.get("stop"), 0), start + MAX_WINDOW)
        reply = {"kind": kind, "id": request.get("id"), "start": start}
        if kind == "revlogs":
            total, rows = self._list.window(str(request.get("filter", "")), start, stop)
            return {**reply, "total": total, "rows": rows}
        if kind == "index":
            if self._view is None or request.get("revlog") != self.revlog:
                return {**reply, "stale": True, "rows": []}
            return {**reply, "revlog": self.revlog,
                    "rows": payloads.index_rows(self._view, start, stop)}
        if kind == "lines":
            key = (request.get("revlog"), request.get("rev"), request.get("mode"))
            if key != (self.revlog, self.rev, self.text_mode):
                return {**reply, "stale": True, "lines": []}
            doc = self._document(self.text_mode)
            return {**reply, "revlog": self.revlog, "rev": self.rev, "mode": self.text_mode,
                    "lines": payloads.document_lines(doc, start, stop)}
        if kind == "lookup":
            return {**reply, **self._go_to(str(request.get("query", "")).strip())}
        return None

    def _go_to(self, query: str) -> dict:
        """Select the revision ``query`` names (a number, negative from the end, or a
        node prefix), as the TUI's go-to does; or say why not."""
        if self._view is None:
            return {"error": "no revlog is open"}
        count = len(self._view)
        if query.lstrip("-").isdigit() and not -count <= int(query) < count:
            return {"error": f"no rev {query}: {self.revlog} has revisions 0 to {count - 1}"}
        try:
            with self._view.lock:
                rev = self._view.revlog.lookup(query)
        except RevlogError as err:
            return {"error": printable(str(err), keep_newlines=False)}
        if rev < 0:
            return {"error": f"{query} is the null revision, which is not stored"}
        self.rev = rev
        return {"rev": rev}


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _facts(ref: RevlogRef, revlog: Revlog) -> dict:
    return {
        "kind": ref.kind,
        "format": revlog.format_description(),
        "index_file": printable(os.path.basename(revlog.index_path)),
        "data_file": printable(os.path.basename(revlog.data_path)),
    }


def explore(target: Store | Revlog | str | os.PathLike[str] | None = None) -> Explorer:
    """A widget exploring ``target``: a ``Store``, an open ``Revlog``, a path (a
    repository, its ``.hg``, a store directory or one ``.i`` file), or None for the
    built-in demo store. A path that cannot be explored raises ``SourceError``."""
    if isinstance(target, Store):
        return Explorer(open_source(target.root))
    if isinstance(target, Revlog):
        ref = RevlogRef(target.kind, target.name, target.index_path, target.data_path)
        return Explorer(Source(label=target.name, refs=[ref]), {ref.path: target})
    return Explorer(open_source(target))
