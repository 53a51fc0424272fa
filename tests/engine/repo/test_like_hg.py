"""A commit into a repository hg made gives the store hg's own commit gives.

Each case copies an hg-built repository twice, prepares both the same way
(phases made public as in a clone, a ``.hg/hgrc``), then makes the same change
with ``hg commit`` (after ``hg update`` to the parent) in one and with
``Repo.commit`` in the other. The stores must be byte-identical (hg's undo
files aside), and hg must say the same of both: verify, log with phases and
branches, ``hg branches``, ``hg phase``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.engine import Repo
from explorer.engine.store.config import ConfigError
from tests import hgrepos as hgtools

# Not yet: delta-info (hg also records each delta's quality in the entry flags, the
# engine does not); the formats Repo.open refuses are in test_refusals.py.
SPECS = ["zstd", "zlib", "none", "no-generaldelta", "gd-no-sparse", "treemanifest",
         "split-inline", "store-no-fncache", "store-no-dotencode", "inline-changelog",
         "persistent-nodemap", "changelogv2"]
QUERIES = [["verify", "-q"], ["log", "-T", "{rev}:{node} {phase} {branch}\n"],
           ["branches", "-c"], ["phase", "-r", "all()"], ["heads", "-T", "{rev}\n"],
           ["bookmarks", "-T", "{bookmark} {rev}\n"]]


def store_bytes(repo: Path, fncache: bytes = b"") -> dict[str, bytes]:
    """Every file of the store but the transaction's undo files. The lines hg appends to
    the fncache in one go come in its set's order (random per process): past the
    original ``fncache``, they are compared sorted."""
    store = repo / ".hg" / "store"
    files = {str(p.relative_to(store)): p.read_bytes() for p in sorted(store.rglob("*"))
             if p.is_file() and not p.name.startswith(("undo", "journal"))}
    now = files.get("fncache", b"")
    if fncache and now.startswith(fncache):
        files["fncache"] = fncache + b"".join(sorted(now[len(fncache):].splitlines(True)))
    return _without_nodemap_uids(files)


def _without_nodemap_uids(files: dict[str, bytes]) -> dict[str, bytes]:
    """A nodemap's data file has a random name (its uid, in hg too), which its docket
    holds: both are compared with the uid blanked."""
    out = {}
    for name, data in files.items():
        match = re.fullmatch(r"(.*)-([0-9a-f]{8})\.nd", name)
        if match:
            name = f"{match.group(1)}-UID.nd"
        elif name.endswith(".n"):
            uid = data[34:42]
            data = data.replace(uid, b"UID", 1)
        out[name] = data
    return out


class Twins:
    """Two copies of one hg-built repository: ``theirs`` for hg, ``ours`` for the engine."""

    def __init__(self, hgrepos, name: str, tmp_path: Path, hgrc: str = "",
                 public: bool = False, warm: bool = False) -> None:
        self.config = hgrepos.config(name)
        self.theirs = hgrepos.copy(name, tmp_path / "theirs")
        self.ours = hgrepos.copy(name, tmp_path / "ours")
        for repo in (self.theirs, self.ours):
            if public:
                self.hg(repo, "phase", "--public", "-r", "all()")
            self.hg(repo, "bookmark", "-r", "tip", "marked")  # inactive: commits leave it
            if warm:  # branch, tags and revision-branch caches naming the old tip
                self.hg(repo, "debugupdatecaches")
            (repo / ".hg" / "hgrc").write_text(hgrc)
        fncache = self.ours / ".hg" / "store" / "fncache"
        self.fncache = fncache.read_bytes() if fncache.exists() else b""

    def hg(self, repo: Path, *args: str) -> str:
        return hgtools.hg(repo, *args, config=self.config).decode("utf-8", "surrogateescape")

    def rev(self, revset: str) -> int:
        return int(self.hg(self.theirs, "log", "-r", revset, "-T", "{rev}"))

    def commit(self, parent: int, files: dict[str, bytes], message: str,
               close_branch: bool = False) -> None:
        """The same commit by hg (in ``theirs``) and by the engine (in ``ours``)."""
        self.hg(self.theirs, "update", "-q", "-C", "-r", str(parent))
        for path, data in files.items():
            (self.theirs / path).parent.mkdir(parents=True, exist_ok=True)
            (self.theirs / path).write_bytes(data)
        self.hg(self.theirs, "addremove", "-q", *files)
        self.hg(self.theirs, "commit", "-q", "-u", "test", "-d", "0 0", "-m", message,
                *(["--close-branch"] if close_branch else []))
        with Repo.open(self.ours) as repo:
            repo.commit(files, message, "test", (0, 0), parents=(parent, -1),
                        close_branch=close_branch)

    def change(self, parent: int, k: int) -> dict[str, bytes]:
        """An edit of the first file of ``parent`` and a new file in a new directory."""
        first = self.hg(self.theirs, "files", "-r", str(parent)).splitlines()[0]
        old = (self.hg(self.theirs, "cat", "-r", str(parent), first)).encode(
            "utf-8", "surrogateescape")
        return {first: old + b"line %d\n" % k, f"new{k}/added.txt": b"added %d\n" % k}

    def assert_same(self) -> None:
        assert store_bytes(self.ours, self.fncache) == store_bytes(self.theirs, self.fncache)
        for query in QUERIES:
            assert self.hg(self.ours, *query) == self.hg(self.theirs, *query), query
        if (self.ours / ".hg" / "store" / "00changelog.n").exists():
            self.hg(self.ours, "debugnodemap", "--check")  # exit status 0


@pytest.mark.parametrize("name", SPECS)
def test_commit_on_a_public_parent_is_draft(hgrepos, name, tmp_path):
    """A cloned repository is public throughout: hg's commit on it is a draft root."""
    twins = Twins(hgrepos, name, tmp_path, public=True)
    tip = twins.rev("tip")
    twins.commit(tip, twins.change(tip, 1), "on public")
    assert twins.hg(twins.ours, "phase", "-r", "tip").endswith("draft\n")
    twins.assert_same()


