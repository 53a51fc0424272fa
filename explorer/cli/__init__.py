"""The ``revlog-explorer`` command: its entry point, and the dispatch of its subcommands.

``main`` is the console script, ``python -m explorer`` and ``python -m
explorer.cli``. The subcommands are in three modules, each registering its
own parsers:

- ``reporting``: index, revlogindex, deltachain, stats, data, debugancestor,
  debugindexdot, debugnodemap, which print what the Mercurial debug command they mirror
  prints, byte for byte;
- ``editing``: init, commit, strip, censor, to build and edit test
  repositories;
- ``damage``: verify, diff-store, break, journal (``verify`` exits 1 on
  damage).

With no subcommand, ``revlog-explorer [PATH] [--rev REV] [--edit]`` opens the
explorer TUI on a terminal (the demo store without PATH; read-only unless
``--edit``) and prints a short store summary when its output is not a terminal.
This package only parses, dispatches and writes; the text comes from
``explorer.reports``, and Textual is imported only to start the TUI. Failures
print one line on stderr: 255 for arguments that name nothing (Mercurial's abort
status) and for a file system that refuses (a read-only one), 1 when a damaged
revlog stopped a report midway, after everything readable was printed; never a
traceback.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import NoReturn

from explorer.cli import web
from explorer.cli.messages import PROG, fail
from explorer.cli.names import COMMANDS as _COMMANDS
from explorer.engine import CorruptionError, RevlogError
from explorer.reports.errors import ABORT, ReportError

DESCRIPTION = """\
revlog-explorer [PATH] [--rev REV] [--edit]
  opens the explorer on PATH (a repository, its .hg, a store directory, one .i
  file, or a pending .i.a), at revision REV; without PATH, on a built-in demo
  store. It is read-only unless started with --edit, which lets its keys add a
  revision, strip and inject faults. Piped, it prints a summary of the store
  instead.

revlog-explorer [PATH] [--rev REV] --web [--port N]
  serves the same explorer to a browser (textual-serve) on localhost, on a
  free port or port N, and prints its URL; Ctrl+C stops it.

revlog-explorer COMMAND ...
  the reports print what the hg debug command they mirror prints, byte for
  byte; the other commands verify, damage, build and edit test repositories."""
DAMAGED = 1
_FLUSH_AT = 1 << 16


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exits like an hg abort."""

    def error(self, message: str) -> NoReturn:
        typo = re.search(r"invalid choice: '([^']*)'", message)
        close = difflib.get_close_matches(typo.group(1), _COMMANDS, n=1) if typo else []
        if close:
            message = f"no command '{typo.group(1)}' (did you mean '{close[0]}'?)"
        self.exit(ABORT, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand: the reports, then the editing and the damage ones."""
    from explorer.cli import damage, editing, reporting  # not for the explorer's start-up

    parser = _Parser(prog=PROG, description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    reporting.add_parsers(sub)
    editing.add_parsers(sub)
    damage.add_parsers(sub)
    return parser


# -- output --------------------------------------------------------------------------------


def _write(pieces: Iterable[str | bytes]) -> None:
    """Write a report as it is produced, in blocks, so big reports start at once.

    Whatever was produced before an exception is still written.
    """
    out = sys.stdout.buffer
    block: list[bytes] = []
    size = 0
    try:
        for piece in pieces:
            block.append(_as_bytes(piece))
            size += len(piece)
            if size >= _FLUSH_AT:
                out.write(b"".join(block))
                block, size = [], 0
    finally:
        out.write(b"".join(block))
        out.flush()


def _as_bytes(piece: str | bytes) -> bytes:
    """A piece of a report as hg prints it: a file name that is not UTF-8 (held as
    surrogate escapes) goes out as the bytes it is."""
    if isinstance(piece, bytes):
        return piece
    try:
        return piece.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return piece.encode("utf-8", "backslashreplace")


def _explorer_request(argv: list[str]) -> argparse.Namespace | None:
    """``[PATH] [--rev REV] [--edit] [--web [--port N]]`` asks for the explorer (``path``,
    ``rev``, ``edit``, ``web``, ``port``); None for a subcommand.

    On a terminal the explorer opens (no PATH: the demo store); piped, the
    same arguments print the store summary instead; ``--web`` serves it to a
    browser.
    """
    if argv and (argv[0] in _COMMANDS or argv[0] in ("-h", "--help")):
        return None
    parser = _Probe(add_help=False)
    parser.add_argument("path", nargs="?")
    parser.add_argument("-r", "--rev")
    parser.add_argument("--edit", action="store_true")
    parser.add_argument("--web", action="store_true")
    parser.add_argument("--port")  # checked by web.serve, to say what is wrong
    try:
        args, rest = parser.parse_known_args(argv)
    except ValueError:  # e.g. --rev without a value: the report parser says what is wrong
        return None
    return None if rest else args


def _nothing_named(name: str) -> str:
    """Why ``name`` opens nothing, with the command it may be a typo of."""
    close = difflib.get_close_matches(name, _COMMANDS, n=1)
    hint = f" (did you mean the command '{close[0]}'?)" if close else ""
    return f"{name}: no such file, directory or command{hint}"


class _Probe(argparse.ArgumentParser):
    """A parser that tries the arguments without printing or exiting."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``revlog-explorer`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    request = _explorer_request(argv)
    if request is not None and request.path is not None and not os.path.lexists(request.path):
        return fail(_nothing_named(request.path), ABORT)  # said before Textual loads
    if request is not None and (request.web or request.port is not None):
        if not request.web:
            return fail("--port serves the explorer with --web: add --web", ABORT)
        return web.serve(request.path, request.rev, request.port, request.edit)
    if request is not None and (sys.stdout.isatty() or web.wants_tui()):
        from explorer.tui import gcpause

        gcpause.pause()  # the imports too: explorer.tui.gcpause says why
        from explorer.tui.app import run  # only here: the reports must not pay for Textual

        return run(request.path, request.rev, request.edit)
    try:
        if request is not None:  # piped: the summary (of the working directory without PATH)
            from explorer.reports import summary

            _write(summary.summary_text(request.path or os.getcwd()))
            return 0
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help, or a usage error already printed
            return done.code if isinstance(done.code, int) else ABORT
        _write(args.run(args))
    except ReportError as err:
        return fail(err.message, err.exit_code)
    except CorruptionError as err:
        return fail(f"damaged revlog: {err}", DAMAGED)
    except RevlogError as err:
        return fail(str(err), DAMAGED)
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return DAMAGED
    except OSError as err:  # what the engine did not turn into its own error: still one line
        where = f"{err.filename}: " if err.filename else ""
        return fail(f"{where}{err.strerror or err}", ABORT)
    return 0
