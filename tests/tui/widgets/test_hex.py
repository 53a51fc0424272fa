"""The hex pane: a byte cursor over entry and chunk, fields to jump between, words below."""

from __future__ import annotations

from explorer.engine import Store
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.hex import HexView
from tests.tui.conftest import open_at, press, run, wheel


def test_cursor_walks_bytes_fields_and_sections(repo):
    rl = Store.open(repo).filelog("src/main.py")
    entry_size = rl.entry_size

    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/src/main.py.i", 5)
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
        await open_at(pilot, "data/src/main.py.i", 7)
        await press(pilot, "x")
        hexes = app.query_one(HexView)
        assert hexes.jump_to_file_byte(rl.data_path, target)
        section, at = hexes.cursor
        assert hexes.sections[section].offset + at == target
        assert not hexes.jump_to_file_byte(rl.data_path, 10**9)  # kept for a later load

    run(ExplorerApp(repo), test)


def cursor_line(hexes: HexView) -> int:
    """The pane line holding the byte cursor."""
    section, at = hexes.cursor
    return next(i for i, line in enumerate(hexes.lines)
                if line.section == section and line.first >= 0
                and line.first <= at < line.first + hexes.per_line)


def cursor_on_screen(hexes: HexView) -> bool:
    return hexes.scroll_y <= cursor_line(hexes) < \
        hexes.scroll_y + hexes.scrollable_content_region.height


def test_the_cursor_stays_on_screen_down_to_the_last_byte_of_the_chunk(long_text):
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/long.txt.i", 0)
        await press(pilot, "x")
        hexes = app.query_one(HexView)
        hexes.focus()
        await settle(pilot)
        assert hexes.show_vertical_scrollbar
        for _ in range(3):
            await press(pilot, "pagedown")
            assert hexes.scroll_y > 0 and cursor_on_screen(hexes)
        await press(pilot, "end")
        section, at = hexes.cursor
        assert hexes.sections[section].title.startswith("chunk decompressed")
        assert at == len(hexes.sections[section].data) - 1
        assert cursor_on_screen(hexes)
        last = f"{hexes.sections[section].data[-1]:02x}"
        assert last in hexes.render_line(cursor_line(hexes) - round(hexes.scroll_y)).text
        await press(pilot, "pageup", "home")
        assert hexes.cursor == (0, 0) and hexes.scroll_y == 0

    run(ExplorerApp(long_text), test)


def test_the_wheel_scrolls_the_bytes(long_text):
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/long.txt.i", 0)
        await press(pilot, "x")
        hexes = app.query_one(HexView)
        await wheel(pilot, hexes, 5)
        assert hexes.scroll_y > 0

    run(ExplorerApp(long_text), test)


def test_sections_name_their_file_by_store_path_and_cut_labels_end_in_an_ellipsis(repo):
    rl = Store.open(repo).filelog("src/main.py")

    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/src/main.py.i", 5)
        await press(pilot, "x")
        hexes = app.query_one(HexView)
        lines = [hexes.render_line(y).text.rstrip() for y in range(hexes.size.height)]
        titles = [line for line in lines if line.startswith(("index entry", "chunk of"))]
        assert titles and all(line.endswith("…") for line in titles)  # too narrow: cut, said
        assert [line for line in lines if "◂" in line and line.endswith("…")]
        await press(pilot, "tab", "tab", "tab", "z")  # hex fills the screen: titles fit
        lines = [hexes.render_line(y).text.rstrip() for y in range(hexes.size.height)]
        titles = [line for line in lines if line.startswith(("index entry", "chunk of"))]
        assert titles[0].endswith(f"data/src/main.py.i @ {rl.entry_offset(5)}")
        assert titles[1].endswith(f"data/src/main.py.{'i' if rl.inline else 'd'} @ "
                                  f"{rl.chunk_offset(5)}")
        assert any(line.endswith("◂ base, link rev, p1, p2") for line in lines)

    run(ExplorerApp(repo), test, size=(120, 40))