@pytest.mark.parametrize("name", ["zstd", "treemanifest"])
def test_phases_new_commit_secret_from_the_repository_configuration(hgrepos, name, tmp_path):
    twins = Twins(hgrepos, name, tmp_path, hgrc="[phases]\nnew-commit = secret\n")
    tip = twins.rev("tip")
    for k in range(2):  # the second one is below a secret parent: no new root
        twins.commit(tip + k, twins.change(tip + k, k), f"secret {k}")
    twins.assert_same()


@pytest.mark.parametrize("name", ["zstd", "zlib"])
def test_commit_keeps_the_parents_branch_and_closes_it(hgrepos, name, tmp_path):
    """hg commits on the branch of the revision it updated to; --close-branch closes
    that branch, not default. The caches hg keeps of branch heads name the old tip:
    hg must see the new heads all the same."""
    twins = Twins(hgrepos, name, tmp_path, public=True, warm=True)
    head = twins.rev("max(branch(stable))")
    twins.commit(head, twins.change(head, 1), "on stable")
    twins.commit(twins.rev("tip"), twins.change(twins.rev("tip"), 2), "close stable",
                 close_branch=True)
    assert twins.hg(twins.ours, "log", "-r", "tip", "-T", "{branch} {extras}") \
        .startswith("stable ")
    twins.assert_same()


@pytest.mark.parametrize("name", ["zstd", "zlib", "gd-no-sparse", "no-generaldelta"])
def test_write_options_of_the_repository_configuration(hgrepos, name, tmp_path):
    """``format.maxchainlen`` bounds the chains, the compression level is hg's."""
    hgrc = ("[format]\nmaxchainlen = 3\n[storage]\nrevlog.zstd.level = 1\n"
            "revlog.zlib.level = 1\n[experimental]\nmaxdeltachainspan = 2K\n")
    twins = Twins(hgrepos, name, tmp_path, hgrc=hgrc)
    for k in range(6):
        tip = twins.rev("tip")
        twins.commit(tip, twins.change(tip, k), f"grow {k}")
    chains = twins.hg(twins.ours, "debugdeltachain", "-m", "-T", "{chainlen}\n").split()
    assert max(map(int, chains[-6:])) <= 4
    twins.assert_same()


