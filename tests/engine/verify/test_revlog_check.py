"""The passes of a revlog check hand over what they find through one ``RevlogCheck``.

The structure pass records damaged fields and revisions not to read; the
content pass reads around them and records what is lost, what it rebuilt
around a damaged field, and the right nodes. These tests pin that contract
(``links`` relies on it) on one fault each, injected into a copy of a store
written by hg.
"""

from __future__ import annotations

import pytest

from explorer.engine import Store
from explorer.engine.format.nodeid import hash_revision
from explorer.engine.verify.problems import Collector
from explorer.engine.verify.revlog_check import RevlogCheck, files_beside
from explorer.engine.verify.revlog_contents import check_contents
from explorer.engine.verify.revlog_passes import check_revlog
from explorer.engine.verify.revlog_structure import check_structure
from tests.engine.verify.test_verify import REV, damaged_copy


@pytest.fixture
def checked(hgrepos, tmp_path):
    """checked(spec, path, kind) -> (RevlogCheck after the structure pass, run contents)."""
    stores = []

    def check(spec: str, path: str, kind: str):
        repo, _ = damaged_copy(hgrepos, tmp_path, spec, path, kind)
        store = Store.open(repo)
        stores.append(store)
        rl = store.open_revlog(path)
        check = RevlogCheck(rl, path, Collector(), sidefile=files_beside(rl))
        check_structure(check)
        return check, lambda: check_contents(check)

    yield check
    for store in stores:
        store.close()


def test_a_chunk_outside_its_file_is_not_read(checked):
    check, contents = checked("split-inline", "data/big.txt.i", "truncate-data")
    assert REV in check.skipped and check.skipped[REV].kind == "chunk-outside-file"
    contents()
    assert check.unreadable.keys() == check.skipped.keys()
    assert all(check.unreadable[rev] is check.skipped[rev] for rev in check.skipped)


def test_a_damaged_base_is_read_around_and_repaired(checked):
    check, contents = checked("zstd", "data/README.txt.i", "base-past-rev")
    assert list(check.bad_bases) == [REV] and REV in check.skipped  # generaldelta: not read
    contents()
    assert check.repaired[REV] is check.bad_bases[REV]
    assert REV not in check.skipped and REV not in check.unreadable
    assert check.unreadable[REV + 1].kind == "broken-chain"  # its chain runs through REV
    assert "it should be" in check.out.problems[0].message


def test_a_damaged_base_without_generaldelta_is_read_as_mercurial_reads_it(checked):
    check, contents = checked("no-generaldelta", "00manifest.i", "base-past-rev")
    assert list(check.bad_bases) == [REV] and not check.skipped
    contents()
    assert not check.unreadable and not check.repaired
    assert [p.kind for p in check.out.problems] == ["bad-base"]
    assert check.out.problems[0].hint.startswith("the data is intact")


def test_a_misplaced_offset_is_confirmed_where_the_chunk_should_start(checked):
    check, contents = checked("zstd", "00changelog.i", "overlap-offsets")
    prev = check.entries[REV - 1]
    assert check.bad_offsets[REV].expected == check.rl.start(REV - 1) + prev.compressed_length
    contents()
    assert check.repaired[REV] is check.bad_offsets[REV].problem


def test_a_flipped_bit_is_undone(checked):
    check, contents = checked("zstd", "data/README.txt.i", "flip-bit")
    assert not check.skipped
    contents()
    assert check.repaired[REV].kind == "bit-flip" and REV not in check.unreadable


def test_a_damaged_node_is_replaced_by_the_hash(checked):
    check, contents = checked("zstd", "data/README.txt.i", "wrong-node")
    contents()
    rl, e = check.rl, check.entries[REV]
    text = rl.revision(REV)
    assert check.true_nodes == {REV: hash_revision(text, rl.node(e.p1), rl.node(e.p2))}
    assert [p.kind for p in check.out.problems] == ["wrong-node", "parent-node-damaged"]


def test_a_damaged_parent_is_not_hashed(checked):
    check, contents = checked("zstd", "data/README.txt.i", "parent-out-of-range")
    assert [p.field for p in check.bad_parents[REV]] == ["p1"]
    contents()
    assert not check.unreadable
    assert check.out.problems[0].message.endswith("with p1 = 2 the revision hashes right")


def test_check_revlog_runs_every_pass(hgrepos):
    """An intact revlog: entries and nodes filled in, nothing found."""
    with Store.open(hgrepos("zstd")) as store:
        rl = store.changelog
        check = RevlogCheck(rl, "00changelog.i", Collector(), sidefile=files_beside(rl))
        seen = []
        check_revlog(check, visit=lambda rev, text: seen.append(rev))
    assert seen == list(range(len(rl))) and len(check.entries) == len(rl)
    assert check.nodes == {rl.node(rev): rev for rev in range(len(rl))}
    assert not check.out.problems and not check.unreadable and not check.repaired
