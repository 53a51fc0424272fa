"""Verify's progress in words: counts, elapsed time and what is left, for the TUI and CLI.

The engine's verify calls a plain progress callable with the revisions
checked, their total and the revlog it is in (``explorer.engine.verify.Step``);
``VerifyProgress`` turns those ticks into one line, as hg's progress bar
does (``checking changesets 1234/3333``), plus the revlogs done and an
estimate of the time left from the rate so far. The clock is given, so what
it prints can be tested without timing anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from explorer.engine.verify.problems import Step


@dataclass(frozen=True)
class Tick:
    """One progress report: revisions done of total, where, and the time so far."""

    done: int
    total: int
    step: Step
    elapsed: float

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def left(self) -> float | None:
        """Seconds left at the rate so far; None until there is a rate to go by."""
        if not self.done or self.elapsed <= 0:
            return None
        return self.elapsed * max(0, self.total - self.done) / self.done

    def line(self) -> str:
        """hg's words and counts, then the whole run's, the time so far and what is left:
        ``checking manifests 1200/3333 (4533/12573 revisions), 0.6s, about 1.1s left``;
        the files phase counts revlogs, as hg counts files."""
        step = self.step
        if step.phase == "files" and step.revlogs:
            head = f"checking files {min(step.revlogs_done + 1, step.revlogs)}/{step.revlogs}"
        elif step.size:
            head = f"checking {step.phase} {step.checked}/{step.size}"
        else:
            head = f"checking {step.phase}"
        left = self.left
        return (f"{head} ({self.done}/{self.total} revisions), {seconds(self.elapsed)}"
                + ("" if left is None else f", about {seconds(left)} left"))


def seconds(value: float) -> str:
    """``0.4s``, ``12s``, ``3m05s``: short, as a progress line wants."""
    if value < 10:
        return f"{value:.1f}s"
    if value < 60:
        return f"{value:.0f}s"
    minutes, secs = divmod(round(value), 60)
    return f"{minutes}m{secs:02d}s"


class VerifyProgress:
    """Turns verify's progress calls into ``Tick``s for ``show``: at most one every
    ``every`` seconds, and always the first of each phase, the last of the changelog and
    manifest (their counts are hg's), and the very last (it is the total)."""

    def __init__(self, show: Callable[[Tick], None], *, every: float = 0.1,
                 clock: Callable[[], float] = time.monotonic,
                 keep_going: Callable[[], bool] = lambda: True) -> None:
        self.show = show
        self.every = every
        self.clock = clock
        self.keep_going = keep_going
        self.start = clock()
        self._last: float | None = None
        self._phase = ""

    def __call__(self, done: int, total: int, step: Step) -> bool:
        now = self.clock()
        if self._due(now, done, total, step):
            self._last, self._phase = now, step.phase
            self.show(Tick(done, total, step, now - self.start))
        return self.keep_going()

    def _due(self, now: float, done: int, total: int, step: Step) -> bool:
        if self._last is None or now - self._last >= self.every or done >= total:
            return True
        if step.phase != self._phase:
            return True
        return step.phase != "files" and 0 < step.size <= step.checked
