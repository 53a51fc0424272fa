"""``revlog-explorer verify`` on a terminal shows its progress, as hg's does; piped, nothing.

The command runs in a child process whose stderr is a pseudo-terminal (the
``pty`` module) and whose stdout is a pipe, as a person running it with its
report redirected would see. The counts must be hg's (its ``checked N
changesets`` line), and the report on stdout byte for byte the one printed
when no terminal watches.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from explorer.engine import Store
from tests.hgrepos import hg_run
from tests.reports.runner import ours

ERASE = "\r\x1b[K"  # carriage return, then erase to the end of the line (ECMA-48 EL)


def verify(repo: Path, *, terminal: bool) -> tuple[int, bytes, bytes]:
    """Run ``revlog-explorer verify REPO``: (status, stdout, stderr), stderr a terminal
    or a pipe."""
    command = [sys.executable, "-m", "explorer.cli", "verify", str(repo)]
    env = {**os.environ, "COLUMNS": "200"}
    if not terminal:
        done = subprocess.run(command, capture_output=True, env=env, stdin=subprocess.DEVNULL,
                              timeout=300)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave,
                             stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    err = b""
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        err += data
    os.close(master)
    out = child.stdout.read()
    child.stdout.close()
    return child.wait(timeout=300), out, err


def hg_changesets(repo: Path) -> int:
    status, out, err = hg_run(repo, "verify")
    return int(re.search(rb"checked (\d+) changesets", out + err).group(1))


def test_progress_on_a_terminal_with_hg_counts_and_the_same_report(hgrepos, tmp_path):
    repo = tmp_path / "broken"
    made = ours(tmp_path, "break", str(hgrepos("zstd")), "-m", "--kind", "bad-compression",
                "-r", "10", "-o", str(repo))
    assert made.status == 0, made.err
    changesets = hg_changesets(repo)
    with Store.open(repo) as store:
        revisions = sum(len(rl) for _, _, rl in store.revlogs())
    status, out, err = verify(repo, terminal=True)
    piped_status, piped_out, piped_err = verify(repo, terminal=False)
    assert (status, out) == (piped_status, piped_out) == (1, piped_out)
    lines = err.decode().split(ERASE)
    assert f"checking changesets {changesets}/{changesets} ({changesets}/{revisions} " \
        "revisions)" in err.decode()
    assert any(line.startswith("checking manifests ") for line in lines)
    assert any(line.startswith("checking files ") for line in lines)
    assert f"({revisions}/{revisions} revisions)" in lines[-2]
    # the progress line is erased: what follows it is what the pipe got, nothing else
    assert lines[-1].replace("\r\n", "\n").encode() == piped_err


def test_nothing_but_the_report_when_stderr_is_not_a_terminal(hgrepos):
    repo = hgrepos("zstd")
    status, out, err = verify(repo, terminal=False)
    assert status == 0 and err == b""
    hg_status, hg_out, _ = hg_run(repo, "verify")
    checked = next(line for line in hg_out.splitlines() if line.startswith(b"checked "))
    assert out == checked + b"\n"
