"""The copies screen (``c``) on hg-made histories of copies and renames.

Its rows are the ``copies`` report's (``copy_costs``, checked against hg in
``tests/reports/test_copies.py``); where Enter and ``s`` land is what hg says: the
copy's file node in ``hg manifest --debug`` at its changeset, the source's node in
``hg debugrename``; back returns where the user stood.
"""

from __future__ import annotations

import pytest

from explorer.engine import Repo, Store
from explorer.engine.format.constants import REVIDX_COPY_DELTA
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.copies import CopiesScreen, CopiesTable, columns, widest_cells
from explorer.tui.widgets.dialogs import HelpScreen
from explorer.views.copies import CopyTable, cells, copy_costs
from tests.engine.repo.renames import build_renames, damaged_copy
from tests.hgrepos import hg
from tests.tui.conftest import open_at, press, run, shown


@pytest.fixture(scope="module")
def renames(tmp_path_factory):
    return build_renames(tmp_path_factory.mktemp("copies-screen") / "renames")


def report(repo) -> list:
    with Store.open(repo) as store:
        return list(copy_costs(store))


def copies_screen(app: ExplorerApp) -> CopiesScreen:
    assert isinstance(app.screen, CopiesScreen)
    return app.screen


async def open_copies(pilot) -> CopiesTable:
    await press(pilot, "c")
    return copies_screen(pilot.app).rows


async def cursor_on(pilot, table: CopiesTable, path: str) -> None:
    row = next(i for i, c in enumerate(table.table.costs) if c.path == path)
    table.move_to(row)
    await settle(pilot)


def hg_file_node(repo, changeset: int, path: str) -> str:
    listing = hg(repo, "manifest", "--debug", "-r", str(changeset)).decode().splitlines()
    return next(line[:40] for line in listing if line.endswith(" " + path))


def at(app: ExplorerApp) -> tuple[str, int]:
    return app.view.name, app.index.cursor


def test_rows_and_totals_are_the_reports(renames):
    expected = report(renames)

    async def test(pilot):
        table = await open_copies(pilot)
        assert sorted(table.table.costs, key=lambda c: (c.path, c.rev)) == expected
        assert table.row_count == len(expected) == 7
        lines = shown(table)
        assert lines[0].split()[:2] == ["linkrev", "copy"] and "saved↓" in lines[0]
        for row in range(table.row_count):  # every row drawn as its cells say
            texts = cells(table.cost(row))
            assert lines[1 + row].split() == " ".join(texts).split()
        totals = CopyTable(expected).totals
        summary = str(copies_screen(pilot.app).query_one("#copies-summary").render())
        assert summary.startswith(f"7 copies · {totals.stored} bytes stored · as light-weight "
                                  f"{totals.as_lightweight} (")

    run(ExplorerApp(renames), test)


def test_enter_opens_the_copy_at_hgs_node_and_back_returns(renames):
    async def test(pilot):
        app = pilot.app
        await open_at(pilot, "data/b.txt.i", 0)
        table = await open_copies(pilot)
        await cursor_on(pilot, table, "a4.txt")
        cost = table.cost(table.cursor)
        await press(pilot, "enter")
        assert not isinstance(app.screen, CopiesScreen)
        assert at(app) == ("data/a4.txt.i", cost.rev)
        assert app.view.revlog.node(cost.rev).hex() == hg_file_node(renames, cost.linkrev,
                                                                    "a4.txt")
        await press(pilot, "less_than_sign")
        assert at(app) == ("data/b.txt.i", 0)
        await press(pilot, "greater_than_sign")
        assert at(app) == ("data/a4.txt.i", cost.rev)

    run(ExplorerApp(renames), test)


def test_s_opens_the_source_hg_names(renames):
    async def test(pilot):
        app = pilot.app
        table = await open_copies(pilot)
        await cursor_on(pilot, table, "b3.txt")
        cost = table.cost(table.cursor)
        await press(pilot, "s")
        renamed = hg(renames, "debugrename", "-r", str(cost.linkrev), "b3.txt").decode()
        source, node = renamed.strip().rsplit(" renamed from ", 1)[1].split(":")
        assert app.view.name == f"data/{source}.i"
        assert app.view.revlog.node(app.index.cursor).hex() == node
        await press(pilot, "less_than_sign")
        assert at(app) == ("00changelog.i", 0)

    run(ExplorerApp(renames), test)


