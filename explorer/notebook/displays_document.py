"""The views' styled documents (``explorer.views.document``) as HTML and plain text.

The text pane's lines carry styles in the terminal's words ("bold cyan",
"dim"); here each word becomes a CSS property, so a notebook shows a
revision as the TUI does. A document may be millions of lines: only the
first and last ``MAX_LINES`` halves are made, with a line saying how many
are left out. Every run of text is escaped (``tables._e``).
"""

from __future__ import annotations

from explorer.notebook.tables import escape as _e
from explorer.notebook.tables import shown
from explorer.views.document import Document, Line
from explorer.views.printable import printable

MAX_LINES = 400

_CSS = {
    "bold": "font-weight: bold", "dim": "opacity: 0.6", "italic": "font-style: italic",
    "underline": "text-decoration: underline",
    "red": "color: #c62828", "green": "color: #2e7d32", "yellow": "color: #b26a00",
    "blue": "color: #1565c0", "cyan": "color: #00838f", "magenta": "color: #8e24aa",
}
PRE = ("font-family: monospace; white-space: pre; line-height: 1.35; margin: 0; "
       "overflow-x: auto")


def css(style: str) -> str:
    """The CSS of a terminal style; words it does not know are left out."""
    return "; ".join(_CSS[word] for word in style.split() if word in _CSS)


def _span(text: str, style: str) -> str:
    rule = css(style)
    return f'<span style="{rule}">{_e(text)}</span>' if rule else _e(text)


def line_html(line: Line) -> str:
    inner = "".join(_span(text, style) for text, style in line.runs)
    return _span_wrap(inner, line.style)


def _span_wrap(inner: str, style: str) -> str:
    rule = css(style)
    return f'<span style="{rule}">{inner}</span>' if rule else inner


def _gap(hidden: int) -> str:
    return f"… {hidden} lines not shown …"


def document_html(doc: Document) -> str:
    head, tail = shown(len(doc), MAX_LINES)
    lines = [line_html(doc.line(i)) for i in head]
    if tail:
        lines.append(f'<span style="opacity: 0.6">{_e(_gap(len(doc) - len(head) - len(tail)))}'
                     "</span>")
        lines += [line_html(doc.line(i)) for i in tail]
    return f'<pre style="{PRE}">' + "\n".join(lines) + "</pre>"


def document_text(doc: Document) -> str:
    head, tail = shown(len(doc), MAX_LINES)
    lines = [printable(doc.line(i).plain) for i in head]
    if tail:
        lines.append(_gap(len(doc) - len(head) - len(tail)))
        lines += [printable(doc.line(i).plain) for i in tail]
    return "\n".join(lines)
