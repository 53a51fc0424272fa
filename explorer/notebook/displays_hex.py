"""The bytes of a revision with every field named, as the TUI's hex pane shows them.

``hexview(rl, rev)`` shows the three runs of ``explorer.views.anatomy``:
the index entry, the chunk as stored and (when compressed) the chunk
decompressed. Each run is a hex dump whose bytes are coloured by field
(the field's name and meaning on hover), followed by a table naming every
field: its bytes, its value in hex and what it means. A chunk is dumped up
to ``MAX_BYTES``; its fields are all listed (bounded like every table).
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.engine import Revlog
from explorer.notebook.displays_text import checked_rev, revlog_view
from explorer.notebook.tables import (
    MAX_ROWS,
    Cell,
    Row,
    Table,
    bounded_table,
    table_html,
    table_text,
)
from explorer.notebook.tables import escape as _e
from explorer.views.anatomy import Section, Span, file_label, sections
from explorer.views.printable import printable

MAX_BYTES = 1024
WIDTH = 16
_COLOURS = ["#ffe0b2", "#c8e6c9", "#bbdefb", "#f8bbd0", "#d1c4e9", "#fff9c4", "#b2dfdb"]
FIELD_HEADERS = ["bytes", "field", "value", "meaning"]


def _where(rl: Revlog, section: Section) -> str:
    if section.offset is None:
        return "not on disk"
    return f"{printable(file_label(rl, section.file))} at byte {section.offset}"


def _span_at(spans: list[Span]) -> dict[int, int]:
    """Byte position -> index of the span holding it."""
    return {b: i for i, s in enumerate(spans) for b in range(s.start, s.end)}


def dump_html(section: Section) -> str:
    """The section's bytes, 16 a line, each coloured by its field."""
    data = section.data[:MAX_BYTES]
    owner = _span_at(section.spans)
    lines = []
    for at in range(0, len(data), WIDTH):
        cells = []
        for b in range(at, min(at + WIDTH, len(data))):
            i = owner.get(b)
            if i is None:
                cells.append(f"{data[b]:02x}")
                continue
            span = section.spans[i]
            cells.append(f'<span style="background: {_COLOURS[i % len(_COLOURS)]}" '
                         f'title="{_e(span.name + ": " + span.explain)}">{data[b]:02x}</span>')
        lines.append(f'<span style="opacity: 0.6">{at:08x}</span>  ' + " ".join(cells))
    if section.total > len(data):
        lines.append(f"… {section.total - len(data)} more bytes not shown …")
    return ('<pre style="font-family: monospace; line-height: 1.35; margin: 0">'
            + "\n".join(lines) + "</pre>")


def field_table(section: Section) -> Table:
    """Every field of the section: where, what, its value, what it means."""
    def row(i: int) -> Row:
        s = section.spans[i]
        value = section.data[s.start:s.end]
        shown = value[:16].hex(" ") + (" …" if len(value) > 16 else "")
        return Row([Cell(f"{s.start}..{s.end - 1}"), Cell(s.name), Cell(shown),
                    Cell(s.explain)])
    return bounded_table(FIELD_HEADERS, len(section.spans), row, MAX_ROWS)


@dataclass
class HexView:
    """Entry, chunk and decompressed chunk of one revision, field by field."""

    revlog: Revlog
    rev: int

    def sections(self) -> list[Section]:
        return sections(revlog_view(self.revlog), self.rev)

    def __repr__(self) -> str:
        return f"<HexView {printable(self.revlog.name)} rev {self.rev}>"

    def _repr_html_(self) -> str:
        parts = []
        for section in self.sections():
            where = _e(_where(self.revlog, section))
            parts.append(f"<p><b>{_e(section.title)}</b> <i>{where}</i></p>")
            if section.data:
                parts.append(dump_html(section))
            if section.spans:
                parts.append(table_html(field_table(section)))
        return "".join(parts)

    def _repr_pretty_(self, p, cycle: bool) -> None:
        out = []
        for section in self.sections():
            out += [f"{printable(section.title)} ({_where(self.revlog, section)})",
                    table_text(field_table(section)) if section.spans else "", ""]
        p.text("\n".join(out).rstrip())


def hexview(rl: Revlog, rev: int) -> HexView:
    """The bytes of ``rev`` with every field named (read when displayed)."""
    return HexView(rl, checked_rev(rl, rev))
