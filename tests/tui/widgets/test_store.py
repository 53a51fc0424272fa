"""The store pane: every revlog of the store, scrolled by keys and the wheel."""

from __future__ import annotations

from explorer.tui.app import ExplorerApp
from explorer.tui.widgets.store import StorePane
from tests.tui.conftest import press, run, wheel


def test_the_wheel_and_keys_scroll_the_revlogs():
    async def test(pilot):
        store = pilot.app.query_one(StorePane)
        assert store.row_count > store.page_rows and store.show_vertical_scrollbar
        await wheel(pilot, store, 2)
        assert store.first_visible > 0
        await wheel(pilot, store, -2)
        assert store.first_visible == 0
        store.focus()
        await press(pilot, "end")
        assert store.cursor == store.row_count - 1
        assert store.first_visible == store.row_count - store.page_rows

    run(ExplorerApp(), test, size=(80, 24))


def test_slash_filters_the_revlogs_by_path_and_enter_opens_the_one_kept():
    async def test(pilot):
        app = pilot.app
        store = app.query_one(StorePane)
        paths = [ref.path for ref in app.source.refs]
        wanted = next(p for p in paths if p.startswith("data/"))
        needle = wanted[len("data/"):][:4]  # a piece of a path, typed in upper case
        kept = [p for p in paths if needle.casefold() in p.casefold()]
        assert 0 < len(kept) < len(paths)
        store.focus()
        await press(pilot, "slash", *needle.upper(), "enter")
        assert store.row_count == len(kept)
        assert [store.describe(r).split(":")[0] for r in range(len(kept))] == kept
        assert store.parent.border_subtitle == f"/{needle.upper()}: {len(kept)} of {len(paths)}"
        await press(pilot, "end", "enter")
        assert app.view.name == kept[-1]
        store.focus()
        await press(pilot, "slash", "enter")  # an empty filter: every revlog again
        assert store.row_count == len(paths) and store.parent.border_subtitle == ""
        assert store.cursor == paths.index(kept[-1])  # still on the open one

    run(ExplorerApp(), test)


def test_a_listed_name_that_would_leave_the_store_fails_alone(hgrepos, tmp_path):
    """One hostile fncache line used to stop the store from opening at all (a
    ``StoreError`` out of the listing): now the store opens, its other revlogs read,
    and the hostile one's row says why it cannot be opened."""
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with open(repo / ".hg" / "store" / "fncache", "ab") as f:
        f.write(b"data/../../../../etc/passwd.i\n")

    async def test(pilot):
        app = pilot.app
        store = app.query_one(StorePane)
        row = next(i for i, r in enumerate(app.source.refs) if "passwd" in r.path)
        store.focus()
        await press(pilot, *["down"] * row)
        assert "leave the store" in store.describe(row)
        await press(pilot, "enter")
        problems = pilot.app.problems_pane.table.problems
        assert any("leave the store" in p.message for p in problems)

    run(ExplorerApp(repo), test)
