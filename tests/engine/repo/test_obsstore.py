"""The obsstore reader against markers hg wrote: every predecessor, successor list and
flag as ``hg debugobsolete -T json`` lists them, in both on-disk versions; a
truncated file or an unknown version is refused, as hg refuses it."""

from __future__ import annotations

import json

import pytest

from explorer.engine.errors import CorruptionError
from explorer.engine.repo.obsstore import read_markers
from tests.hgrepos import hg, hg_run

EVOLVE = {"experimental.evolution": "createmarkers"}


def node(repo, rev: str) -> str:
    return hg(repo, "log", "--hidden", "-r", rev, "-T", "{node}", config=EVOLVE).decode()


@pytest.fixture(params=["1", "0"])
def marked(request, hgrepos, tmp_path):
    """A copy of the zstd repo with markers of every shape, in obsstore version ``param``."""
    repo = hgrepos.copy("zstd", tmp_path / "zstd")
    config = {**EVOLVE, "format.obsstore-version": request.param}
    hg(repo, "debugobsolete", "--record-parents", node(repo, "41"), config=config)
    hg(repo, "debugobsolete", node(repo, "39"), node(repo, "38"), node(repo, "37"),
       "-d", "5 60", "-u", "someone", config=config)
    hg(repo, "debugobsolete", "--flags", "1", node(repo, "36"), node(repo, "35"), config=config)
    hg(repo, "debugobsolete", "cd" * 20, "-u", "x" * 200, config=config)
    return repo


def test_markers_as_hg_lists_them(marked):
    listed = json.loads(hg(marked, "debugobsolete", "-T", "json", config=EVOLVE))
    data = (marked / ".hg/store/obsstore").read_bytes()
    got = [(m.predecessor.hex(), [s.hex() for s in m.successors], m.flags)
           for m in read_markers(data)]
    assert got == [(m["prednode"], m["succnodes"], m["flag"]) for m in listed]


def test_truncated_or_unknown_version_refused(marked):
    path = marked / ".hg/store/obsstore"
    data = path.read_bytes()
    for damaged in (data[:-3], bytes([7]) + data[1:]):
        path.write_bytes(damaged)
        with pytest.raises(CorruptionError):
            read_markers(damaged)
        status, _out, _err = hg_run(marked, "log", "-r", "tip", config=EVOLVE)
        assert status != 0
