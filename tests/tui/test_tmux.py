"""The installed ``revlog-explorer`` command in a real terminal: tmux runs it at a fixed
size; the test reads the screen as tmux shows it, types keys, and clicks and turns the
wheel with the mouse escape sequences a terminal sends (SGR, ``ESC [ < b ; x ; y M``).
Every wait polls the screen until what is expected is there (or a deadline passes)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tui.conftest import LONG_LINES

TMUX = shutil.which("tmux")
COMMAND = Path(sys.executable).with_name("revlog-explorer")
pytestmark = pytest.mark.skipif(TMUX is None or not COMMAND.exists(),
                                reason="needs tmux and the installed revlog-explorer")
WIDTH, HEIGHT = 120, 40
# The app asks the terminal its size, unless COLUMNS and LINES say it (the test run may
# have them); TMUX would say we are inside another tmux; the app animates scrolling as
# for anyone (the other TUI tests turn animations off).
ENV = {k: v for k, v in os.environ.items()
       if k not in ("COLUMNS", "LINES", "TMUX", "TEXTUAL_ANIMATIONS")}
DEADLINE = 60.0  # seconds; a loaded machine starts the app in a few


class Terminal:
    """One tmux server of its own (its socket in ``tmp``), one window of a fixed size."""

    def __init__(self, tmp: Path) -> None:
        self.socket = str(tmp / "tmux.sock")
        config = tmp / "tmux.conf"
        config.write_text("set-option -g remain-on-exit on\n")  # to read the exit status
        self.config = str(config)

    def tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-S", self.socket, "-f", self.config, *args],
                              check=True, capture_output=True, text=True, env=ENV).stdout

    def start(self, *command: str) -> None:
        self.tmux("new-session", "-d", "-s", "explorer", "-x", str(WIDTH), "-y", str(HEIGHT),
                  *command)

    def screen(self) -> list[str]:
        return self.tmux("capture-pane", "-p", "-t", "explorer").splitlines()

    def wait_for(self, what: str, found: Callable[[list[str]], bool]) -> list[str]:
        """Poll the screen until ``found(screen)``; fail with the last screen."""
        end = time.monotonic() + DEADLINE
        while True:
            screen = self.screen()
            if found(screen):
                return screen
            if time.monotonic() > end:
                raise AssertionError(f"never saw {what}; the screen:\n" + "\n".join(screen))
            time.sleep(0.1)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "explorer", *keys)

    def mouse(self, x: int, y: int, button: int = 0, release: bool = True) -> None:
        """A button (0: left; 64/65: wheel up/down) at column ``x``, line ``y`` (from 0)."""
        sequence = f"\x1b[<{button};{x + 1};{y + 1}M"
        if release:
            sequence += f"\x1b[<{button};{x + 1};{y + 1}m"
        self.tmux("send-keys", "-t", "explorer", "-l", sequence)

    def pane_state(self) -> str:
        return self.tmux("display-message", "-p", "-t", "explorer",
                         "#{pane_dead} #{pane_dead_status} #{pane_dead_signal}").strip()

    def close(self) -> None:
        subprocess.run([TMUX, "-S", self.socket, "kill-server"], capture_output=True)


def where(screen: list[str], text: str) -> tuple[int, int]:
    """Column and line of the first ``text`` on screen."""
    for y, line in enumerate(screen):
        if text in line:
            return line.index(text), y
    raise AssertionError(f"{text!r} is not on screen:\n" + "\n".join(screen))


def shows(pattern: str) -> Callable[[list[str]], bool]:
    return lambda screen: any(re.search(pattern, line) for line in screen)


@pytest.fixture
def terminal(tmp_path):
    terminal = Terminal(tmp_path)
    yield terminal
    terminal.close()


def test_open_click_scroll_and_quit_in_a_real_terminal(terminal, long_text):
    terminal.start(str(COMMAND), str(long_text))
    screen = terminal.wait_for("the index and rev 0's text",
                               lambda s: shows(r"index · 00changelog\.i")(s)
                               and shows(r"rev 0  \d+ bytes")(s))

    # a click on an index row selects that row's revision (the header line is above row 0)
    x, header = where(screen, "rev offset")
    for rev in (3, 7, 1):
        terminal.mouse(x + 1, header + 1 + rev)
        terminal.wait_for(f"rev {rev} selected", lambda s, rev=rev: shows(
            rf"rev {rev}  \d+ bytes")(s) and shows(rf"rev {rev}: \d+ link")(s))

    # a double click on a store row opens that revlog
    x, y = where(screen, "data/long.txt.i")
    terminal.mouse(x, y)
    terminal.mouse(x, y)
    terminal.wait_for("long.txt opened", shows(r"index · data/long\.txt\.i"))

    # the text pane scrolls to the last line of the file, and back with the wheel
    screen = terminal.wait_for("rev 0 of long.txt", shows(r"rev 0  \d+ bytes"))
    x, y = where(screen, "rev 0  ")
    terminal.mouse(x + 4, y + 4)  # a click focuses the pane
    terminal.keys("End")
    last = rf"{LONG_LINES} +line {LONG_LINES} of the long file"
    terminal.wait_for("the last line", shows(last))
    for _ in range(3):
        terminal.mouse(x + 4, y + 4, button=64, release=False)
    terminal.wait_for("the last line scrolled away", lambda s: not shows(last)(s))

    terminal.keys("q")
    end = time.monotonic() + DEADLINE
    while not terminal.pane_state().startswith("1"):  # the pane's process is gone
        assert time.monotonic() < end, "still running after q:\n" + "\n".join(
            terminal.screen())
        time.sleep(0.1)
    # exit status 0 and no signal; on a loaded machine tmux 3.3 may mark the pane dead
    # without recording a status at all ("1"), which still means it exited, not crashed
    assert re.fullmatch(r"1( 0)?", terminal.pane_state()), terminal.pane_state()
