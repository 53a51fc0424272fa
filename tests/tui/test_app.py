"""The explorer as a user drives it: opening paths, moving, going to, finding, panes in step."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from textual.command import CommandList

from explorer.engine import Revlog, Store
from explorer.engine.verify import ERROR, Problem
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.chain import ChainTable
from explorer.tui.widgets.dag import DagView
from explorer.tui.widgets.dialogs import LEGEND, CannotOpenScreen, HelpScreen
from explorer.tui.widgets.hex import HexView
from explorer.tui.widgets.keyhints import KeyHints
from explorer.tui.widgets.problems import ProblemsTable
from explorer.tui.widgets.store import StorePane
from explorer.tui.widgets.text import TextPane
from tests import hgrepos as hgtools
from tests.engine.store.bounded import bounded
from tests.tui.conftest import press, run


def assert_in_step(app: ExplorerApp, rev: int) -> None:
    """Every pane shows ``rev``: the DAG's cursor, the chain's last link, the text, the hex."""
    index = app.index
    assert index.cursor == rev
    dag = app.query_one(DagView)
    assert (dag.cursor, dag.top) == (rev, index.first_visible)
    assert app.query_one(ChainTable).links[-1].rev == rev
    text = app.query_one(TextPane)
    assert text.loader.target[1] == rev
    assert text.document.line(0).plain.startswith(f"rev {rev} ")
    hexes = app.query_one(HexView)
    if hexes.loader.shown_on_screen():
        assert hexes.sections[0].title.startswith(f"index entry of rev {rev}:")


# -- opening ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["root", "dot-hg", "store", "subdir", "index-file",
                                   "data-file"])
def test_opens_every_kind_of_path(repo_copy, where):
    repo = repo_copy
    (repo / "src" / "lib").mkdir(parents=True)  # a working-copy directory
    store = Store.open(repo)
    path = {
        "root": repo,
        "dot-hg": repo / ".hg",
        "store": repo / ".hg" / "store",
        "subdir": repo / "src" / "lib",
        "index-file": Path(store.fs_path("00changelog.i")),
        "data-file": Path(store.fs_path("00changelog.d")),
    }[where]

    async def test(pilot):
        app = pilot.app
        assert app.view is not None and len(app.index.view) == len(store.changelog)
        assert app.index.row_count == len(store.changelog)
        refs = app.query_one(StorePane).source.refs
        if where.endswith("file"):
            assert [r.path for r in refs] == ["00changelog.i"]
        else:
            assert [r.path for r in refs] == [path for _, path in store.revlog_paths()]
        assert_in_step(app, 0)

    run(ExplorerApp(path), test)


@pytest.mark.parametrize("what", ["missing", "plain-file", "not-a-repo"])
def test_a_path_that_cannot_be_opened_is_explained(tmp_path, what):
    path = tmp_path / "x"
    if what == "plain-file":
        path.write_text("hello\n")
    elif what == "not-a-repo":
        path.mkdir()
    expected = {"missing": "no such file or directory", "plain-file": "not a revlog index",
                "not-a-repo": "not inside a Mercurial repository"}[what]

    async def test(pilot):
        screen = pilot.app.screen
        assert isinstance(screen, CannotOpenScreen)
        assert expected in screen.reason
        await pilot.press("q")

    run(ExplorerApp(path), test)


def test_start_revision_from_the_command_line(repo):
    cl = Store.open(repo).changelog

    async def test(pilot):
        assert_in_step(pilot.app, 7)

    run(ExplorerApp(repo, rev=cl.node(7).hex()[:10]), test)


class _WorkersAtFirstFrame(ExplorerApp):
    """Notes the thread workers already started when the first frame is shown."""

    def on_ready(self) -> None:
        self.started_before = [w.description for w in self.workers]
        super().on_ready()


def test_the_first_frame_shows_the_index_before_any_thread_starts(repo):
    """Threads hold the GIL: started before the first frame, they slowed the frame
    that shows the index rows. They start after it, and every pane still fills."""
    async def test(pilot):
        app = pilot.app
        assert app.started_before == []
        assert app.index.row_count and app.query_one(DagView).layout_ is not None
        assert_in_step(app, 0)

    run(_WorkersAtFirstFrame(repo), test)


def test_choosing_a_revlog_in_the_store_pane_opens_it(repo):
    paths = [p for _, p in Store.open(repo).revlog_paths()]
    row = paths.index("data/src/main.py.i")

    async def test(pilot):
        app = pilot.app
        store = app.query_one(StorePane)
        store.focus()
        await press(pilot, *["down"] * row, "enter")
        assert app.view.name == "data/src/main.py.i"
        assert store.open_ref == row and app.index.has_focus
        assert_in_step(app, 0)

    run(ExplorerApp(repo), test)


# -- moving ------------------------------------------------------------------------------


def test_navigation_keys_move_every_pane(repo):
    n = len(Store.open(repo).changelog)

    async def test(pilot):
        app = pilot.app
        page = app.index.page_rows
        await press(pilot, "down", "down")
        assert_in_step(app, 2)
        await press(pilot, "pagedown")
        assert_in_step(app, 2 + page)
        await press(pilot, "end")
        assert_in_step(app, n - 1)
        assert app.index.first_visible == n - page
        await press(pilot, "up")
        assert_in_step(app, n - 2)
        await press(pilot, "pageup")
        assert_in_step(app, n - 2 - page)
        await press(pilot, "home")
        assert_in_step(app, 0)
        assert app.index.first_visible == 0

    run(ExplorerApp(repo), test)


def test_go_to_a_revision(repo):
    cl = Store.open(repo).changelog

    async def test(pilot):
        app = pilot.app
        await press(pilot, "g", *"23", "enter")
        assert_in_step(app, 23)
        await press(pilot, "g", *cl.node(31).hex()[:8], "enter")
        assert_in_step(app, 31)
        await press(pilot, "g", "-", "1", "enter")
        assert_in_step(app, len(cl) - 1)
        await press(pilot, "g", *"999", "enter")  # out of range: said, and nothing moves
        assert_in_step(app, len(cl) - 1)
        assert any("999" in n.message for n in app._notifications)
        await press(pilot, "g", "escape")
        assert_in_step(app, len(cl) - 1)
        await press(pilot, "1", "7", "g")  # as in less: the number, then g
        assert_in_step(app, 17)
        await press(pilot, "2", "9", "enter")
        assert_in_step(app, 29)
        await press(pilot, "5", "escape", "down")
        assert_in_step(app, 30)
        assert app.typed is None

    run(ExplorerApp(repo), test)


def test_find_by_node_prefix(repo):
    cl = Store.open(repo).changelog
    first = {}
    for rev in cl:
        first.setdefault(cl.node(rev).hex()[0], []).append(rev)
    digit, revs = max(first.items(), key=lambda kv: len(kv[1]))
    assert len(revs) >= 2

    async def test(pilot):
        app = pilot.app
        await press(pilot, "slash", *cl.node(12).hex()[:6], "enter")
        assert_in_step(app, 12)
        await press(pilot, "home", "slash", digit, "enter")
        assert app.index.cursor == revs[0] and app.matches == revs
        assert app.index.border_subtitle == f"/{digit}: match 1 of {len(revs)} · n / N"
        await press(pilot, "n")
        assert app.index.cursor == revs[1]
        assert app.index.border_subtitle.startswith(f"/{digit}: match 2 of {len(revs)}")
        await press(pilot, "N", "N")
        assert app.index.cursor == revs[-1]
        await press(pilot, "slash", *"zz", "enter")
        assert app.index.cursor == revs[-1]
        assert any("not hexadecimal" in n.message for n in app._notifications)

    run(ExplorerApp(repo), test)


def test_t_leaves_the_delta_view_and_brackets_walk_hex_fields_from_the_index(repo):
    async def test(pilot):
        app = pilot.app
        text, hexes = app.query_one(TextPane), app.query_one(HexView)
        await press(pilot, "5", "g", "d")
        assert text.delta_mode and app.detail.border_title == "delta"
        await press(pilot, "t")
        assert not text.delta_mode and app.detail.border_title == "text"
        assert app.detail.current == "text"
        await press(pilot, "x", "right_square_bracket")
        assert app.index.has_focus and app.index.cursor == 5  # the index keeps its keys
        assert hexes.current_span().name == "flags"
        await press(pilot, "left_square_bracket")
        assert hexes.current_span().name == "offset"

    run(ExplorerApp(repo), test)


def test_the_footer_names_zoom_tab_and_escape(repo):
    async def test(pilot):
        footer = " ".join(f"{k.key_display} {k.description}"
                          for k in pilot.app.query_one(KeyHints).hints)
        for shown in ("z Zoom", "Tab Pane", "Esc Index"):
            assert shown in footer, footer

    run(ExplorerApp(repo), test)


def test_dag_follows_the_index_scroll(repo):
    async def test(pilot):
        app = pilot.app
        await press(pilot, "end")
        dag = app.query_one(DagView)
        assert dag.top == app.index.first_visible > 0
        assert dag.layout_ is not None and dag.layout_.done

    run(ExplorerApp(repo), test)


def test_tab_goes_round_the_panes(repo):
    async def test(pilot):
        app = pilot.app
        seen = []
        for _ in range(6):
            seen.append(app.focused.id)
            await press(pilot, "tab")
        assert seen == ["index", "dag", "chain-table", "text", "store", "problems-table"]

    run(ExplorerApp(repo), test)


def test_chain_link_enter_goes_to_that_revision(long_chain):
    async def test(pilot):
        app = pilot.app
        rows = [i for i, r in enumerate(app.source.refs) if r.path == "data/chain.txt.i"]
        app.open_revlog(rows[0], "-1")
        await settle(pilot)
        chain = app.query_one(ChainTable)
        assert len(chain.links) > 3
        target = chain.links[1].rev
        chain.focus()
        await press(pilot, "home", "down", "enter")
        assert_in_step(app, target)

    run(ExplorerApp(long_chain), test)


# -- help and palette --------------------------------------------------------------------


def test_help_lists_every_binding(repo):
    async def test(pilot):
        app = pilot.app
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = " ".join(description for _, keys in app.screen.sections
                          for _, description in keys)
        for cls in (ExplorerApp, TextPane, HexView, ChainTable, DagView):
            for binding in cls.BINDINGS:
                assert binding.description in listed, binding
        shown = str(app.screen.query_one("#help-text").render())
        assert "Colours" in shown and all(meaning in shown for _, _, meaning in LEGEND)
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)

    run(ExplorerApp(repo), test)


def test_command_palette_lists_every_action_once(repo):
    async def test(pilot):
        app = pilot.app
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert not [c.title for c in commands if c.help == c.title]  # a line said twice
        for binding in ExplorerApp.BINDINGS:
            if binding.action != "quit" and not binding.action.startswith("digit"):
                assert binding.description in titles
        assert "Open data/src/main.py.i" in titles
        assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
        listed = [c.title for c in commands if c.discover]  # before anything is typed
        assert not [t for t in listed if t.startswith("Open ")]  # found by typing instead
        await press(pilot, "ctrl+p", *"main.py")
        found = [str(o.prompt) for o in app.screen.query_one(CommandList).options]
        assert any("Open data/src/main.py.i" in f for f in found), found

    run(ExplorerApp(repo), test)


def test_go_to_a_revision_past_the_end_names_the_valid_range(repo):
    """``g 99999`` said "no node starts with 99999": a number is a revision, and the
    message gives the revisions there are."""
    async def test(pilot):
        app = pilot.app
        await settle(pilot)
        before = app.index.cursor
        app._goto("99999")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        last = len(app.view) - 1
        assert f"no revision 99999: this revlog has revisions 0 … {last} (-1 for the tip)" \
            in messages
        assert app.index.cursor == before
        app._goto("-1")
        await settle(pilot)
        assert app.index.cursor == last

    run(ExplorerApp(repo), test)


# -- damage -----------------------------------------------------------------------------


def damage_chunk(repo: Path, store_path: str, rev: int) -> None:
    """Overwrite the compression mark of ``rev``'s chunk with a byte no engine knows."""
    store = Store.open(repo)
    rl = Revlog.open(store.fs_path(store_path))
    offset = rl.chunk_offset(rev)
    path = rl.data_path
    rl.close()
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(b"\xfe")


