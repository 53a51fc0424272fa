"""Light-weight copies (engine/format/copydelta.py, engine/repo/lightcopies.py).

Every store here starts hg-made, or is checked against a twin the engine writes
the standard way (whose nodes hg verifies): converting to light-weight copies
keeps every revision's node and text, hg refuses the store (naming the
requirement), our verify finds it clean and finds its damage; converting back
gives a store hg verifies whose every revision hg reads as the original's.
"""

from __future__ import annotations

import errno
import os
import shutil

import pytest

from explorer.engine import CorruptionError, Repo, Revlog, Store, TransactionError
from explorer.engine.format.constants import REVIDX_COPY_DELTA
from explorer.engine.format.copydelta import REQUIREMENT
from explorer.engine.repo import lightcopies
from tests.engine.repo.renames import CHANGESET_ONLY, build_renames
from tests.engine.transaction.faultydisk import FaultyOS, disk, tree_digest
from tests.hgrepos import hg, hg_run, text_lines


def snapshot(path) -> dict[str, list[tuple]]:
    """Every filelog revision: (node, p1, p2, linkrev, raw text)."""
    with Store.open(path) as store:
        out = {}
        for name in lightcopies.filelog_paths(store):
            with store.filelog(name) as rl:
                out[name] = [(e.node, e.p1, e.p2, e.link_rev, rl.revision(r))
                             for r in range(len(rl)) for e in [rl.entry(r)]]
        return out


def flagged(path) -> list[tuple[str, int]]:
    with Store.open(path) as store:
        return [(name, r) for name in lightcopies.filelog_paths(store)
                for rl in [store.filelog(name)] for r in range(len(rl))
                if rl.flags(r) & REVIDX_COPY_DELTA]


def convert(path, lightweight: bool) -> lightcopies.Conversion:
    return Repo.open(path).convert_copies(lightweight)


def assert_hg_refuses(path, config=None) -> None:
    for args in (("log",), ("verify",), ("debugdata", "-c", "0")):
        rc, _, err = hg_run(path, *args, config=config)
        assert rc != 0
        assert b"repository requires features unknown to this Mercurial: " + \
            REQUIREMENT.encode() in err


@pytest.fixture
def renames(tmp_path):
    return build_renames(tmp_path / "renames")


def round_trip(path, config=None) -> lightcopies.Conversion:
    before = snapshot(path)
    done = convert(path, True)
    assert done.revisions and done.bytes_after < done.bytes_before
    assert flagged(path) == done.revisions
    assert snapshot(path) == before  # nodes, parents, links and texts as they were
    assert_hg_refuses(path, config)
    with Store.open(path) as store:
        assert REQUIREMENT in store.requirements
        assert store.verify() == []
    back = convert(path, False)
    assert back.revisions == done.revisions
    assert flagged(path) == []
    hg(path, "verify", config=config)
    assert snapshot(path) == before
    for name, rev in done.revisions:  # hg reads each rewritten revision as it was
        assert hg(path, "debugdata", name, str(rev), config=config) == before[name][rev][4]
    with Store.open(path) as store:
        assert REQUIREMENT not in store.requirements
    return done


def test_round_trip_of_renames_on_merged_branches(renames):
    done = round_trip(renames)
    # the tiny copy stays a full text: its delta would be no smaller
    assert sorted(name for name, _ in done.revisions) == [
        "a2.txt", "a3.txt", "a4.txt", "b2.txt", "b3.txt", "b5.txt"]


def test_round_trip_of_copies_only_the_changesets_record(tmp_path):
    """``copies.write-to=changeset-only``: the filelogs carry no copy metadata, the
    changesets' extras name the sources; those copies convert too, and back."""
    repo = build_renames(tmp_path / "extras", hgrc=CHANGESET_ONLY)
    with Store.open(repo) as store:
        assert list(lightcopies.find_copies(store)) == []
    done = round_trip(repo)
    assert sorted(name for name, _ in done.revisions) == [
        "a2.txt", "a3.txt", "a4.txt", "b2.txt", "b3.txt", "b5.txt"]


@pytest.mark.hgrepos("zstd", "zlib", "delta-info")
def test_round_trip_of_the_corpus(hgrepo_copy, hgconfig):
    round_trip(hgrepo_copy, hgconfig)


def test_a_copy_of_a_light_weight_copy_reads_through_both(renames):
    convert(renames, True)
    with Store.open(renames) as store, store.filelog("a4.txt") as a4:
        # a4 copies a3, a light-weight copy of a2, a light-weight copy of a.txt
        assert lightcopies.copy_source(a4, 0)[0] == "a3.txt"
        with store.filelog("a3.txt") as a3:
            assert a3.flags(0) & REVIDX_COPY_DELTA
        assert a4.check_hash(0)


