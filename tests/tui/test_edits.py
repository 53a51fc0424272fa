"""Verify, and editing a test repository: add, strip, inject a fault; hg agrees after.
Editing needs --edit (``ExplorerApp(edit=True)``): without it the keys say so and
change nothing."""

from __future__ import annotations

from pathlib import Path

from explorer.engine import Store
from explorer.tui.app import ExplorerApp
from explorer.tui.edits import USER, default_user
from explorer.tui.headless import settle
from explorer.tui.store_actions import READ_ONLY
from explorer.tui.widgets.commit import CommitScreen
from explorer.tui.widgets.dialogs import ChoiceScreen, ConfirmScreen, EditorScreen, HelpScreen
from explorer.tui.widgets.hex import HexView
from explorer.tui.widgets.problems import ProblemsTable
from explorer.tui.widgets.text import TextPane
from explorer.views.source import open_source
from tests.engine.repo.test_paths import tree
from tests.engine.repo.test_refusals import UNKNOWN, add_requirement
from tests.hgrepos import hg, hg_run
from tests.tui.conftest import press, row_of, run


def hg_verify(repo: Path) -> tuple[int, str]:
    code, out, err = hg_run(repo, "verify")
    return code, (out + err).decode()



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
        area.text = area.text.replace("\n", "\n# added in the explorer\n", 1)
        await press(pilot, "ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, CommitScreen)
        assert dialog.diff[:2] == ["--- a/src/main.py\n", "+++ b/src/main.py\n"]
        assert dialog.diff[2].startswith("@@ -1,") and "+# added in the explorer\n" in dialog.diff
        assert "+# added in the explorer" in str(dialog.query_one("#commit-diff-text").render())
        dialog.query_one("#commit-user").value = "Ada <ada@example.org>"
        dialog.query_one("#commit-message").text = "a line added\n\nwith the explorer"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert app.view.name == "data/src/main.py.i"
        assert len(app.view) == before + 1 and app.index.cursor == before
        assert "# added in the explorer" in app.query_one(TextPane).document.plain()

    run(ExplorerApp(repo_copy, edit=True), test)
    code, out = hg_verify(repo_copy)
    assert code == 0, out
    assert b"\n# added in the explorer\n" in hg(repo_copy, "cat", "-r", "tip", "src/main.py")
    assert hg(repo_copy, "log", "-r", "tip", "-T", "{author}|{desc}") == \
        b"Ada <ada@example.org>|a line added\n\nwith the explorer"


def test_an_empty_changeset_is_committed_with_the_user_and_message_typed(repo_copy):
    """From the changelog, ``a`` commits a changeset changing no file: no diff."""
    async def test(pilot):
        app = pilot.app
        await press(pilot, "a")
        dialog = app.screen
        assert isinstance(dialog, CommitScreen) and dialog.diff == []
        assert "no file changes" in str(dialog.query_one("#commit-diff-text").render())
        dialog.query_one("#commit-user").value = "Grace <grace@example.org>"
        dialog.query_one("#commit-message").text = "nothing but a message"
        await press(pilot, "ctrl+s")

    before = len(Store.open(repo_copy).changelog)
    run(ExplorerApp(repo_copy, edit=True), test)
    assert len(Store.open(repo_copy).changelog) == before + 1
    assert hg(repo_copy, "log", "-r", "tip", "-T", "{author}|{desc}|{files}") == \
        b"Grace <grace@example.org>|nothing but a message|"


def test_cancelled_edits_change_nothing(repo_copy):
    size = (repo_copy / ".hg" / "store" / "00changelog.i").stat().st_size

    async def test(pilot):
        app = pilot.app
        await press(pilot, "a", "escape")  # the commit dialog of an empty changeset
        assert not isinstance(app.screen, CommitScreen)
        app.open_revlog(row_of(app, "data/src/main.py.i"), 3)
        await settle(pilot)
        await press(pilot, "a", "escape")
        await press(pilot, "a", "ctrl+s", "escape")
        await press(pilot, "f", "escape")
        await press(pilot, "s", "n")

    run(ExplorerApp(repo_copy, edit=True), test)
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

    run(ExplorerApp(repo_copy, edit=True), test)
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
        assert app.screen.title_text == (f"Strip changeset {changeset} and the {after} "
                                         "changesets after it")
        assert app.screen.question.startswith(app.screen.title_text + " from ")
        await press(pilot, "y")
        await settle(pilot)
        assert app.view.name == "data/src/main.py.i"
        assert len(app.view) == remaining_files

    after = len(hg(repo_copy, "log", "-r", f"{changeset + 1}:", "-T", "x"))  # hg counts them
    assert after > 1
    run(ExplorerApp(repo_copy, edit=True), test)
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

    run(ExplorerApp(repo_copy, edit=True), test)
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

    run(ExplorerApp(repo_copy, edit=True), test)


def test_without_edit_the_editing_keys_say_how_to_edit_and_change_nothing(repo_copy):
    """Read-only by default: a, s and the fault key open no dialog and say why; the help
    screen and the command palette say so too."""
    before = tree(repo_copy)

    async def test(pilot):
        app = pilot.app
        app.open_revlog(row_of(app, "data/src/main.py.i"), 3)
        await settle(pilot)
        said: list[str] = []
        app.notify = lambda message, **options: said.append(message)
        for key in ("a", "s", "f"):
            await press(pilot, key)
            assert not isinstance(app.screen, (EditorScreen, ConfirmScreen, ChoiceScreen,
                                               CommitScreen)), key
        assert said == [READ_ONLY] * 3
        assert READ_ONLY == "read-only — start with --edit to change the store"
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        helped = str(app.screen.query_one("#help-text").render())
        assert helped.count(READ_ONLY) == 3
        await press(pilot, "escape")
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert all(READ_ONLY in commands[title]
                   for title in ("Add revision", "Strip", "Inject fault"))
        assert READ_ONLY not in commands["Verify"]

    run(ExplorerApp(repo_copy), test)
    assert tree(repo_copy) == before


def test_the_commit_dialog_starts_from_the_user_hg_would_commit_as(repo_copy, monkeypatch):
    """$HGUSER, then ui.username (as hg config reads it), then $EMAIL, then ours."""
    for name in ("HGUSER", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    assert default_user(open_source(repo_copy)) == USER
    monkeypatch.setenv("EMAIL", "mail <mail@example.org>")
    assert default_user(open_source(repo_copy)) == "mail <mail@example.org>"
    (repo_copy / ".hg" / "hgrc").write_text("[ui]\nusername = Configured <c@example.org>\n")
    configured = hg(repo_copy, "config", "ui.username").decode().strip()
    assert default_user(open_source(repo_copy)) == configured == "Configured <c@example.org>"
    monkeypatch.setenv("HGUSER", "Env <env@example.org>")
    assert default_user(open_source(repo_copy)) == "Env <env@example.org>"
