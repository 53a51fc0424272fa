"""Loading what a pane shows of the selected revision, in a thread worker.

Rebuilding a revision can mean reading a long chain; walking a chain reads
every chunk in it. That work runs in a thread worker: one for all the panes
a cursor move changes (their results then show in one frame), or a pane's
own when it is shown or switches mode. A newer selection cancels the older
worker and drops its result, so moving the cursor never waits for a
revision already left behind. A revision that
cannot be read is reported with ``Failed`` (the problems pane lists it).
A pane holds a ``RevisionLoader`` (it is not one): the pane says what to
build and how to show it (``Shows``), the loader when.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from contextlib import ExitStack
from typing import NamedTuple, Protocol

from textual.app import ScreenStackError
from textual.dom import DOMNode
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from explorer.engine import CorruptionError, RevlogError
from explorer.engine.format.mpatch import PatchError
from explorer.views.revlog_view import RevlogView


class Failed(Message):
    """A pane could not read a revision (the problems pane lists it)."""

    def __init__(self, view: RevlogView, rev: int, error: Exception) -> None:
        super().__init__()
        self.view = view
        self.rev = rev
        self.error = error


def describe_error(err: Exception) -> str:
    """A read error in a line: what is wrong, and where (file name, not its whole path)."""
    if isinstance(err, CorruptionError):
        where = [os.path.basename(err.file)] if err.file else []
        if err.offset is not None:
            where.append(f"byte {err.offset}")
        return err.message + (f" ({', '.join(where)})" if where else "")
    return str(err)


class Job(NamedTuple):
    """Building what ``loader``'s pane shows of ``rev`` (``key`` says which view of it)."""

    loader: RevisionLoader
    key: tuple
    view: RevlogView
    rev: int
    build: Callable[[RevlogView, int], object]


def after_first_frame(node: DOMNode, start: Callable[[], object]) -> None:
    """Call ``start`` (it starts a thread worker) now, or once the app's first frame is
    on screen if it is not yet (an app with ``when_first_frame_shown``, the explorer's).

    A thread worker holds the GIL for much of its run: started before the first
    frame, the DAG layout, the facts of the rows and the selected revision slowed
    the frame that shows the index rows (measured: about 75 ms of the main
    thread's time at start-up, benchmarks/RESULTS.md)."""
    hold = getattr(node.app, "when_first_frame_shown", None)
    if hold is None:
        start()
    else:
        hold(start)


TURNS = 4


