"""Repositories written by our engine, checked by Mercurial.

For each format combination, ``long_history`` (1059 changesets: a
1000-revision delta chain, a file past 128 KiB whose filelog gets split,
binaries, an empty file, exec and symlink flags, copies, renames, branches,
a closed branch, merges with two-parent filelogs) is committed through
``Repo.commit``; then

* ``hg verify`` passes with no warning,
* hg reads every file at every changeset and every revision of every revlog
  (``hg cat``/``hg debugdata``) exactly as the history wrote them,
* hg can commit on top, still verifies, and we read hg's commit,
* the same history committed through Mercurial's API (memctx) into an hg
  repository of the same format gives the same changeset nodes, and our store
  is at most 1.02 times the size of Mercurial's.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.engine import Store
from tests import hgrepos
from tests.histories import apply_ours, long_history

HERE = Path(__file__).resolve().parent
V2_READ = {"storage.all-slow-path": "allow"}

# name: (Repo.init options, hg init config, hg read config)
FORMATS = {
    "default": ({}, {}, {}),
    "zlib": ({"compression": "zlib"}, {"format.revlog-compression": "zlib"}, {}),
    "none": ({"compression": "none"}, {"format.revlog-compression": "none"}, {}),
    "zstd-level-10": ({"compression_level": 10}, {"storage.revlog.zstd.level": "10"}, {}),
    "no-generaldelta": ({"generaldelta": False, "compression": "zlib"},
                        {"format.usegeneraldelta": "no", "format.generaldelta": "no",
                         "format.sparse-revlog": "no", "format.revlog-compression": "zlib"}, {}),
    "no-sparse": ({"sparse": False}, {"format.sparse-revlog": "no"}, {}),
    "no-store": ({"store": False}, {"format.usestore": "no"}, {}),
    "no-fncache": ({"fncache": False}, {"format.usefncache": "no"}, {}),
    "no-dotencode": ({"dotencode": False}, {"format.dotencode": "no"}, {}),
    "treemanifest": ({"tree_manifest": True}, {"experimental.treemanifest": "yes"}, {}),
    "delta-info": ({"delta_info": True}, {"format.use-delta-info-flags": "yes"}, {}),
    "changelog-v2": ({"changelog_v2": True},
                     {"format.exp-use-changelog-v2": "enable-unstable-format-and-corrupt-my-data"},
                     {}),
    "revlog-v2": ({"revlog": "v2"},
                  {"experimental.revlogv2": "enable-unstable-format-and-corrupt-my-data",
                   **V2_READ}, V2_READ),
    "v0": ({"revlog": "v0", "generaldelta": False, "compression": "zlib"}, None, {}),
}
# hg warns about these whatever wrote the repository: v0 is legacy, and hg 7.2's
# verify expects filelogs of a changelog-v2 store to use the changelog's version
EXPECTED_WARNINGS = {"v0": "uses revlog format 0", "changelog-v2": "expected 54093"}


@pytest.fixture(scope="module")
def history():
    return long_history()


@pytest.fixture(scope="module")
def ours(history, tmp_path_factory):
    """Each format's repository, written by our engine once."""
    built: dict[str, tuple[Path, list[str]]] = {}

    def get(name: str) -> tuple[Path, list[str]]:
        if name not in built:
            path = tmp_path_factory.mktemp("ours") / name
            built[name] = path, apply_ours(history, path, **FORMATS[name][0])
        return built[name]

    return get


def hg_digests(repo: Path, config: dict) -> dict:
    out = subprocess.run([sys.executable, str(HERE / "hgdigest.py"), str(repo),
                          *(f"{k}={v}" for k, v in config.items())],
                         check=True, capture_output=True, env=hgrepos.hg_env())
    return pickle.loads(out.stdout)


