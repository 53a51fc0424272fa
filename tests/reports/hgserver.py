"""Real Mercurial as a fast oracle: one ``hg serve --cmdserver pipe`` per test session.

Starting ``hg`` costs about 0.3 s; a command sent to a running command
server costs a few milliseconds, and runs exactly the code the ``hg`` command
line runs. Each command gets ``--cwd`` (so repository discovery starts
there, as from a shell) and the configuration given, on top of an empty
``HGRCPATH``.

The protocol (``hg help internals.cmdserver``): the client writes
``runcommand\\n``, a big-endian u32 length and the NUL-separated arguments;
the server answers with frames of one channel byte and a u32 length: ``o``
stdout data, ``e`` stderr data, ``r`` the exit status as a signed u32.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

_LENGTH = struct.Struct(">I")
_STATUS = struct.Struct(">i")


class Result(NamedTuple):
    status: int
    out: bytes
    err: bytes


def hg_executable() -> str:
    return str(Path(sys.executable).parent / "hg")


def hg_environment() -> dict[str, str]:
    """No user configuration, plain output, a fixed user and time zone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HG")}
    env.update(HGRCPATH=os.devnull, HGPLAIN="1", HGUSER="test", HGENCODING="utf-8", TZ="UTC")
    return env


class ServerExited(RuntimeError):
    """The command server went away (hg crashed)."""


class CommandServer:
    """A running ``hg`` command server; ``run`` sends one command line to it."""

    def __init__(self) -> None:
        self._start()

    def _start(self) -> None:
        self._proc = subprocess.Popen(
            [hg_executable(), "serve", "--cmdserver", "pipe"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=hg_environment(), cwd=os.sep,
        )
        channel, hello = self._frame()
        if channel != b"o" or b"runcommand" not in hello:
            raise RuntimeError(f"unexpected command server greeting: {hello!r}")

    def _frame(self) -> tuple[bytes, bytes]:
        channel = self._proc.stdout.read(1)
        if not channel:
            raise ServerExited("the hg command server exited")
        (length,) = _LENGTH.unpack(self._proc.stdout.read(4))
        if channel in b"IL":  # the server asks for input: we never give any
            raise RuntimeError("hg asked for input")
        return channel, self._proc.stdout.read(length)

    def run(self, cwd: os.PathLike | str, *args: str,
            config: Mapping[str, str] | None = None) -> Result:
        """Run ``hg ARGS`` from ``cwd``; stdout and stderr come back as bytes.

        A command that crashes hg (a traceback) takes the server down with it:
        it is reported as a failure (status 1, as from the hg command line) and
        a new server serves the next command.
        """
        argv = ["--cwd", os.fspath(cwd)]
        for key, value in (config or {}).items():
            argv += ["--config", f"{key}={value}"]
        payload = b"\0".join(a.encode("utf-8", "surrogateescape") for a in [*argv, *args])
        out: list[bytes] = []
        err: list[bytes] = []
        try:
            self._proc.stdin.write(b"runcommand\n" + _LENGTH.pack(len(payload)) + payload)
            self._proc.stdin.flush()
            while True:
                channel, data = self._frame()
                if channel == b"o":
                    out.append(data)
                elif channel == b"e":
                    err.append(data)
                elif channel == b"r":
                    return Result(_STATUS.unpack(data)[0], b"".join(out), b"".join(err))
        except (BrokenPipeError, ServerExited):
            self._proc.wait(timeout=30)
            self._start()
            return Result(1, b"".join(out), b"".join(err) + b"hg crashed\n")

    def close(self) -> None:
        self._proc.stdin.close()
        self._proc.wait(timeout=30)