class FrameHold:
    """Holds the screen's next frame while a cursor move's panes are built, for at
    most ``limit`` seconds (a frame's interval at 60 frames a second).

    A cursor move made two frames: the index and DAG rows at once, then the
    chain and text panes when the worker's results came, about 13 ms later on a
    million revisions (benchmarks/RESULTS.md). Each frame composes the screen
    again (the containers, header, footer, every pane a dirty line crosses);
    results that come within a frame's interval now show in the frame that
    moves the cursor. Slower results (a long chain) do not hold the cursor
    back: the frame is let go after ``limit`` and they come in a frame of
    their own, as before. Holding a held frame does not extend it: a held key
    still paints at least once per interval.
    """

    def __init__(self, app, limit: float = 1 / 60) -> None:
        self.app = app
        self.limit = limit
        self._batch: ExitStack | None = None
        self._timer = None

    @property
    def holding(self) -> bool:
        return self._batch is not None

    def hold(self) -> None:
        if self._batch is None and self.app.first_frame_shown:
            self._batch = ExitStack()
            self._batch.enter_context(self.app.batch_update())
            self._timer = self.app.set_timer(self.limit, self.release, name="frame hold")

    def release_after_results(self) -> None:
        """Release once the panes just given their results have asked to be painted:
        a release now would paint before they do. They ask through message queues,
        some a few hops away (the chain table tells its pane, which writes its
        title and explanation): the release waits ``TURNS`` turns of the event
        loop, then for the screen's queue to empty. Measured on a million
        revisions: from 3 turns on, one frame a key; released at once, the chain
        pane's title and explanation came in a second frame."""
        loop = asyncio.get_running_loop()

        def later(turns: int) -> None:
            if turns:
                loop.call_soon(later, turns - 1)
            elif self.app.screen_stack:
                self.app.screen.call_after_refresh(self.release)
            else:
                self.release()
        later(TURNS)

    def release(self) -> None:
        """Let the held frame be painted (with whatever has changed by now)."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        self._timer.stop()
        batch.close()
        try:
            screen = self.app.screen
        except ScreenStackError:  # the app is closing: nothing to paint
            return
        screen.check_idle()  # its update timer waits for an idle screen


def run_jobs(owner: DOMNode, jobs: list[Job], group: str,
             hold: FrameHold | None = None) -> None:
    """Build ``jobs`` one after the other in one thread worker of ``owner``, then show
    every result at once: one frame for all the panes a cursor move changes. A newer
    run in the same group cancels this one. With ``hold``, the frame being made
    waits for the results (for at most its limit)."""
    if jobs:
        app = owner.app
        if hold is not None:
            hold.hold()
        after_first_frame(owner, lambda: owner.run_worker(
            lambda: _build_all(app, jobs, hold), thread=True, exclusive=True, group=group,
            exit_on_error=False, description=f"{group} of rev {jobs[0].rev}"))


def _build_all(app, jobs: list[Job], hold: FrameHold | None = None) -> None:
    worker = get_current_worker()
    results = []
    for job in jobs:
        if worker.is_cancelled:
            return
        try:
            results.append((job, job.build(job.view, job.rev)))
        except (RevlogError, PatchError) as err:
            results.append((job, err))
    if not worker.is_cancelled:
        app.call_from_thread(_show_all, results, hold)


def _show_all(results: list[tuple[Job, object]], hold: FrameHold | None = None) -> None:
    for job, result in results:
        if isinstance(result, Exception):
            job.loader.pane.post_message(Failed(job.view, job.rev, result))
        job.loader.arrived(job.key, result)
    if hold is not None and results:
        hold.release_after_results()


class Shows(Protocol):
    """What a pane fed by a ``RevisionLoader`` gives it."""

    def mode(self) -> str:
        """Which view of a revision the pane shows now ("" if it has one only)."""

    def builder(self) -> Callable[[RevlogView, int], object]:
        """What builds the view (run in the thread)."""

    def display_result(self, result: object) -> None:
        """Show what ``builder`` made: its result, an error, or None (nothing selected)."""


class RevisionLoader:
    """When a pane showing something of the selected revision builds it, in a worker.

    ``want`` records the wanted revision and returns the job that builds it
    when the pane is visible (the app runs the jobs of all panes together); a
    hidden pane builds its own when shown (the pane calls ``start_loading``
    from its ``on_show``). Results for anything but the current revision and
    mode are dropped.
    """

    def __init__(self, pane: Widget, shows: Shows, group: str) -> None:
        self.pane = pane
        self.shows = shows
        self.group = group
        self.target: tuple[RevlogView, int] | None = None
        self._shown: tuple | None = None

    def want(self, view: RevlogView | None, rev: int) -> Job | None:
        """Record ``rev`` of ``view`` as wanted; the job to build it, if it is due now."""
        self.target = None if view is None or not len(view) else (view, rev)
        if self.target is None:
            self._shown = None
            self.shows.display_result(None)
            return None
        return self._job() if self.shown_on_screen() else None

    def shown_on_screen(self) -> bool:
        """Displayed, and so are its containers (a pane in a switcher may be hidden)."""
        node = self.pane
        while isinstance(node, Widget):
            if not node.display:
                return False
            node = node.parent
        return True

    def load(self, view: RevlogView | None, rev: int) -> None:
        """Show ``rev`` of ``view``, building it in this pane's own worker."""
        job = self.want(view, rev)
        if job is not None:
            run_jobs(self.pane, [job], self.group)

    def start_loading(self) -> None:
        """Build what is wanted, unless it is shown already (the mode may have changed)."""
        job = self._job()
        if job is not None:
            run_jobs(self.pane, [job], self.group)

    def _job(self) -> Job | None:
        key = (self.target, self.shows.mode())
        if self.target is None or key == self._shown:
            return None
        self._shown = key
        view, rev = self.target
        return Job(self, key, view, rev, self.shows.builder())

    def arrived(self, key: tuple, result: object) -> None:
        if key == (self.target, self.shows.mode()):
            self.shows.display_result(result)
