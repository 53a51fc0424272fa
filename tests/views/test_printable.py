"""Names as text: control characters escaped, plain ASCII returned as it is."""

from __future__ import annotations

import pytest

from explorer.views.printable import printable


@pytest.mark.parametrize("keep_newlines", [True, False])
def test_every_ascii_character(keep_newlines):
    """Printable ASCII comes back unchanged (the quick path), every control character as
    ``\\xNN``, a newline kept only when asked to; alone and inside plain text."""
    for code in range(128):
        char = chr(code)
        if 0x20 <= code < 0x7F or (char == "\n" and keep_newlines):
            expected = char
        else:
            expected = f"\\x{code:02x}"
        assert printable(char, keep_newlines=keep_newlines) == expected, code
        assert printable(f"a{char}b", keep_newlines=keep_newlines) == f"a{expected}b", code


def test_bytes_that_are_not_utf8_and_bidi_overrides():
    assert printable(b"caf\xe9") == "caf\\xe9"
    assert printable("caf\udce9") == "caf\\xe9"  # a surrogate escape from a store path
    assert printable("a\u202eb") == "a\\u202eb"
    assert printable("café") == "café"
