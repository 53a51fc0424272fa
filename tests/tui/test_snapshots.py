"""What every pane looks like, on the deterministic demo store (SVGs in __snapshots__/).

Each screen is set up by driving the app (its methods and keys), then the
test waits for every worker before the screenshot is taken. Update the
pictures after an intended change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explorer.engine import Store
from explorer.engine.damage import faults
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.views import demo
from tests.engine.repo.renames import build_renames
from tests.tui.conftest import SIZE, press

LEDGER = "data/ledger.txt.i"  # 260 revisions: a long chain with level 1-2 snapshots
MERGE = 232  # the demo's merge changeset


def rows(app: ExplorerApp, path: str) -> int:
    return next(i for i, ref in enumerate(app.source.refs) if ref.path == path)


def setup(*steps):
    """A run_before doing ``steps``: ("open", path, rev), ("keys", k...), ("focus", id)."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(pilot)
        for step, *args in steps:
            if step == "open":
                path, rev = args
                app.open_revlog(rows(app, path), rev)
            elif step == "keys":
                await press(pilot, *args)
            elif step == "focus":
                app.query_one(f"#{args[0]}").focus()
            elif step == "title":
                app.sub_title = args[0]
            await settle(pilot)

    return run_before


def snap(snap_compare, app: ExplorerApp, *steps, size: tuple[int, int] = SIZE) -> bool:
    return snap_compare(app, terminal_size=size, run_before=setup(*steps))


# -- the whole screen at other terminal sizes: narrow (80x24, 120x40) and wide (220x60) ----


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (220, 60)], ids="{0[0]}x{0[1]}".format)
def test_every_pane_at_size(snap_compare, size):
    assert snap(snap_compare, ExplorerApp(), ("open", LEDGER, 252), size=size)


def test_text_pane_scrolled_to_the_end(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", LEDGER, 259), ("focus", "text"),
                ("keys", "end"), size=(120, 40))


def test_hex_pane_at_the_last_byte(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", LEDGER, 0), ("keys", "x"),
                ("focus", "hex-view"), ("keys", "end"), size=(220, 60))


def test_dag_zoomed_on_a_small_terminal(snap_compare):
    assert snap(snap_compare, ExplorerApp(rev=str(MERGE)), ("focus", "dag"), ("keys", "z"),
                size=(80, 24))


# -- one pane at a time, at 160x45 ------------------------------------------------------


def test_store_pane(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("focus", "store"), ("keys", *["down"] * 8))


def test_index_pane(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", LEDGER, 252))


def test_dag_pane(snap_compare):
    assert snap(snap_compare, ExplorerApp(rev=str(MERGE)), ("focus", "dag"))


def test_dag_pane_ascii(snap_compare):
    assert snap(snap_compare, ExplorerApp(rev=str(MERGE)), ("focus", "dag"), ("keys", "u"))


def test_chain_pane(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", LEDGER, 259), ("focus", "chain-table"),
                ("keys", "home", "down"))


def test_text_pane_changeset(snap_compare):
    assert snap(snap_compare, ExplorerApp(rev=str(MERGE)), ("focus", "text"))


def test_text_pane_manifest(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", "00manifest.i", 100), ("focus", "text"))


def test_text_pane_copy(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", "data/src/engine_copy.py.i", 0))


def test_text_pane_binary(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", "data/assets/logo.png.i", 3))


def test_text_pane_delta(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", "data/src/engine.py.i", 12), ("keys", "d"))


def test_hex_pane(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", LEDGER, 252), ("keys", "x"),
                ("focus", "hex-view"), ("keys", *["right_square_bracket"] * 4))


def test_hex_pane_delta_hunks(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("open", LEDGER, 259), ("keys", "x"),
                ("focus", "hex-view"), ("keys", *["right_square_bracket"] * 12))


@pytest.fixture
def damaged_demo(tmp_path) -> Path:
    """A copy of the demo store with two faults: a bad chunk and a wrong node."""
    repo = Path(shutil.copytree(demo.demo_path(), tmp_path / "demo", symlinks=True))
    store = Store.open(repo)
    faults.inject(store.open_revlog(LEDGER), "bad-compression", 120)
    faults.inject(store.open_revlog("data/src/engine.py.i"), "wrong-node", 3)
    return repo


def test_problems_pane(snap_compare, damaged_demo):
    assert snap(snap_compare, ExplorerApp(damaged_demo),
                ("title", "a damaged copy of the demo store"), ("keys", "v"),
                ("focus", "problems-table"), ("keys", "enter"), ("focus", "problems-table"))


def test_help_screen(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("keys", "question_mark"))


def test_go_to_prompt(snap_compare):
    assert snap(snap_compare, ExplorerApp(), ("keys", "g", "1", "2"))


def test_add_revision_editor(snap_compare):
    assert snap(snap_compare, ExplorerApp(edit=True), ("open", "data/src/util.py.i", 3),
                ("keys", "a"))


def test_commit_dialog_shows_the_diff(snap_compare, monkeypatch):
    """After the editor (an x typed at the end of line 3): user, message and the diff."""
    for name in ("HGUSER", "EMAIL"):  # the default user is hg's: these would name it
        monkeypatch.delenv(name, raising=False)
    assert snap(snap_compare, ExplorerApp(edit=True), ("open", "data/src/engine.py.i", 28),
                ("keys", "a", "down", "down", "end", "x", "ctrl+s"))


def test_links_of_a_merge(snap_compare):
    assert snap(snap_compare, ExplorerApp(rev=str(MERGE)), ("keys", "l"))


def test_fault_chooser(snap_compare):
    assert snap(snap_compare, ExplorerApp(edit=True), ("open", LEDGER, 7), ("keys", "f", "down"))


def test_cannot_open(snap_compare):
    assert snap(snap_compare, ExplorerApp("no/such/repository"))


@pytest.fixture(scope="module")
def renames(tmp_path_factory) -> Path:
    """hg's history of copies and renames (tests/engine/repo/renames.py)."""
    return build_renames(tmp_path_factory.mktemp("snap-copies") / "renames")


def test_copies_screen(snap_compare, renames):
    """Every copy by saving, the totals above, the cursor's copy told in full below."""
    assert snap(snap_compare, ExplorerApp(renames), ("title", "hg's renames and copies"),
                ("keys", "c", "down"), size=(120, 40))
