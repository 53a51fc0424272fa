"""The ``copies`` report lists the copies hg lists, with the sources hg names.

hg is the oracle: ``hg log -T '{file_copies}'`` for which changeset copies which
file from which, ``hg debugrename`` for the source's filelog node. Repositories
are hg-made: the corpus's standard history (copies, renames, a copy on a branch
merged later; with FLAG_FILELOG_META in ``delta-info``) and a history of renames
on two branches joined by a merge that itself copies (``tests/engine/repo/renames.py``).
The costs are checked against the store: what is stored is the chunk's length,
and the light-weight size is a payload that rebuilds the copy's text.
"""

from __future__ import annotations

import json

import pytest

from explorer.engine import Store
from explorer.engine.format import compression
from explorer.engine.format.copydelta import parse_payload
from explorer.engine.format.mpatch import apply_delta
from explorer.engine.repo import lightcopies
from explorer.reports.copies import copy_costs
from tests.engine.repo.renames import CHANGESET_ONLY, build_renames, damaged_copy
from tests.hgrepos import hg
from tests.reports.runner import ours


@pytest.fixture(scope="module")
def renames(tmp_path_factory):
    return build_renames(tmp_path_factory.mktemp("copies") / "renames")


def hg_copies(repo, config=None) -> set[tuple[int, str, str, str]]:
    """(changeset, copy, source, source filenode) of every copy, as hg tells them."""
    out = hg(repo, "log", "-T", '{file_copies % "{rev}\\t{name}\\t{source}\\n"}', config=config)
    found = set()
    for line in out.decode().splitlines():
        rev, name, source = line.split("\t")
        renamed = hg(repo, "debugrename", "-r", rev, name, config=config).decode()
        assert renamed.startswith(f"{name} renamed from {source}:"), renamed
        found.add((int(rev), name, source, renamed.strip().rsplit(":", 1)[1]))
    return found


def our_copies(repo) -> set[tuple[int, str, str, str]]:
    with Store.open(repo) as store:
        return {(c.linkrev, c.path, c.source, c.source_node) for c in copy_costs(store)}


def test_renames_on_merged_branches_as_hg(renames):
    expected = hg_copies(renames)
    assert len(expected) == 7
    assert our_copies(renames) == expected


@pytest.mark.hgrepos("zstd", "zlib", "delta-info", "copies-sidedata")
def test_corpus_as_hg(hgrepo, hgconfig):
    expected = hg_copies(hgrepo, hgconfig)
    assert expected  # the standard history copies and renames
    assert our_copies(hgrepo) == expected


@pytest.mark.hgrepos("zstd", "zlib", "delta-info")
def test_costs_are_the_store_and_a_payload_that_rebuilds_the_copy(hgrepo):
    with Store.open(hgrepo) as store:
        compressor = lightcopies.store_compressor(store)
        for cost in copy_costs(store):
            with store.filelog(cost.path) as rl, store.filelog(cost.source) as src:
                assert cost.stored == len(rl.raw_chunk(cost.rev))
                text = rl.revision(cost.rev)
                assert cost.text_size == len(text)
                copy = lightcopies.Copy(cost.path, cost.rev, cost.source,
                                        bytes.fromhex(cost.source_node))
                payload = lightcopies.light_payload(text, cost.source, copy.source_node,
                                                    src.revision(cost.source_rev), compressor)
                if payload is None:  # no smaller than the full text: not worth it
                    assert cost.as_lightweight >= cost.stored or len(text) < 64
                    continue
                decoded = parse_payload(compression.decompress(
                    b"".join(compressor.compress(payload)), len(payload)))
                assert (decoded.source, decoded.source_node) == (cost.source, copy.source_node)
                assert apply_delta(src.revision(cost.source_rev), decoded.delta,
                                   len(text)) == text
                assert cost.as_lightweight < cost.stored


@pytest.mark.hgrepos("copies-sidedata")
def test_copies_in_changeset_sidedata_as_hg(hgrepo, hgconfig):
    with Store.open(hgrepo) as store:
        found = {(store.filelog(c.path).entry(c.rev).link_rev, c.path, c.source,
                  c.source_node.hex()) for c in lightcopies.changeset_copies(store)}
    assert found == hg_copies(hgrepo, hgconfig)


def test_copies_in_changeset_extras_only_as_hg(tmp_path):
    repo = build_renames(tmp_path / "extras", hgrc=CHANGESET_ONLY)
    out = hg(repo, "log", "-T", '{file_copies % "{rev}\\t{name}\\t{source}\\n"}')
    expected = {tuple(line.split("\t")) for line in out.decode().splitlines()}
    assert len(expected) == 7
    assert hg(repo, "debugrename", "-r", "1", "a2.txt") == b"a2.txt not renamed\n"
    with Store.open(repo) as store:
        assert list(lightcopies.find_copies(store)) == []  # no filelog metadata at all
        costs = list(copy_costs(store))
    assert {(str(c.linkrev), c.path, c.source) for c in costs} == expected
    assert all(c.error is None and c.as_lightweight < c.stored for c in costs
               if c.path != "small2.txt")
    assert b"experimental.copies.write-to=changeset-only): those are listed" in \
        ours(repo, "copies").out


def test_cli_table_and_json(renames):
    table = ours(renames.parent, "copies", renames.name)
    assert table.status == 0, table.err
    lines = table.out.decode().splitlines()
    assert lines[0].split() == ["linkrev", "copy", "rev", "source", "srcrev", "text", "stored",
                                "light", "saved"]
    assert len(lines) == 1 + 7 + 2
    assert lines[-2].startswith("7 copies: ")
    listed = ours(renames, "copies", "--json")
    rows = json.loads(listed.out)
    assert {(r["linkrev"], r["path"], r["source"], r["source_node"]) for r in rows} == \
        hg_copies(renames)


@pytest.mark.hgrepos("copies-sidedata")
def test_changeset_copies_are_said_covered(hgrepo):
    out = ours(hgrepo, "copies")
    assert out.status == 0, out.err
    assert b"note: this store may record copies in its changesets " \
           b"(exp-copies-sidedata-changeset): those are listed" in out.out


def test_outside_a_repository(tmp_path):
    out = ours(tmp_path, "copies")
    assert out.status != 0
    assert b"no repository found" in out.err


def test_damage_hides_only_what_it_touches(renames, tmp_path):
    damaged = damaged_copy(renames, tmp_path / "damaged")
    out = ours(damaged, "copies")
    assert out.status == 1
    assert out.err.endswith(b"2 of the rows above could not be read (damage)\n")
    rows = {line.split()[1]: line for line in out.out.decode().splitlines()[1:-2]}
    assert "! cannot be read, it may be a copy: " in rows["a.txt"]
    assert "! its source cannot be read: " in rows["a2.txt"]  # a copy of a.txt
    assert sorted(rows) == ["a.txt", "a2.txt", "a3.txt", "a4.txt", "b2.txt", "b3.txt",
                            "b5.txt", "small2.txt"]
    assert "!" not in rows["a3.txt"]  # its source, a2.txt, is intact
