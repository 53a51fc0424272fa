"""``data`` prints what ``hg debugdata`` prints, and finds revisions as hg does."""

from __future__ import annotations

import base64
import json

import pytest

from tests.reports.runner import Comparison, index_paths, ours, revlog_targets


def _revision_ids(server, repo, config, target) -> list[str]:
    """Ids to try on ``target``: numbers (some out of range), nodes, prefixes, null."""
    listing = server.run(repo, "debugindex", "--debug", *target, config=config).out.splitlines()
    count = len(listing) - 1
    last = listing[-1].split()[3].decode()
    return ["0", str(count - 1), "-1", f"-{count}", f"-{count + 1}", str(count), last,
            last[:12], last[:5], "000", "0" * 40, "f", "ff", "zz", ""]


def test_every_repository_format(hg_server, hgrepo, hgconfig):
    """Filelogs take only numbers and full nodes; other revlogs also take prefixes;
    a censored revision is refused."""
    cmp = Comparison(hg_server, hgconfig)
    for target in revlog_targets(hg_server, hgrepo, hgconfig, max_files=4):
        for ident in _revision_ids(hg_server, hgrepo, hgconfig, target):
            cmp.same(hgrepo, "data", *target, "--", ident)
    cmp.check()


@pytest.mark.parametrize("name", ["odd", "worktree"])
def test_handmade_repositories(hg_server, handmade_repos, name):
    repo = handmade_repos(name)
    cmp = Comparison(hg_server)
    for target in revlog_targets(hg_server, repo, {}):
        for rev in range(8):
            cmp.same(repo, "data", *target, str(rev))
    cmp.check()


@pytest.mark.hgrepos("zstd", "split-inline", "revlogv2", "v0")
def test_index_file_path_prints_what_hg_prints_for_the_revlog(hg_server, hgrepo, hgconfig):
    """hg debugdata refuses a path to a .i; we accept it, and look revisions up as hg
    does in revlogs other than filelogs (-1 is the tip there, not the null revision)."""
    cmp = Comparison(hg_server, hgconfig)
    targets = revlog_targets(hg_server, hgrepo, hgconfig)
    for hg_form, path in index_paths(hgrepo, targets).items():
        for rev in ("0", "1", "-1") if hg_form in ("-c", "-m") else ("0", "1"):
            cmp.same(hgrepo, "data", path, "--", rev, hg_args=[hg_form, "--", rev])
    cmp.check()


def test_argument_errors_match_hg(hg_server, handmade_repos):
    repo = handmade_repos("worktree")
    cmp = Comparison(hg_server)
    cmp.same(repo, "data", "-c", "0", "1")  # a revision twice
    cmp.same(repo, "data", "a.txt")  # no revision
    cmp.same(repo, "data", "-c", "-m", "0")
    cmp.same(repo, "data", "nosuchfile", "0")
    cmp.check()
    assert ours(repo, "data", "a.txt").err == b"revlog-explorer: please specify a revision\n"


@pytest.mark.hgrepos("censored")
def test_a_censored_revision_is_refused(hg_server, hgrepo, hgconfig):
    index = hg_server.run(hgrepo, "debugindex", "-v", "secret.txt", config=hgconfig).out
    censored = [line.split()[0].decode() for line in index.splitlines()[1:]
                if int(line.split()[10]) & 0x8000]
    assert censored
    for rev in censored:
        hg = hg_server.run(hgrepo, "debugdata", "secret.txt", rev, config=hgconfig)
        assert hg.status != 0 and b"censored" in hg.err
        got = ours(hgrepo, "data", "secret.txt", rev)
        assert (got.status, got.out) == (255, b"")
        expected = f"revlog-explorer: file censored data/secret.txt.i:{rev}"
        assert got.err.decode().startswith(expected)


@pytest.mark.hgrepos("zstd")
def test_json_carries_the_text(hg_server, hgrepo, hgconfig):
    for target in revlog_targets(hg_server, hgrepo, hgconfig, max_files=4):
        hg = hg_server.run(hgrepo, "debugdata", *target, "0", config=hgconfig)
        [record] = json.loads(ours(hgrepo, "data", "--json", *target, "0").out)
        text = record["text"].encode() if "text" in record else base64.b64decode(record["base64"])
        assert text == hg.out
        assert record["size"] == len(hg.out) and record["rev"] == 0
