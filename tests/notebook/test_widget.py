"""The widget's Python side, in process: what it opens, what it answers, how it fails.

The kernel and browser tests show the protocol; these hold the edges: windows
are bounded whatever is asked, a request the widget does not know is ignored,
a damaged store shows what is wrong instead of raising, and a revlog the
caller handed over is used as it is.
"""

from __future__ import annotations

import json

import pytest
import traitlets

from explorer.engine import Store
from explorer.engine.damage.faults import inject
from explorer.notebook import explore
from explorer.notebook.widget.explorer import MAX_WINDOW
from explorer.views.source import SourceError

CHAIN = "data/chain.txt.i"


@pytest.fixture(scope="module")
def widget(hgrepos):
    return explore(hgrepos("long-chain-sparse"))


def test_opens_on_the_changelog_tip(widget, hgrepos):
    revs = hgrepos.oracle("long-chain-sparse")["revlogs"]["00changelog.i"]["revs"]
    assert (widget.revlog, widget.count, widget.rev) == ("00changelog.i", len(revs), len(revs) - 1)
    assert widget.revlogs == 4 and widget.error == ""


def test_windows_are_bounded_whatever_is_asked(widget):
    widget.revlog = CHAIN
    reply = widget.answer({"kind": "index", "revlog": CHAIN, "start": 10, "stop": 10**9})
    assert [r["rev"] for r in reply["rows"]] == list(range(10, 10 + MAX_WINDOW))
    assert widget.answer({"kind": "index", "revlog": CHAIN, "start": 1990, "stop": 2100}
                         )["rows"][-1]["rev"] == 1999
    assert widget.answer({"kind": "index", "revlog": CHAIN, "start": "x", "stop": None}
                         )["rows"] == []
    assert widget.answer({"kind": "index", "revlog": "00manifest.i", "start": 0, "stop": 5}
                         )["stale"] is True
    assert widget.answer({"kind": "what"}) is None


def test_state_stays_small_on_a_long_chain(widget):
    """The linked views are bounded: a 1000-link chain is cut, the text is asked for."""
    widget.revlog = CHAIN
    widget.rev = 1999
    assert len(widget.chain["nodes"]) < 30 and widget.chain["cut"] > 900
    assert len(json.dumps(widget.get_state(["chain", "dag", "text", "hexdump"]))) < 64 * 1024


def test_go_to_takes_a_number_or_a_node_prefix(widget, hgrepos):
    widget.revlog = CHAIN
    node = hgrepos.oracle("long-chain-sparse")["revlogs"][CHAIN]["revs"][1234]["node"].hex()
    assert widget.answer({"kind": "lookup", "query": node[:12], "id": 7}) == {
        "kind": "lookup", "id": 7, "start": 0, "rev": 1234}
    assert widget.rev == 1234
    assert widget.answer({"kind": "lookup", "query": " 17 "})["rev"] == 17 == widget.rev
    assert widget.answer({"kind": "lookup", "query": "-1"})["rev"] == 1999
    assert widget.answer({"kind": "lookup", "query": "2000"})["error"] == (
        f"no rev 2000: {CHAIN} has revisions 0 to 1999")
    assert "no revision or node matches 'zz'" in widget.answer(
        {"kind": "lookup", "query": "zz"})["error"]
    assert widget.rev == 1999


def test_bad_selections_are_refused_with_what_is_valid(widget):
    with pytest.raises(traitlets.TraitError, match="no revlog 'data/nope.i'"):
        widget.revlog = "data/nope.i"
    with pytest.raises(traitlets.TraitError, match="text_mode is one of text, delta"):
        widget.text_mode = "hex"
    with pytest.raises(traitlets.TraitError, match=r"revisions 0 to \d+"):
        widget.rev = -5


def test_a_path_that_is_no_repository_says_so(tmp_path):
    with pytest.raises(SourceError, match="not inside a Mercurial repository"):
        explore(tmp_path)


def test_a_revlog_handed_over_is_used_and_left_open(hgrepos):
    with Store.open(hgrepos("zstd")) as store:
        rl = store.open_revlog("data/src/lib/core.py.i")
        w = explore(rl)
        assert (w.revlog, w.count, w.rev) == ("data/src/lib/core.py.i", 7, 6)
        assert w.answer({"kind": "revlogs", "start": 0, "stop": 9})["total"] == 1
        w.rev = 0
        w.close()
        assert rl.revision(6) == hgrepos.oracle("zstd")["revlogs"][rl.name]["revs"][6]["rawdata"]


def test_a_store_object_is_explored_as_its_path(hgrepos):
    with Store.open(hgrepos("zstd")) as store:
        assert explore(store).revlogs == len(store.revlog_paths())


@pytest.mark.parametrize("fault", ["truncate-data", "bad-compression", "base-past-rev"])
def test_damage_shows_as_words_not_a_traceback(hgrepos, tmp_path, fault):
    """The text says why the revision cannot be rebuilt, naming file and byte, and its
    index row is marked with the same words."""
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with Store.open(repo) as store:
        rl = store.open_revlog("data/src/main.py.i")
        rev = len(rl) - 1
        inject(rl, fault, rev)
    w = explore(repo)
    w.revlog = "data/src/main.py.i"
    w.rev = rev
    first = "".join(run for run, _ in w.text["head"][0][0])
    assert first.startswith(f"rev {rev} cannot be rebuilt: ")
    why = first.split(": ", 1)[1]
    assert "(main.py.i, byte " in why
    row = w.answer({"kind": "index", "revlog": w.revlog, "start": rev, "stop": rev + 1})
    assert row["rows"][0]["error"] == why
    assert w.error == first
    w.rev = rev - 1
    assert w.error == ""


def test_revlog_pages_cover_the_store_once(hgrepos):
    """Pages of the picker, asked one after the other, list every revlog hg knows once;
    a filter pages the same way."""
    w = explore(hgrepos("zstd"))
    total = w.answer({"kind": "revlogs", "start": 0, "stop": 1})["total"]
    pages = [w.answer({"kind": "revlogs", "start": s, "stop": s + 7})["rows"]
             for s in range(0, total, 7)]
    paths = [row["path"] for page in pages for row in page]
    assert sorted(paths) == sorted(hgrepos.oracle("zstd")["revlogs"])
    src = w.answer({"kind": "revlogs", "filter": "SRC/", "start": 2, "stop": 4})
    assert src["total"] == sum("src/" in p for p in paths)
    assert [r["path"] for r in src["rows"]] == [p for p in paths if "src/" in p][2:4]
