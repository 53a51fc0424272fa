"""The text pane's documents: each revision decoded as hg reads it, and its delta's hunks."""

from __future__ import annotations

import pytest

from explorer.engine import Store
from explorer.engine.format.mpatch import apply_delta, parse_hunks
from explorer.views.revision_text import delta_document, format_date, revision_document
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef


def view_of(store: Store, path: str) -> RevlogView:
    kind = "changelog" if path == "00changelog.i" else (
        "manifest" if path == "00manifest.i" else "filelog")
    rl = store.open_revlog(path)
    return RevlogView(RevlogRef(kind, path, rl.index_path, rl.data_path), rl)


@pytest.fixture(scope="module")
def store(hgrepos):
    return Store.open(hgrepos("zstd"))


def test_changeset_fields_are_hg_s(store, hgrepos):
    view = view_of(store, "00changelog.i")
    rev = len(view) - 1
    text = revision_document(view, rev).plain()
    template = "{node}\\n{author}\\n{date|hgdate}\\n{branch}\\n{join(files, '\\n')}"
    node, user, date, branch, *files = hgrepos.hg(
        "zstd", "log", "-r", str(rev), "-T", template).decode().split("\n")
    when, offset = date.split()
    assert f"node {node}" in text and "hash ok" in text
    assert f"user      {user}" in text
    assert f"({when} {offset})" in text and format_date(int(when), int(offset)) in text
    assert f"branch    {branch}" in text
    for name in files:
        assert f"\n  {name}\n" in text


def test_manifest_entries_with_flags(store, hgrepos):
    view = view_of(store, "00manifest.i")
    rev = len(view) - 1
    lines = revision_document(view, rev).plain().splitlines()
    listing = hgrepos.hg("zstd", "manifest", "--debug", "-r", "tip").decode().splitlines()
    assert lines[2].startswith("introduced by changeset ")  # its link (tests/views/test_links)
    assert lines[4].startswith(f"{len(listing)} entries")
    shown = {line[15:]: (line[0], line[2:14]) for line in lines[5:]}
    for entry in listing:  # "<node> <mode> <' ', '*' exec or '@' link> <path>"
        node, marker, path = entry[:40], entry[45], entry[47:]
        assert shown[path] == ({" ": " ", "*": "x", "@": "l"}[marker], node[:12]), entry


def test_copy_metadata_and_content(store):
    for _, path, rl in store.revlogs():
        for rev in rl:
            text = rl.revision(rev)
            if rl.kind == "filelog" and text.startswith(b"\x01\ncopy: "):
                doc = revision_document(view_of(store, path), rev).plain()
                source = text.split(b"copy: ", 1)[1].split(b"\n", 1)[0].decode()
                assert f"copy: {source}" in doc and f"copied from {source}" in doc
                return
    pytest.fail("the zstd repository has no copy")


def test_binary_content_is_a_hex_dump(store):
    view = view_of(store, "data/assets/logo.bin.i")
    doc = revision_document(view, 0)
    assert "binary" in doc.plain()
    content = view.revlog.revision(0)
    first = content[:16]
    assert any(first.hex(" ")[:23] in doc.line(i).plain for i in range(len(doc)))


def test_delta_hunks_rebuild_the_revision(store):
    view = view_of(store, "data/src/main.py.i")
    rl = view.revlog
    rev = next(r for r in rl if rl.delta_parent(r) != -1)
    doc = delta_document(view, rev).plain()
    base = rl.revision(rl.delta_parent(rev))
    delta = rl.chunk(rev)
    hunks = parse_hunks(delta, len(base))
    assert f"a delta of {len(hunks)} hunk" in doc
    assert apply_delta(base, delta) == rl.revision(rev)
    for start, end, _, _ in hunks:
        assert f"base[{start}:{end}]" in doc


def test_a_full_text_has_no_delta(store):
    view = view_of(store, "00changelog.i")
    assert "stored whole" in delta_document(view, 0).plain()
