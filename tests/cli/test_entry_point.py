"""``revlog-explorer [PATH] [--rev REV] [--edit]`` opens the explorer on a terminal."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from explorer import cli
from explorer.tui import app


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def opened(monkeypatch):
    """The explorer's calls, with stdout a terminal (set when the test runs: pytest
    installs its own stdout after the fixtures)."""
    calls = []
    monkeypatch.setattr(app, "run", lambda path=None, rev=None, edit=False:
                        calls.append((path, rev, edit)) or 0)
    return calls


def on_terminal(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdout", Terminal())


@pytest.mark.parametrize("argv, expected", [
    ([], (None, None, False)),
    (["some/repo"], ("some/repo", None, False)),
    (["some/repo", "--rev", "5"], ("some/repo", "5", False)),
    (["-r", "a1b2", "x.i"], ("x.i", "a1b2", False)),
    (["--rev", "tip"], (None, "tip", False)),
    (["--edit", "some/repo"], ("some/repo", None, True)),
    (["some/repo", "-r", "5", "--edit"], ("some/repo", "5", True)),
])
def test_a_path_or_nothing_opens_the_explorer(opened, monkeypatch, tmp_path, argv, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "some" / "repo").mkdir(parents=True)
    (tmp_path / "x.i").write_bytes(b"")
    on_terminal(monkeypatch)
    assert cli.main(argv) == 0
    assert opened == [expected]


def test_a_path_naming_nothing_is_said_before_the_explorer_starts(opened, monkeypatch, capsys):
    """A mistyped command reads as a PATH: it is named, with the command it resembles,
    without loading the TUI."""
    on_terminal(monkeypatch)
    assert cli.main(["indx", "-m"]) == 255 and cli.main(["no/such/repo"]) == 255
    assert opened == []
    assert cli.main(["indx"]) == 255
    err = capsys.readouterr().err.splitlines()
    assert err == ["revlog-explorer: no command 'indx' (did you mean 'index'?) (see --help)",
                   "revlog-explorer: no/such/repo: no such file, directory or command",
                   "revlog-explorer: indx: no such file, directory or command (did you mean "
                   "the command 'index'?)"]


def test_rev_without_a_path_piped_summarizes_the_working_directory(repo):
    out = subprocess.run([sys.executable, "-m", "explorer", "--rev", "3"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    assert "revisions" in out


def test_the_help_names_the_explorer_path_and_rev(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "revlog-explorer [PATH] [--rev REV] [--edit]" in out and "opens the explorer" in out
    assert "read-only unless started with --edit" in out


@pytest.mark.parametrize("argv", [["index", "-m"], ["--help"], ["-v", "index"], ["--rev"]])
def test_subcommands_and_usage_errors_do_not(opened, monkeypatch, argv):
    on_terminal(monkeypatch)
    try:
        cli.main(argv)
    except SystemExit:
        pass
    assert opened == []


def test_piped_output_gets_the_summary_not_the_explorer(repo):
    out = subprocess.run([sys.executable, "-m", "explorer", str(repo)], capture_output=True,
                         text=True, check=True).stdout
    assert "revisions" in out and "\x1b" not in out
