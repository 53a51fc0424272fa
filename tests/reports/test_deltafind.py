"""``debug-delta-find`` prints what ``hg debug-delta-find`` prints, the two timings
(``delta-search-time``, ``duration``) masked, for every revision of every revlog
of repositories that take every path of the search, under every ``--source``.

hg 7.2.4 aborts on an inline revlog (it opens the missing ``.d``); we do not.
hg runs in a copy of each repository given an empty ``.d`` beside every inline
index, we run in the repository as hg wrote it: the same search either way.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from explorer.engine import Repo, Store
from explorer.reports import deltafind
from explorer.reports.target import Selection, Target, open_store, resolve
from tests.hgrepos import History, edit_line, hg, text_lines
from tests.reports import deltafind_repos
from tests.reports.runner import describe_difference, ours

SOURCES = ("full", "storage", "p1", "p2", "prev")
TIMINGS = re.compile(rb"(delta-search-time|duration)=\d+\.\d{6}\n")

#: Every kind of line and outcome the search prints, and each must show up.
EXPECTED = ("- parents\n", "search-down (snapshot)", "refine-down (snapshot)",
            "refine-up (snapshot)", "search-down (prev)", "cached-delta", "CONTENDER",
            "(GOOD)", "(BAD)", "(BIGGER)", "NO-DELTA", "DISCARDED (prev size)",
            "DISCARDED (snapshot limit)",
            "projected-lower-size", "type=p2", "type=snapshot-1", "type=snapshot-2",
            "delta-type=snapshot", "delta-type=full", "delta-type=delta", "is-cached=1",
            "SEARCH rev=0\n", "CHANGELOG:", "MANIFESTLOG: ", "MANIFESTLOG:sub/dir/:",
            "FILELOG:")


def masked(out: bytes) -> bytes:
    return TIMINGS.sub(rb"\1=(masked)\n", out)


def targets(repo: Path) -> list[tuple[list[str], int]]:
    """(argument naming the revlog, its revision count) for each revlog of ``repo``."""
    found = []
    for kind, path, rl in Store.open(repo).revlogs():
        arg = {"changelog": ["-c"], "manifest": ["-m"]}.get(kind, [path[len("data/"):-2]])
        if path.startswith("meta/"):
            arg = ["--dir", path[len("meta/"):-len("/00manifest.i")]]
        found.append((arg, len(rl)))
    return found


def hg_view(repo: Path, dest: Path) -> Path:
    """A copy of ``repo`` hg's command can run in (an empty ``.d`` by each inline ``.i``)."""
    copy = dest / repo.name
    if not copy.exists():
        shutil.copytree(repo, copy)
        deltafind_repos.with_data_files(copy)
    return copy


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each repository of ``deltafind_repos``: (as hg wrote it, hg's view of it)."""
    root = tmp_path_factory.mktemp("deltafind")
    views = tmp_path_factory.mktemp("deltafind-hg")
    return {name: (repo, hg_view(repo, views))
            for name in deltafind_repos.FORMATS
            for repo in [deltafind_repos.build(root, name)]}


@pytest.fixture(scope="module")
def hg_traces(built, hg_server) -> dict[tuple[str, tuple[str, ...]], bytes]:
    """hg's output for each repository, revlog, revision and source."""
    traces = {}
    for name, (_, view) in built.items():
        for arg, count in targets(view):
            for rev in range(count):
                for source in SOURCES:
                    args = ("debug-delta-find", *arg, str(rev), "--source", source)
                    result = hg_server.run(view, *args)
                    assert result.status == 0, (args, result.err)
                    traces[name, args] = result.out
    return traces


@pytest.mark.parametrize("name", list(deltafind_repos.FORMATS))
def test_every_revision_every_source(name, built, hg_traces):
    """The report itself, each revlog opened once (the command line is tested below:
    building its parser would take most of the time here)."""
    repo = built[name][0]
    failures = []
    reports = {}
    for (which, args), expected in hg_traces.items():
        if which != name:
            continue
        *arg, rev, _, source = args[1:]
        if tuple(arg) not in reports:
            reports[tuple(arg)] = _report_on(repo, arg)
        target, st = reports[tuple(arg)]
        got = "".join(deltafind.deltafind_lines(target, st, int(rev), source)).encode()
        if masked(got) != masked(expected):
            failures.append(f"{' '.join(args)}:\n"
                            f"{describe_difference(masked(expected), masked(got))}")
    assert not failures, f"{len(failures)} differ:\n\n" + "\n\n".join(failures[:5])


def _report_on(repo: Path, arg: list[str]) -> tuple[Target, deltafind.Setup]:
    selection = Selection(changelog=arg == ["-c"], manifest=arg == ["-m"],
                          dir=arg[1] if arg[0] == "--dir" else None,
                          file=None if arg[0].startswith("-") else arg[0])
    target = resolve(selection, cwd=str(repo))
    return target, deltafind.setup(target, open_store(None, cwd=str(repo)))


def test_the_repositories_take_every_path(hg_traces):
    everything = b"".join(hg_traces.values())
    assert [e for e in EXPECTED if e.encode() not in everything] == []


def test_quiet_template_and_alias(built, hg_server):
    repo, view = built["sparse"]
    for args in (["-q", "wide.txt", "30"], ["-m", "20", "-T", "json"],
                 ["small.txt", "12", "-T", "{rev}", "--source", "p1"]):
        expected = hg_server.run(view, "debug-delta-find", *args)
        assert expected.status == 0
        for command in ("debug-delta-find", "debugdeltafind"):
            assert masked(ours(repo, command, *args).out) == masked(expected.out)


def test_revlog_named_by_path(built, hg_server):
    """A revlog opened by path is read without the store's settings, as hg reads it."""
    repo, view = built["sparse"]
    index = "data/wide.txt.i"
    for rev in (0, 17, 30):
        args = ("debug-delta-find", f".hg/store/{index}", str(rev))
        expected = hg_server.run(view, *args)
        assert expected.status == 0, expected.err
        assert b"UNKNOWN" in expected.out
        assert masked(ours(repo, *args).out) == masked(expected.out)


@pytest.mark.parametrize("args", [
    ["wide.txt", "3", "--source", "parent"],  # no such source
    ["wide.txt", "tip"],                       # a revision number only
    ["wide.txt", "1000"],                      # past the end
    ["-c", "wide.txt", "3"],                   # a file with -c
    ["3"],                                     # no revlog named
])
def test_refusals(built, hg_server, args):
    repo, view = built["sparse"]
    assert hg_server.run(view, "debug-delta-find", *args).status != 0
    got = ours(repo, "debug-delta-find", *args)
    assert got.status != 0 and got.out == b"" and got.err.count(b"\n") == 1, got
    assert b"Traceback" not in got.err


def test_a_store_we_wrote(tmp_path, hg_server):
    """Our own writer's revlogs (the same history, committed by the engine) give
    the same traces in hg and in our report."""
    repo = tmp_path / "ours"
    _commit_with_engine(Repo.init(repo, compression="zlib"), deltafind_repos.history())
    view = hg_view(repo, tmp_path / "hg")
    failures = []
    for arg, count in targets(repo):
        target, st = _report_on(repo, arg)
        for rev in range(count):
            for source in ("full", "p2"):
                args = ("debug-delta-find", *arg, str(rev), "--source", source)
                expected = hg_server.run(view, *args)
                got = "".join(deltafind.deltafind_lines(target, st, rev, source)).encode()
                if expected.status or masked(got) != masked(expected.out):
                    failures.append(f"{' '.join(args)}: {expected.err!r}\n"
                                    f"{describe_difference(expected.out, got)}")
    assert not failures, f"{len(failures)} differ:\n\n" + "\n\n".join(failures[:5])


def _commit_with_engine(repo: Repo, history: History) -> None:
    for c in history.commits:
        files = {path.decode(): None if change is None else change[0]
                 for path, change in c.files.items()}
        parents = (-1 if c.p1 is None else c.p1, -1 if c.p2 is None else c.p2)
        repo.commit(files, message=c.message, user=c.user, date=(c.date, 0),
                    parents=parents, branch=c.branch)


def test_delta_info_stores_are_refused(tmp_path):
    """hg folds deltas to choose bases in a delta-info store; we say we do not."""
    repo = Repo.init(tmp_path / "r", delta_info=True)
    repo.commit({"a.txt": b"a\n"}, message="a", user="u")
    got = ours(tmp_path / "r", "debug-delta-find", "a.txt", "0")
    assert got.status == 255 and got.out == b"" and b"delta-info" in got.err


def _merge_and_close_edits() -> History:
    """A merge whose manifest text is its second parent's (stored as an empty delta, in
    the chains of the revisions after it), then a file of short lines edited two lines
    apart, on which hg's delta algorithm and our compact bdiff differ in size."""
    h = History()
    h.commit({"f.txt": text_lines("f", 0, 60), "g.txt": text_lines("g", 0, 10)})
    root = h.tip
    g = edit_line(h.data("g.txt"), 1, "both")
    h.commit({"g.txt": g, "f.txt": edit_line(h.data("f.txt"), 5, "side")}, parent=root,
             branch="side")
    side = h.tip
    h.commit({"g.txt": g}, parent=root)  # the side's change to g.txt, nothing more
    h.merge(h.tip, side)
    lines = [b"%d\n" % k for k in range(60)]
    for n in range(8):
        for at in range(n, 58, 9):  # a changed line, a short one kept (no hunk header's
            lines[at] = lines[at + 2] = b"%d.%d\n" % (n, at)  # worth), a changed line
        h.commit({"short.txt": b"".join(lines)})
    return h


def test_hgs_algorithm_where_ours_differs(tmp_path, hg_server):
    """Where our compact bdiff's deltas differ in size from hg's, the report replays
    with hg's algorithm and matches hg; an empty delta in a parent's chain counts
    in its chain length, as hg counts it."""
    hg(tmp_path, "init", "r", config=deltafind_repos.ZLIB)
    repo = tmp_path / "r"
    _merge_and_close_edits().apply(repo)
    view = hg_view(repo, tmp_path / "hg")
    manifest = Store.open(repo).manifest
    assert any(manifest.raw_chunk(rev) == b"" for rev in range(len(manifest)))
    failures, compact_differs = [], 0
    for arg, count in targets(repo):
        target, st = _report_on(repo, arg)
        compact = deltafind.Setup(replace(st.delta, delta_algorithm="compact"), st.compress,
                                  st.label)
        for rev in range(count):
            for source in ("full", "p1"):
                args = ("debug-delta-find", *arg, str(rev), "--source", source)
                result = hg_server.run(view, *args)
                assert result.status == 0, (args, result.err)
                expected = masked(result.out)
                got = "".join(deltafind.deltafind_lines(target, st, rev, source)).encode()
                if masked(got) != expected:
                    failures.append(f"{' '.join(args)}:\n"
                                    f"{describe_difference(expected, masked(got))}")
                before = deltafind.deltafind_lines(target, compact, rev, source)
                compact_differs += masked("".join(before).encode()) != expected
    assert not failures, f"{len(failures)} differ:\n\n" + "\n\n".join(failures[:5])
    assert compact_differs > 0
