"""The delta chain pane: one row per link, scrolled by keys and the wheel."""

from __future__ import annotations

from textual.geometry import Region

from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.chain import ChainPane, ChainTable
from explorer.tui.widgets.styles import set_border_subtitle
from tests.tui.conftest import open_at, press, run, wheel


def test_the_wheel_and_keys_scroll_a_long_chain(long_chain):
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 1000)
        chain = app.query_one(ChainTable)
        assert chain.row_count > chain.page_rows and chain.show_vertical_scrollbar
        bottom = chain.first_visible
        last = chain.row_count - 1
        assert chain.cursor == last and last in chain.visible_rows()  # the revision itself
        await wheel(pilot, chain, -2)
        assert chain.first_visible < bottom
        chain.focus()
        await press(pilot, "home")
        assert chain.first_visible == 0 and chain.cursor == 0
        await press(pilot, "end")
        assert chain.cursor == last and last in chain.visible_rows()

    run(ExplorerApp(long_chain), test)


def test_chain_and_index_give_the_same_bytes_the_same_name(long_chain, hgrepos):
    """A link's ``stored`` bytes are the count the index pane shows for its revision, under
    the same name, and both are hg's chunk size: exact, not rounded to ``1.2K``."""
    revs = hgrepos.oracle("long-chain-sparse")["revlogs"]["data/chain.txt.i"]["revs"]

    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 1000)
        chain, index = app.query_one(ChainTable), app.index

        def cell(table, row: int, title: str) -> str:
            titles = [c.title for c in table.column_specs]
            return table.row_cells(row)[titles.index(title)][0]

        assert max(revs[link.rev]["compressed_length"] for link in chain.links) >= 1024
        for row, link in enumerate(chain.links):
            hg_bytes = str(revs[link.rev]["compressed_length"])
            assert cell(chain, row, "stored") == cell(index, link.rev, "stored") == hg_bytes
        assert cell(index, 1000, "full") == str(revs[1000]["uncompressed_length"])

    run(ExplorerApp(long_chain), test)


def test_a_short_and_a_long_chain_keep_the_scrollbar_and_need_no_layout(long_chain):
    """The chain's length changes with every revision; its scrollbar showing and
    hiding laid the whole screen out twice (a frame's work, twice, for a key)."""
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 0)
        chain = app.query_one(ChainTable)
        short = (chain.row_count, chain.show_vertical_scrollbar, chain.scrollable_content_region)
        app.index.move_to(1000)
        await settle(pilot)
        assert short[0] < chain.page_rows < chain.row_count
        assert short[1:] == (True, chain.scrollable_content_region)

    run(ExplorerApp(long_chain), test)


def test_the_chain_summary_repaints_the_pane_s_last_row_only(long_chain):
    """The summary under the chain changes with the revision: only the pane's last row
    is repainted for it, and the pane then looks as a full repaint draws it."""
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/chain.txt.i", 1000)
        pane = app.query_one(ChainPane)
        whole = Region(0, 0, *pane.outer_size)

        def drawn() -> list:
            return [list(strip) for strip in pane.render_lines(whole)]

        for rev in (999, 0, 1000):
            app.index.move_to(rev)
            await settle(pilot)
            summary = pane.table.summary()
            assert summary.startswith(f"rev {rev}:") and pane.border_subtitle == summary
            shown = drawn()
            assert summary[:20] in "".join(segment.text for segment in shown[-1])
            pane.refresh()
            assert drawn() == shown
        await pilot.pause()
        set_border_subtitle(pane, pane.table.summary())
        assert not pane._repaint_required  # the same summary: nothing to repaint
        set_border_subtitle(pane, "another summary")
        assert pane._styles_cache._dirty_lines == {pane.outer_size.height - 1}
        assert "another summary" in "".join(segment.text for segment in drawn()[-1])

    run(ExplorerApp(long_chain), test)
