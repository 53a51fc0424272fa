"""Loading a revision's panes: a cursor move's frame waits for their results (``FrameHold``)."""

from __future__ import annotations

from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.loader import FrameHold
from tests.tui.conftest import run
from tests.tui.test_app import assert_in_step


def count_frames(app: ExplorerApp) -> list[int]:
    """A list that gets an item for each frame the app writes."""
    frames: list[int] = []
    display = app._display

    def counted(screen, renderable) -> None:
        if renderable is not None and not app._batch_count:
            frames.append(1)
        display(screen, renderable)

    app._display = counted
    return frames


def test_a_cursor_move_and_its_panes_make_one_frame(repo):
    async def test(pilot):
        app = pilot.app
        app.frame_hold = FrameHold(app, limit=60)  # results never come too late here
        frames = count_frames(app)
        for rev, key in ((1, "down"), (2, "down"), (1, "up")):
            frames.clear()
            await pilot.press(key)
            await settle(pilot)
            assert not app.frame_hold.holding
            assert_in_step(app, rev)
            assert len(frames) == 1, (key, len(frames))

    run(ExplorerApp(repo), test)


def test_results_that_never_come_hold_the_frame_no_longer_than_its_limit(repo):
    async def test(pilot):
        app = pilot.app
        hold = FrameHold(app, limit=0.05)
        frames = count_frames(app)
        hold.hold()
        app.index.refresh()
        while hold.holding:
            await pilot.pause(0.01)
        await pilot.pause()
        assert frames

    run(ExplorerApp(repo), test)


def test_a_move_that_loads_nothing_lets_the_frame_go_at_once(repo):
    async def test(pilot):
        app = pilot.app
        app.frame_hold = FrameHold(app, limit=60)
        app.select(app.index.cursor)  # shown already: no job
        app.frame_hold.hold()
        app.select(app.index.cursor)
        assert not app.frame_hold.holding

    run(ExplorerApp(repo), test)


def test_a_hold_let_go_as_the_app_closes_raises_nothing(repo):
    """Its limit may come when the screens are gone (the app quitting)."""
    async def test(pilot):
        app = pilot.app
        app.frame_hold = FrameHold(app, limit=0.001)
        app.frame_hold.hold()  # its limit comes as the app closes

    run(ExplorerApp(repo), test)