def test_damaged_revision_is_named_and_the_rest_stays_usable(repo_copy):
    damage_chunk(repo_copy, "data/src/main.py.i", 10)  # no other chain goes through 10

    async def test(pilot):
        app = pilot.app
        rows = [i for i, r in enumerate(app.source.refs) if r.path == "data/src/main.py.i"]
        app.open_revlog(rows[0])
        await settle(pilot)
        await press(pilot, "g", *"10", "enter")
        problems = app.query_one(ProblemsTable).problems
        assert problems and problems[0].path == "data/src/main.py.i"
        assert problems[0].rev == 10 and "unknown compression" in problems[0].message
        assert 10 in app.view.damage
        assert app.index.row_style(10) == "bad" and app.index.row_style(9) == ""
        assert "cannot be read" in app.query_one(TextPane).document.plain()
        await press(pilot, "down")
        assert_in_step(app, 11)
        assert "hash ok" in app.query_one(TextPane).document.plain()
        app.query_one(ProblemsTable).focus()
        await press(pilot, "enter")
        assert app.index.cursor == 10
        hexes = app.query_one(HexView)
        assert hexes.loader.shown_on_screen()
        section, at = hexes.cursor
        assert hexes.sections[section].offset + at == problems[0].offset

    run(ExplorerApp(repo_copy), test)


