"""The command line never shows a traceback: file names that are not UTF-8 are
printed as the bytes they are (as hg prints them), and what cannot be done is
said in one line, ``revlog-explorer: <message>``, with a non-zero status."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys

import pytest

from tests.reports.runner import ours

LATIN1 = "latin1-\udce9t\udce9.txt"  # a file of the store-names repository, not UTF-8
LATIN1_BYTES = b"latin1-\xe9t\xe9.txt"


@pytest.fixture
def names_repo(hgrepos, tmp_path):
    return hgrepos.copy("store-names", tmp_path / "repo")


def test_names_that_are_not_utf8_are_printed_as_their_bytes(names_repo, tmp_path):
    broken = ours(tmp_path, "break", "repo", "--kind", "flip-bit", "-r", "0", "--file", LATIN1,
                  "-o", "copy")
    assert broken.status == 0, broken.err
    assert b"data/" + LATIN1_BYTES + b".i rev 0 chunk\n" in broken.out
    found = ours(tmp_path, "verify", "copy")
    assert found.status == 1, found.err
    assert b"data/" + LATIN1_BYTES + b".i:\n" in found.out
    diff = ours(tmp_path, "diff-store", "repo", "copy")
    assert diff.status == 0, diff.err
    assert b"(data/" + LATIN1_BYTES + b".i):\n" in diff.out


def test_a_journal_naming_such_a_file_is_printed(names_repo, tmp_path):
    made = ours(tmp_path, "break", "repo", "--kind", "lost-journal", "-r", "0", "--file",
                LATIN1, "--in-place")
    assert made.status == 0, made.err
    journal = ours(tmp_path, "journal", "repo")
    assert journal.status == 0, journal.err
    assert b"data/" + LATIN1_BYTES + b".i: would be cut from" in journal.out


def test_an_error_naming_such_a_file_shows_its_bytes_escaped(names_repo, tmp_path):
    result = ours(tmp_path, "index", "-R", "repo", "missing-\udce9.txt")
    assert result.status == 255
    assert result.err == b"revlog-explorer: revlog 'missing-\\xe9.txt' not found (not a tracked " \
                         b"file either)\n"


def test_a_device_in_a_store_given_to_diff_store(hgrepos, tmp_path):
    """A character device in place of a revlog (one whose open fails, here) is named,
    never opened."""
    hgrepos.copy("zstd", tmp_path / "good")
    bad = hgrepos.copy("zstd", tmp_path / "bad")
    device = bad / ".hg" / "store" / "data" / "feature.txt.i"
    device.unlink()
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(240, 0))  # no driver: ENXIO
    except PermissionError:
        pytest.skip("making a device needs root")
    result = ours(tmp_path, "diff-store", "good", "bad")
    assert result.status == 0, result.err
    assert b"not-a-file" in result.out and b"a character device in the bad store" in result.out


def test_a_store_lock_the_file_system_refuses_is_one_line(hgrepos, tmp_path, monkeypatch):
    """The store lock refused by a file system that Repo.open's check took for writable
    is said in one line, naming the lock and why."""
    repo = hgrepos.copy("zstd", tmp_path / "repo")

    def symlink(target, path, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))

    monkeypatch.setattr(os, "symlink", symlink)
    result = ours(tmp_path, "commit", "-R", "repo", "-m", "x", "--text", "x=x")
    assert result.status != 0
    lock = repo / ".hg" / "store" / "lock"
    assert result.err == (f"revlog-explorer: cannot take the store lock {lock}: "
                          "Read-only file system\n").encode()
    result = ours(tmp_path, "strip", "-R", "repo", "3")  # a strip takes .hg/wlock first
    assert result.err == (f"revlog-explorer: cannot take the working copy lock "
                          f"{repo / '.hg' / 'wlock'}: Read-only file system\n").encode()


def _unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "-Urm", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


@pytest.mark.skipif(not _unshare_works(), reason="no user and mount namespaces here")
def test_on_a_really_read_only_file_system(hgrepos, tmp_path):
    """A read-only bind mount in a user namespace: whoever runs the tests, root or not,
    every write is refused in one line, and nothing changes."""
    repo = hgrepos.copy("zstd", tmp_path / "repo")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    commands = ["commit -m x --text a.txt=1", "strip 3", "censor src/main.py 0",
                "init sub", "break . --kind flip-bit -r 1 -c --in-place"]
    script = ('mount --bind . . && mount -o remount,bind,ro . . && cd "$PWD" || exit 99; '
              + "; ".join(f"{sys.executable} -m explorer {c}; echo \"status $?\""
                          for c in commands))
    done = subprocess.run(["unshare", "-Urm", "sh", "-c", script],
                          cwd=repo, capture_output=True, text=True, errors="replace",
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    statuses = [line for line in done.stdout.splitlines() if line.startswith("status ")]
    assert len(statuses) == len(commands) and "status 0" not in statuses, done
    errors = done.stderr.splitlines()
    assert "Traceback" not in done.stderr, done.stderr
    assert len(errors) == len(commands), errors
    assert all(e.startswith("revlog-explorer: ") and "ead-only file system" in e
               for e in errors), errors
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == before
