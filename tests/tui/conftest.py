"""Fixtures of the TUI tests: deterministic screens and a way to wait for workers.

The explorer does its reading in thread workers, and workers start more
workers (opening a store starts the index, DAG and detail panes' work), so
``settle`` waits until none is left before a test looks at the screen.
Animations and blinking cursors are off: they make screenshots depend on
timing.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

os.environ["TEXTUAL_ANIMATIONS"] = "none"  # read when textual is first imported

import pytest  # noqa: E402
from textual import events  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.widget import Widget  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from explorer.tui.app import ExplorerApp  # noqa: E402
from explorer.tui.headless import settle  # noqa: E402
from tests import hgrepos as hgtools  # noqa: E402

SIZE = (160, 45)


@pytest.fixture(autouse=True)
def no_blinking(monkeypatch):
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


def run(app: ExplorerApp, test: Callable[[Pilot], Awaitable[None]], size=SIZE) -> None:
    """Run ``test(pilot)`` against ``app`` once it has settled."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            app.animation_level = "none"
            await settle(pilot)
            await test(pilot)

    asyncio.run(main())


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys one by one, letting the panes catch up after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def wheel(pilot: Pilot, widget: Widget, turns: int = 1) -> None:
    """Turn the mouse wheel ``turns`` notches (down; negative: up) over the middle of
    ``widget``, delivered as the terminal driver delivers it: to the app, which sends it
    to the widget under the pointer."""
    region = widget.region
    x, y = region.x + region.width // 2, region.y + region.height // 2
    event = events.MouseScrollDown if turns > 0 else events.MouseScrollUp
    for _ in range(abs(turns)):
        pilot.app.post_message(event(None, x, y, 0, 1 if turns > 0 else -1, 0, False, False,
                                     False, screen_x=x, screen_y=y))
        await settle(pilot)


def shown(widget: Widget) -> list[str]:
    """The lines ``widget`` draws in its content area now, as plain text."""
    return [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]


def row_of(app: ExplorerApp, path: str) -> int:
    """The store pane's row of the revlog at store path ``path``."""
    return next(i for i, r in enumerate(app.source.refs) if r.path == path)


async def open_at(pilot: Pilot, path: str, rev: int | str = 0) -> None:
    """Open the revlog at store path ``path`` on ``rev`` and let the panes fill."""
    pilot.app.open_revlog(row_of(pilot.app, path), rev)
    await settle(pilot)


LONG_LINES = 3000


LONG_COMMITS = 40


@pytest.fixture(scope="session")
def long_text(tmp_path_factory) -> Path:
    """A repository written by hg: ``long.txt`` has 3000 lines at rev 0, each a dot
    longer every 50 lines, then each of 39 more changesets changes one of its lines
    (rev 1 and on are deltas)."""
    root = tmp_path_factory.mktemp("long-text")
    hgtools.hg(root, "init", "repo")
    # lines grow longer down the file: the text widens as it scrolls
    lines = [f"line {i} of the long file{'.' * (i // 50)}\n"
             for i in range(1, LONG_LINES + 1)]
    history = hgtools.History()
    for n in range(LONG_COMMITS):
        if n:
            lines[n * 50] = f"line {n * 50 + 1} changed by changeset {n}\n"
        history.commit({"long.txt": "".join(lines).encode()}, message=f"change {n}")
    history.apply(root / "repo")
    return root / "repo"


@pytest.fixture(scope="session")
def long_chain(hgrepos) -> Path:
    """A store whose big filelog has long delta chains and intermediate snapshots."""
    return hgrepos("long-chain-sparse")