def test_an_invalid_configured_level_is_refused_before_writing(hgrepos, tmp_path):
    twins = Twins(hgrepos, "zstd", tmp_path, hgrc="[storage]\nrevlog.zstd.level = 30\n")
    before = store_bytes(twins.ours)
    code, _, err = hgtools.hg_run(twins.theirs, "log", "-r", "tip")
    assert code != 0 and b"revlog.zstd.level" in err
    with pytest.raises(ConfigError, match="revlog.zstd.level"):
        Repo.open(twins.ours)
    assert store_bytes(twins.ours) == before


def test_a_strip_and_a_rollback_keep_the_nodemap_as_hg_keeps_it(hgrepos, tmp_path):
    """A transaction rolled back after its new nodemap was written leaves the store as
    it was. hg's strip leaves the nodemap as it was (stale: readers see its tip is not
    the index's and ignore it); the next commit writes a current one."""
    twins = Twins(hgrepos, "persistent-nodemap", tmp_path)
    before = store_bytes(twins.ours, twins.fncache)

    def boom(tr):
        raise RuntimeError("after the nodemap")

    with Repo.open(twins.ours) as repo, pytest.raises(RuntimeError):
        with repo.transaction() as tr:
            repo.commit({"x.txt": b"x\n"}, "x", "test")
            tr.on_finalize("009-boom", boom)
    assert store_bytes(twins.ours, twins.fncache) == before
    tip = twins.rev("tip")
    twins.hg(twins.theirs, "--config", "extensions.strip=", "strip", "-q", "--no-backup",
             "-r", str(tip - 2))
    with Repo.open(twins.ours) as repo:
        repo.strip(tip - 2)
    assert store_bytes(twins.ours) == store_bytes(twins.theirs)
    parent = twins.rev("tip")
    twins.commit(parent, twins.change(parent, 1), "after the strip")
    twins.assert_same()


def _short_lines(k: int) -> bytes:
    """Short lines, every third one changed two lines apart from another in version k:
    the kept line between is cheaper than a hunk header, so our compact bdiff sends
    it again in one hunk where hg's algorithm makes two."""
    lines = [b"%d\n" % n for n in range(90)]
    for at in range(k % 3, 88, 9):
        lines[at] = lines[at + 2] = b"%d.%d\n" % (k, at)
    return b"".join(lines)


@pytest.mark.parametrize("algorithm", ["hg", "compact"])
def test_hgs_delta_algorithm_writes_hgs_bytes(hgrepos, tmp_path, algorithm):
    """With ``revlog-explorer.delta-algorithm = hg`` the deltas are hg's, so a commit of
    edits our compact bdiff diffs smaller stores hg's bytes; with the default it
    does not."""
    twins = Twins(hgrepos, "zlib", tmp_path,
                  hgrc=f"[revlog-explorer]\ndelta-algorithm = {algorithm}\n")
    for k in range(3):
        tip = twins.rev("tip")
        twins.commit(tip, {"short.txt": _short_lines(k)}, f"short {k}")
    if algorithm == "compact":
        ours, theirs = store_bytes(twins.ours), store_bytes(twins.theirs)
        assert ours["data/short.txt.i"] != theirs["data/short.txt.i"]
    else:
        twins.assert_same()


def test_an_unknown_delta_algorithm_is_refused_before_writing(hgrepos, tmp_path):
    twins = Twins(hgrepos, "zstd", tmp_path, hgrc="[revlog-explorer]\ndelta-algorithm = xdiff\n")
    before = store_bytes(twins.ours)
    with pytest.raises(ConfigError, match="revlog-explorer.delta-algorithm"):
        Repo.open(twins.ours).commit({"a.txt": b"a\n"}, "a", "test", (0, 0))
    assert store_bytes(twins.ours) == before
