"""The changelog → manifest → filelog walk, by keys and by mouse, and back and forward.

The repository is hg's (the zstd one: two merges); where each step must land is
what hg says: ``hg log`` for a changeset's manifest revision, ``hg manifest
--debug`` for the file node it names, hg's index for that node's revision.
"""

from __future__ import annotations

import pytest

from explorer.engine.payloads.changeset import parse_changeset
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.links import LinksScreen
from explorer.tui.widgets.text import TextPane
from tests.hgrepos import hg
from tests.tui.conftest import press, row_of, run

MERGE = 36  # the zstd repository's second merge: src/lib/core.py and src/main.py merged
FILE = "src/lib/core.py"


@pytest.fixture(scope="module")
def expected(repo, hgrepos):
    """Where the walk from the merge must land, as hg says."""
    manifest = int(hg(repo, "log", "-r", str(MERGE), "-T", "{manifest.rev}"))
    listing = hg(repo, "manifest", "--debug", "-r", str(MERGE)).decode().splitlines()
    node = next(line[:40] for line in listing if line.endswith(" " + FILE))
    revs = hgrepos.oracle("zstd")["revlogs"][f"data/{FILE}.i"]["revs"]
    file_rev = next(r["rev"] for r in revs if r["node"].hex() == node)
    main_revs = hgrepos.oracle("zstd")["revlogs"]["data/src/main.py.i"]["revs"]
    main_rev = next(r["rev"] for r in main_revs if r["linkrev"] == MERGE)
    return {"manifest": manifest, "file": file_rev, "main": main_rev}



def at(app: ExplorerApp) -> tuple[str, int]:
    return app.view.name, app.index.cursor


def manifest_label(app: ExplorerApp, changeset: int = MERGE) -> str:
    """How a changeset names its manifest revision in the list of links."""
    node = parse_changeset(app.view.revlog.revision(changeset)).manifest
    return f"manifest {node.hex()[:12]}"


async def choose(pilot, label: str) -> None:
    """``l``, then the link named ``label`` from the list."""
    await press(pilot, "l")
    screen = pilot.app.screen
    assert isinstance(screen, LinksScreen)
    index = next(i for i, link in enumerate(screen.links) if link.label == label)
    await press(pilot, *["down"] * index, "enter")


def test_link_rev_to_changeset_to_manifest_to_file_and_back_and_forward(repo, expected):
    async def test(pilot):
        app = pilot.app
        app.open_revlog(row_of(app, "data/src/main.py.i"), expected["main"])
        await settle(pilot)
        start = ("data/src/main.py.i", expected["main"])
        await press(pilot, "enter")                       # the index row's link rev
        assert at(app) == ("00changelog.i", MERGE)
        await choose(pilot, manifest_label(app))          # the changeset's manifest
        assert at(app) == ("00manifest.i", expected["manifest"])
        await press(pilot, "l", *"lib/core.py")          # a manifest entry, by its name
        assert [link.label for link in app.screen.links if "lib/core.py" in link.label] \
            == [FILE]
        await press(pilot, "enter")
        assert at(app) == (f"data/{FILE}.i", expected["file"])
        await choose(pilot, f"changeset {MERGE}")         # the file revision's link rev
        assert at(app) == ("00changelog.i", MERGE)
        await press(pilot, "less_than_sign")
        assert at(app) == (f"data/{FILE}.i", expected["file"])
        await press(pilot, "alt+left")
        assert at(app) == ("00manifest.i", expected["manifest"])
        await press(pilot, "backspace")
        assert at(app) == ("00changelog.i", MERGE)
        await press(pilot, "less_than_sign")
        assert at(app) == start
        await press(pilot, "greater_than_sign")
        assert at(app) == ("00changelog.i", MERGE)
        await press(pilot, "alt+right")
        assert at(app) == ("00manifest.i", expected["manifest"])
        await press(pilot, "enter")                       # a manifest row: its changeset
        assert at(app) == ("00changelog.i", MERGE)
        await press(pilot, "greater_than_sign")           # a new jump forgot what was ahead
        assert at(app) == ("00changelog.i", MERGE)

    run(ExplorerApp(repo), test)


