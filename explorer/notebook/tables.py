"""Engine objects as tables for Jupyter: HTML, with a plain-text twin.

The HTML and text of ``Revlog``, ``IndexEntry``, ``Store`` and verify's
``Problem`` are made here; ``explorer.notebook`` registers them with IPython.
The engine stays free of any display code.

``chain(rl, rev)`` and ``rows(rl, start, stop)`` return small view objects
that display themselves, with or without ``explorer.notebook.enable()``: a
delta chain as the TUI's chain pane shows it, and a window of the index.

Two promises hold for every view:

- safe: everything read from a store (paths, messages) is arbitrary bytes;
  it is escaped for HTML, and bytes that are not UTF-8 and control
  characters are shown as ``\\xNN`` (``explorer.views.printable``, as in the
  TUI), which every browser and JSON encoder accepts;
- bounded: a table shows at most ``MAX_ROWS`` rows (the first and the last
  half, with a line saying how many are left out) and a store at most
  ``MAX_REVLOGS`` revlogs, so a million-revision revlog displays as fast as
  a small one. Both are module settings a user may change.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from explorer.engine import IndexEntry, Revlog, RevlogError, Store
from explorer.engine.format.constants import revision_flag_names
from explorer.views.chain_links import Link, chain_links, explain
from explorer.views.printable import printable
from explorer.views.revlog_view import RevlogView
from explorer.views.sizes import DELTA, FULL, STORED
from explorer.views.source import RevlogRef

MAX_ROWS = 40
MAX_REVLOGS = 50

_MARK = "background-color: rgba(255, 190, 0, 0.18)"
_STYLE = "font-family: monospace; border-collapse: collapse"


def escape(value: object) -> str:
    """``value`` ready for HTML text or a quoted attribute."""
    return html.escape(printable(value), quote=True)


_e = escape


# -- tables, in HTML and in text ---------------------------------------------------------


class Cell(NamedTuple):
    text: str
    title: str = ""  # shown on hover


class Row(NamedTuple):
    cells: list[Cell]
    mark: bool = False  # highlighted (a snapshot)
    note: str = ""  # hover text for the whole row


@dataclass
class Table:
    """Rows already cut to size: ``hidden`` rows were left out before row ``cut``."""

    headers: list[str]
    rows: list[Row]
    hidden: int = 0
    cut: int = 0


def shown(count: int, limit: int) -> tuple[range, range]:
    """Which of ``count`` rows to show: all, or the first and the last ones."""
    if count <= limit:
        return range(count), range(0)
    head = max(limit // 2, 1)
    return range(head), range(count - max(limit - head, 1), count)


def bounded_table(headers: list[str], count: int, row: Callable[[int], Row],
                  limit: int) -> Table:
    """A table of ``count`` rows made by ``row(i)``, only the shown ones built."""
    head, tail = shown(count, limit)
    rows = [row(i) for i in head] + [row(i) for i in tail]
    return Table(headers, rows, count - len(rows), len(head))


def _title(text: str) -> str:
    return f' title="{_e(text)}"' if text else ""


def table_html(table: Table) -> str:
    header = "".join(f"<th>{_e(h)}</th>" for h in table.headers)
    body = []
    for row in table.rows:
        style = f' style="{_MARK}"' if row.mark else ""
        cells = "".join(f"<td{_title(c.title)}>{_e(c.text)}</td>" for c in row.cells)
        body.append(f"<tr{style}{_title(row.note)}>{cells}</tr>")
    if table.hidden:
        body.insert(table.cut, f'<tr><td colspan="{len(table.headers)}" style="text-align: '
                               f'center">… {table.hidden} rows not shown …</td></tr>')
    return (f'<table style="{_STYLE}"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def table_text(table: Table) -> str:
    lines = [table.headers] + [[c.text for c in row.cells] for row in table.rows]
    lines = [[printable(t) for t in line] for line in lines]
    columns = range(len(lines[0]))
    widths = [max(len(line[i]) for line in lines if i < len(line)) for i in columns]
    numeric = [all(_is_number(line[i]) for line in lines[1:] if i < len(line)) for i in columns]
    out = ["  ".join(t.rjust(w) if right else t.ljust(w)
                     for t, w, right in zip(line, widths, numeric)).rstrip() for line in lines]
    if table.hidden:
        out.insert(1 + table.cut, f"… {table.hidden} rows not shown …")
    return "\n".join(out)


def _is_number(text: str) -> bool:
    """Numbers (and the dash of a missing one) line up on the right."""
    return text in ("-", "") or text.lstrip("-").replace(".", "", 1).isdigit()


def summary_html(title: str, facts: Sequence[tuple[str, object]]) -> str:
    details = " · ".join(f"{_e(label)} <code>{_e(value)}</code>" for label, value in facts)
    return f"<p><b>{_e(title)}</b><br>{details}</p>"


def summary_text(title: str, facts: Sequence[tuple[str, object]]) -> str:
    return "\n".join([printable(title)] + [f"  {label}: {printable(v)}" for label, v in facts])


# -- index entries and revlogs ------------------------------------------------------------

INDEX_HEADERS = ["rev", "offset", "flags", STORED, FULL, "base", "link rev",
                 "p1", "p2", "node"]


def entry_row(e: IndexEntry) -> Row:
    """One index entry: flags by name (the number on hover), node short (full on hover)."""
    size = "-" if e.uncompressed_length is None else str(e.uncompressed_length)
    cells = [Cell(str(n)) for n in (e.rev, e.offset)]
    cells.append(Cell(", ".join(revision_flag_names(e.flags)) or "-", f"{e.flags:#06x}"))
    cells += [Cell(str(e.compressed_length)), Cell(size)]
    cells += [Cell(str(n)) for n in (e.base, e.link_rev, e.p1, e.p2)]
    cells.append(Cell(e.node.hex()[:12], e.node.hex()))
    return Row(cells)


def _index_row(rl: Revlog, rev: int) -> Row:
    """The entry of ``rev``, or what stops it being read."""
    try:
        return entry_row(rl.entry(rev))
    except RevlogError as err:
        return Row([Cell(str(rev)), Cell(f"unreadable: {err}")], mark=True)


def index_table(rl: Revlog, start: int, stop: int) -> Table:
    return bounded_table(INDEX_HEADERS, stop - start, lambda i: _index_row(rl, start + i),
                         MAX_ROWS)


def revlog_facts(rl: Revlog) -> list[tuple[str, object]]:
    data = "inline, in the index" if rl.inline else rl.data_path
    return [("kind", rl.kind), ("format", rl.format_description()), ("revisions", len(rl)),
            ("index", rl.index_path), ("data", data)]


@dataclass
class IndexRows:
    """Entries ``start`` to ``stop``-1 of a revlog, displayed as the index table."""

    revlog: Revlog
    start: int
    stop: int

    def __repr__(self) -> str:
        return f"<IndexRows {printable(self.revlog.name)} {self.start}..{self.stop}>"

    def _repr_html_(self) -> str:
        return table_html(index_table(self.revlog, self.start, self.stop))

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(table_text(index_table(self.revlog, self.start, self.stop)))


def rows(rl: Revlog, start: int = 0, stop: int | None = None) -> IndexRows:
    """A window of the index to display (still at most ``MAX_ROWS`` rows)."""
    stop = len(rl) if stop is None else stop
    if not 0 <= start <= stop <= len(rl):
        raise ValueError(f"{printable(rl.name)}: {start}..{stop} is not within 0..{len(rl)}")
    return IndexRows(rl, start, stop)


def revlog_html(rl: Revlog) -> str:
    return (summary_html(rl.name, revlog_facts(rl))
            + table_html(index_table(rl, 0, len(rl))))


def revlog_text(rl: Revlog) -> str:
    return summary_text(rl.name, revlog_facts(rl)) + "\n" + table_text(index_table(rl, 0, len(rl)))


def entry_html(e: IndexEntry) -> str:
    return table_html(Table(INDEX_HEADERS, [entry_row(e)]))


def entry_text(e: IndexEntry) -> str:
    return table_text(Table(INDEX_HEADERS, [entry_row(e)]))


# -- stores ---------------------------------------------------------------------------------

STORE_HEADERS = ["kind", "path", "revisions", "format", "index bytes", "data bytes"]


def _revlog_row(store: Store, kind: str, path: str) -> Row:
    """One revlog of the store, opened only for this row; a damaged one says why."""
    try:
        with store.open_revlog(path, kind) as rl:
            count = len(rl)
            data = rl.end(count - 1) if count else 0
            return Row([Cell(kind), Cell(path), Cell(str(count)), Cell(rl.format_description()),
                        Cell(str(count * rl.entry_size)), Cell(str(data))])
    except RevlogError as err:
        return Row([Cell(kind), Cell(path), Cell(f"unreadable: {err}")], mark=True)


def store_view(store: Store, start: int = 0, stop: int | None = None
               ) -> tuple[list[tuple[str, object]], Table, str]:
    """What a store shows: its facts, a table of revlogs ``start`` to ``stop``-1
    (at most ``MAX_REVLOGS`` from ``start`` by default), and how to see the others."""
    undecodable: list[str] = []
    paths = store.revlog_paths(undecodable)
    stop = min(len(paths), start + MAX_REVLOGS) if stop is None else stop
    if not 0 <= start <= stop <= len(paths):
        raise ValueError(f"revlogs {start}..{stop} are not within 0..{len(paths)}")
    facts: list[tuple[str, object]] = [
        ("layout", store.layout.value),
        ("requirements", ", ".join(sorted(store.requirements)) or "-"),
        ("revlogs", len(paths)),
    ]
    if undecodable:
        facts.append(("names that do not decode", len(undecodable)))
    page = paths[start:stop]
    rows = [_revlog_row(store, kind, path) for kind, path in page]
    after = len(paths) - stop
    table = Table(STORE_HEADERS, rows, after if start == 0 else 0, len(page))
    return facts, table, _paging(start, stop, len(paths))


def _paging(start: int, stop: int, total: int) -> str:
    """Which revlogs are shown, and the call that shows the next ones."""
    if start == 0 and stop == total:
        return ""
    line = f"revlogs {start}..{stop - 1} of {total}"
    if stop < total:
        line += (f"; the next: explorer.notebook.tables.revlogs(store, {stop}, "
                 f"{min(total, stop + MAX_REVLOGS)})")
    return line


@dataclass
class StoreRevlogs:
    """A page of a store's revlogs, displayed as the store's table."""

    store: Store
    start: int
    stop: int | None

    def __repr__(self) -> str:
        return f"<StoreRevlogs {printable(self.store.store_dir)} {self.start}..{self.stop}>"

    def _repr_html_(self) -> str:
        return _store_html(self.store, self.start, self.stop)

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(_store_text(self.store, self.start, self.stop))


def revlogs(store: Store, start: int = 0, stop: int | None = None) -> StoreRevlogs:
    """Revlogs ``start`` to ``stop``-1 of ``store`` (in the store view's order) to
    display: the pages after the first ``MAX_REVLOGS``."""
    count = len(store.revlog_paths())
    if not 0 <= start <= (count if stop is None else stop) <= count:
        raise ValueError(f"revlogs {start}..{stop} are not within 0..{count}")
    return StoreRevlogs(store, start, stop)


def _store_html(store: Store, start: int, stop: int | None) -> str:
    facts, table, paging = store_view(store, start, stop)
    note = f"<p>{_e(paging)}</p>" if paging else ""
    return summary_html(store.store_dir, facts) + note + table_html(table)


def _store_text(store: Store, start: int, stop: int | None) -> str:
    facts, table, paging = store_view(store, start, stop)
    note = f"\n{paging}" if paging else ""
    return summary_text(store.store_dir, facts) + note + "\n" + table_text(table)


def store_html(store: Store) -> str:
    return _store_html(store, 0, None)


def store_text(store: Store) -> str:
    return _store_text(store, 0, None)


# -- verify problems --------------------------------------------------------------------------

PROBLEM_FIELDS = ["severity", "path", "rev", "field", "file", "offset", "length", "changeset",
                  "kind", "message", "hint"]


def problem_facts(problem: object) -> list[tuple[str, object]]:
    """The fields a problem has set (read by name: the class is not imported)."""
    return [(name, value) for name in PROBLEM_FIELDS
            if (value := getattr(problem, name, None)) not in (None, "")]


def problem_html(problem: object) -> str:
    facts = [Row([Cell(name), Cell(str(value))], mark=name == "severity" and value == "error")
             for name, value in problem_facts(problem)]
    return table_html(Table(["problem", ""], facts))


def problem_text(problem: object) -> str:
    return "\n".join(f"{name}: {printable(value)}" for name, value in problem_facts(problem))


# -- delta chains -------------------------------------------------------------------------------

CHAIN_HEADERS = ["rev", "base", "why", "lvl", STORED, DELTA, "comp", "ratio"]


@dataclass
class DeltaChain:
    """The chain rebuilding one revision, link by link, as the TUI's chain pane shows it."""

    revlog: str
    rev: int
    links: list[Link]

    def summary(self) -> str:
        """The chain in one line: links, snapshots, bytes read, text size."""
        last = self.links[-1]
        snapshots = sum(1 for link in self.links if link.depth is not None)
        text = f", text {last.text} bytes" if last.text is not None else ""
        return (f"{printable(self.revlog)} rev {self.rev}: {_count(len(self.links), 'link')}, "
                f"{_count(snapshots, 'snapshot')}, {last.read} bytes read{text}")

    def table(self) -> Table:
        return bounded_table(CHAIN_HEADERS, len(self.links), self._row, MAX_ROWS)

    def _row(self, i: int) -> Row:
        link = self.links[i]
        cells = [str(link.rev), "-" if link.base == -1 else str(link.base), link.why,
                 "" if link.depth is None else str(link.depth), str(link.stored),
                 str(link.delta), link.compression, f"{link.ratio:.1f}"]
        return Row([Cell(c) for c in cells], mark=link.depth is not None,
                   note=explain(link, i, len(self.links)))

    def __repr__(self) -> str:
        return f"<DeltaChain {self.summary()}>"

    def _repr_html_(self) -> str:
        return f"<p><b>{_e(self.summary())}</b></p>{table_html(self.table())}"

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(self.summary() + "\n" + table_text(self.table()))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def chain(rl: Revlog, rev: int) -> DeltaChain:
    """The delta chain of ``rev`` to display (reads every chunk of the chain)."""
    view = RevlogView(RevlogRef(rl.kind, rl.name, rl.index_path, rl.data_path), rl)
    return DeltaChain(rl.name, rev, chain_links(view, rev))

