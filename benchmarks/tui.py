"""Explorer responsiveness: first paint and the work of each key, on huge and small revlogs.

Targets (issue 4): the first index rows painted within 0.5 s of starting, and
under 16 ms of work per key (one frame at 60 Hz) for down, PgDn, End and
go-to, on a 1,000,000-revision revlog written by our engine and on the demo
store.

* first paint: a fresh interpreter runs the explorer headless; the time is
  from the interpreter's first line (before any import) to the first frame
  written with index rows on it. Median of several starts.
* per key: in one running app, the main thread's CPU time from the key press
  until the chain and text panes show the new revision (``time.thread_time``:
  all the UI thread's work for the key, its follow-up frames included, but
  not the thread workers that read the revision), the wall time to the first
  frame (the cursor moved), and the wall time until those panes are filled.
  Medians of many presses; workers finish between presses. The measured key is
  posted to the app as the terminal driver posts it, and the screen paints on
  its own timer: Pilot's ``press`` and ``pause`` (used to set each key up) post
  a callback to every widget and force a screen update at each wait, work a
  terminal never asks for (6-7 ms a key, and a frame of its own; the figures
  before 2026-12-03 22:50 in RESULTS.md include it).

    python benchmarks/tui.py [--revisions 1000000] [--presses 200]

The million-revision revlog is built once (a few minutes) with
``Revlog.add_revision`` into ``~/.cache/revlog-explorer/tui`` (or
``$REVLOG_EXPLORER_CACHE``) and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.history import cache_dir  # noqa: E402
from benchmarks.read import host  # noqa: E402

FRAME_BUDGET_MS = 16.0
BASELINE_S = 0.02  # the CPU of a key that paints nothing is counted over this long
FIRST_PAINT_BUDGET_S = 0.5


# -- the million-revision revlog ---------------------------------------------------------


def file_text(rev: int) -> bytes:
    """A small file whose lines change a little at every revision."""
    lines = [b"line %d of a file changed at every revision\n" % i for i in range(12)]
    lines[rev % 12] = b"revision %d changed this line\n" % rev
    return b"".join(lines)


def parents(rev: int) -> tuple[int, int]:
    """Mostly linear, with a short branch merged back every 97 revisions."""
    if rev == 0:
        return -1, -1
    if rev % 97 == 0 and rev > 40:
        return rev - 1, rev - 30
    if rev % 97 == 67 and rev > 40:  # the branch the merge brings back
        return rev - 20, -1
    return rev - 1, -1


def build_million(count: int) -> Path:
    """A store holding one filelog of ``count`` revisions, written by our engine.

    The store is generaldelta without sparse-revlog (as hg wrote before 4.6):
    a sparse search filters every full snapshot made since the parents' chain
    base, so the cost of a revision grows with the revlog, in Mercurial as in
    the engine (benchmarks/snapshots.py: 2 ms a revision at 200,000 revisions),
    and a sparse million would take hours to write.
    """
    from explorer.engine.repo.repo import Repo

    path = cache_dir() / "tui" / f"filelog-{count}"
    if (path / "complete").exists():
        return path / "repo"
    path.mkdir(parents=True, exist_ok=True)
    repo_path = path / "repo"
    if repo_path.exists():
        import shutil

        shutil.rmtree(repo_path)
    start = time.perf_counter()
    with Repo.init(repo_path, sparse=False) as repo:
        rl = repo.revlog("data/big.txt.i")
        step = 50_000
        for first in range(0, count, step):
            with repo.transaction() as tr:
                for rev in range(first, min(count, first + step)):
                    p1, p2 = parents(rev)
                    rl.add_revision(file_text(rev), p1, p2, rev, tr)
            print(f"  {min(count, first + step):,} revisions "
                  f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    (path / "complete").write_text("ok\n")
    return repo_path


# -- first paint (in a fresh interpreter) -------------------------------------------------

_CHILD = r"""
import time
START = time.perf_counter()
import asyncio, json, os, sys
os.environ["TEXTUAL_ANIMATIONS"] = "none"
sys.path.insert(0, {root!r})
from explorer.tui.app import ExplorerApp
from explorer.tui.widgets.index import IndexTable

painted = []

class Timed(ExplorerApp):
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        index = self.query_one(IndexTable)
        if not painted and index.view is not None and index.row_count and index._lines:
            painted.append(time.perf_counter() - START)

async def main():
    app = Timed({path!r})
    async with app.run_test(size=(160, 45)) as pilot:
        while not painted:
            await pilot.pause(0.001)
    print(json.dumps(painted[0]))