def test_o_changes_the_order_and_the_cursor_stays_on_its_copy(renames):
    async def test(pilot):
        table = await open_copies(pilot)
        await cursor_on(pilot, table, "small2.txt")
        await press(pilot, "o")
        assert table.table.order == "path"
        assert [c.path for c in table.table.costs] == sorted(c.path for c in report(renames))
        assert table.cost(table.cursor).path == "small2.txt"
        assert "copy↑" in shown(table)[0]
        await press(pilot, "escape")
        assert not isinstance(pilot.app.screen, CopiesScreen)
        await press(pilot, "c")  # found once: shown again at once, in the order left,
        assert pilot.app.screen.rows.table.order == "path"  # on the copy left
        assert pilot.app.screen.rows.cost(pilot.app.screen.rows.cursor).path == "small2.txt"
        assert not [w for w in pilot.app.workers if w.group == "copies"]

    run(ExplorerApp(renames), test)


def test_damaged_rows_say_why_and_the_rest_is_listed(renames, tmp_path):
    damaged = damaged_copy(renames, tmp_path / "damaged")

    async def test(pilot):
        app = pilot.app
        said: list[str] = []
        app.notify = lambda message, **options: said.append(message)
        table = await open_copies(pilot)
        assert table.row_count == 8
        first = shown(table)[1:3]  # the unreadable first
        assert all("! " in line for line in first)
        a2 = next(i for i, c in enumerate(table.table.costs) if c.path == "a2.txt")
        table.move_to(a2)
        await settle(pilot)
        status = str(copies_screen(app).query_one("#copies-status").render())
        assert "a2.txt rev 0" in status and "its source cannot be read" in status
        await press(pilot, "s")  # no source to open: said, and the screen stays
        assert isinstance(app.screen, CopiesScreen)
        assert any("cannot be read" in message for message in said)
        summary = str(copies_screen(app).query_one("#copies-summary").render())
        assert summary.startswith("6 copies") and "2 unreadable" in summary

    run(ExplorerApp(damaged), test)


def test_light_weight_copies_are_marked(tmp_path):
    path = build_renames(tmp_path / "renames")
    Repo.open(path).convert_copies(True)
    with Store.open(path) as store:
        flagged = set()
        for cost in copy_costs(store):
            with store.filelog(cost.path) as rl:
                if rl.flags(cost.rev) & REVIDX_COPY_DELTA:
                    flagged.add(cost.path)
    assert flagged

    async def test(pilot):
        table = await open_copies(pilot)
        marked = {table.cost(r).path for r in range(table.row_count)
                  if table.row_cells(r)[-1][0] == "light-weight already"}
        assert marked == flagged
        summary = str(copies_screen(pilot.app).query_one("#copies-summary").render())
        assert f"{len(flagged)} light-weight already" in summary

    run(ExplorerApp(path), test)


def test_a_lone_revlog_file_has_no_copies_to_list(renames):
    async def test(pilot):
        app = pilot.app
        said: list[str] = []
        app.notify = lambda message, **options: said.append(message)
        await press(pilot, "c")
        assert not isinstance(app.screen, CopiesScreen)
        assert any("lone revlog file" in message for message in said)

    run(ExplorerApp(renames / ".hg" / "store" / "data" / "a4.txt.i"), test)


def test_a_history_without_copies_says_so(tmp_path):
    hg(tmp_path, "init", "plain")
    (tmp_path / "plain" / "a.txt").write_bytes(b"a\n")
    hg(tmp_path / "plain", "commit", "-A", "-m", "one", "-d", "0 0")

    async def test(pilot):
        table = await open_copies(pilot)
        assert table.row_count == 0
        status = str(copies_screen(pilot.app).query_one("#copies-status").render())
        assert "no copy or rename" in status
        await press(pilot, "enter", "s", "o")  # nothing to open, nothing breaks
        assert isinstance(pilot.app.screen, CopiesScreen)

    run(ExplorerApp(tmp_path / "plain"), test)


def test_the_key_is_in_the_help_and_the_palette(renames):
    async def test(pilot):
        app = pilot.app
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert "Copies" in commands and "light-weight" in commands["Copies"]
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        sections = dict(app.screen.sections)
        assert any(key == "c" for key, _ in sections["Everywhere"])
        listed = " ".join(description for _, description in sections["Copies (c)"])
        for binding in CopiesScreen.BINDINGS:
            assert binding.description in listed

    run(ExplorerApp(renames), test)