def test_a_filelog_opened_alone_cannot_read_it(renames):
    convert(renames, True)
    with Store.open(renames) as store:
        index = store.fs_path("data/b2.txt.i")
    with Revlog.open(index) as rl, pytest.raises(CorruptionError, match="outside its store"):
        rl.revision(0)


# -- written by commits --------------------------------------------------------------------

def commit_history(path, lightweight: bool) -> None:
    Repo.init(path).close()
    with Repo.open(path, lightweight_copies=lightweight) as repo:
        big = text_lines("big.txt", 1, 400)
        repo.commit({"big.txt": big, "tiny.txt": b"x\n"}, "base", "t")
        repo.commit({"copy.txt": big, "tiny2.txt": b"x\n"}, "copy", "t",
                    copies={"copy.txt": "big.txt", "tiny2.txt": "tiny.txt"})
        repo.commit({"moved.txt": big + b"more\n", "big.txt": None}, "rename", "t",
                    copies={"moved.txt": "big.txt"})
        repo.commit({"again.txt": big + b"more\n"}, "copy of a copy", "t",
                    copies={"again.txt": "moved.txt"})
        repo.commit({"copy.txt": big + b"edited\n"}, "edit a copy", "t")


def test_commits_store_copies_light_weight(tmp_path):
    standard, light = tmp_path / "standard", tmp_path / "light"
    commit_history(standard, False)
    commit_history(light, True)
    hg(standard, "verify")
    assert flagged(light) == [("again.txt", 0), ("copy.txt", 0), ("moved.txt", 0)]
    assert flagged(standard) == []
    assert snapshot(light) == snapshot(standard)
    assert_hg_refuses(light)
    with Store.open(light) as store:
        assert store.verify() == []
        assert store.changelog.node(4) == Store.open(standard).changelog.node(4)
    convert(light, False)
    hg(light, "verify")
    assert snapshot(light) == snapshot(standard)
    convert(light, True)  # and the reverse, from the standard store
    assert flagged(light) == [("again.txt", 0), ("copy.txt", 0), ("moved.txt", 0)]
    assert snapshot(light) == snapshot(standard)


# -- verify ----------------------------------------------------------------------------------

def light_store(tmp_path, compression: str = "none"):
    path = tmp_path / "light"
    Repo.init(path, compression=compression).close()
    with Repo.open(path, lightweight_copies=True) as repo:
        big = text_lines("big.txt", 1, 400)
        repo.commit({"big.txt": big}, "base", "t")
        repo.commit({"copy.txt": big + b"tail\n"}, "copy", "t", copies={"copy.txt": "big.txt"})
    return path


def test_verify_finds_a_broken_cross_revlog_base(tmp_path):
    path = light_store(tmp_path)
    with Store.open(path) as store, store.filelog("copy.txt") as rl:
        assert rl.flags(0) & REVIDX_COPY_DELTA
        chunk = rl.raw_chunk(0)  # stored plain: 2-byte length, path, source node, delta
        at = rl.chunk_offset(0) + 2 + len(b"big.txt") + 5
        index = rl.index_file
    assert chunk[:2 + len(b"big.txt")] == b"\0\x07big.txt"
    with open(index, "r+b") as f:
        f.seek(at)
        byte = f.read(1)
        f.seek(at)
        f.write(bytes([byte[0] ^ 0xFF]))
    with Store.open(path) as store:
        problems = store.verify()
    broken = [p for p in problems if p.kind == "bad-copy-base"]
    assert len(broken) == 1
    p = broken[0]
    assert (p.path, p.rev, p.field, p.changeset) == ("data/copy.txt.i", 0, "chunk", 1)
    assert "big.txt@" in p.message and "cannot be read" in p.message
    assert os.path.samefile(p.file, index)


def test_verify_finds_the_flag_in_a_store_without_the_requirement(tmp_path):
    path = light_store(tmp_path, "zstd")
    requires = path / ".hg" / "store" / "requires"
    requires.write_text(requires.read_text().replace(REQUIREMENT + "\n", ""))
    with Store.open(path) as store:
        problems = store.verify()
    unexpected = [p for p in problems if p.kind == "copy-delta-unexpected"]
    assert [(p.path, p.rev) for p in unexpected] == [("data/copy.txt.i", 0)]
    assert REQUIREMENT in unexpected[0].message


def store_state(repo) -> dict[str, str]:
    """The store as a reader sees it: journal, undo and lock files left out."""
    return {name: digest for name, digest in tree_digest(repo / ".hg").items()
            if not os.path.basename(name).startswith(("journal", "undo", "lock"))}


