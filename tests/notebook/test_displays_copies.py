"""``displays.copies(store)``: the copies report's rows and totals, as HTML and text.

The rows are the report's (``copy_costs``, checked against hg in
``tests/reports/test_copies.py``), read back from the HTML with an HTML parser as a
browser sees them; names hg wrote with markup in them come out as text.
"""

from __future__ import annotations

import pytest

from explorer.engine import Store
from explorer.notebook import displays, tables
from explorer.views.copies import CopyTable, cells, copy_costs
from tests import hgrepos as _hgrepos
from tests.engine.repo.renames import build_renames
from tests.notebook.test_tables import Parsed


@pytest.fixture(scope="module")
def renames(tmp_path_factory):
    return build_renames(tmp_path_factory.mktemp("nb-copies") / "renames")


def _plain(obj) -> str:
    from IPython.lib.pretty import pretty

    return pretty(obj)


def body(parsed: Parsed) -> list[list[str]]:
    return [[text for _, text in row["cells"]] for row in parsed.rows[1:]]


def test_the_rows_and_totals_are_the_reports(renames):
    with Store.open(renames) as store:
        expected = list(copy_costs(store))
        shown = displays.copies(store)
        page = Parsed(shown._repr_html_())
        text = _plain(shown)
    table = CopyTable(expected)  # by saving, as displayed
    assert [[t for _, t in page.rows[0]["cells"]]] == [table.headers]
    assert body(page) == [cells(c) for c in table.costs]
    assert [row["title"] for row in page.rows[1:]][0].startswith(f"{table.costs[0].path} rev ")
    assert page.paragraphs == [table.summary()]
    assert text.splitlines()[0] == table.summary()
    assert len(text.splitlines()) == 1 + 1 + len(expected)
    assert "<script" not in shown._repr_html_()


@pytest.mark.parametrize("order", ["path", "linkrev", "stored"])
def test_each_order(renames, order):
    with Store.open(renames) as store:
        rows = body(Parsed(displays.copies(store, order)._repr_html_()))
        expected = CopyTable(list(copy_costs(store)), order=order)
    assert rows == [cells(c) for c in expected.costs]


def test_an_unknown_order_is_a_clear_error(renames):
    with Store.open(renames) as store, pytest.raises(ValueError, match="one of saving, path"):
        displays.copies(store, "size")


def test_many_copies_show_the_first_and_the_last(renames, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 4)
    with Store.open(renames) as store:
        shown = displays.copies(store)
        page = Parsed(shown._repr_html_())
        table = shown.table()
    rows = body(page)
    assert rows[:2] == [cells(c) for c in table.costs[:2]]
    assert rows[2] == ["… 3 rows not shown …"]
    assert rows[3:] == [cells(c) for c in table.costs[-2:]]


def test_a_store_without_copies(tmp_path):
    _hgrepos.hg(tmp_path, "init", "plain")
    (tmp_path / "plain" / "a.txt").write_bytes(b"a\n")
    _hgrepos.hg(tmp_path / "plain", "commit", "-A", "-m", "one", "-d", "0 0")
    with Store.open(tmp_path / "plain") as store:
        page = Parsed(displays.copies(store)._repr_html_())
    assert page.paragraphs[0].startswith("0 copies · 0 bytes stored")
    assert body(page) == []


def test_script_in_names_is_escaped(tmp_path):
    """hg copies a file whose name holds markup to another such name."""
    repo = tmp_path / "repo"
    _hgrepos.hg(tmp_path, "init", repo.name)
    source, copy = "<script>alert(1).txt", "<img src=x onerror=alert(2)>.txt"
    (repo / source).write_bytes(_hgrepos.text_lines("s", 1, 200))
    _hgrepos.hg(repo, "commit", "-q", "-A", "-m", "one", "-d", "0 0")
    _hgrepos.hg(repo, "cp", source, copy)
    _hgrepos.hg(repo, "commit", "-q", "-m", "copy", "-d", "1 0")
    with Store.open(repo) as store:
        shown = displays.copies(store)._repr_html_()
    assert "<script" not in shown and "<img" not in shown
    page = Parsed(shown)
    assert page.tags <= {"p", "b", "br", "table", "thead", "tbody", "tr", "th", "td"}
    (row,) = body(page)
    assert row[1:4] == [copy, "0", f"{source}@0"]
    assert page.rows[1]["title"].startswith(f"{copy} rev 0 (changeset 1) copies {source}@0")


def test_a_damaged_changelog_that_keeps_the_copies_is_said_not_raised(tmp_path):
    repo = build_renames(tmp_path / "extras", hgrc="[experimental]\n"
                         "copies.write-to = changeset-only\ncopies.read-from = changeset-only\n")
    with Store.open(repo) as store:
        cl = store.changelog
        at, data = cl.chunk_offset(2) + 10, cl.data_path
    with open(data, "r+b") as f:
        f.seek(at)
        f.write(b"\xff" * 30)
    with Store.open(repo) as store:
        shown = displays.copies(store)
        page = Parsed(shown._repr_html_())
        text = _plain(shown)
    assert page.paragraphs[0].startswith("the copies cannot be listed: ")
    assert "rev 2" in page.paragraphs[0] and not page.rows
    assert text == page.paragraphs[0]