def test_a_click_on_a_changeset_s_file_follows_it(repo, expected):
    """The text pane of the merge lists the files it touched; a click on one opens the
    file revision its manifest names."""
    async def test(pilot):
        app = pilot.app
        app.index.move_to(MERGE)
        await settle(pilot)
        text = app.query_one(TextPane)
        document = text.document
        line = next(i for i in range(len(document))
                    if document.line(i).link is not None and document.line(i).link.label == FILE)
        text.scroll_to(y=line, animate=False)
        await settle(pilot)
        row = line - text.scroll_offset.y
        assert text.render_line(row).text.strip() == FILE
        assert await pilot.click(TextPane, offset=(4, row))
        await settle(pilot)
        assert at(app) == (f"data/{FILE}.i", expected["file"])
        await press(pilot, "less_than_sign")
        assert at(app) == ("00changelog.i", MERGE)

    run(ExplorerApp(repo), test)


def test_enter_in_the_text_pane_follows_the_cursor_s_line(repo, expected):
    """Without a mouse: the text pane's cursor (drawn while it has the focus) goes down
    to the file's line, and Enter follows it."""
    async def test(pilot):
        app = pilot.app
        app.index.move_to(MERGE)
        await settle(pilot)
        text = app.query_one(TextPane)
        text.focus()
        await settle(pilot)
        document = text.document
        line = next(i for i in range(len(document))
                    if document.line(i).link is not None and document.line(i).link.label == FILE)
        await press(pilot, *["down"] * line)
        assert text.cursor == line
        row = line - text.scroll_offset.y
        assert text.render_line(row).text.strip() == FILE
        assert [y for y in range(text.scrollable_content_region.height)
                if any(s.style and s.style.reverse for s in text.render_line(y))] == [row]
        await press(pilot, "enter")
        assert at(app) == (f"data/{FILE}.i", expected["file"])
        await press(pilot, "less_than_sign")
        assert at(app) == ("00changelog.i", MERGE)

    run(ExplorerApp(repo), test)


def test_enter_on_a_line_that_leads_nowhere_says_where_links_are(repo):
    async def test(pilot):
        app = pilot.app
        said: list[str] = []
        app.notify = lambda message, **options: said.append(message)
        app.index.move_to(MERGE)
        await settle(pilot)
        text = app.query_one(TextPane)
        text.focus()
        await press(pilot, "end")  # the changeset's message: no link
        assert text.link_at(text.cursor) is None
        await press(pilot, "enter")
        assert app.view.name == "00changelog.i" and "press l" in said[-1]

    run(ExplorerApp(repo), test)


def test_a_lone_revlog_file_says_links_need_a_store(repo):
    async def test(pilot):
        app = pilot.app
        said: list[str] = []
        app.notify = lambda message, **options: said.append(message)
        await press(pilot, "l")
        await press(pilot, "less_than_sign")
        assert not isinstance(app.screen, LinksScreen)
        assert "lone revlog file" in said[0] and "nothing to go back to" in said[1]

    run(ExplorerApp(repo / ".hg" / "store" / "data" / "src" / "main.py.i"), test)


def test_tree_manifests_lead_a_directory_at_a_time(hgrepos):
    """A tree-manifest store: the root manifest's directory entry opens that directory's
    revlog (meta/a/00manifest.i) at the revision hg's index gives its node; a deep file
    of a changeset is found through every level."""
    repo = hgrepos("treemanifest")
    revlogs = hgrepos.oracle("treemanifest")["revlogs"]
    deep = "a/b/c/d/e/f/leaf.txt"
    changeset = next(r["linkrev"] for r in revlogs[f"data/{deep}.i"]["revs"])
    manifest = int(hgrepos.hg("treemanifest", "log", "-r", str(changeset), "-T",
                              "{manifest.rev}"))
    listing = hgrepos.hg("treemanifest", "debugdata", "-m", str(manifest)).split(b"\n")
    a_node = next(line.split(b"\0")[1][:40] for line in listing if line.startswith(b"a\0"))
    a_rev = next(r["rev"] for r in revlogs["meta/a/00manifest.i"]["revs"]
                 if r["node"].hex().encode() == a_node)

    async def test(pilot):
        app = pilot.app
        app.index.move_to(changeset)
        await settle(pilot)
        await choose(pilot, deep)
        assert at(app) == (f"data/{deep}.i", 0)
        await press(pilot, "less_than_sign")
        await choose(pilot, manifest_label(app, changeset))
        assert at(app) == ("00manifest.i", manifest)
        await choose(pilot, "a/")
        assert at(app) == ("meta/a/00manifest.i", a_rev)

    run(ExplorerApp(repo), test)
