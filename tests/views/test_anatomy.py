"""The hex pane's field map: every byte of an entry and of a chunk belongs to one named field."""

from __future__ import annotations

import pytest

from explorer.engine import Store
from explorer.engine.format.fields import LAYOUTS
from explorer.engine.format.mpatch import parse_hunks
from explorer.views.anatomy import (
    chunk_section,
    entry_section,
    file_label,
    payload_section,
    sections,
)
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef


def tiles(spans, size: int) -> bool:
    """The spans, in order, cover 0..size with no gap and no overlap."""
    at = 0
    for span in spans:
        if span.start != at or span.end <= span.start:
            return False
        at = span.end
    return at == size


def sample(rl) -> list[int]:
    n = len(rl)
    return sorted({0, 1, n // 2, n - 1} & set(range(n)))


@pytest.mark.hgrepos(exclude={"lfs", "censored"})
def test_every_entry_byte_is_named(hgrepo):
    store = Store.open(hgrepo)
    for _, _, rl in store.revlogs():
        fields = {f.name.replace("_", " ") for f in LAYOUTS[rl.version]} | {"header"}
        for rev in sample(rl):
            section = entry_section(rl, rev)
            assert tiles(section.spans, rl.entry_size), (rl.name, rev)
            assert {s.name for s in section.spans} <= fields
            assert all(s.explain for s in section.spans)
            assert section.offset == rl.entry_offset(rev)
            assert section.data == rl.entry_bytes(rev)


@pytest.mark.hgrepos("zstd", "zlib", "none", "no-generaldelta", "long-chain-sparse",
                     "revlogv2", "changelogv2")
def test_every_shown_chunk_byte_is_named(hgrepo):
    store = Store.open(hgrepo)
    for _, _, rl in store.revlogs():
        for rev in sample(rl):
            raw = rl.raw_chunk(rev)
            section = chunk_section(rl, rev, raw)
            assert section.total == len(raw) and section.offset == rl.chunk_offset(rev)
            if raw:
                assert tiles(section.spans, len(section.data)), (rl.name, rev)


@pytest.mark.hgrepos("long-chain-sparse")
def test_delta_hunks_are_cut_as_mpatch_reads_them(hgrepo):
    store = Store.open(hgrepo)
    rl = store.filelog("chain.txt")
    rev = len(rl) - 1
    base = rl.delta_parent(rev)
    assert base != -1
    delta = rl.chunk(rev)
    section = payload_section(rl, rev, delta, "chunk decompressed")
    hunks = parse_hunks(delta, len(rl.revision(base)))
    assert tiles(section.spans, len(delta))
    assert len([s for s in section.spans if s.name.endswith(" start")]) == len(hunks)
    starts = [s for s in section.spans if s.name == "hunk 1 start"]
    assert starts and starts[0].explain.endswith(f"from byte {hunks[0][0]}…")


@pytest.mark.hgrepos("zstd")
def test_a_damaged_chunk_still_shows_its_entry(hgrepo_copy):
    store = Store.open(hgrepo_copy)
    rl = store.filelog("src/main.py")
    offset, path = rl.chunk_offset(3), rl.data_path
    rl.close()
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(b"\xfe")
    rl = store.filelog("src/main.py")
    ref = RevlogRef("filelog", "data/src/main.py.i", rl.index_path, rl.data_path)
    out = sections(RevlogView(ref, rl), 3)
    assert out[0].title.startswith("index entry of rev 3")
    assert out[1].spans[0].name == "unknown mark"


def test_files_are_named_by_their_store_path(repo):
    """Sections name their file as the store does, whatever the directory the
    repository sits in (data/src/main.py.d, not /tmp/…/main.py.d)."""
    store = Store.open(repo)
    rl = store.filelog("src/main.py")
    assert file_label(rl, rl.index_file) == "data/src/main.py.i"
    if not rl.inline:
        assert file_label(rl, rl.data_path) == "data/src/main.py.d"
    assert file_label(store.changelog, store.changelog.index_file) == "00changelog.i"
    assert file_label(rl, "/elsewhere/other.d") == "other.d"
