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
from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from explorer.tui.app import ExplorerApp  # noqa: E402
from explorer.tui.headless import settle  # noqa: E402

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


@pytest.fixture(scope="session")
def long_chain(hgrepos) -> Path:
    """A store whose big filelog has long delta chains and intermediate snapshots."""
    return hgrepos("long-chain-sparse")
