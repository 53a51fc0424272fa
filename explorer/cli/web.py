"""``revlog-explorer --web [PATH]``: the explorer served to a browser by textual-serve.

textual-serve runs a web server whose page is a terminal (xterm.js); each
browser session that connects starts one process of the served command,
with ``TEXTUAL_DRIVER`` set so that Textual draws through the websocket
instead of a terminal. The command served here is this same program on the
same PATH (``python -m explorer PATH``), which sees ``TEXTUAL_DRIVER`` and
starts the TUI although its output is a pipe (``wants_tui``).

The server listens on localhost only: the explorer can edit and damage
test repositories, and nothing here authenticates a visitor. Without
``--port`` it takes a port no one uses. textual-serve is an optional extra
(``pip install revlog-explorer[web]``); without it the command says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import os
import shlex
import signal
import socket
import sys

from explorer.cli.messages import PROG, fail
from explorer.reports.errors import ABORT
from explorer.views.printable import printable

HOST = "127.0.0.1"


def wants_tui() -> bool:
    """Whether Textual was told where to draw (a browser, through textual-serve's
    driver): the explorer starts even though stdout is not a terminal."""
    return bool(os.environ.get("TEXTUAL_DRIVER"))


def app_command(path: str | None, rev: str | None, edit: bool = False) -> str:
    """The shell command textual-serve runs per browser session: this program on
    ``path`` (read-only unless ``edit``). ``exec`` leaves no shell between the server
    and the app, so stopping the app stops everything it started."""
    argv = [sys.executable, "-m", "explorer"]
    if path is not None:
        argv.append(os.path.abspath(path))
    if rev is not None:
        argv += ["--rev", rev]
    if edit:
        argv.append("--edit")
    return "exec " + shlex.join(argv)


def free_port() -> int:
    """A port on localhost that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _port_taken(port: int) -> str | None:
    """Why ``port`` cannot be listened on, or None when it can."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError as err:
            return "already in use" if err.errno == errno.EADDRINUSE else str(err.strerror)
    return None


def _children() -> list[int]:
    """The processes this one started and has not reaped (Linux: from /proc)."""
    me, found = str(os.getpid()), []
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # not a process, or gone
        if fields[1] == me:
            found.append(int(entry.name))
    return found


async def stop_sessions(grace: float = 5.0) -> None:
    """Stop the app of every open session, and wait until each is reaped.

    textual-serve would ask each app to quit, then wait for its browser to
    close the websocket, which an open page delays by seconds; an app left
    running after the server would be reaped by no one.
    """
    for pid in _children():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for _ in range(int(grace / 0.05)):
        if not _children():
            return
        await asyncio.sleep(0.05)
    for pid in _children():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def serve(path: str | None, rev: str | None, port_arg: str | None, edit: bool = False) -> int:
    """Serve the explorer on ``path`` until interrupted (Ctrl+C, SIGTERM); exit status."""
    try:
        from textual_serve.server import Server
    except ImportError:
        return fail("--web needs textual-serve: pip install 'revlog-explorer[web]'", ABORT)
    if port_arg is None:
        port = free_port()
    elif not port_arg.isdigit() or not 0 < (port := int(port_arg)) < 65536:
        return fail(f"--port {port_arg}: not a port number (1 to 65535)", ABORT)
    elif (why := _port_taken(port)) is not None:
        return fail(f"--port {port}: {why}", ABORT)
    label = "the demo store" if path is None else printable(path, keep_newlines=False)

    class ExplorerServer(Server):
        """textual-serve's server, saying only where it is (no logo, no access log)."""

        def initialize_logging(self) -> None:
            logging.basicConfig(level=logging.WARNING)

        async def on_startup(self, app) -> None:
            print(f"{PROG}: serving {label} at {self.public_url} (Ctrl+C stops)", flush=True)

        async def on_shutdown(self, app) -> None:
            await stop_sessions()
            # The pipes of finished sessions are closed while the loop still runs:
            # collected after it closes, each would print "Event loop is closed".
            gc.collect()

    server = ExplorerServer(app_command(path, rev, edit), host=HOST, port=port,
                            title=f"{PROG} {label}")
    try:
        server.serve()
    except OSError as err:
        return fail(f"cannot serve on {HOST}:{port}: {err.strerror or err}", ABORT)
    return 0
