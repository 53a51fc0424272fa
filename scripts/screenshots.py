"""Screenshots of every pane, from the real app on the demo store, for the README.

Each scene drives the explorer headless at 160x45 (its keys and methods, as
a user would get there), waits for every worker, and saves an SVG into
``screenshots/``. The problems scene runs verify on a copy of the demo store
damaged on purpose (the demo itself is never written).

    python scripts/screenshots.py [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ["TEXTUAL_ANIMATIONS"] = "none"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from explorer.engine import Store  # noqa: E402
from explorer.engine.damage import faults  # noqa: E402
from explorer.tui.app import ExplorerApp  # noqa: E402
from explorer.tui.headless import settle  # noqa: E402
from explorer.views import demo  # noqa: E402

SIZE = (160, 45)
LEDGER = "data/ledger.txt.i"
MERGE = "232"

# name: (what it shows, path to open or None for the demo, --rev, steps)
Step = tuple
SCENES: dict[str, tuple[str, str | None, str | None, list[Step]]] = {
    "overview": ("The ledger's long delta chain: rev 259 rebuilt from a full snapshot and "
                 "two intermediate snapshots", None, None,
                 [("open", LEDGER, 259), ("focus", "chain-table"), ("keys", "home", "down")]),
    "store": ("The store pane: every revlog, its kind, revisions and size", None, None,
              [("focus", "store"), ("keys", *["down"] * 5)]),
    "dag": ("The DAG pane beside the index at the demo's merge", None, MERGE,
            [("focus", "dag")]),
    "text-changeset": ("A merge changeset decoded", None, MERGE, [("focus", "text")]),
    "text-delta": ("The delta hunks that made a revision", None, None,
                   [("open", "data/src/engine.py.i", 12), ("keys", "d")]),
    "text-copy": ("A copied file: its metadata header, then its content", None, None,
                  [("open", "data/src/engine_copy.py.i", 0)]),
    "hex": ("The hex pane: an index entry and its chunk, field by field", None, None,
            [("open", LEDGER, 252), ("keys", "x"), ("focus", "hex-view"),
             ("keys", *["right_square_bracket"] * 4)]),
    "hex-hunks": ("A stored delta's hunks in the hex pane", None, None,
                  [("open", LEDGER, 259), ("keys", "x"), ("focus", "hex-view"),
                   ("keys", *["right_square_bracket"] * 12)]),
    "problems": ("Verify on a damaged copy: the problems pane, at the damaged byte",
                 "damaged", None,
                 [("title", "a damaged copy of the demo store"), ("keys", "v"),
                  ("focus", "problems-table"), ("keys", "enter"),
                  ("focus", "problems-table")]),
    "help": ("Every key", None, None, [("keys", "question_mark")]),
}


async def play(app: ExplorerApp, steps: list[Step], save: Callable[[ExplorerApp], None]) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for step, *args in steps:
            if step == "open":
                path, rev = args
                row = next(i for i, ref in enumerate(app.source.refs) if ref.path == path)
                app.open_revlog(row, rev)
            elif step == "keys":
                for key in args:
                    await pilot.press(key)
                    await settle(pilot)
            elif step == "focus":
                app.query_one(f"#{args[0]}").focus()
            elif step == "title":
                app.sub_title = args[0]
            await settle(pilot)
        save(app)


def damaged_copy(where: Path) -> Path:
    """The demo store copied, with a bad chunk and a wrong node."""
    repo = Path(shutil.copytree(demo.demo_path(), where / "demo", symlinks=True))
    store = Store.open(repo)
    faults.inject(store.open_revlog(LEDGER), "bad-compression", 120)
    faults.inject(store.open_revlog("data/src/engine.py.i"), "wrong-node", 3)
    return repo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        damaged = damaged_copy(Path(tmp))
        for name, (caption, path, rev, steps) in SCENES.items():
            app = ExplorerApp(damaged if path == "damaged" else path, rev)
            app.title = "revlog-explorer"
            asyncio.run(play(app, steps, lambda a, name=name: a.save_screenshot(
                f"{name}.svg", str(args.out))))
            print(f"{args.out / (name + '.svg')}: {caption}")


if __name__ == "__main__":
    main()
