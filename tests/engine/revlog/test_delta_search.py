"""The delta search's tracer and its replay of a stored revision.

hg's own trace of the same searches is compared in tests/reports/test_deltafind.py;
here: a tracer only listens (the choice is the same with or without one), its
events come in the order ``TRACE_EVENTS`` documents, and replaying the search for
a revision our writer stored chooses what the writer chose.
"""

from __future__ import annotations

import pytest

from explorer.engine import NULL_REV, Repo
from explorer.engine.format.compression import Compressor
from explorer.engine.repo.formats import write_config
from explorer.engine.revlog.delta_search import TRACE_EVENTS
from tests.reports import deltafind_repos


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The history of the debug-delta-find tests, written by our engine."""
    repo = Repo.init(tmp_path_factory.mktemp("search") / "r", compression="zlib")
    for c in deltafind_repos.history().commits:
        files = {p.decode(): None if ch is None else ch[0] for p, ch in c.files.items()}
        parents = (-1 if c.p1 is None else c.p1, -1 if c.p2 is None else c.p2)
        repo.commit(files, message=c.message, user=c.user, date=(c.date, 0),
                    parents=parents, branch=c.branch)
    return repo.store


class _Events(list):
    """A tracer: keeps the events it hears."""

    def __call__(self, *event) -> None:
        self.append(event)


def _replays(store, path):
    rl = store.filelog(path)
    wc = write_config(store.requirements, "filelog")
    compress = Compressor(wc.compression, wc.level).compress
    for rev in range(len(rl)):
        events = _Events()
        traced = rl.replay_delta_search(rev, wc.delta, rl.parents(rev), compress,
                                        trace=events)
        plain = rl.replay_delta_search(rev, wc.delta, rl.parents(rev), compress)
        yield rl, rev, traced, plain, events


@pytest.mark.parametrize("path", ["wide.txt", "small.txt", "flat.txt", "blob.bin"])
def test_replay_chooses_what_the_writer_stored(store, path):
    for rl, rev, traced, plain, _ in _replays(store, path):
        assert (traced.base, traced.data) == (plain.base, plain.data)
        stored = rl.delta_parent(rev)
        assert traced.base == (rev if stored == NULL_REV else stored), rev


def test_events_come_in_order(store):
    for _, _, _, _, events in _replays(store, "wide.txt"):
        names = [e[0] for e in events]
        assert set(names) <= set(TRACE_EVENTS)
        assert names[0] == "search" and names.count("search") == 1
        # each candidate is built, then judged, before the next one or the next round
        judged = [n for n in names if n in ("candidate", "verdict")]
        assert judged == ["candidate", "verdict"] * names.count("candidate")
        assert all(names[i + 1] == "candidate" for i, n in enumerate(names) if n == "round")
