"""The index pane: each row is the engine's entry; chain facts arrive lazily; damage shows."""

from __future__ import annotations

from explorer.engine import Store
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.views.revlog_view import NOT_SNAPSHOT, UNKNOWN
from tests.tui.conftest import press, run


def test_rows_are_the_engine_s_entries(long_chain):
    rl = Store.open(long_chain).filelog("chain.txt")

    async def test(pilot):
        app = pilot.app
        app.open_revlog(next(i for i, r in enumerate(app.source.refs)
                             if r.path == "data/chain.txt.i"), 1000)
        await settle(pilot)
        index = app.index
        rows = index.visible_rows()
        assert 1000 in rows
        for rev in (rows.start, 1000, rows.stop - 1):
            e = rl.entry(rev)
            cells = [text for text, _ in index.row_cells(rev)]
            assert cells[:10] == [str(rev), str(e.offset), f"{e.flags:04x}",
                                  str(e.compressed_length), str(e.uncompressed_length),
                                  str(e.base), str(e.link_rev), str(e.p1), str(e.p2),
                                  e.node.hex()[:12]]
            assert cells[10] == str(len(rl.delta_chain(rev)))
        assert index.view.chain_length[0] == UNKNOWN  # never on screen: never walked
        await press(pilot, "home")
        assert index.view.chain_length[0] == 1 and index.view.snapshot_depth[0] == 0
        assert index.view.snapshot_depth[1] in (NOT_SNAPSHOT, 1)

    run(ExplorerApp(long_chain), test)
