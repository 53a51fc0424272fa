"""Instructions the explorer's UI thread executes per key: a measure that does not
move with the machine's load, to compare two trees.

``benchmarks/tui.py`` times each key in milliseconds of the UI thread's CPU.
On a shared virtual machine that figure drifts by a third within minutes,
more than most changes are worth; only interleaved rounds tell changes of
10-20% apart. This counts instructions instead (valgrind's callgrind, the
main thread only, ``--separate-threads``): from one run to the next they
agree within about 2%.

Callgrind counts nothing but the measured keys: ``callgrind_control -i on``
from inside the run before each, ``off`` once the panes have settled after
it (what sets a key up, the number typed before a go-to, is not counted).
Each key is posted as the terminal driver posts it; the waiting's own cost,
measured the same way with no key, is subtracted.
Under valgrind the explorer runs about 50 times slower: a cursor move's
frame is held for its panes for up to a second instead of a frame's
interval (``FrameHold``), as a native run's panes come within that interval.

    python benchmarks/key_instructions.py [--tree DIR] [--keys goto enter pagedown down] [--presses 10]

``--tree`` chooses the explorer's source tree (default: this one), so two
checkouts are compared on the same million-revision store
(``benchmarks/tui.py`` builds it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ("goto", "enter", "pagedown", "down")


def _toggle(state: str) -> None:
    subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], capture_output=True,
                   check=False)


async def _press(store: Path, key: str, presses: int) -> None:
    """Inside valgrind: open ``store``, then press ``key`` ``presses`` times, counted."""
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from textual import events

    import explorer.tui.widgets.loader as loader
    from explorer.tui.app import ExplorerApp
    from explorer.tui.headless import settle

    hold = loader.FrameHold.__init__
    loader.FrameHold.__init__ = lambda self, app, limit=1.0: hold(self, app, limit)
    app = ExplorerApp(store)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        targets = [((i + 1) * 7919 + 13) % len(app.view) or 1 for i in range(presses)]
        for target in targets:
            last = events.Key(key, None)
            if key == "goto":  # a number typed, then g
                await pilot.press(*str(target))
                last = events.Key("g", "g")
            elif key == "enter":  # g, a number on the prompt, then Enter
                await pilot.press("g", *str(target))
                last = events.Key("enter", "\r")
            await settle(pilot)
            await asyncio.sleep(0.05)
            _toggle("on")
            if key != "none":
                app.post_message(last)
            await settle(pilot)
            await asyncio.sleep(0.05)
            _toggle("off")
            if key in ("goto", "enter"):
                assert app.index.cursor == target, (key, target, app.index.cursor)


def count(tree: Path, store: Path, key: str, presses: int) -> int:
    """The UI thread's instructions over ``presses`` presses of ``key``."""
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, PYTHONPATH=str(tree))
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--separate-threads=yes", "--instr-atstart=no",
             f"--callgrind-out-file={out}/cg.%p", sys.executable, __file__, "--inside",
             str(store), key, str(presses)],
            env=env, capture_output=True, check=True)
        main = next(p for p in Path(out).iterdir() if p.name.endswith("-01"))
        totals = next(line for line in main.read_text().splitlines()
                      if line.startswith("totals:"))
        return int(totals.split()[1])


def main() -> None:
    if sys.argv[1:2] == ["--inside"]:
        store, key, presses = sys.argv[2:5]
        asyncio.run(_press(Path(store), key, int(presses)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--keys", nargs="+", choices=KEYS, default=list(KEYS))
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--revisions", type=int, default=1_000_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from tui import build_million

    store = build_million(args.revisions)
    idle = count(args.tree, store, "none", args.presses)
    print(f"tree {args.tree}, {args.revisions:,} revisions, {args.presses} presses a key\n")
    print("| key | UI-thread instructions per key |")
    print("|---|---:|")
    for key in args.keys:
        per_key = (count(args.tree, store, key, args.presses) - idle) / args.presses
        print(f"| {key} | {per_key / 1e6:.1f} M |")


if __name__ == "__main__":
    main()
