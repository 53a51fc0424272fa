"""The cache of rebuilt texts: bounded, stops chains at the nearest text held, and never
serves a text that a write, a rollback, a strip or a reload made stale."""

from __future__ import annotations

import random

import pytest

from explorer.engine import Revlog
from explorer.engine.repo.repo import Repo
from explorer.engine.revlog.textcache import TextCache
from explorer.engine.transaction.transaction import Transaction
from tests import hgrepos as hgtools
from tests.engine.oracle_revlogs import revlogs


def test_least_recently_used_texts_go_first():
    cache = TextCache(max_bytes=10)
    cache.put(1, b"aaaa")
    cache.put(2, b"bbbb")
    assert cache.get(1) == b"aaaa"  # 1 is now the most recently used
    cache.put(3, b"cccc")
    assert 2 not in cache and 1 in cache and 3 in cache
    assert cache.size == 8


def test_the_last_text_stays_even_over_the_bound():
    cache = TextCache(max_bytes=10)
    cache.put(1, b"a")
    cache.put(2, b"b" * 50)
    assert list(cache._texts) == [2] and cache.size == 50
    cache.put(2, b"c")  # replacing a text counts its new size only
    assert cache.size == 1


def _raw(want: dict) -> bytes:
    return want["rawdata"] if want["rawdata"] is not None else want["rawdata_unvalidated"]


@pytest.mark.parametrize("max_bytes", [0, 3000, 1 << 30], ids=["last-only", "small", "all"])
@pytest.mark.hgrepos(features={"merge", "long-chain", "intermediate-snapshot"})
def test_reads_in_any_order_match_hg(hgoracle, max_bytes):
    """However many texts are held, and whatever order revisions are read in (merges
    make chains stop at texts read long before), every text is hg's."""
    for path, info, rl in revlogs(hgoracle):
        rl._inner.texts.max_bytes = max_bytes
        wants = list(info["revs"])
        random.Random(path).shuffle(wants)
        for want in wants + wants[::-1]:
            assert rl.revision(want["rev"]) == _raw(want), (path, want["rev"], max_bytes)


@pytest.mark.hgrepos(features={"long-chain"})
def test_a_chain_stops_at_the_nearest_text_held(hgoracle):
    checked = 0
    for _path, info, rl in revlogs(hgoracle):
        inner = rl._inner
        for want in info["revs"]:
            chain = list(want["delta_chain"])
            if len(chain) < 3:
                continue
            rl.clear_caches()
            rl.revision(chain[-3])  # the text two deltas below
            links, held = inner.chain(want["rev"], inner.texts)
            assert held == chain[-3] and [link[0] for link in links] == chain[-2:]
            checked += 1
    assert checked


def _text(i: int, variant: bytes = b"") -> bytes:
    return b"".join(b"line %d of %d%s\n" % (n, i, variant if n == i % 7 else b"")
                    for n in range(40))


def test_rolled_back_revisions_are_not_served(tmp_path):
    """Texts read inside a transaction that rolls back are gone with it: the revisions
    added afterwards at the same numbers are read, not the cached ones."""
    (tmp_path / "data").mkdir()

    def fs(p: str) -> str:
        return str(tmp_path / p)

    rl = Revlog.open(fs("data/x.i"), name="data/x.i")
    with Transaction(str(tmp_path), fs) as tr:
        for i in range(5):
            rl.add_revision(_text(i), i - 1, -1, i, tr)
    with pytest.raises(KeyError), Transaction(str(tmp_path), fs) as tr:
        for i in range(5, 10):
            rl.add_revision(_text(i, b" doomed"), i - 1, -1, i, tr)
        assert [rl.revision(r) for r in range(10)][-1] == _text(9, b" doomed")
        raise KeyError("abort")
    assert len(rl) == 5 and len(rl._inner.texts) == 0
    with Transaction(str(tmp_path), fs) as tr:
        for i in range(5, 10):
            rl.add_revision(_text(i), i - 1, -1, i, tr)
    rl.clear_caches()
    assert [rl.revision(r) for r in range(10)] == [_text(i) for i in range(10)]


def test_texts_after_a_strip_and_new_commits_are_hgs(tmp_path):
    path = tmp_path / "r"
    with Repo.init(path) as repo:
        for i in range(6):
            repo.commit({"a.txt": _text(i)}, f"c{i}", "test")
        flog = repo.revlog("data/a.txt.i")
        assert [flog.revision(r) for r in range(6)] == [_text(i) for i in range(6)]
        repo.strip(3)
        for i in range(3, 6):
            repo.commit({"a.txt": _text(i, b" again")}, f"d{i}", "test")
        flog = repo.revlog("data/a.txt.i")
        ours = [flog.revision(r) for r in range(6)]
    assert ours == [hgtools.hg(path, "debugdata", "a.txt", str(r)) for r in range(6)]
    assert ours[5] == _text(5, b" again")


def test_a_reload_forgets_what_another_writer_replaced(tmp_path):
    """hg strips and commits other texts at the same revision numbers: once reloaded,
    our revlog reads hg's new texts."""
    path = tmp_path / "r"
    with Repo.init(path) as repo:
        for i in range(4):
            repo.commit({"a.txt": _text(i)}, f"c{i}", "test")
    rl = Revlog.open(path / ".hg" / "store" / "data" / "a.txt.i", name="data/a.txt.i")
    assert rl.revision(3) == _text(3)
    hgtools.hg(path, "strip", "--no-backup", "-r", "2", config={"extensions.strip": ""})
    hgtools.hg(path, "update", "-C", "1")
    (path / "a.txt").write_bytes(_text(2, b" by hg"))
    hgtools.hg(path, "commit", "-m", "hg", "-u", "test")
    assert not rl.is_current()
    rl._inner.reload()
    assert rl.revision(2) == hgtools.hg(path, "debugdata", "a.txt", "2") == _text(2, b" by hg")
