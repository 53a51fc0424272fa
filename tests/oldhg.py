"""An old Mercurial (6.3.3) for the formats hg 7 no longer writes.

hg 7 never creates an inline changelog; 6.3.3 does (new changelogs start inline
and are split past 128 KiB).  This module creates, once, a virtualenv holding
mercurial==6.3.3 -- at $REVLOG_EXPLORER_OLD_HG if set, else
~/.cache/revlog-explorer/hg-6.3.3 -- with ``pip install mercurial==6.3.3``.
There is no binary wheel: pip builds it from the sdist (C extensions; gcc and
the Python headers are needed).  With pip's wheel cache warm that takes about
30 s, from scratch a few minutes.

Callers get OldHgUnavailable (with the reason) when that is impossible; tests
turn it into a skip.  REVLOG_EXPLORER_NO_OLD_HG=1 skips without trying.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

VERSION = "6.3.3"


class OldHgUnavailable(RuntimeError):
    """Mercurial 6.3.3 could not be installed; the message says why."""


def venv_dir() -> Path:
    env = os.environ.get("REVLOG_EXPLORER_OLD_HG")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "revlog-explorer" / f"hg-{VERSION}"


def _bin(name: str) -> Path:
    return venv_dir() / "bin" / name


def _base_python() -> str:
    # A venv made from inside another venv is based on the same base interpreter.
    return getattr(sys, "_base_executable", None) or sys.executable


def _check(venv: Path) -> str | None:
    """None when venv holds a working hg 6.3.3, else what is wrong."""
    py, hg = venv / "bin" / "python", venv / "bin" / "hg"
    if not (py.exists() and hg.exists()):
        return f"{venv} has no bin/python or bin/hg"
    proc = subprocess.run(
        [str(py), "-c",
         "import mercurial.util as u, mercurial.cext.parsers;"
         "print(u.version().decode())"],
        capture_output=True, text=True, env={**os.environ, "HGRCPATH": os.devnull}, check=False,
    )
    if proc.returncode != 0:
        return f"mercurial does not import in {venv}: {proc.stderr.strip()[-500:]}"
    if proc.stdout.strip() != VERSION:
        return f"{venv} has mercurial {proc.stdout.strip()}, not {VERSION}"
    return None


_ENSURED: str | None = None


def ensure() -> Path:
    """Install hg 6.3.3 if needed (once; concurrent callers wait on a lock); return the venv."""
    global _ENSURED
    venv = venv_dir()
    if _ENSURED == str(venv):
        return venv
    if os.environ.get("REVLOG_EXPLORER_NO_OLD_HG"):
        raise OldHgUnavailable("REVLOG_EXPLORER_NO_OLD_HG is set")
    try:
        _install(venv)
    except OSError as exc:
        raise OldHgUnavailable(f"cannot create {venv}: {exc}") from exc
    _ENSURED = str(venv)
    return venv


def _install(venv: Path) -> None:
    venv.parent.mkdir(parents=True, exist_ok=True)
    lock_path = venv.parent / f".{venv.name}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _check(venv) is None:  # already there (ours, or a venv the user pointed to)
            return
        log = venv.parent / f"{venv.name}.install.log"
        with open(log, "wb") as out:
            steps = [
                [_base_python(), "-m", "venv", "--clear", str(venv)],
                [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-input",
                 "--timeout", "60", "--retries", "2", f"mercurial=={VERSION}"],
            ]
            for cmd in steps:
                out.write(f"$ {' '.join(cmd)}\n".encode())
                out.flush()
                proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
                rc = proc.returncode
                if rc != 0:
                    tail = log.read_bytes()[-1500:].decode("utf-8", "replace")
                    raise OldHgUnavailable(
                        f"cannot install mercurial=={VERSION} into {venv} "
                        f"({cmd[2] if len(cmd) > 2 else cmd[0]} exited {rc}); log {log}:\n{tail}"
                    )
        problem = _check(venv)
        if problem:
            raise OldHgUnavailable(problem)


def hg_executable() -> str:
    return str(ensure() / "bin" / "hg")


def python_executable() -> str:
    return str(ensure() / "bin" / "python")
