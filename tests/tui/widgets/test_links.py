"""The list of links (``l``): a manifest's thousands of entries listed in part, narrowed by
typing, followed with Enter."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import OptionList, Static

from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.links import SHOWN, LinksScreen
from explorer.views.links import Link, filelog_path

LINKS = [Link("file", f"dir{i // 100}/file{i}.txt", filelog_path(f"dir{i // 100}/file{i}.txt"),
              node=bytes(20)) for i in range(3 * SHOWN)]


def test_many_links_are_listed_in_part_and_typing_narrows_them():
    chosen: list[Link | None] = []

    async def main() -> None:
        app = App(css_path=ExplorerApp.CSS_PATH)
        async with app.run_test(size=(120, 40)) as pilot:
            app.push_screen(LinksScreen("links", LINKS), chosen.append)
            await settle(pilot)
            screen = app.screen
            options = screen.query_one("#links", OptionList)
            count = str(screen.query_one("#links-count", Static).render())
            assert options.option_count == SHOWN
            assert f"showing {SHOWN} of {len(LINKS)}: type to narrow" in count
            await pilot.press(*"file1234")
            await settle(pilot)
            assert options.option_count == 1
            assert "showing" not in str(screen.query_one("#links-count", Static).render())
            await pilot.press("enter")
            await settle(pilot)

    asyncio.run(main())
    assert chosen == [LINKS[1234]]


def test_arrows_move_in_the_list_while_the_filter_has_the_keys():
    chosen: list[Link | None] = []

    async def main() -> None:
        app = App(css_path=ExplorerApp.CSS_PATH)
        async with app.run_test(size=(120, 40)) as pilot:
            app.push_screen(LinksScreen("links", LINKS[:5]), chosen.append)
            await settle(pilot)
            await pilot.press("down", "down", "up", "down", "enter")
            await settle(pilot)
            app.push_screen(LinksScreen("links", LINKS[:5]), chosen.append)
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)

    asyncio.run(main())
    assert chosen == [LINKS[2], None]
