"""``revlog-explorer --web`` in real headless Chromium (Debian's, driven by Playwright).

The page is textual-serve's terminal (xterm.js, drawn on a canvas); the
test reads the terminal's screen from xterm's own buffer, whose object an
init script catches as textual-serve's page stores it. Waiting is for what
the screen shows, never for a time. Skipped only without /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no /usr/bin/chromium")

# textual-serve's page keeps its xterm.js Terminal in ``this.terminal``: catch it.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {configurable: true, set(value) {
  Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
  if (value && value.buffer) window.__xterm = value;
}});
"""
SCREEN = """() => {
  const t = window.__xterm; if (!t) return "";
  const lines = [];
  for (let i = 0; i < t.rows; i++) lines.push(t.buffer.active.getLine(i).translateToString(true));
  return lines.join("\\n");
}"""


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found.update(kids)
        todo += kids
    return found


@pytest.fixture
def served(repo):
    """``revlog-explorer --web`` on the zstd repository: (URL, server process)."""
    server = subprocess.Popen([sys.executable, "-m", "explorer", str(repo), "--web"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+) ", line)
        assert match, line + server.stderr.read()
        yield match.group(1), server
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()


def _wait_for_screen(page, pattern: str) -> str:
    """The screen text once it matches the regular expression ``pattern``."""
    page.wait_for_function(f"() => new RegExp({pattern!r}, 'm').test(({SCREEN})())",
                           timeout=60_000)
    return page.evaluate(SCREEN)


def test_a_key_pressed_in_the_page_moves_the_cursor(served, screenshots):
    sync_api = pytest.importorskip("playwright.sync_api")
    url, server = served
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(CATCH_TERMINAL)
            page.goto(url)
            before = _wait_for_screen(page, r"index · 00changelog\.i[\s\S]*rev 0 +\d+ bytes")
            assert "store" in before and "DAG" in before
            page.focus(".xterm-helper-textarea")
            page.keyboard.press("ArrowDown")
            after = _wait_for_screen(page, r"rev 1 +\d+ bytes  node")
            assert not re.search(r"rev 0 +\d+ bytes  node", after)
            page.screenshot(path=screenshots / "web.png")
            apps = _descendants(server.pid)
            assert apps  # the session's app runs below the server
            server.send_signal(signal.SIGINT)  # Ctrl+C, the page still open
            assert server.wait(timeout=60) == 0
        finally:
            browser.close()
    assert not {pid for pid in apps if os.path.exists(f"/proc/{pid}")}
    assert "Traceback" not in server.stderr.read()