def test_a_conversion_failing_at_any_write_rolls_back(renames, tmp_path):
    """Every call that changes the disk (the rebuilds outside the store included) fails
    in turn: the store is as it was, or (past the commit point) as converted."""
    done = tmp_path / "done"
    shutil.copytree(renames, done, symlinks=True)
    counted = FaultyOS()
    with disk(counted):
        convert(done, True)
    before, after = tree_digest(renames / ".hg"), store_state(done)
    for point in range(len(counted.calls)):
        repo = tmp_path / f"failed{point}"
        shutil.copytree(renames, repo, symlinks=True)
        where = f"fault point {point} ({counted.calls[point]})"
        try:
            with disk(FaultyOS(fail_at=point, error=errno.EIO)):
                convert(repo, True)
        except TransactionError as exc:
            if "committed" in str(exc):
                assert store_state(repo) == after, where
            else:
                assert tree_digest(repo / ".hg") == before, where
        else:  # a failure shrugged off (a scratch file left unremoved)
            assert store_state(repo) == after, where
        shutil.rmtree(repo)
    assert len(counted.calls) > 20


def test_a_conversion_killed_anywhere_is_recovered(renames, tmp_path):
    """Killed before each call that changes the disk: our recover gives the store as it
    was or as converted (hg cannot: a store naming the requirement is not its own)."""
    work = tmp_path / "work"
    shutil.copytree(renames, work, symlinks=True)
    before = store_state(work)
    images = []

    def snapshot(n: int, name: str) -> None:
        image = tmp_path / f"image{len(images)}"
        shutil.copytree(work, image, symlinks=True)
        lock = image / ".hg" / "store" / "lock"
        if lock.is_symlink():  # the killed writer's lock: make it stale
            lock.unlink()
        images.append(image)

    with disk(FaultyOS(before=snapshot)):
        convert(work, True)
    after = store_state(work)
    for image in images:
        with Repo.open(image) as repo:
            repo.recover()
        assert store_state(image) in (before, after), image.name
        shutil.rmtree(image)
    assert len(images) > 20


def test_a_copy_naming_itself_as_its_base_is_damage_not_a_hang(tmp_path):
    path = tmp_path / "cycle"
    Repo.init(path, compression="none").close()
    with Repo.open(path, lightweight_copies=True) as repo:
        text = text_lines("aa.txt", 1, 300)
        repo.commit({"aa.txt": text}, "base", "t")
        repo.commit({"bb.txt": text + b"x\n"}, "copy", "t", copies={"bb.txt": "aa.txt"})
    with Store.open(path) as store, store.filelog("bb.txt") as rl:
        assert rl.raw_chunk(0)[:8] == b"\0\x06aa.txt"
        at, node, index = rl.chunk_offset(0), rl.node(0), rl.index_file
    with open(index, "r+b") as f:  # the payload now names bb.txt at its own node
        f.seek(at + 2)
        f.write(b"bb.txt" + node)
    with Store.open(path) as store:
        with store.filelog("bb.txt") as rl, pytest.raises(CorruptionError, match="of itself"):
            rl.revision(0)
        problems = store.verify()
    assert [p.rev for p in problems if p.kind == "bad-copy-base"] == [0]


def test_nothing_worth_converting_leaves_hg_its_store(tmp_path):
    path = tmp_path / "plain"
    Repo.init(path).close()
    with Repo.open(path, lightweight_copies=True) as repo:
        repo.commit({"a.txt": b"a\n"}, "base", "t")
        repo.commit({"b.txt": b"a\n"}, "tiny copy", "t", copies={"b.txt": "a.txt"})
    assert convert(path, True).revisions == []
    assert flagged(path) == []
    hg(path, "verify")  # no requirement named: a copy too small stays a full text
    assert hg(path, "debugrename", "-r", "1", "b.txt").startswith(b"b.txt renamed from a.txt:")


def test_the_search_for_copies_tells_each_filelog_hg_wrote(renames):
    """``progress`` hears (done, total) before each filelog; total is hg's file count."""
    out = hg(renames, "log", "-T", "{join(files, '\\n')}\\n").decode()
    files = sorted({line for line in out.splitlines() if line})
    heard: list[tuple[int, int]] = []
    with Store.open(renames) as store:
        found = lightcopies.all_copies(store, progress=lambda *tick: heard.append(tick))
        assert found == list(lightcopies.find_copies(store))  # the same copies, heard or not
        assert lightcopies.filelog_paths(store) == files
    assert heard == [(i, len(files)) for i in range(len(files))]
