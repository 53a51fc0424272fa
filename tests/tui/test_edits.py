"""Verify, and editing a test repository: add, strip, inject a fault; hg agrees after."""

from __future__ import annotations

from pathlib import Path

from explorer.engine import Store
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.dialogs import ChoiceScreen, ConfirmScreen, EditorScreen
from explorer.tui.widgets.hex import HexView
from explorer.tui.widgets.problems import ProblemsTable
from explorer.tui.widgets.text import TextPane
from tests.engine.repo.test_paths import tree
from tests.engine.repo.test_refusals import UNKNOWN, add_requirement
from tests.hgrepos import hg, hg_run
from tests.tui.conftest import press, run


def hg_verify(repo: Path) -> tuple[int, str]:
    code, out, err = hg_run(repo, "verify")
    return code, (out + err).decode()


def row_of(app: ExplorerApp, path: str) -> int:
    return next(i for i, r in enumerate(app.source.refs) if r.path == path)


def test_verify_of_an_intact_store(repo):
    async def test(pilot):
        app = pilot.app
        await press(pilot, "v")
        assert app.query_one(ProblemsTable).problems == []
        assert "no problems" in str(app.query_one("#problems-status").render())

    run(ExplorerApp(repo), test)


def test_verify_lists_the_damage_and_jumps_to_it(repo_copy):
    store = Store.open(repo_copy)
    rl = store.filelog("src/main.py")
    offset = rl.chunk_offset(12)
    path = rl.data_path
    rl.close()
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(b"\xfe")

    async def test(pilot):
        app = pilot.app
        await press(pilot, "v")
        problems = app.query_one(ProblemsTable).problems
        ours = [p for p in problems if p.path == "data/src/main.py.i" and p.rev == 12]
        assert ours and ours[0].is_error
        assert app.query_one(ProblemsTable).has_focus
        table = app.query_one(ProblemsTable)
        table.move_to(problems.index(ours[0]))
        await press(pilot, "enter")
        assert app.view.name == "data/src/main.py.i" and app.index.cursor == 12
        assert app.index.row_style(12) == "bad"
        hexes = app.query_one(HexView)
        section, at = hexes.cursor
        assert hexes.sections[section].offset + at == ours[0].offset

    run(ExplorerApp(repo_copy), test)


def test_add_a_revision_of_a_file(repo_copy):
    before = len(Store.open(repo_copy).filelog("src/main.py"))

    async def test(pilot):
        app = pilot.app
        app.open_revlog(row_of(app, "data/src/main.py.i"), "-1")
        await settle(pilot)
        await press(pilot, "a")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        area = editor.query_one("#editor")
        area.text = area.text + "# added in the explorer\n"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        await settle(pilot)
        assert app.view.name == "data/src/main.py.i"
        assert len(app.view) == before + 1 and app.index.cursor == before
        assert "# added in the explorer" in app.query_one(TextPane).document.plain()

    run(ExplorerApp(repo_copy), test)
    code, out = hg_verify(repo_copy)
    assert code == 0, out
    assert hg(repo_copy, "cat", "-r", "tip", "src/main.py").endswith(
        b"# added in the explorer\n")


def test_cancelled_edits_change_nothing(repo_copy):
    size = (repo_copy / ".hg" / "store" / "00changelog.i").stat().st_size

    async def test(pilot):
        await press(pilot, "a", "escape")
        await press(pilot, "a", "ctrl+s", "n")
        await press(pilot, "f", "escape")
        await press(pilot, "s", "n")

    run(ExplorerApp(repo_copy), test)
    assert (repo_copy / ".hg" / "store" / "00changelog.i").stat().st_size == size


def test_inject_a_fault_then_see_it(repo_copy):
    async def test(pilot):
        app = pilot.app
        app.open_revlog(row_of(app, "data/src/main.py.i"), 5)
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, ChoiceScreen)
        kinds = list(app.screen.options)
        await press(pilot, *["down"] * kinds.index("bad-compression"), "enter")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        await settle(pilot)
        assert app.view.name == "data/src/main.py.i" and app.index.cursor == 5
        assert 5 in app.view.damage
        assert any(p.rev == 5 for p in app.query_one(ProblemsTable).problems)
        await press(pilot, "v")
        assert any(p.rev == 5 and p.path == "data/src/main.py.i"
                   for p in app.query_one(ProblemsTable).problems)

    run(ExplorerApp(repo_copy), test)
    code, out = hg_verify(repo_copy)
    assert code != 0 and "main.py" in out


def test_strip_from_a_file_revision(repo_copy):
    store = Store.open(repo_copy)
    flog = store.filelog("src/main.py")
    changeset = flog.entry(9).link_rev
    remaining_files = sum(1 for r in flog if flog.entry(r).link_rev < changeset)
    store.close()

    async def test(pilot):
        app = pilot.app
        app.open_revlog(row_of(app, "data/src/main.py.i"), 9)
        await settle(pilot)
        await press(pilot, "s")
        assert isinstance(app.screen, ConfirmScreen)
        assert f"changeset {changeset}" in app.screen.question
        await press(pilot, "y")
        await settle(pilot)
        assert app.view.name == "data/src/main.py.i"
        assert len(app.view) == remaining_files

    run(ExplorerApp(repo_copy), test)
    assert len(Store.open(repo_copy).changelog) == changeset
    code, out = hg_verify(repo_copy)
    assert code == 0, out


def test_an_unknown_requirement_is_named_and_editing_refused(repo_copy):
    add_requirement(repo_copy, UNKNOWN)
    before = tree(repo_copy)

    async def test(pilot):
        app = pilot.app
        problems = app.query_one(ProblemsTable).problems
        assert [p.severity for p in problems] == ["warning"]
        assert f"unknown requirement '{UNKNOWN}'" in problems[0].message
        app.open_revlog(row_of(app, "data/src/main.py.i"), 3)
        await settle(pilot)
        said: list[str] = []
        app.notify = lambda message, **options: said.append(message)
        for key in ("a", "s", "f"):
            await press(pilot, key)
            assert not isinstance(app.screen, (EditorScreen, ConfirmScreen, ChoiceScreen)), key
        assert len(said) == 3 and all(UNKNOWN in m for m in said), said

    run(ExplorerApp(repo_copy), test)
    assert tree(repo_copy) == before


def test_a_read_only_store_is_said_before_any_dialog(repo_copy, read_only):
    read_only(repo_copy)

    async def test(pilot):
        app = pilot.app
        app.open_revlog(row_of(app, "data/src/main.py.i"), 3)
        await settle(pilot)
        said: list[str] = []
        app.notify = lambda message, **options: said.append(message)
        for key in ("a", "s"):
            await press(pilot, key)
            assert not isinstance(app.screen, (EditorScreen, ConfirmScreen)), key
        assert len(said) == 2 and all("read-only file system" in m for m in said), said

    run(ExplorerApp(repo_copy), test)
