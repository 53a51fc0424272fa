"""The hex pane: a byte cursor over entry and chunk, fields to jump between, words below."""

from __future__ import annotations

from explorer.engine import Store
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.hex import HexView
from tests.tui.conftest import press, run


def test_cursor_walks_bytes_fields_and_sections(repo):
    rl = Store.open(repo).filelog("src/main.py")
    entry_size = rl.entry_size

    async def test(pilot):
        app = pilot.app
        app.open_revlog(next(i for i, r in enumerate(app.source.refs)
                             if r.path == "data/src/main.py.i"), 5)
        await settle(pilot)
        await press(pilot, "x", "tab", "tab", "tab")
        hexes = app.query_one(HexView)
        assert hexes.has_focus and hexes.cursor == (0, 0)
        assert [s.title.split(":")[0] for s in hexes.sections][:2] == [
            "index entry of rev 5", "chunk of rev 5 as stored"]
        await press(pilot, "right_square_bracket")
        assert hexes.current_span().name == "flags" and hexes.cursor == (0, 6)
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert hexes.current_span().name == "uncompressed length"
        assert "Uncompressed length" in str(app.query_one("#hex-explain").render())
        await press(pilot, "left_square_bracket")
        assert hexes.current_span().name == "compressed length"
        await press(pilot, "end")
        last = hexes.cursor
        assert last[0] == len(hexes.sections) - 1
        await press(pilot, "home", *["down"] * (entry_size // hexes.per_line))
        assert hexes.cursor == (1, 0)  # past the entry's last line: the chunk
        assert hexes.sections[1].offset == rl.chunk_offset(5)

    run(ExplorerApp(repo), test)


def test_a_file_byte_puts_the_cursor_on_it(repo):
    rl = Store.open(repo).filelog("src/main.py")
    target = rl.chunk_offset(7) + 3

    async def test(pilot):
        app = pilot.app
        app.open_revlog(next(i for i, r in enumerate(app.source.refs)
                             if r.path == "data/src/main.py.i"), 7)
        await settle(pilot)
        await press(pilot, "x")
        hexes = app.query_one(HexView)
        assert hexes.jump_to_file_byte(rl.data_path, target)
        section, at = hexes.cursor
        assert hexes.sections[section].offset + at == target
        assert not hexes.jump_to_file_byte(rl.data_path, 10**9)  # kept for a later load

    run(ExplorerApp(repo), test)
