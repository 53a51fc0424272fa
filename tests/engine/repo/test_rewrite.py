"""Strip and censor, compared with Mercurial's own strip and censor on the same repository."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import pytest

from explorer.engine import CorruptionError, RevlogError, Store
from explorer.engine.repo.repo import Repo
from explorer.engine.transaction.transaction import Transaction
from tests import hgrepos as hgtools

HG_STRIP = {"extensions.strip": ""}
HG_CENSOR = {"extensions.censor": ""}
IGNORE_CENSORED = {"censor.policy": "ignore"}


def revlog_files(repo: Path) -> dict[str, bytes]:
    store = repo / ".hg" / "store"
    return {str(p.relative_to(store)): p.read_bytes() for p in store.rglob("*")
            if p.is_file() and p.suffix in (".i", ".d") and "undo" not in p.name}


def linear_tail_start(store: Store) -> int:
    """The lowest rev after which every changeset descends from it in a line."""
    cl = store.changelog
    rev = len(cl) - 1
    while rev > 0 and cl.parents(rev) == (rev - 1, -1) and len(cl) - rev < 6:
        rev -= 1
    return rev + 1


def test_strip_matches_hg_strip(hgrepos, tmp_path):
    theirs = hgrepos.copy("zstd", tmp_path / "theirs")
    ours = hgrepos.copy("zstd", tmp_path / "ours")
    with Store.open(ours) as store:
        rev = linear_tail_start(store)
        count = len(store.changelog)
    hgtools.hg(theirs, "strip", "--no-backup", "-r", str(rev), config=HG_STRIP)
    with Repo.open(ours) as repo:
        removed = repo.strip(rev)
    assert len(removed) == count - rev
    assert revlog_files(ours) == revlog_files(theirs)
    code, out, err = hgtools.hg_run(ours, "verify")
    assert code == 0, (out + err).decode()
    assert hgtools.hg(ours, "log", "-r", "tip", "-T", "{rev}") == b"%d" % (rev - 1)


def test_strip_to_the_first_changeset_empties_the_store(tmp_path):
    with Repo.init(tmp_path / "r") as repo:
        repo.commit({"a.txt": b"a\n"}, "one", "test")
        repo.commit({"b.txt": b"b\n"}, "two", "test")
        repo.strip(1)
        assert len(repo) == 1
    with Store.open(tmp_path / "r") as store:
        assert [p for _, p in store.revlog_paths()] == ["00changelog.i", "00manifest.i",
                                                         "data/a.txt.i"]
    code, out, err = hgtools.hg_run(tmp_path / "r", "verify")
    assert code == 0, (out + err).decode()


def test_strip_refuses_kept_revisions_after_stripped_ones(tmp_path):
    """A filelog whose later revision belongs to a kept changeset cannot be cut."""
    with Repo.init(tmp_path / "r") as repo:
        repo.commit({"a.txt": b"a\n"}, "one", "test")
        repo.commit({"a.txt": b"b\n"}, "two", "test")
        with repo.transaction() as tr:  # a revision linked back to changeset 0
            flog = repo.revlog("data/a.txt.i")
            flog.add_revision(b"late\n", 1, -1, 0, tr)
    before = revlog_files(tmp_path / "r")
    with Repo.open(tmp_path / "r") as repo, pytest.raises(RevlogError, match="hg strip"):
        repo.strip(1)
    assert revlog_files(tmp_path / "r") == before


def test_failed_strip_rolls_back(tmp_path, monkeypatch):
    with Repo.init(tmp_path / "r") as repo:
        for i in range(5):
            repo.commit({f"f{i}.txt": b"%d\n" % i}, f"c{i}", "test")
    before = revlog_files(tmp_path / "r")

    def fail(rewrites, tr):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Repo, "_replace_files", staticmethod(fail))
    with Repo.open(tmp_path / "r") as repo, pytest.raises(RuntimeError):
        repo.strip(2)
    assert revlog_files(tmp_path / "r") == before
    code, out, err = hgtools.hg_run(tmp_path / "r", "verify")
    assert code == 0, (out + err).decode()


def test_censor_matches_hg_censor(hgrepos, tmp_path):
    theirs = hgrepos.copy("zstd", tmp_path / "theirs")
    ours = hgrepos.copy("zstd", tmp_path / "ours")
    with Store.open(ours) as store:
        path = max((p for k, p in store.revlog_paths() if k == "filelog"),
                   key=lambda p: len(store.open_revlog(p)))[len("data/"):-len(".i")]
        flog = store.filelog(path)
        rev = len(flog) // 2
        node = flog.node(rev)
        nodes = [flog.node(r) for r in flog]
        texts = [flog.revision(r) for r in flog]
    changeset = _changeset_of(ours, path, rev)  # where that file revision was introduced
    hgtools.hg(theirs, "censor", "-r", str(changeset), "-t", "gone", path, config=HG_CENSOR)
    with Repo.open(ours) as repo:
        repo.censor(path, node, b"gone")
    for repo in (ours, theirs):
        code, out, err = hgtools.hg_run(repo, "verify", config=IGNORE_CENSORED)
        assert code == 0, (out + err).decode()
    with Store.open(ours) as mine, Store.open(theirs) as hg:
        a, b = mine.filelog(path), hg.filelog(path)
        assert [a.node(r) for r in a] == [b.node(r) for r in b] == nodes
        assert [a.flags(r) for r in a] == [b.flags(r) for r in b]
        assert a.revision(rev) == b.revision(rev) and a.hash_status(rev) == "censored"
        for r in a:
            if r != rev:
                assert a.revision(r) == texts[r] and a.check_hash(r)
    code, out, err = hgtools.hg_run(ours, "cat", "-r", str(changeset), path)
    assert code != 0 and b"censored" in err


def _changeset_of(repo: Path, path: str, rev: int) -> int:
    with Store.open(repo) as store:
        return store.filelog(path).entry(rev).link_rev


def test_censor_of_a_delta_base_leaves_later_revisions_readable(tmp_path):
    with Repo.init(tmp_path / "r") as repo:
        base = b"".join(b"line %d\n" % i for i in range(200))
        for i in range(6):
            repo.commit({"f.txt": base + b"edit %d\n" % i}, f"c{i}", "test")
        flog = repo.revlog("data/f.txt.i")
        assert flog.delta_parent(3) == 2  # rev 3 is stored against rev 2
        repo.censor("f.txt", flog.node(2), b"secret")
    with Store.open(tmp_path / "r") as store:
        flog = store.filelog("f.txt")
        assert flog.is_censored(2) and flog.delta_parent(3) != 2
        assert flog.revision(3) == base + b"edit 3\n" and flog.check_hash(3)
    code, out, err = hgtools.hg_run(tmp_path / "r", "verify", config=IGNORE_CENSORED)
    assert code == 0, (out + err).decode()


def test_standalone_transaction_rollback_restores_bytes(tmp_path):
    store = tmp_path / "s"
    (store / "data").mkdir(parents=True)
    from explorer.engine import Revlog

    def fs(p: str) -> str:
        return str(store / p)

    def text(i: int) -> bytes:
        return random.Random(i).randbytes(1500)  # incompressible: the data grows fast

    rl = Revlog.open(fs("data/x.i"), name="data/x.i")
    with Transaction(str(store), fs) as tr:
        for i in range(50):
            rl.add_revision(text(i), i - 1, -1, i, tr)
    digest = hashlib.sha256(Path(fs("data/x.i")).read_bytes()).hexdigest()
    with pytest.raises(KeyError), Transaction(str(store), fs) as tr:
        for i in range(50, 150):  # enough to split the inline revlog mid-transaction
            rl.add_revision(text(i), i - 1, -1, i, tr)
        assert not rl.inline
        raise KeyError("abort")
    assert hashlib.sha256(Path(fs("data/x.i")).read_bytes()).hexdigest() == digest
    assert not Path(fs("data/x.d")).exists() and len(rl) == 50 and rl.inline
    shutil.rmtree(store)


def test_strip_moves_bookmarks_as_hg_does_past_malformed_lines(hgrepos, tmp_path):
    """hg strips such a repository (it warns "malformed line" and reads the others), moves
    the bookmark of a stripped changeset to the newest surviving parent and rewrites the
    file from what it read; so do we."""
    ours = hgrepos.copy("zstd", tmp_path / "ours")
    theirs = hgrepos.copy("zstd", tmp_path / "theirs")
    with Store.open(ours) as store:
        kept, gone = store.changelog.node(3).hex(), store.changelog.node(40).hex()
    lines = [f"{kept} kept\n".encode(), b"garbage\n", b"zz not-hex\n", b"\xff\xfe\n",
             f"{gone[:20]} short\n".encode()]
    for repo in (ours, theirs):
        (repo / ".hg" / "bookmarks").write_bytes(b"".join(lines + [f"{gone} gone\n".encode()]))
    code, _out, err = hgtools.hg_run(theirs, "strip", "--no-backup", "-r", "40", config=HG_STRIP)
    assert code == 0 and b"malformed line" in err
    with Repo.open(ours) as repo:
        repo.strip(40)
    assert (ours / ".hg" / "bookmarks").read_bytes() == (theirs / ".hg" / "bookmarks").read_bytes()
    assert b" gone\n" in (ours / ".hg" / "bookmarks").read_bytes()
    assert revlog_files(ours) == revlog_files(theirs)


@pytest.mark.parametrize("garbage", [b"garbage\n", b"1 nothex\n", b"x " + b"ab" * 20 + b"\n",
                                     b"1 " + b"ab" * 20 + b" extra\n", b"\xff\n"])
def test_strip_refuses_phaseroots_it_cannot_read(hgrepos, tmp_path, garbage):
    """hg itself cannot read such phase roots (a traceback, whatever the command): the
    strip stops with the line at fault, and the store is as it was."""
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    phaseroots = repo / ".hg" / "store" / "phaseroots"
    good = phaseroots.read_bytes()
    phaseroots.write_bytes(good + garbage)
    before = {p: p.read_bytes() for p in (repo / ".hg").rglob("*") if p.is_file()}
    with Repo.open(repo) as ours, pytest.raises(CorruptionError) as caught:
        ours.strip(40)
    assert caught.value.file == str(phaseroots) and caught.value.offset == len(good)
    assert "not 'PHASE NODE'" in str(caught.value)
    assert {p: p.read_bytes() for p in (repo / ".hg").rglob("*") if p.is_file()} == before
