"""Start-up in a real terminal: the installed ``revlog-explorer`` against a trivial Textual app.

Issue 12's target: the explorer's first index rows on screen within 0.15 s of a
trivial Textual app's first frame. Both run the same way: tmux starts the
command in a fresh server at a fixed size, and this script reads the screen
(``capture-pane``) every few milliseconds until the marker is there: for the
explorer, index row 0; for the trivial app, its one line of text. The polling
costs both the same, so the difference between the medians is the explorer's
own start-up (imports, opening the store, the first index rows).

    python benchmarks/startup.py [--real PATH] [--starts 9] [--instructions]

Without ``--real`` the explorer opens its built-in demo store.

Milliseconds on a shared machine move with its load. ``--instructions`` adds a
count that does not: each app runs headless under valgrind (callgrind, hash seed
fixed) until its first frame is written, and the instructions executed are
counted, interpreter start and imports included. The explorer's extra
instructions over the trivial app's, set beside the milliseconds of the same
change, tell whether a change moved the start-up at all.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.read import host  # noqa: E402

TARGET_S = 0.15
WIDTH, HEIGHT = 160, 45
DEADLINE_S = 60.0
POLL_S = 0.005
# Index row 0: "│    0      0  0000 …" (rev 0 at offset 0, flags in hex).
INDEX_ROW_0 = re.compile(r"│\s+0\s+0\s+[0-9a-f]{4}\s+\d")
TRIVIAL_APP = """
from textual.app import App
from textual.widgets import Static

class Trivial(App):
    def compose(self):
        yield Static("trivial app ready")

Trivial().run()
"""
# A user's Python caches compiled modules: the first (untimed) start writes them.
ENV = {k: v for k, v in os.environ.items()
       if k not in ("COLUMNS", "LINES", "TMUX", "TEXTUAL_ANIMATIONS", "PYTHONDONTWRITEBYTECODE")}


def time_to_screen(command: list[str], seen: Callable[[str], bool]) -> float:
    """Seconds from asking tmux to start ``command`` until ``seen(screen)``."""
    tmux = shutil.which("tmux")
    if tmux is None:
        raise SystemExit("needs tmux")
    with tempfile.TemporaryDirectory() as tmp:
        base = [tmux, "-S", str(Path(tmp) / "sock"), "-f", os.devnull]
        start = time.perf_counter()
        subprocess.run([*base, "new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT),
                        *command], check=True, env=ENV)
        try:
            while True:
                screen = subprocess.run([*base, "capture-pane", "-p"], check=True,
                                        capture_output=True, text=True).stdout
                if seen(screen):
                    return time.perf_counter() - start
                if time.perf_counter() - start > DEADLINE_S:
                    raise SystemExit(f"never saw the marker; the screen:\n{screen}")
                time.sleep(POLL_S)
        finally:
            subprocess.run([*base, "kill-server"], capture_output=True)


# Headless, each app to its first written frame: what ``--instructions`` counts.
FIRST_FRAME = """
import sys
{app}
class FirstFrame(Base):
    shown = False
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if not self.shown:
            self.shown = True
            self.exit()
FirstFrame(*sys.argv[1:]).run(headless=True, size=({width}, {height}))
"""
TRIVIAL_BASE = """
from textual.app import App
from textual.widgets import Static
class Base(App):
    def compose(self):
        yield Static("trivial app ready")
"""
# As the command starts it: explorer.cli pauses the collector before importing the TUI.
EXPLORER_BASE = """
from explorer.tui import gcpause
gcpause.pause()
from explorer.tui.app import ExplorerApp as Base
"""


def instructions(code: str, args: list[str]) -> int:
    """Instructions a fresh interpreter executes running ``code`` (callgrind's count)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind")
    env = {**ENV, "PYTHONHASHSEED": "0"}
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          sys.executable, "-c", code, *args],
                         capture_output=True, text=True, env=env, check=True).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))


def first_frame_instructions(path: Path | None) -> tuple[int, int]:
    """Instructions to the first frame: the trivial app's, the explorer's."""
    def code(base: str) -> str:
        return FIRST_FRAME.format(app=base, width=WIDTH, height=HEIGHT)

    trivial = instructions(code(TRIVIAL_BASE), [])
    ours = instructions(code(EXPLORER_BASE), [str(path)] if path else [])
    return trivial, ours


def explorer_command(path: Path | None) -> list[str]:
    command = Path(sys.executable).with_name("revlog-explorer")
    if not command.exists():
        raise SystemExit(f"{command} is not installed: pip install -e .")
    return [str(command), *([str(path)] if path else [])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, help="a repository to open (default: the demo)")
    parser.add_argument("--starts", type=int, default=9)
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions to the first frame (valgrind)")
    args = parser.parse_args()
    trivial = [sys.executable, "-c", TRIVIAL_APP]
    ours = explorer_command(args.real)
    runs: dict[str, list[float]] = {"trivial": [], "explorer": []}
    time_to_screen(trivial, lambda s: "trivial app ready" in s)  # warm-up: bytecode, disk cache
    time_to_screen(ours, lambda s: bool(INDEX_ROW_0.search(s)))
    for _ in range(args.starts):  # interleaved, so load changes hit both alike
        runs["trivial"].append(time_to_screen(trivial, lambda s: "trivial app ready" in s))
        runs["explorer"].append(time_to_screen(ours, lambda s: bool(INDEX_ROW_0.search(s))))
    trivial_s = statistics.median(runs["trivial"])
    ours_s = statistics.median(runs["explorer"])
    gap = ours_s - trivial_s
    print(f"machine: {host()}; load {os.getloadavg()[0]:.1f}")
    print(f"command: python benchmarks/startup.py"
          f"{f' --real {args.real}' if args.real else ''} --starts {args.starts}"
          f"{' --instructions' if args.instructions else ''}\n")
    print("| what | median start → on screen | runs |")
    print("|---|---|---|")
    print(f"| trivial Textual app (one Static) | {trivial_s * 1000:.0f} ms | {args.starts} |")
    print(f"| revlog-explorer {args.real or '(demo store)'}: index row 0 "
          f"| {ours_s * 1000:.0f} ms | {args.starts} |")
    print(f"| difference | {gap * 1000:.0f} ms (target ≤ {TARGET_S * 1000:.0f} ms "
          f"{'✓' if gap <= TARGET_S else '✗'}) | |")

    if args.instructions:
        trivial_i, ours_i = first_frame_instructions(args.real)
        print("\n| instructions to the first frame (headless, valgrind) | count |")
        print("|---|---|")
        print(f"| trivial Textual app | {trivial_i / 1e6:,.0f} M |")
        print(f"| revlog-explorer | {ours_i / 1e6:,.0f} M |")
        print(f"| difference | {(ours_i - trivial_i) / 1e6:,.0f} M "
              f"({ours_i / trivial_i:.2f}× the trivial app's) |")


if __name__ == "__main__":
    main()
