"""The collector paused while the explorer starts: off until the first frame, on after it,
and never switched on by the explorer when its user had switched it off."""

from __future__ import annotations

import asyncio
import gc

import pytest

from explorer.tui import gcpause
from explorer.tui.app import ExplorerApp
from tests.tui.conftest import run


@pytest.fixture(autouse=True)
def collector_restored():
    was = gc.isenabled()
    yield
    gcpause.resume()
    (gc.enable if was else gc.disable)()


def test_pause_then_resume():
    gc.enable()
    gcpause.pause()
    assert not gc.isenabled()
    gcpause.resume()
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    gcpause.pause()
    gcpause.resume()
    assert not gc.isenabled()


def test_off_until_the_first_frame_then_on(hgrepos):
    gc.enable()
    seen: list[bool] = []

    class Watched(ExplorerApp):
        def compose(self):
            seen.append(gc.isenabled())  # before the first frame
            yield from super().compose()

    async def test(pilot):
        assert gc.isenabled()

    run(Watched(hgrepos("zstd")), test)
    assert seen == [False]


def test_on_again_when_the_app_ends_before_its_first_frame(hgrepos):
    gc.enable()

    class Quits(ExplorerApp):
        def on_mount(self) -> None:
            self.exit()

    async def main() -> None:
        async with Quits(hgrepos("zstd")).run_test():
            pass

    asyncio.run(main())
    assert gc.isenabled()