def screen_text(app: ExplorerApp) -> str:
    """What the screen shows, as text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    return "\n".join(html.unescape(t).replace("\xa0", " ")
                     for t in re.findall(r">([^<]*)</text>", svg))


def assert_only_printable(screen: str) -> None:
    assert not any(0xd800 <= ord(c) <= 0xdfff or ord(c) < 0x20 and c != "\n"
                   for c in screen), "a surrogate or a control character is shown"


def test_names_that_are_not_utf8_or_hold_control_bytes_show_their_bytes(hgrepos):
    """A surrogate escape or a control byte reaching the terminal breaks the pane
    borders: every name is shown as its bytes, ``\\xe9``, in the store pane, the
    line under it, the index title and the problems pane."""
    repo = hgrepos("store-names")
    latin1 = "data/latin1-\udce9t\udce9.txt.i"

    async def test(pilot):
        app = pilot.app
        row = next(i for i, r in enumerate(app.source.refs) if r.path == latin1)
        app.open_revlog(row)
        await settle(pilot)
        app.report([Problem(ERROR, latin1, None, 0, None, None, "made up \udcff", kind="read")])
        pane = app.query_one(StorePane)
        pane.focus()
        await settle(pilot)
        screen = screen_text(app)
        assert_only_printable(screen)
        assert screen.count("latin1-\\xe9t\\xe9.txt.i") >= 4  # store row, info, title, problem
        assert "made up \\xff" in screen
        pane.move_to(next(i for i, r in enumerate(app.source.refs) if "ctl-" in r.path))
        await settle(pilot)
        screen = screen_text(app)
        assert_only_printable(screen)
        assert "ctl-\\x01\\x02\\x1f\\x7f.txt" in screen

    run(ExplorerApp(repo), test)


def test_a_name_that_looks_like_markup_is_shown_as_it_is(tmp_path):
    """Textual reads markup in strings: ``a[/]b`` would raise and ``[@click=...]`` be
    a link. Names and the messages naming them are shown as text."""
    repo = tmp_path / "repo"
    names = ["a[/]b.txt", "[@click=app.quit]x.txt", "[bold]c.txt"]
    hgtools.hg(tmp_path, "init", "repo")
    for name in names:
        (repo / name).parent.mkdir(exist_ok=True)
        (repo / name).write_bytes(b"x\n")
    hgtools.hg(repo, "commit", "-A", "-q", "-m", "names", "-u", "test")

    async def test(pilot):
        app = pilot.app
        pane = app.query_one(StorePane)
        pane.focus()
        for name in names:
            row = next(i for i, r in enumerate(app.source.refs) if r.path == f"data/{name}.i")
            pane.move_to(row)
            await settle(pilot)
            assert f"data/{name}.i: filelog" in screen_text(app)
            app.open_revlog(row)
            app.notify(f"about {name}")
            await settle(pilot)
            assert f"index · data/{name}.i" in screen_text(app)

    run(ExplorerApp(repo), test)


@pytest.mark.parametrize("name", ["requires", "00changelog.i", "00changelog.d"])
def test_a_fifo_in_the_store_is_explained_and_q_still_quits(repo_copy, name):
    """Opening a FIFO for reading waits for a writer forever: the explorer froze blank."""
    fifo = repo_copy / ".hg" / "store" / name
    fifo.unlink()
    os.mkfifo(fifo)

    def explore() -> dict:
        seen: dict = {}

        async def test(pilot):
            app = pilot.app
            screen = app.screen
            if isinstance(screen, CannotOpenScreen):
                seen["reason"] = screen.reason
            else:
                seen["problems"] = [p.message for p in app.query_one(ProblemsTable).problems]
            await pilot.press("q")

        run(ExplorerApp(repo_copy), test)
        return seen

    outcome = bounded(explore, seconds=120)
    assert outcome.status == "ok", outcome
    found = outcome.value.get("reason") or " ".join(outcome.value["problems"])
    assert "is a FIFO, not a regular file" in found, outcome.value
