"""Verify's progress in words: hg's phases and counts, the run's, elapsed and time left.

The ticks come from a real verify run of an hg-made store; the clock is a
counter, so the elapsed time and the estimate are known without timing.
"""

from __future__ import annotations

from explorer.engine import Store
from explorer.engine.verify import verify_store
from explorer.views.verify_progress import Tick, VerifyProgress, seconds


def run(hgrepos, every: float) -> tuple[list[Tick], int]:
    """Verify "zstd" with a clock that advances one second per progress call."""
    now = iter(range(10**6))
    ticks: list[Tick] = []
    with Store.open(hgrepos("zstd")) as store:
        verify_store(store, VerifyProgress(ticks.append, every=every,
                                           clock=lambda: float(next(now))))
        revisions = sum(len(rl) for _, _, rl in store.revlogs())
    return ticks, revisions


def test_every_phase_its_counts_and_the_total(hgrepos):
    ticks, revisions = run(hgrepos, every=10**6)  # nothing is due by time
    with Store.open(hgrepos("zstd")) as store:
        changesets, manifests = len(store.changelog), len(store.manifest)
    phases = [t.step.phase for t in ticks]
    assert phases[0] == "changesets" and "manifests" in phases and phases[-1] == "files"
    lines = [t.line() for t in ticks]
    assert any(line.startswith(f"checking changesets {changesets}/{changesets} ")
               for line in lines)
    assert any(line.startswith(f"checking manifests {manifests}/{manifests} ")
               for line in lines)
    last = ticks[-1]
    assert last.done == last.total == revisions
    assert last.step.revlogs_done + 1 == last.step.revlogs
    assert lines[-1].startswith(f"checking files {last.step.revlogs}/{last.step.revlogs} "
                                f"({revisions}/{revisions} revisions), ")


def test_elapsed_and_time_left_follow_the_rate(hgrepos):
    ticks, revisions = run(hgrepos, every=0)
    for t in ticks:
        assert t.left == t.elapsed * (t.total - t.done) / t.done
        assert t.line().endswith(f", {seconds(t.elapsed)}, about {seconds(t.left)} left")
    assert ticks[-1].left == 0


def test_no_estimate_before_anything_is_done():
    from explorer.engine.verify.problems import Step

    tick = Tick(0, 100, Step("00changelog.i", 0, 3, 0, 40), 0.0)
    assert tick.left is None and tick.line() == "checking changesets 0/40 (0/100 revisions), 0.0s"


def test_seconds():
    assert [seconds(v) for v in (0.04, 9.94, 12.4, 59.4, 61, 3600)] == \
        ["0.0s", "9.9s", "12s", "59s", "1m01s", "60m00s"]