def test_numbers_fit_their_cells_and_paths_share_the_rest(renames):
    with Store.open(renames) as store:
        table = CopyTable(list(copy_costs(store)))
    widest = widest_cells(table)
    rows = [cells(c) for c in table.costs]
    for width in (60, 80, 118, 200):
        specs = columns(table, widest, width)
        for i, column in enumerate(specs[:-1]):
            if column.title not in ("copy", "source"):  # the numbers are never cut
                assert column.width == max(len(column.title), *(len(r[i]) for r in rows))
        assert all(c.width >= min(12, w) for c, w in zip(specs[1:4:2], widest[1:4:2]))
        fixed = sum(c.width + 1 for c in specs if c.width) + 1
        if width >= 80:  # the whole row fits, the note's least included
            assert fixed + 12 <= width
    wide = {c.title: c.width for c in columns(table, widest, 200)}
    assert wide["copy"] == max(len(c.path) for c in table.costs)  # no more than needed


def test_progress_is_shown_for_every_step_and_closing_stops_the_search(renames, monkeypatch):
    """The worker tells the screen each filelog searched and each copy costed (fewer
    than a hundred of each); closing the screen mid-search stops it, nothing kept."""
    heard: list[tuple[str, int, int]] = []
    progress = CopiesScreen._progress

    def record(screen, stage, done, total):
        heard.append((stage, done, total))
        progress(screen, stage, done, total)
        assert screen.query_one("#copies-progress").display

    monkeypatch.setattr(CopiesScreen, "_progress", record)

    async def test(pilot):
        await open_copies(pilot)
        searched = [t for t in heard if t[0] == "searching filelogs"]
        assert [done for _, done, _ in searched] == list(range(10))  # hg wrote 10 filelogs
        assert heard[len(searched):] == [("costing copies", i, 7) for i in range(7)]
        assert not copies_screen(pilot.app).query_one("#copies-progress").display

    run(ExplorerApp(renames), test)

    heard.clear()

    def close_at_once(screen, stage, done, total):
        heard.append((stage, done, total))
        screen.action_close()

    monkeypatch.setattr(CopiesScreen, "_progress", close_at_once)

    async def closed(pilot):
        await press(pilot, "c")
        assert not isinstance(pilot.app.screen, CopiesScreen)
        assert heard == [("searching filelogs", 0, 10)]  # stopped at the next filelog
        assert pilot.app._copies is None

    run(ExplorerApp(renames), closed)


def test_copies_are_found_again_after_the_store_is_read_again(renames):
    async def test(pilot):
        app = pilot.app
        await open_copies(pilot)
        await press(pilot, "escape")
        first = app._copies
        assert first is not None and first[0] is app.source
        app.action_reload()  # what an edit does too
        await settle(pilot)
        assert app.source is not first[0]
        table = await open_copies(pilot)
        assert app._copies[0] is app.source and app._copies[1].table is table.table
        assert table.table.costs == first[1].table.costs

    run(ExplorerApp(renames), test)


CHANGESET_ONLY = ("[experimental]\ncopies.write-to = changeset-only\n"
                  "copies.read-from = changeset-only\n")


def test_a_damaged_changelog_that_keeps_the_copies_is_said_not_raised(tmp_path):
    """Copies hg kept only in the changesets cannot be listed past a damaged changeset:
    the screen says why, and the explorer goes on."""
    repo = build_renames(tmp_path / "extras", hgrc=CHANGESET_ONLY)
    with Store.open(repo) as store:
        cl = store.changelog
        at_byte, data = cl.chunk_offset(2) + 10, cl.data_path
    with open(data, "r+b") as f:
        f.seek(at_byte)
        f.write(b"\xff" * 30)

    async def test(pilot):
        table = await open_copies(pilot)
        summary = copies_screen(pilot.app).query_one("#copies-summary")
        assert str(summary.render()).startswith("the copies cannot be listed: ")
        assert "rev 2" in str(summary.render()) and summary.has_class("bad")
        assert table.row_count == 0
        assert pilot.app._copies is None  # nothing kept: the next c tries again
        status = str(copies_screen(pilot.app).query_one("#copies-status").render())
        assert "searching" not in status and "c tries again" in status
        await press(pilot, "escape")
        assert not isinstance(pilot.app.screen, CopiesScreen)

    run(ExplorerApp(repo), test)


def test_the_panes_keys_wait_while_the_copies_are_shown(renames):
    """The screen is modal: l, v, g, digits and z do not act on the panes it covers."""
    async def test(pilot):
        app = pilot.app
        await open_copies(pilot)
        await press(pilot, "l", "v", "g", "1", "z")
        assert isinstance(app.screen, CopiesScreen)
        assert not app.command_line.asking and app.typed is None
        assert app.problems_pane.table.problems == []
        assert not [w for w in app.workers if w.group in ("links", "verify")]

    run(ExplorerApp(renames), test)