def sha(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()


@pytest.mark.parametrize("name", FORMATS)
def test_hg_verify_passes(ours, name):
    path, _ = ours(name)
    code, out, err = hgrepos.hg_run(path, "verify", config=FORMATS[name][2])
    report = (out + err).decode()
    assert code == 0, report
    warnings = [line for line in report.splitlines()
                if "warning" in line and not line.endswith("warnings encountered!")]
    allowed = EXPECTED_WARNINGS.get(name)
    assert all(allowed and allowed in w for w in warnings), report
    assert "checked 1059 changesets" in report


@pytest.mark.parametrize("name", FORMATS)
def test_hg_reads_what_we_wrote(ours, history, name):
    path, nodes = ours(name)
    got = hg_digests(path, FORMATS[name][2])
    for rev, files in enumerate(got["files"]):
        want = {p.decode("utf-8", "surrogateescape"): (sha(data), flags)
                for p, (data, flags) in history.tree(rev).items()}
        assert files == want, f"changeset {rev}"
    with Store.open(path) as store:
        assert [store.changelog.node(r).hex() for r in range(len(store.changelog))] == nodes
        ours_revlogs = {p: rl for _, p, rl in store.revlogs()}
        assert set(got["revlogs"]) == set(ours_revlogs)
        for p, digests in got["revlogs"].items():
            rl = ours_revlogs[p]
            assert [sha(rl.revision(r)) for r in range(len(rl))] == digests, p
            assert all(rl.check_hash(r) for r in range(len(rl))), p


def test_store_has_what_the_history_needs(ours):
    path, _ = ours("default")
    with Store.open(path) as store:
        chain = store.filelog("chain.txt")
        assert len(chain) == 999 and max(len(chain.delta_chain(r)) for r in chain) >= 999
        big = store.filelog("big.txt")
        assert not big.inline and os.path.getsize(store.fs_path("data/big.txt.d")) > 128 * 1024
        merges = [r for r in store.changelog if store.changelog.parents(r)[1] != -1]
        assert len(merges) >= 15
        two_parent_files = [r for r in store.filelog("src/main.py")
                            if store.filelog("src/main.py").parents(r)[1] != -1]
        assert two_parent_files


@pytest.mark.parametrize("name", ["default", "no-generaldelta", "treemanifest", "revlog-v2"])
def test_hg_commits_on_top(ours, name, tmp_path):
    source, _ = ours(name)
    work = tmp_path / "work"
    subprocess.run(["cp", "-a", str(source), str(work)], check=True)
    config = FORMATS[name][2]
    hgrepos.hg(work, "update", "-q", "tip", config=config)
    (work / "chain.txt").write_bytes(b"hg was here\n" + (work / "chain.txt").read_bytes())
    (work / "new-from-hg.txt").write_bytes(b"added by hg\n")
    hgrepos.hg(work, "commit", "-q", "-A", "-m", "from hg", "-u", "hg", "-d", "0 0",
               config=config)
    code, out, err = hgrepos.hg_run(work, "verify", config=config)
    assert code == 0, (out + err).decode()
    with Store.open(work) as store:
        tip = len(store.changelog) - 1
        assert tip == 1059
        new = store.filelog("new-from-hg.txt")
        assert new.revision(0) == b"added by hg\n" and new.check_hash(0)
        chain = store.filelog("chain.txt")
        assert chain.revision(len(chain) - 1).startswith(b"hg was here\n")
        assert all(chain.check_hash(r) for r in range(len(chain) - 5, len(chain)))


def store_size(path: Path) -> int:
    """Bytes of revlog files (what the format decides), not caches or undo files."""
    total = 0
    for root, _, names in os.walk(path / ".hg"):
        for n in names:
            if n.endswith((".i", ".d", ".idx", ".dat", ".sda")) and not n.startswith("undo"):
                total += os.path.getsize(os.path.join(root, n))
    return total - (os.path.getsize(path / ".hg" / "00changelog.i")
                    if (path / ".hg" / "store").exists() else 0)


@pytest.mark.parametrize("name", [n for n, f in FORMATS.items() if f[1] is not None])
def test_same_nodes_and_size_as_mercurial(name, tmp_path):
    short_history = long_history(chain=400)  # fresh: History.apply skips applied commits
    ours_path = tmp_path / "ours"
    ours_nodes = apply_ours(short_history, ours_path, **FORMATS[name][0])
    hg_path = tmp_path / "hg"
    init_config = {**FORMATS[name][1], **FORMATS[name][2]}
    hgrepos.hg(tmp_path, "init", "hg", config=init_config)
    hg_nodes = short_history.apply(hg_path, config=init_config)
    assert ours_nodes == hg_nodes
    ratio = store_size(ours_path) / store_size(hg_path)
    assert ratio <= 1.02, f"{name}: our store is {ratio:.4f} times Mercurial's"
