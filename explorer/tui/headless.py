"""Driving the app without a terminal: what the tests, the screenshot script and
the TUI benchmark share."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState


async def settle(pilot: Pilot, rounds: int = 1000) -> None:
    """Wait until no worker runs and the screen has caught up.

    A finished worker may start another (the panes fill after the index), so
    the wait repeats, up to ``rounds`` times, until none is pending or running.
    The panes start their first workers once the first frame is shown: that
    is waited for first.
    """
    app = pilot.app
    for _ in range(rounds):
        if getattr(app, "first_frame_shown", True):
            break
        await pilot.pause()
    idle = 0
    for _ in range(rounds):
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        idle = 0 if busy else idle + 1
        if idle == 2:  # twice: a result handled in between may have started another
            break
        for worker in busy:
            try:
                await worker.wait()
            except (WorkerCancelled, WorkerFailed):
                pass
        await pilot.pause()
    await pilot.pause()
