"""``revlog-explorer --web``: what it refuses, and the command it serves.

The server itself, in a real browser, is tested in ``test_web_browser.py``.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys

import pytest

from explorer import cli
from explorer.cli import web


def test_port_without_web_is_refused(capsys, repo):
    assert cli.main([str(repo), "--port", "8000"]) == 255
    assert "--port serves the explorer with --web" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1"])
def test_a_port_that_is_no_port_is_refused(capsys, repo, port):
    assert cli.main([str(repo), "--web", "--port", port]) == 255
    assert capsys.readouterr().err == (f"revlog-explorer: --port {port}: not a port number "
                                       "(1 to 65535)\n")


def test_a_port_in_use_is_refused(capsys, repo):
    with socket.socket() as taken:
        taken.bind((web.HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main([str(repo), "--web", "--port", str(port)]) == 255
    assert capsys.readouterr().err == f"revlog-explorer: --port {port}: already in use\n"


def test_a_path_naming_nothing_is_refused_before_serving(capsys):
    assert cli.main(["no/such/repo", "--web"]) == 255
    assert "no/such/repo: no such file" in capsys.readouterr().err


def test_without_textual_serve_it_says_what_to_install(capsys, repo, monkeypatch):
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails
    assert cli.main([str(repo), "--web"]) == 255
    assert capsys.readouterr().err == ("revlog-explorer: --web needs textual-serve: "
                                       "pip install 'revlog-explorer[web]'\n")


def test_each_session_runs_this_program_on_the_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    command = web.app_command("my repo; rm -rf x", "tip")
    assert command.startswith("exec ")
    assert shlex.split(command[5:]) == [sys.executable, "-m", "explorer",
                                        str(tmp_path / "my repo; rm -rf x"), "--rev", "tip"]
    assert shlex.split(web.app_command(None, None)[5:]) == [sys.executable, "-m", "explorer"]
    assert shlex.split(web.app_command(None, None, edit=True)[5:])[-1] == "--edit"


def test_a_served_session_starts_the_tui_although_its_output_is_a_pipe(repo):
    """textual-serve's sessions have a pipe for stdout and TEXTUAL_DRIVER set: the
    explorer must start (here Textual's headless driver stands for the web one, and
    the app is stopped at once), not print the summary meant for pipes."""
    env = dict(os.environ, TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver")
    code = ("import sys; from explorer.tui import app; "
            "app.ExplorerApp.on_mount = lambda self: self.exit(); "
            "from explorer import cli; sys.exit(cli.main(sys.argv[1:]))")
    piped = subprocess.run([sys.executable, "-c", code, str(repo)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert "revisions" not in piped.stdout  # no summary
    env.pop("TEXTUAL_DRIVER")
    summary = subprocess.run([sys.executable, "-c", code, str(repo)], env=env,
                             capture_output=True, text=True, timeout=120)
    assert "revisions" in summary.stdout
