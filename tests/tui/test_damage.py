"""A damaged store in the explorer: the chain to the broken link, problems by root cause.

Each store is made by hg, then damaged with the engine's own fault tools
(``explorer.engine.damage.faults``). hg is the oracle: its chain of each
revision (from the index), which revisions it finds hash right, and the
first damaged changeset its verify names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.engine import Store
from explorer.engine.damage import faults
from explorer.tui.app import ExplorerApp
from explorer.tui.headless import settle
from explorer.tui.widgets.chain import ChainPane, ChainTable
from explorer.tui.widgets.problems import ProblemsPane, ProblemsTable
from explorer.tui.widgets.text import TextPane
from tests import hgrepos as hgtools
from tests.tui.conftest import press, row_of, run

MANIFEST = "00manifest.i"
ROOT = 10  # a full snapshot of the manifest in "none" and "zstd": revs 11 and 12 are deltas on it


def damage(hgrepos, tmp_path: Path, spec: str, kind: str, rev: int = ROOT,
           path: str = MANIFEST, bits: tuple[int, ...] = (2,)) -> Path:
    """A copy of hg's repository ``spec`` with fault ``kind`` made at ``rev`` of ``path``
    (flip-bit once per bit: two bits in one byte are past verify's single-bit repair)."""
    repo = hgrepos.copy(spec, tmp_path / spec)
    for bit in bits if kind == "flip-bit" else (None,):
        store = Store.open(repo)
        rl = store.open_revlog(path)
        options = {} if bit is None else {"bit": bit}
        faults.inject(rl, kind, rev, path=path, store_dir=store.store_dir, **options)
        store.close()
    return repo


def hg_first_damaged(hgrepos, spec: str, repo: Path) -> int:
    status, out, err = hgtools.hg_run(repo, "verify", config=hgrepos.config(spec))
    assert status != 0
    return int(re.search(rb"first damaged changeset appears to be (\d+)", out + err).group(1))



async def open_at(pilot, path: str, rev: int) -> None:
    app = pilot.app
    app.open_revlog(row_of(app, path), rev)
    await settle(pilot)


async def verify(pilot) -> None:
    await press(pilot, "v")
    status = pilot.app.query_one("#problems-status")
    assert not str(status.render()).startswith("verifying")


# -- the chain pane ------------------------------------------------------------------------


@pytest.mark.parametrize("spec, kind, reason", [
    ("zstd", "bad-compression", "bad chunk"),
    ("zstd", "flip-bit", "hash mismatch"),
    ("zstd", "base-past-rev", "bad base"),
    ("split-inline", "truncate-data", "out of file"),  # big.txt has a data file to cut
])
def test_chain_of_a_damaged_revision_marks_the_broken_link(hgrepos, tmp_path, spec, kind,
                                                           reason):
    """The chain comes from the index (hg's chain for it, down to the damaged base field),
    and the broken link is the first whose text hg cannot rebuild or finds hashing wrong
    (hg refuses to walk a base past its revision: "corrupted revlog")."""
    path = MANIFEST if spec == "zstd" else "data/big.txt.i"
    root = ROOT if spec == "zstd" else 5
    repo = damage(hgrepos, tmp_path, spec, kind, root, path, bits=(0, 1))
    intact = hgrepos.oracle(spec)["revlogs"][path]["revs"]
    if kind == "base-past-rev":
        with pytest.raises(hgtools.HgError, match="revision base above revision"):
            hgtools.oracle(repo, hgrepos.config(spec), cache=False)
        hg = None
    else:
        hg = hgtools.oracle(repo, hgrepos.config(spec), cache=False)["revlogs"][path]["revs"]
    tip = len(hg) - 1 if hg is not None else len(intact) - 1
    targets = [root] + [r for r in (root + 2,) if r <= tip]

    async def test(pilot):
        for rev in targets:
            await open_at(pilot, path, rev)
            table = pilot.app.query_one(ChainTable)
            chain = [link.rev for link in table.links]
            if hg is None:  # hg's chain of the intact index, from the damaged field up
                assert chain == [r for r in intact[rev]["delta_chain"] if r >= root]
                first_bad = root
            else:
                assert chain == hg[rev]["delta_chain"]
                first_bad = next(r for r in chain if hg[r]["hash_ok"] is not True)
            assert table.damaged is not None
            assert (table.damaged.broken.rev, table.damaged.broken.reason) == (first_bad, reason)
            broken = chain.index(first_bad)
            assert table.cursor == broken and table.row_style(broken) == "bad"
            assert f"broken at rev {first_bad} ({reason})" in \
                pilot.app.query_one(ChainPane).border_subtitle
            assert "BROKEN" in table.explanation()

    run(ExplorerApp(repo), test)


def test_an_intact_revision_of_a_damaged_revlog_has_no_broken_link(hgrepos, tmp_path):
    repo = damage(hgrepos, tmp_path, "zstd", "bad-compression")

    async def test(pilot):
        await open_at(pilot, MANIFEST, ROOT - 1)
        table = pilot.app.query_one(ChainTable)
        assert table.damaged is None and table.links[-1].rev == ROOT - 1

    run(ExplorerApp(repo), test)


# -- the delta view --------------------------------------------------------------------------


def test_delta_view_shows_the_intact_hunks_of_a_revision_whose_base_is_lost(hgrepos, tmp_path):
    """Rev 11 is a delta on rev 10, whose chunk no longer decompresses: rev 11's text
    cannot be rebuilt, but its own delta is intact and its hunks are shown, each with
    the bytes it inserts (hg's delta of the intact store)."""
    from explorer.engine.format.mpatch import parse_hunks

    repo = damage(hgrepos, tmp_path, "zstd", "bad-compression")
    with Store.open(hgrepos("zstd")) as store:
        delta = store.manifest.chunk(ROOT + 1)
        base_size = len(store.manifest.revision(ROOT))
    hunks = parse_hunks(delta, base_size)

    async def test(pilot):
        await open_at(pilot, MANIFEST, ROOT + 1)
        await press(pilot, "d")
        text = pilot.app.query_one(TextPane).document.plain()
        assert f"rev {ROOT + 1} = rev {ROOT} + a delta of {len(hunks)} hunk" in text
        assert f"The base, rev {ROOT}, cannot be rebuilt" in text
        for i, (start, end, at, length) in enumerate(hunks):
            assert f"hunk {i + 1}  at delta byte {at - 12}: base[{start}:{end}] " \
                f"({end - start} bytes) becomes {length} bytes" in text
        assert "cannot be read" not in text

    run(ExplorerApp(repo), test)


def test_delta_view_shows_the_hunks_before_the_damage_in_a_delta(hgrepos, tmp_path):
    """Rev 6 of the manifest in "none" is an uncompressed delta of two hunks, and the
    middle byte of its chunk, which flip-bit changes, is the first byte of hunk 2's
    header: hunk 1 is intact and shown (hg's delta of the intact store), hunk 2 is
    named as the damage, and the chain pane calls the link a bad delta."""
    from explorer.engine.format.mpatch import parse_hunks

    rev = 6
    repo = damage(hgrepos, tmp_path, "none", "flip-bit", rev, bits=(7,))
    with Store.open(hgrepos("none")) as store:
        raw = store.manifest.raw_chunk(rev)
        delta = store.manifest.chunk(rev)
        base = store.manifest.revision(store.manifest.delta_parent(rev))
    first, second = parse_hunks(delta, len(base))
    assert raw == delta and len(raw) // 2 == second[2] - 12  # NUL-led: stored as it is

    async def test(pilot):
        await open_at(pilot, MANIFEST, rev)
        table = pilot.app.query_one(ChainTable)
        assert (table.damaged.broken.rev, table.damaged.broken.reason) == (rev, "bad delta")
        await press(pilot, "d")
        text = pilot.app.query_one(TextPane).document.plain()
        start, end, at, length = first
        assert f"a delta of 1 intact hunk ({len(delta)} bytes)" in text
        assert f"hunk 1  at delta byte {at - 12}: base[{start}:{end}] ({end - start} bytes) " \
            f"becomes {length} bytes" in text
        assert f"hunk 2  at delta byte {second[2] - 12}: damaged" in text

    run(ExplorerApp(repo), test)


# -- the problems pane -------------------------------------------------------------------------


def test_verify_groups_problems_by_root_cause_and_names_where_damage_starts(hgrepos, tmp_path):
    """One row for the damaged snapshot and every revision built on it (hg's chains say
    which), and the first damaged changeset hg's verify names."""
    repo = damage(hgrepos, tmp_path, "zstd", "flip-bit", bits=(0, 1))
    first = hg_first_damaged(hgrepos, "zstd", repo)
    hg = hgrepos.oracle("zstd")["revlogs"][MANIFEST]["revs"]
    built_on = [r["rev"] for r in hg if ROOT in r["delta_chain"]]

    async def test(pilot):
        app = pilot.app
        await verify(pilot)
        table = app.query_one(ProblemsTable)
        (group,) = [g for g in table.groups if g.root.path == MANIFEST]
        assert group.root.rev == ROOT and group.root.kind == "hash-mismatch"
        assert group.revs == built_on
        assert group.rev_range() == f"{built_on[0]}-{built_on[-1]}"
        row = table.groups.index(group)
        assert table.row_cells(row)[2][0] == group.rev_range()
        assert table.row_count == len(table.groups) < len(table.problems)
        assert app.query_one(ProblemsPane).border_subtitle == \
            f"damage starts at changeset {first}"
        table.move_to(row)
        await press(pilot, "enter")
        assert (app.view.name, app.index.cursor) == (MANIFEST, ROOT)

    run(ExplorerApp(repo), test)


def test_browsing_after_verify_adds_no_duplicates(hgrepos, tmp_path):
    repo = damage(hgrepos, tmp_path, "zstd", "bad-compression")

    async def test(pilot):
        app = pilot.app
        await verify(pilot)
        table = app.query_one(ProblemsTable)
        found = list(table.problems)
        for path in (MANIFEST, "00changelog.i"):
            for rev in range(ROOT - 1, ROOT + 4):
                await open_at(pilot, path, rev)
        await press(pilot, "d", "x")
        assert table.problems == found

    run(ExplorerApp(repo), test)


def test_verify_replaces_what_browsing_met(hgrepos, tmp_path):
    """Revisions met damaged while browsing and found again by verify are listed once,
    as verify explains them."""
    repo = damage(hgrepos, tmp_path, "zstd", "bad-compression")

    async def test(pilot):
        app = pilot.app
        for rev in range(ROOT, ROOT + 3):
            await open_at(pilot, MANIFEST, rev)
        table = app.query_one(ProblemsTable)
        assert any(p.kind == "read" for p in table.problems)
        await verify(pilot)
        verified = {(p.path, p.rev) for p in table.problems if p.kind != "read"}
        assert not [p for p in table.problems if p.kind == "read"
                    and (p.path, p.rev) in verified]
        assert len({(p.path, p.rev, p.kind) for p in table.problems}) == len(table.problems)

    run(ExplorerApp(repo), test)


def test_a_manifest_problem_is_filed_under_the_manifest_revision(hgrepos, tmp_path):
    """The lost manifest text names a file revision hg finds nowhere ("manifest refers to
    unknown revision"): it is listed under that manifest revision, in its root cause's
    row, and Enter goes to it."""
    repo = damage(hgrepos, tmp_path, "none", "flip-bit", bits=(0, 1))
    status, out, err = hgtools.hg_run(repo, "verify", config=hgrepos.config("none"))
    (node,) = re.findall(rb"manifest refers to unknown revision ([0-9a-f]{12})", out + err)

    async def test(pilot):
        app = pilot.app
        await verify(pilot)
        table = app.query_one(ProblemsTable)
        (p,) = [p for p in table.problems if p.kind == "missing-revision"
                and node.decode() in p.message]
        assert (p.path, p.rev) == (MANIFEST, ROOT)
        row = table.row_of(p)
        assert table.problem_at(row).rev == ROOT and table.problem_at(row).path == MANIFEST
        table.move_to(row)
        await press(pilot, "enter")
        assert (app.view.name, app.index.cursor) == (MANIFEST, ROOT)

    run(ExplorerApp(repo), test)


# -- verify's progress ---------------------------------------------------------------------------


def test_verify_shows_counts_while_it_runs(hgrepos, monkeypatch):
    """Each progress report reaches the pane with its counts, the last one the total."""
    ticks = []
    original = ProblemsPane.progress

    def record(self, tick):
        if tick is not None:
            ticks.append(tick)
        original(self, tick)

    monkeypatch.setattr(ProblemsPane, "progress", record)
    with Store.open(hgrepos("zstd")) as store:
        total = sum(len(rl) for _, _, rl in store.revlogs())

    async def test(pilot):
        await verify(pilot)
        assert ticks and ticks[-1].done == ticks[-1].total == total
        assert ticks[0].step.phase == "changesets"
        assert f"({total}/{total} revisions)" in ticks[-1].line()

    run(ExplorerApp(hgrepos("zstd")), test)


def test_the_progress_bar_is_mounted_by_verify_and_hidden_after_it(hgrepos):
    """No bar at start-up (its widgets cost the first frame); verify mounts it, shows it
    while it runs, hides it when done, and the next verify shows the same bar again."""
    from textual.widgets import ProgressBar

    shown: list[bool] = []
    original = ProblemsPane.progress

    def record(self, tick):
        original(self, tick)
        shown.extend(bar.display for bar in self.query(ProgressBar))

    async def test(pilot):
        app = pilot.app
        assert not app.query(ProgressBar)
        ProblemsPane.progress = record
        try:
            await verify(pilot)
            await verify(pilot)
        finally:
            ProblemsPane.progress = original
        assert True in shown
        assert len(app.query(ProgressBar)) == 1
        assert not app.query_one(ProgressBar).display

    run(ExplorerApp(hgrepos("zstd")), test)
