"""The copies' rows, orders and totals both front ends show, on hg-made histories.

The copies themselves are the report's (``tests/reports/test_copies.py`` checks them
against ``hg log``'s ``file_copies`` and ``hg debugrename``); here the table made of
them: every copy once, in each order, the totals summed from the rows, the progress
heard for every filelog hg wrote, and a damaged copy listed with why.
"""

from __future__ import annotations

import pytest

from explorer.engine import Store
from explorer.views.copies import (
    COSTING,
    HEADERS,
    ORDERS,
    SEARCHING,
    CopyTable,
    cells,
    copy_costs,
    copy_table,
    describe,
    source_label,
)
from tests.engine.repo.renames import build_renames, damaged_copy
from tests.hgrepos import hg


@pytest.fixture(scope="module")
def renames(tmp_path_factory):
    return build_renames(tmp_path_factory.mktemp("copies-view") / "renames")


def table_of(repo, order: str = "saving") -> CopyTable:
    with Store.open(repo) as store:
        return copy_table(store).ordered(order)


def hg_files(repo) -> set[str]:
    """Every file any changeset touched: the filelogs hg wrote."""
    out = hg(repo, "log", "-T", "{join(files, '\\n')}\\n").decode()
    return {line for line in out.splitlines() if line}


def test_every_copy_once_largest_saving_first(renames):
    table = table_of(renames)
    with Store.open(renames) as store:
        assert sorted(table.costs, key=lambda c: (c.path, c.rev)) == list(copy_costs(store))
    savings = [c.saving for c in table.costs]
    assert savings == sorted(savings, reverse=True)
    assert len(table.costs) == 7 and table.errors == 0


@pytest.mark.parametrize("order", list(ORDERS))
def test_each_order_keeps_every_row_and_marks_its_column(renames, order):
    table = table_of(renames, order)
    assert sorted(table.costs, key=ORDERS["path"]) == table_of(renames, "path").costs
    keys = [ORDERS[order](c) for c in table.costs]
    assert keys == sorted(keys)
    marked = [h for h, shown in zip(HEADERS, table.headers) if h != shown]
    assert len(marked) == 1


def test_totals_are_the_rows_summed(renames):
    table = table_of(renames)
    t = table.totals
    assert t.copies == 7
    assert t.stored == sum(c.stored for c in table.costs)
    assert t.as_lightweight == sum(c.as_lightweight for c in table.costs)
    assert t.saved == sum(max(0, c.saving) for c in table.costs)
    share = f"{100 * t.saved / t.stored:.1f}% saved"
    assert table.summary().startswith(f"7 copies · {t.stored} bytes stored · as light-weight "
                                      f"{t.as_lightweight} (")
    assert table.summary().endswith(f"where smaller {t.smaller} ({share})")


def test_a_row_names_its_source_at_hgs_filelog_revision(renames):
    """The source is path@rev, the rev the source's filelog gives the node hg names."""
    table = table_of(renames)
    (a4,) = [c for c in table.costs if c.path == "a4.txt"]
    renamed = hg(renames, "debugrename", "-r", str(a4.linkrev), "a4.txt").decode()
    source, node = renamed.strip().rsplit(" renamed from ", 1)[1].split(":")
    with Store.open(renames) as store, store.filelog(source) as rl:
        assert rl.node(a4.source_rev).hex() == node
    row = cells(a4)
    assert row[:4] == [str(a4.linkrev), "a4.txt", "0", f"{source}@{a4.source_rev}"]
    assert row[-1] == ""
    assert describe(a4).startswith(f"a4.txt rev 0 (changeset {a4.linkrev}) copies {source}@")


def test_progress_covers_every_filelog_then_every_copy(renames):
    heard: list[tuple[str, int, int]] = []
    with Store.open(renames) as store:
        costs = list(copy_costs(store, lambda *tick: heard.append(tick)))
    searched = [t for t in heard if t[0] == SEARCHING]
    files = len(hg_files(renames))
    assert [(done, total) for _, done, total in searched] == [(i, files) for i in range(files)]
    assert [t for t in heard if t[0] == COSTING] == [(COSTING, i, 7) for i in range(7)]
    assert heard == searched + heard[len(searched):]  # searching, then costing
    assert len(costs) == 7


def test_a_progress_that_raises_stops_the_search(renames):
    class Stop(Exception):
        pass

    def stop(stage: str, done: int, total: int) -> None:
        if done == 2:
            raise Stop

    with Store.open(renames) as store, pytest.raises(Stop):
        list(copy_costs(store, stop))


def test_damage_is_a_row_saying_why(renames, tmp_path):
    damaged = damaged_copy(renames, tmp_path / "damaged")
    table = table_of(damaged)
    assert table.errors == 2
    first, second = table.costs[:2]  # the unreadable come first
    assert {first.path, second.path} == {"a.txt", "a2.txt"}
    by_path = {c.path: c for c in table.costs}
    assert cells(by_path["a.txt"])[-1].startswith("! cannot be read, it may be a copy: ")
    a2 = cells(by_path["a2.txt"])
    assert a2[3] == source_label(by_path["a2.txt"]) == "a.txt@?"
    assert a2[6:8] == ["-", "-"]  # as light-weight, saved: not worked out
    assert a2[-1].startswith("! its source cannot be read: ")
    assert table.totals.copies == 6  # the copies read
    assert table.summary().endswith(" · 2 unreadable")
