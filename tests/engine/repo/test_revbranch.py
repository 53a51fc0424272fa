"""The branch map read through hg's rev-branch cache (``.hg/cache/rbc-*``), in every state
the cache can be in, equal to what hg answers from the same cache.

Each case starts from a copy of the "zstd" corpus repository (named branches, merges, a
closed branch) whose caches hg warmed (``hg debugupdatecaches``), its branch-heads
caches removed so that hg computes its branch map through the rev-branch cache as we
do. The case then damages the cache (or leaves it stale under a rewritten history). Our
answers are taken first; the damaged cache files are put back before every hg command,
since hg repairs the cache as it reads it.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from explorer.engine import Store
from tests.engine.repo.test_queries import EVOLVE, lines, ours_branches
from tests.hgrepos import hg

STRIP = {"extensions.strip": ""}


def rbc(repo: Path, name: str) -> Path:
    return repo / ".hg" / "cache" / f"rbc-{name}-v2"


def patch_record(repo: Path, rev: int, prefix: bytes | None = None,
                 number: int | None = None) -> None:
    path = rbc(repo, "revs")
    data = bytearray(path.read_bytes())
    old_prefix, old_number = struct.unpack_from(">4sI", data, 8 * rev)
    struct.pack_into(">4sI", data, 8 * rev, old_prefix if prefix is None else prefix,
                     old_number if number is None else number)
    path.write_bytes(bytes(data))


def flip_prefix(repo: Path, rev: int) -> None:
    data = rbc(repo, "revs").read_bytes()
    patch_record(repo, rev, prefix=bytes(b ^ 0xFF for b in data[8 * rev:8 * rev + 4]))


def stale(repo: Path, config: dict) -> None:
    """The cache of a history since stripped and committed anew on another branch."""
    saved = {p.name: p.read_bytes() for p in (repo / ".hg" / "cache").glob("rbc-*")}
    hg(repo, "strip", "-r", "38", config={**config, **STRIP})
    hg(repo, "update", "-r", "tip", config=config)
    hg(repo, "branch", "--force", "rewritten", config=config)
    for i in range(3):
        (repo / "new.txt").write_text(f"{i}\n")
        hg(repo, "commit", "-A", "-m", f"new {i}", config=config)
    for p in (repo / ".hg" / "cache").glob("branch*"):
        p.unlink()
    for name, data in saved.items():
        (repo / ".hg" / "cache" / name).write_bytes(data)


def legacy(repo: Path, config: dict) -> None:
    for name in ("names", "revs"):
        rbc(repo, name).rename(rbc(repo, name).with_name(f"rbc-{name}-v1"))


DAMAGE = {
    "warm": lambda repo, config: None,
    "truncated": lambda repo, config: rbc(repo, "revs").write_bytes(
        rbc(repo, "revs").read_bytes()[:8 * 20 + 3]),
    "empty records": lambda repo, config: rbc(repo, "revs").write_bytes(b""),
    "not yet written": lambda repo, config: [patch_record(repo, r, prefix=b"\0" * 4)
                                             for r in (3, 17, 18)],
    "history modified": lambda repo, config: flip_prefix(repo, 12),
    "unknown name": lambda repo, config: patch_record(repo, 15, number=1000),
    "names swapped": lambda repo, config: rbc(repo, "names").write_bytes(
        b"\0".join(reversed(rbc(repo, "names").read_bytes().split(b"\0")))),
    "no names": lambda repo, config: rbc(repo, "names").unlink(),
    "garbage": lambda repo, config: rbc(repo, "revs").write_bytes(bytes(range(256)) * 2),
    "name twice": lambda repo, config: [
        rbc(repo, "names").write_bytes(rbc(repo, "names").read_bytes() + b"\0default"),
        patch_record(repo, 5, number=3),
        patch_record(repo, 7, prefix=b"\0" * 4, number=1000)],
    "stale": stale,
    "legacy v1": legacy,
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_branch_map_through_the_cache_like_hg(hgrepos, tmp_path, case):
    repo = hgrepos.copy("zstd", tmp_path / "zstd")
    config = {**hgrepos.config("zstd"), **EVOLVE}
    hg(repo, "debugobsolete", hg(repo, "log", "-r", "40", "-T", "{node}",
                                 config=config).decode(), config=config)
    hg(repo, "debugupdatecaches", config=config)
    cache = repo / ".hg" / "cache"
    for p in cache.glob("branch*"):
        p.unlink()
    DAMAGE[case](repo, config)
    state = {p.name: p.read_bytes() for p in cache.glob("rbc-*")}
    with Store.open(repo) as store:
        ours = [lines(store.branch_heads()), lines(store.branch_heads(closed=True)),
                ours_branches(store)]

    def run(*args: str) -> bytes:
        for p in cache.glob("*"):
            p.unlink()
        for name, data in state.items():
            (cache / name).write_bytes(data)
        return hg(repo, *args, config=config)

    assert ours == [run("heads", "-T", "{rev}\n"), run("heads", "-c", "-T", "{rev}\n"),
                    run("branches", "-c", "-T", "{branch} {rev} {active} {closed}\n")]
