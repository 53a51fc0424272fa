"""Paths a commit refuses, as Mercurial refuses them, before anything is written.

hg verify passes on a manifest naming ``.hg/x``, ``a/``, ``.`` or a file
beside a directory of the same name, but ``hg update`` aborts on it: the
commit must not be made. Mercurial's path auditor is the oracle for its
own rules (and its messages); the rules it leaves to path normalization
(``.``, empty components) and the manifest format (NUL) are ours.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.engine import RevlogError
from explorer.engine.repo.repo import Repo
from tests import hgrepos as hgtools

# Refused by Mercurial's path auditor (or its filename check), with its message.
HG_REFUSES = [
    ".hg/x", ".hg", ".HG/x", ".hg./x", "a/.hg/x", "a/b/.Hg/c", "a/.hg", ".h\u200cg/x",
    "a/", "../x", "a/../x", "/abs", "HG~1/x", "a/hg8b6c~2/x", "a\nb", "a\rb",
]
# Refused by us: hg's canonpath would have normalized them, the manifest would not.
OURS_ONLY = {".": "illegal component", "a/./b": "illegal component",
             "a//b": "illegal component", "": "empty path", "a\0b": "disallowed"}
# Strange but valid: hg commits these and updates to them.
ACCEPTED = [".hgignore", ".hgx/y", "x.hg/y", "a.hg", "trailing.", "sp ace", "~1", "hg~x/y",
            "caf\udce9.txt"]

_HG_AUDIT = """
import json, sys
from mercurial import error, pathutil, scmutil
audit = pathutil.pathauditor(b"/nonexistent", realfs=False)
out = {}
for path in json.loads(sys.stdin.read()):
    raw = path.encode("utf-8", "surrogateescape")
    try:
        scmutil.checkfilename(raw)
        audit(raw)
    except error.Abort as err:
        out[path] = err.message.decode("utf-8", "surrogateescape")
    else:
        out[path] = None
print(json.dumps(out))
"""


def hg_audit(paths: list[str]) -> dict[str, str | None]:
    """What Mercurial's auditor says of each path (None: accepted)."""
    proc = subprocess.run([sys.executable, "-c", _HG_AUDIT], input=json.dumps(paths),
                          capture_output=True, text=True, check=True, errors="surrogateescape")
    return json.loads(proc.stdout)


def tree(root: Path) -> dict[str, bytes]:
    """Every file of ``.hg``: nothing at all may change when a commit is refused."""
    hg_dir = root / ".hg"
    return {str(p.relative_to(hg_dir)): p.read_bytes() for p in hg_dir.rglob("*") if p.is_file()}


def test_hg_refuses_what_we_refuse_and_accepts_the_rest():
    said = hg_audit(HG_REFUSES + ACCEPTED + list(OURS_ONLY))
    assert all(said[p] for p in HG_REFUSES), said
    assert not any(said[p] for p in ACCEPTED), said


@pytest.mark.hgrepos("zstd")
@pytest.mark.parametrize("path", HG_REFUSES, ids=repr)
def test_a_path_hg_refuses_is_refused_with_its_reason(hgrepo_copy, path):
    reason = hg_audit([path])[path]
    before = tree(hgrepo_copy)
    with Repo.open(hgrepo_copy) as repo, pytest.raises(RevlogError) as caught:
        repo.commit({path: b"x\n"}, "bad path", "test")
    assert str(caught.value) == reason
    assert tree(hgrepo_copy) == before


@pytest.mark.hgrepos("zstd")
@pytest.mark.parametrize("path, reason", OURS_ONLY.items(), ids=repr)
def test_a_path_hg_would_normalize_is_refused(hgrepo_copy, path, reason):
    before = tree(hgrepo_copy)
    with Repo.open(hgrepo_copy) as repo, pytest.raises(RevlogError, match=reason):
        repo.commit({path: b"x\n"}, "bad path", "test")
    assert tree(hgrepo_copy) == before


@pytest.mark.hgrepos("zstd", "treemanifest")
@pytest.mark.parametrize("files, reason", [
    ({"src": b"x\n"}, "directory 'src' already in the manifest"),
    ({"src/main.py/x": b"x\n"}, "file 'src/main.py' in the manifest clashes with "
                                "'src/main.py/x'"),
    ({"new": b"1\n", "new/x": b"2\n"}, "directory 'new' already in the manifest"),
], ids=["file-over-dir", "dir-over-file", "both-new"])
def test_a_file_beside_a_directory_of_its_name_is_refused(hgrepo_copy, files, reason):
    before = tree(hgrepo_copy)
    with Repo.open(hgrepo_copy) as repo, pytest.raises(RevlogError, match=reason):
        repo.commit(files, "clash", "test")
    assert tree(hgrepo_copy) == before


@pytest.mark.hgrepos("zstd")
def test_a_copy_source_is_audited_too(hgrepo_copy):
    with Repo.open(hgrepo_copy) as repo, pytest.raises(RevlogError, match="disallowed"):
        repo.commit({"b.txt": b"x\n"}, "copy", "test", copies={"b.txt": "a\nb"})


@pytest.mark.hgrepos("zstd", "treemanifest")
def test_strange_but_valid_paths_and_a_file_becoming_a_directory(hgrepo_copy, hgconfig):
    files: dict[str, bytes | None] = {p: b"ok\n" for p in ACCEPTED}
    files.update({"src/main.py": None, "src/main.py/now-a-dir.txt": b"inside\n"})
    with Repo.open(hgrepo_copy) as repo:
        repo.commit(files, "strange names", "test")
    code, out, err = hgtools.hg_run(hgrepo_copy, "verify", config=hgconfig)
    assert code == 0, (out + err).decode()
    hgtools.hg(hgrepo_copy, "update", "-C", "tip", config=hgconfig)
    assert (hgrepo_copy / "src" / "main.py" / "now-a-dir.txt").read_bytes() == b"inside\n"


@pytest.mark.hgrepos("zstd")
@pytest.mark.parametrize("argv, reason", [
    (["--text", ".hg/x=1"], "path contains illegal component: .hg/x"),
    (["--text", "src=1"], "directory 'src' already in the manifest"),
])
def test_the_commit_command_says_why(hgrepo_copy, capsys, argv, reason):
    before = tree(hgrepo_copy)
    assert main(["commit", "-R", str(hgrepo_copy), "-m", "bad", *argv]) != 0
    err = capsys.readouterr().err
    assert err == f"revlog-explorer: {reason}\n"
    assert tree(hgrepo_copy) == before


@pytest.mark.hgrepos("zstd")
@pytest.mark.parametrize("flag", ["t", "xl", "X"])
def test_a_flag_the_manifest_does_not_know_is_refused(hgrepo_copy, flag):
    before = tree(hgrepo_copy)
    with Repo.open(hgrepo_copy) as repo, pytest.raises(RevlogError, match="is not one of"):
        repo.commit({"a.txt": b"x\n"}, "flag", "test", flags={"a.txt": flag})
    assert tree(hgrepo_copy) == before
