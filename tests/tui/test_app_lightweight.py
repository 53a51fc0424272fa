"""The explorer opens a store of light-weight copies read-only and shows each copy's
text, rebuilt from its source in another filelog, as the standard store holds it."""

from __future__ import annotations

from explorer.engine import Repo, Store
from explorer.engine.format.constants import REVIDX_COPY_DELTA
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.text import TextPane
from explorer.views.source import open_source
from tests.engine.repo.renames import build_renames
from tests.tui.conftest import run


def test_light_weight_store_shows_the_copies_texts(tmp_path):
    path = build_renames(tmp_path / "renames")
    with Store.open(path) as store, store.filelog("b3.txt") as rl:
        expected = rl.revision(0)
    Repo.open(path).convert_copies(True)
    source = open_source(path)
    assert source.requirement_warning is None  # a requirement the explorer knows
    row = [r.path for r in source.refs].index("data/b3.txt.i")
    with source.open(source.refs[row]) as rl:
        assert rl.flags(0) & REVIDX_COPY_DELTA
        assert rl.revision(0) == expected

    async def test(pilot):
        app = pilot.app
        app.open_revlog(row, 0)
        await settle(pilot)
        shown = app.query_one(TextPane).document.plain()
        assert "copy: b.txt" in shown
        assert "edited after the rename" in shown
        assert "outside its store" not in shown

    run(ExplorerApp(path), test)
