"""Text read from a store, made safe to show: what every front end escapes alike.

Paths and messages from a store are arbitrary bytes; the engine keeps the
ones that are not UTF-8 as surrogate escapes (``"\\udce9"`` for the byte
0xe9). Shown as they are, those surrogates print as ``\\udce9`` or, in a
terminal, upset the width of a line and break the pane borders around it; a
control character can move the cursor. ``printable`` shows instead what the
bytes are: ``\\xe9``.
"""

from __future__ import annotations

import re

# control characters, and those that reorder the text around them (bidi overrides)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(value: object, *, keep_newlines: bool = True) -> str:
    """``value`` as text: bytes that are not UTF-8 (surrogate escapes in the engine's
    ``str`` paths) and control characters become ``\\xNN``, and characters that
    reorder the text around them (bidi overrides) ``\\uNNNN``, so a name shows
    what it is. ``keep_newlines=False`` escapes newlines too, for one-line places
    (a table cell, a title)."""
    if isinstance(value, str) and value.isascii() and value.isprintable():
        return value  # the common case, nothing to escape (a table cell per call)
    if isinstance(value, bytes):
        text = value.decode("utf-8", "backslashreplace")
    else:
        text = str(value)
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that no byte decodes to
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    control = _CONTROL_BUT_NEWLINE if keep_newlines else _CONTROL
    return control.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
