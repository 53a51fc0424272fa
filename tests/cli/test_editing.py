"""The editing subcommands: init writes hg's requirements; commit, strip, censor edit."""

from __future__ import annotations

import pytest

from explorer.cli import main
from explorer.engine import Store
from tests import hgrepos

# our init flags -> the hg config that asks for the same format
INIT_FORMATS = [
    ([], {}),
    (["--compression", "zlib"], {"format.revlog-compression": "zlib"}),
    (["--compression", "none"], {"format.revlog-compression": "none"}),
    (["--no-generaldelta"], {"format.usegeneraldelta": "no", "format.generaldelta": "no",
                             "format.sparse-revlog": "no"}),
    (["--no-sparse"], {"format.sparse-revlog": "no"}),
    (["--no-store"], {"format.usestore": "no"}),
    (["--no-fncache"], {"format.usefncache": "no"}),
    (["--no-dotencode"], {"format.dotencode": "no"}),
    (["--tree-manifest"], {"experimental.treemanifest": "yes"}),
    (["--changelog-v2"], {"format.exp-use-changelog-v2":
                          "enable-unstable-format-and-corrupt-my-data"}),
    (["--delta-info"], {"format.use-delta-info-flags": "yes"}),
    (["--no-share-safe"], {"format.use-share-safe": "no"}),
]


@pytest.mark.parametrize("flags, config", INIT_FORMATS, ids=lambda v: " ".join(v) or "default"
                         if isinstance(v, list) else None)
def test_init_writes_the_requirements_hg_writes(tmp_path, flags, config):
    assert main(["init", str(tmp_path / "ours"), *flags]) == 0
    hgrepos.hg(tmp_path, "init", "theirs", config=config)
    for name in ("requires", "store/requires", "00changelog.i"):
        ours, theirs = tmp_path / "ours/.hg" / name, tmp_path / "theirs/.hg" / name
        assert ours.exists() == theirs.exists(), name
        if ours.exists():
            assert ours.read_bytes() == theirs.read_bytes(), name


def test_commit_strip_censor(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "r"
    assert main(["init", str(repo)]) == 0
    monkeypatch.chdir(repo)
    (tmp_path / "blob").write_bytes(b"\0binary\xff")
    assert main(["commit", "-m", "one", "-u", "me", "-d", "1 0", "--text", "a.txt=hello\n",
                 "--file", f"b.bin={tmp_path / 'blob'}"]) == 0
    assert main(["commit", "-m", "two", "-d", "2 0", "--copy", "c.txt=a.txt",
                 "--text", "c.txt=hello\n", "--text", "a.txt=bye\n"]) == 0
    assert main(["commit", "-m", "three", "-d", "3 0", "--remove", "b.bin"]) == 0
    assert "committed changeset 2:" in capsys.readouterr().out
    with Store.open(repo) as store:
        assert store.filelog("c.txt").revision(0).startswith(b"\x01\ncopy: a.txt\n")
    assert main(["strip", "2"]) == 0
    # not a first revision: hg's verify trips on those whoever censors them
    assert main(["censor", "a.txt", "1", "-t", "secret"]) == 0
    with Store.open(repo) as store:
        assert len(store.changelog) == 2
        assert store.filelog("a.txt").hash_status(1) == "censored"
    code, out, err = hgrepos.hg_run(repo, "verify", config={"censor.policy": "ignore"})
    assert code == 0, (out + err).decode()


def test_commit_from_a_directory_is_the_whole_tree(tmp_path, monkeypatch):
    repo = tmp_path / "r"
    main(["init", str(repo)])
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "x.txt").write_bytes(b"x\n")
    (tree / "sub" / "y.txt").write_bytes(b"y\n")
    assert main(["commit", "-R", str(repo), "-m", "snapshot", "--from-dir", str(tree)]) == 0
    (tree / "x.txt").unlink()
    assert main(["commit", "-R", str(repo), "-m", "snapshot 2", "--from-dir", str(tree)]) == 0
    assert hgrepos.hg(repo, "files", "-r", "tip") == b"sub/y.txt\n"
    assert hgrepos.hg(repo, "log", "-r", "tip", "-T", "{file_dels}") == b"x.txt"


@pytest.mark.parametrize("argv, message", [
    (["commit", "-m", "x", "--file", "z=/nonexistent"], "cannot read /nonexistent"),
    (["commit", "-m", "x", "--text", "oops"], "expected NAME=VALUE"),
    (["commit", "-m", "x", "-d", "yesterday"], "not 'UNIXTIME TZOFFSET'"),
    (["strip", "99"], "no changeset 99"),
    (["censor", "a.txt", "zz"], "a.txt"),
])
def test_bad_input_is_one_line_and_nonzero(tmp_path, monkeypatch, capsys, argv, message):
    repo = tmp_path / "r"
    main(["init", str(repo)])
    monkeypatch.chdir(repo)
    main(["commit", "-m", "one", "--text", "a.txt=a"])
    capsys.readouterr()
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_commit_outside_a_repository(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["commit", "-m", "x", "--text", "a=b"]) != 0
    assert "no repository found" in capsys.readouterr().err
