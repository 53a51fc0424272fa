"""Phases, bookmarks, hidden changesets, heads and branch heads, as hg reports them.

Each repository is a copy of the "zstd" corpus repository (named branches, merges,
a closed branch) moved by hg commands: phases changed, bookmarks set, changesets
made obsolete by ``hg debugobsolete``. hg's own listings are the expected output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from explorer.engine import Store
from explorer.engine.repo.phases import ARCHIVED, NAMES
from tests.hgrepos import hg, hg_executable, hg_run

EVOLVE = {"experimental.evolution": "createmarkers"}


def ours_phases(store: Store) -> bytes:
    return b"".join(b"%d: %s\n" % (rev, NAMES[phase].encode())
                    for rev, phase in enumerate(store.phase_map)
                    if rev not in store.filtered("visible"))


def ours_bookmarks(store: Store) -> bytes:
    cl = store.changelog
    return b"".join(b"%s %d\n" % (name.encode(), cl.rev(node))
                    for name, node in store.bookmarks().items())


def ours_branches(store: Store, closed: bool = True) -> bytes:
    return b"".join(b"%s %d %s %s\n" % (b.name.encode(), b.tip, str(active).encode(),
                                        str(b.closed).encode())
                    for b, active in store.branches() if closed or not b.closed)


def lines(revs) -> bytes:
    return b"".join(b"%d\n" % r for r in revs)


def assert_like_hg(repo: Path, config: dict) -> None:
    """Every query equal to what hg prints for the repository as it is now."""
    def run(*args: str) -> bytes:
        return hg(repo, *args, config=config)

    with Store.open(repo) as store:
        assert ours_phases(store) == run("phase", "-r", "all()")
        assert ours_bookmarks(store) == run("bookmarks", "-T", "{bookmark} {rev}\n")
        assert lines(store.branch_heads()) == run("heads", "-T", "{rev}\n")
        assert lines(store.branch_heads(closed=True)) == run("heads", "-c", "-T", "{rev}\n")
        assert ours_branches(store) == run("branches", "-c", "-T",
                                           "{branch} {rev} {active} {closed}\n")
        assert ours_branches(store, closed=False) == run(
            "branches", "-T", "{branch} {rev} {active} {closed}\n")
        assert lines(store.heads()) == run("log", "-r", "sort(heads(all()))", "-T", "{rev}\n")
        assert lines(store.heads("served")) == run(  # hg's served: secret phase and above
            "log", "-r", "sort(heads(not (secret() or _phase(32) or _phase(96))))",
            "-T", "{rev}\n")
        assert lines(store.heads(None)) == run(
            "log", "--hidden", "-r", "sort(heads(all()))", "-T", "{rev}\n")
        assert lines(sorted(store.filtered("visible"))) == run(
            "log", "--hidden", "-r", "sort(hidden())", "-T", "{rev}\n")


@pytest.fixture
def zstd(hgrepos, tmp_path) -> tuple[Path, dict]:
    return hgrepos.copy("zstd", tmp_path / "zstd"), {**hgrepos.config("zstd"), **EVOLVE}


def node(repo: Path, config: dict, rev: str) -> str:
    return hg(repo, "log", "--hidden", "-r", rev, "-T", "{node}", config=config).decode()


def test_as_built(zstd):
    assert_like_hg(*zstd)


def test_phases_bookmarks_and_closed_branches(zstd):
    repo, config = zstd
    hg(repo, "phase", "--public", "-r", "20", config=config)
    hg(repo, "phase", "--secret", "--force", "-r", "38", config=config)
    for name, rev in (("alpha", "10"), ("beta", "34"), ("with space", "39"), ("zz", "32")):
        hg(repo, "bookmark", "-r", rev, name, config=config)
    assert_like_hg(repo, config)
    hg(repo, "update", "-r", "34", config=config)
    hg(repo, "commit", "--close-branch", "-m", "close stable", config=config)
    assert_like_hg(repo, config)


def test_obsolete_changesets_hidden(zstd):
    repo, config = zstd
    hg(repo, "phase", "--public", "-r", "20", config=config)
    # pruned: 41 and 40 (hidden), 33 (kept: its child 34 is visible), 5 (public: not obsolete)
    for rev in ("41", "40", "33", "5"):
        hg(repo, "debugobsolete", node(repo, config, rev), config=config)
    # rewritten: 37 by 38's node (37 then stays: 38 descends from it)
    hg(repo, "debugobsolete", node(repo, config, "37"), node(repo, config, "38"), config=config)
    hg(repo, "debugobsolete", "ab" * 20, config=config)  # a node the changelog lacks
    assert_like_hg(repo, config)
    hg(repo, "debugobsolete", node(repo, config, "39"), config=config)
    hg(repo, "debugobsolete", node(repo, config, "38"), config=config)
    assert_like_hg(repo, config)
    hg(repo, "bookmark", "-r", node(repo, config, "40"), "--hidden", "pin", config=config)
    assert_like_hg(repo, config)


@pytest.mark.parametrize("pin", ["update", "localtag"])
def test_working_copy_and_local_tags_pin(zstd, pin):
    repo, config = zstd
    for rev in ("41", "40", "39"):
        hg(repo, "debugobsolete", node(repo, config, rev), config=config)
    if pin == "update":
        hg(repo, "update", "--hidden", "-r", node(repo, config, "40"), config=config)
    else:
        hg(repo, "tag", "--local", "--hidden", "-r", node(repo, config, "40"), "t", config=config)
    assert_like_hg(repo, config)


def test_bookmarks_in_store(tmp_path):
    repo = tmp_path / "r"
    hg(tmp_path, "init", "r", config={"format.bookmarks-in-store": "yes"})
    for i in range(3):
        (repo / "f").write_text(f"{i}\n")
        hg(repo, "commit", "-A", "-m", f"c{i}")
    hg(repo, "bookmark", "-r", "1", "in-store")
    assert (repo / ".hg/store/bookmarks").exists()
    assert_like_hg(repo, {})


def test_obsstore_sha256_and_v0(zstd):
    repo, config = zstd
    hg(repo, "debugobsolete", node(repo, config, "41"),
       config={**config, "format.obsstore-version": "0"})
    assert (repo / ".hg/store/obsstore").read_bytes()[0] == 0
    assert_like_hg(repo, config)


HOOK = (f"{sys.executable} -c 'import sys; from explorer.engine import Store; "
        "s = Store.open(\".\"); sys.stdout.buffer.write(b\"\".join(b\"%d %d\\n\" % rp "
        "for rp in enumerate(s.phase_map)) + b\"\".join(b\"%s\\n\" % n.encode() "
        "for n in s.bookmarks()))' > ours.txt && "
        f"{hg_executable()} log -r 'all()' -T '{{rev}} {{phase}}\\n' > theirs.txt && "
        f"{hg_executable()} bookmarks -T '{{bookmark}}\\n' >> theirs.txt")


def test_pending_files_seen_by_hooks(zstd):
    """In a pretxnclose hook, hg and we both read phaseroots.pending, bookmarks.pending."""
    repo, config = zstd
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    hooked = {**config, "hooks.pretxnclose.compare": HOOK}
    hg(repo, "phase", "--public", "-r", "25", config=hooked, env=env)
    assert (repo / "ours.txt").read_bytes().replace(b" 0\n", b" public\n").replace(
        b" 1\n", b" draft\n") == (repo / "theirs.txt").read_bytes()
    hg(repo, "bookmark", "-r", "3", "pending-mark", config=hooked, env=env)
    theirs = (repo / "theirs.txt").read_bytes()
    assert b"pending-mark" in theirs
    assert (repo / "ours.txt").read_bytes().replace(b" 0\n", b" public\n").replace(
        b" 1\n", b" draft\n") == theirs


def test_archived_changesets_hidden(tmp_path):
    """An amend with cleanup-as-archived moves the old changeset to the archived phase,
    which the visible filter hides (no obsolescence marker is involved)."""
    repo = tmp_path / "r"
    hg(tmp_path, "init", "r", config={"format.exp-archived-phase": "yes"})
    for text in ("a", "b"):
        (repo / "f").write_text(text)
        hg(repo, "commit", "-A", "-m", text)
    (repo / "f").write_text("c")
    hg(repo, "commit", "--amend", "-m", "b2", config={"experimental.cleanup-as-archived": "yes"})
    with Store.open(repo) as store:
        assert store.phase(1) == ARCHIVED
    assert_like_hg(repo, {})
    hg(repo, "bookmark", "--hidden", "-r", "1", "keep")
    assert_like_hg(repo, {})


def test_unresolved_graft_pins_its_source(zstd):
    """A graft stopped on a conflict keeps the obsolete changeset it grafts visible
    (hg's merge state pins both sides), and hides it again once aborted."""
    repo, config = zstd
    for text, name in ((b"one\n", "A"), (b"two\n", "B")):
        hg(repo, "update", "-q", "-r", "41", config=config)
        (repo / "README.txt").write_bytes(text)
        hg(repo, "commit", "-q", "-m", name, config=config)
    grafted = node(repo, config, "tip")
    hg(repo, "update", "-q", "-r", "42", config=config)
    hg(repo, "debugobsolete", grafted, config=config)
    assert_like_hg(repo, config)
    status, _out, _err = hg_run(repo, "graft", "--hidden", "-r", grafted, "--tool",
                                "internal:fail", config=config)
    assert status != 0 and (repo / ".hg/merge/state2").exists()
    assert_like_hg(repo, config)
    hg(repo, "graft", "--abort", config=config)
    assert_like_hg(repo, config)
