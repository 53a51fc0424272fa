"""A document's lines drawn from their runs give the segments rich gives them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from explorer.tui.widgets.lines import RunStyles, line_segments, rich_text
from explorer.views.document import Line

STYLES = st.sampled_from(["", "bold", "dim", "red on blue", "underline #ff8800",
                          "bold italic", "not bold", "reverse", "link https://x.org"])
TEXTS = st.text(st.sampled_from("ab \t\x07\x08\x0b\x0c\r\x1béÿ界"), max_size=6)


@given(runs=st.lists(st.tuples(TEXTS, STYLES), max_size=6), style=STYLES)
def test_segments_from_runs_are_rich_s(runs, style):
    """Empty runs, control codes, unstyled and styled neighbours, a line style with or
    without styled runs: the same segments (text and style) as Text.assemble + render."""
    console = Console()
    line = Line(tuple(runs), style)
    styles = RunStyles(console)
    expected = list(rich_text(line).render(console, end=""))
    assert line_segments(line, styles) == expected
    assert line_segments(line, styles) == expected  # from the combined styles' cache