asyncio.run(main())
"""


def first_paint(path: Path | None, runs: int) -> list[float]:
    code = _CHILD.format(root=str(ROOT), path=None if path is None else str(path))
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
        times.append(json.loads(out.strip().splitlines()[-1]))
    return times


# -- keys (in one app) ----------------------------------------------------------------


class Frames:
    """Times of the frames the app writes (its compositor's output), and of the
    chain and text panes showing a result."""

    def __init__(self, app) -> None:
        self.times: list[float] = []
        self.shown: dict[str, float] = {}
        self._wrap(app, "_display", self.times.append)
        for name, pane in (("chain", app.chain), ("text", app.text)):
            self._wrap(pane, "display_result", lambda t, name=name: self.shown.update({name: t}))

    @staticmethod
    def _wrap(obj, method: str, note) -> None:
        original = getattr(obj, method)

        def wrapped(*args):
            original(*args)
            note(time.perf_counter())

        setattr(obj, method, wrapped)


def key_event(key: str):
    """``key`` as the terminal driver delivers it (a printable key's character is
    itself; Enter's is a carriage return)."""
    from textual import events

    return events.Key(key, key if len(key) == 1 else {"enter": "\r"}.get(key))


async def one_key(app, frames: Frames, key: str, needs_panes: bool = True
                  ) -> tuple[float, float, float]:
    """Main-thread CPU ms until a frame shows the chain and text panes' new revision, wall
    ms to the first frame, and wall ms until those panes are filled. A key that
    changes nothing (the baseline) waits for no frame: its CPU is counted over
    ``BASELINE_S``. The waits are bare asyncio sleeps (a few µs each)."""
    before = len(frames.times)
    frames.shown.clear()
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    app.post_message(key_event(key))
    if not needs_panes:
        await asyncio.sleep(BASELINE_S)
        return 1000 * (time.thread_time() - cpu0), 0.0, 0.0
    while len(frames.shown) < 2 or frames.times[-1:] < [max(frames.shown.values())]:
        await asyncio.sleep(0.0005)  # until a frame written after both panes were given theirs
    cpu = time.thread_time() - cpu0
    panes = max(frames.shown.values()) - wall0
    return 1000 * cpu, 1000 * (frames.times[before] - wall0), 1000 * panes


async def measure_keys(path: Path | None, presses: int) -> dict[str, dict[str, float]]:
    from explorer.tui.app import ExplorerApp
    from explorer.tui.headless import settle

    app = ExplorerApp(path)
    results: dict[str, dict[str, list[float]]] = {}
    async with app.run_test(size=(160, 45)) as pilot:
        app.animation_level = "none"
        frames = Frames(app)
        await settle(pilot)
        n = len(app.view)

        async def record(name: str, key: str, before=None, needs_panes: bool = True,
                         room: int = 0) -> None:
            """Press ``key`` (after ``before``), from a row with ``room`` rows below it:
            a key that cannot move the cursor paints nothing to wait for."""
            if app.index.cursor + room >= n:
                app.index.move_to(0)
                await settle(pilot)
            if before is not None:
                await before()
            cpu, wall, panes = await one_key(app, frames, key, needs_panes)
            await settle(pilot)
            entry = results.setdefault(name, {"cpu": [], "wall": [], "panes": []})
            entry["cpu"].append(cpu)
            entry["wall"].append(wall)
            entry["panes"].append(panes)

        for _ in range(presses):
            await record("down", "down", room=1)
        for _ in range(presses // 2):
            await record("baseline: a key bound to nothing", "f12", needs_panes=False)
        app.index.move_to(0)
        await settle(pilot)
        for _ in range(presses // 2):
            await record("PgDn", "pagedown", room=app.index.page_rows)
        for _ in range(max(10, presses // 10)):
            app.index.move_to(0)
            await settle(pilot)
            await record("End", "end")
        targets = [(i * 7919) % n or 1 for i in range(1, max(10, presses // 4))]
        app.index.move_to(0)
        await settle(pilot)
        for target in targets:
            async def type_number(target=target) -> None:
                await pilot.press(*str(target))
            await record("go-to (number, then g)", "g", type_number)
            assert app.index.cursor == target, (app.index.cursor, target)
        app.index.move_to(0)
        await settle(pilot)
        for target in targets:
            async def fill_prompt(target=target) -> None:
                await pilot.press("g", *str(target))
            await record("go-to (Enter on the g line)", "enter", fill_prompt)
            assert app.index.cursor == target, (app.index.cursor, target)
    return {name: {k: statistics.median(v) for k, v in entry.items()}
            for name, entry in results.items()}


# -- report -----------------------------------------------------------------------------


def machine() -> str:
    import textual

    return f"{host()}; textual {textual.__version__}"


def demo_store() -> Path | None:
    try:
        from explorer.views import demo
    except ImportError:
        return None
    return Path(demo.demo_path())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=1_000_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--starts", type=int, default=7, help="fresh starts timed")
    args = parser.parse_args()
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    big = build_million(args.revisions)
    targets = [(f"{args.revisions:,}-revision filelog", big)]
    demo = demo_store()
    if demo is not None:
        targets.append(("demo store", None))
    print(f"machine: {machine()}")
    print(f"command: python benchmarks/tui.py --revisions {args.revisions} "
          f"--presses {args.presses} --starts {args.starts}\n")
    if demo is None:
        print("(no demo store in this version: explorer/views/demo.py is missing)\n")
    print("| store | measure | median | target |")
    print("|---|---|---|---|")
    for label, path in targets:
        paint = statistics.median(first_paint(path, args.starts))
        print(f"| {label} | start → first index rows painted | {paint * 1000:.0f} ms "
              f"| < {FIRST_PAINT_BUDGET_S * 1000:.0f} ms "
              f"{'✓' if paint < FIRST_PAINT_BUDGET_S else '✗'} |", flush=True)
        keys = asyncio.run(measure_keys(path, args.presses))
        for name, m in keys.items():
            if name.startswith("baseline"):
                print(f"| {label} | {name} (its dispatch and the event loop, over 20 ms) "
                      f"| {m['cpu']:.1f} ms | |", flush=True)
                continue
            ok = "✓" if m["cpu"] < FRAME_BUDGET_MS else "✗"
            print(f"| {label} | {name}: UI-thread work (wall to frame) | {m['cpu']:.1f} ms "
                  f"({m['wall']:.1f} ms) | < {FRAME_BUDGET_MS:.0f} ms {ok} |", flush=True)
        for name, m in keys.items():
            if not name.startswith("baseline"):
                print(f"| {label} | {name}: chain and text panes filled (thread workers) "
                      f"| {m['panes']:.0f} ms | (background) |", flush=True)


if __name__ == "__main__":
    main()
