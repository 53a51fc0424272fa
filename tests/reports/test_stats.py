"""``stats`` prints what ``hg debugrevlog`` prints (with ``-d``, its ``--dump``)."""

from __future__ import annotations

import json
import re

import pytest

from tests.reports.runner import Comparison, compare_all, index_paths, ours, revlog_targets

OPTIONS = [[], ["-d"]]


def test_every_repository_format(hg_server, hgrepo, hgconfig):
    cmp = Comparison(hg_server, hgconfig)
    targets = revlog_targets(hg_server, hgrepo, hgconfig, max_files=5)
    # By path, hg reads a revlog without the store's settings: not sparse.
    targets += [[path] for path in index_paths(hgrepo, targets).values()]
    compare_all(cmp, hgrepo, "stats", OPTIONS, targets)
    cmp.check()


@pytest.mark.parametrize("name", ["odd", "worktree", "dag"])
def test_handmade_repositories(hg_server, handmade_repos, name):
    repo = handmade_repos(name)
    cmp = Comparison(hg_server)
    targets = revlog_targets(hg_server, repo, {})
    targets += [[path] for path in index_paths(repo, targets).values()]
    compare_all(cmp, repo, "stats", OPTIONS, targets)
    cmp.check()


def test_json_counts_add_up_to_the_text(handmade_repos):
    repo = handmade_repos("dag")
    [record] = json.loads(ours(repo, "stats", "--json", "mf").out)
    text = ours(repo, "stats", "mf").out.decode()
    assert re.search(rf"^revisions     : +{record['revisions']}$", text, re.M)
    assert record["full_snapshots"] + record["intermediate_snapshots"] + record["deltas"] + \
        record["empty_full_texts"] + record["empty_deltas"] == record["revisions"]
    assert record["intermediate_snapshots"] > 0
    assert sum(record["snapshots_by_depth"].values()) == (
        record["full_snapshots"] + record["intermediate_snapshots"])
    assert sum(c["count"] for c in record["chunks_by_type"].values()) == record["revisions"]
    assert sum(c["size"] for c in record["chunks_by_type"].values()) == record["stored_size"]


def test_dump_json_has_one_object_per_text_line(handmade_repos):
    repo = handmade_repos("odd")
    rows = json.loads(ours(repo, "stats", "-d", "--json", "f").out)
    lines = ours(repo, "stats", "-d", "f").out.decode().splitlines()[1:]
    assert [row["rev"] for row in rows] == list(range(len(lines)))
    for row, line in zip(rows, lines):
        fields = line.split()
        assert [row["p1"], row["p2"], row["full_size"], row["heads"], row["chain_length"]] == [
            int(fields[1]), int(fields[2]), int(fields[9]), int(fields[12]), int(fields[13])]


def test_an_empty_revlog_is_an_error_not_a_crash(tmp_path):
    (tmp_path / "empty.i").write_bytes(b"")
    result = ours(tmp_path, "stats", "empty.i")
    assert result.status == 255
    assert result.err == b"revlog-explorer: empty.i has no revision: no statistics to show\n"
