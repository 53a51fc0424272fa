"""What a path opens: a store and its revlogs, one revlog, or a sentence saying why not."""

from __future__ import annotations

import pytest

from explorer.engine import Store, StoreError
from explorer.views.source import SourceError, open_source


def test_the_demo_store_without_a_path():
    source = open_source(None)
    assert source.label == "demo store" and source.store is not None
    assert source.refs[0].path == "00changelog.i"
    assert any(ref.kind == "filelog" for ref in source.refs)


def test_a_repository_lists_its_revlogs_as_the_store_does(repo):
    source = open_source(repo)
    store = Store.open(repo)
    assert [(r.kind, r.path) for r in source.refs] == store.revlog_paths()
    assert all(r.index_file == store.fs_path(r.path) for r in source.refs)
    assert source.label == str(repo) and source.root == str(repo)


def test_one_revlog_file(repo):
    store = Store.open(repo)
    source = open_source(store.fs_path("data/src/main.py.i"))
    assert [(r.kind, r.path) for r in source.refs] == [("filelog", "main.py.i")]
    assert source.store is None and len(source.open(source.refs[0])) == 17
    source = open_source(store.fs_path("00changelog.d"))  # the .d names its .i
    assert [(r.kind, r.path) for r in source.refs] == [("changelog", "00changelog.i")]


@pytest.mark.parametrize("what, expected", [
    ("missing", "no such file or directory"),
    ("file", "not a revlog index"),
    ("empty-dir", "not inside a Mercurial repository"),
])
def test_what_cannot_be_opened_is_said_in_the_user_s_words(tmp_path, monkeypatch, what,
                                                          expected):
    monkeypatch.chdir(tmp_path)
    if what == "file":
        (tmp_path / "notes.txt").write_text("x")
    if what == "empty-dir":
        (tmp_path / "here").mkdir()
    given = {"missing": "no/such", "file": "notes.txt", "empty-dir": "here"}[what]
    with pytest.raises(SourceError) as err:
        open_source(given)
    assert str(err.value).startswith(given) and expected in str(err.value)


def test_a_damaged_fncache_leaves_changelog_and_manifest(repo_copy):
    fncache = repo_copy / ".hg" / "store" / "fncache"
    fncache.write_bytes(fncache.read_bytes().rstrip(b"\n"))  # no final newline: damage
    source = open_source(repo_copy)
    assert [r.path for r in source.refs] == ["00changelog.i", "00manifest.i"]
    assert "fncache" in source.listing_error.message


def test_a_pending_changelog_is_listed_and_opens_labelled_pending(hgrepos, tmp_path):
    """What a pretxncommit hook sees (or a crash leaves): ``00changelog.i.a`` beside the
    changelog, holding the changeset not yet committed."""
    from tests import hgrepos as hgtools

    repo = hgrepos.copy("zstd", tmp_path / "repo")
    (repo / "new.txt").write_text("new\n")
    hgtools.hg(repo, "commit", "-A", "-q", "-m", "new", "-u", "test",
               config={**hgrepos.config("zstd"),
                       "hooks.pretxncommit": f"cp -a . {tmp_path / 'snapshot'}"})
    snapshot = tmp_path / "snapshot"
    source = open_source(snapshot)
    pending = [r for r in source.refs if r.pending]
    assert [(r.kind, r.path) for r in pending] == [("changelog", "00changelog.i.a")]
    committed = len(source.open(source.refs[0]))
    assert len(source.open(pending[0])) == committed + 1
    alone = open_source(snapshot / ".hg" / "store" / "00changelog.i.a")
    assert alone.label.endswith("(pending)") and len(alone.open(alone.refs[0])) == committed + 1


def test_a_hostile_listed_name_fails_alone_when_its_files_are_asked_for(hgrepos, tmp_path):
    """Each listed revlog's file names are encoded when first used (a store may list
    a great many): a name that would leave the store raises then, for that revlog."""
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    with open(repo / ".hg" / "store" / "fncache", "ab") as f:
        f.write(b"data/../../../../etc/passwd.i\n")
    source = open_source(repo)
    hostile = next(r for r in source.refs if "passwd" in r.path)
    with pytest.raises(StoreError, match="leave the store"):
        _ = hostile.index_file
    with pytest.raises(StoreError, match="leave the store"):
        source.open(hostile)
    others = [r for r in source.refs if r is not hostile]
    assert all(len(source.open(r)) > 0 for r in others)
