"""Command line: ``revlog-explorer [PATH]`` and the scriptable report subcommands.

The reports take the arguments of the Mercurial debug command they mirror
and print what it prints, byte for byte:

=============  ======================  ==========================================
subcommand     mirrors                 extra
=============  ======================  ==========================================
index          hg debugindex           ``-T json``, ``--json``
revlogindex    hg debugrevlogindex     ``--json``
deltachain     hg debugdeltachain      ``-T json``, ``--json``
stats          hg debugrevlog          ``--json`` (also with ``--dump``)
data           hg debugdata            ``--json``
verify         hg verify               ``--json``; also one ``.i`` alone
=============  ======================  ==========================================

Each also accepts a path to a revlog ``.i`` file, inside a repository or not.
The submodules add the other subcommands: ``editing`` init, commit, strip and
censor; ``damage`` verify, diff-store, break and journal (``verify`` exits 1
on damage).
With no subcommand, ``revlog-explorer [PATH] [--rev REV]`` opens the explorer
TUI on a terminal (the demo store without PATH) and prints a short store
summary when its output is not a terminal.
This package only parses and dispatches; the text comes from
``explorer.reports``, and Textual is imported only to start the TUI.
Failures print one line on stderr: 255 for arguments that name nothing
(Mercurial's abort status), 1 when a damaged revlog stopped a report midway,
after everything readable was printed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Iterable, Sequence
from typing import NoReturn

from explorer.cli import damage, editing
from explorer.engine import CorruptionError, RevlogError
from explorer.reports import data, deltachain, index, revids, revlogindex, stats, summary
from explorer.reports.errors import ABORT, ReportError
from explorer.reports.formats import hg_json, json_lines
from explorer.reports.target import Selection, Target, resolve

PROG = "revlog-explorer"
_COMMANDS = ("index", "revlogindex", "deltachain", "stats", "data", *editing.COMMANDS,
             *damage.COMMANDS)
DAMAGED = 1
_FLUSH_AT = 1 << 16


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exits like an hg abort."""

    def error(self, message: str) -> NoReturn:
        self.exit(ABORT, f"{self.prog}: {message} (see --help)\n")


# -- argument definitions ----------------------------------------------------------------


def _revlog_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-R", "--repository", metavar="REPO",
                        help="repository root (default: found from the working directory)")
    common.add_argument("-c", "--changelog", action="store_true", help="open the changelog")
    common.add_argument("-m", "--manifest", action="store_true", help="open the manifest")
    common.add_argument("--dir", metavar="DIR", help="open a directory's tree manifest")
    common.add_argument("--json", action="store_true", help="our own JSON: a list of objects")
    # hg's global verbosity options: they change index and revlogindex only.
    common.add_argument("-v", "--verbose", action="store_true", help="more columns")
    common.add_argument("--debug", action="store_true", help="more columns, full node ids")
    common.add_argument("-q", "--quiet", action="store_true", help="accepted, as hg does")
    return common


def _template(p: argparse.ArgumentParser) -> None:
    p.add_argument("-T", "--template", metavar="TEMPLATE",
                   help="'json' for Mercurial's JSON output (the only template supported)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Reports on Mercurial revlogs, as hg prints them.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = [_revlog_options()]

    p = sub.add_parser("index", parents=common, help="index entries (hg debugindex)")
    p.add_argument("file", nargs="?", metavar="FILE")
    _template(p)
    p.set_defaults(run=_run_index)

    p = sub.add_parser("revlogindex", parents=common,
                       help="index entries, older layout (hg debugrevlogindex)")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("-f", "--format", type=int, default=0, metavar="FORMAT",
                   help="0 (node ids) or 1 (flags, sizes, parent revisions)")
    p.set_defaults(run=_run_revlogindex)

    p = sub.add_parser("deltachain", parents=common,
                       help="delta chain of each revision (hg debugdeltachain)")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("-r", "--rev", action="append", default=[], metavar="REV",
                   help="only these revisions (repeatable)")
    p.add_argument("--all-info", action="store_true", help="every optional column group")
    for group, what in (("size", "sizes"), ("dist", "distances"), ("sparse", "sparse reads")):
        p.add_argument(f"--{group}-info", action=argparse.BooleanOptionalAction, default=None,
                       help=f"columns about {what}")
    _template(p)
    p.set_defaults(run=_run_deltachain)

    p = sub.add_parser("stats", parents=common, help="revlog statistics (hg debugrevlog)")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("-d", "--dump", action="store_true", help="one line of data per revision")
    p.set_defaults(run=_run_stats)

    p = sub.add_parser("data", parents=common, help="raw text of a revision (hg debugdata)")
    p.add_argument("file", metavar="FILE|REV")
    p.add_argument("rev", nargs="?", metavar="REV")
    p.set_defaults(run=_run_data)
    editing.add_parsers(sub)
    damage.add_parsers(sub)
    return parser


# -- dispatch ------------------------------------------------------------------------------


def _target(args: argparse.Namespace) -> Target:
    return resolve(Selection(repository=args.repository, changelog=args.changelog,
                             manifest=args.manifest, dir=args.dir, file=args.file))


def _hg_json_wanted(args: argparse.Namespace) -> bool:
    if args.template is None:
        return False
    if args.template != "json":
        raise ReportError(f"unsupported template {args.template!r}: only -T json is supported")
    return True


def _run_index(args: argparse.Namespace) -> Iterable[str]:
    rl = _target(args).revlog
    verbose = args.verbose or args.debug
    if args.json:
        return json_lines(index.index_records(rl))
    if _hg_json_wanted(args):
        return hg_json(index.index_hg_json(rl, verbose=verbose, full_nodes=args.debug))
    return index.index_text(rl, verbose=verbose, full_nodes=args.debug)


def _run_revlogindex(args: argparse.Namespace) -> Iterable[str]:
    target = _target(args)
    if args.json:
        return json_lines(revlogindex.revlogindex_records(target))
    return revlogindex.revlogindex_text(target, fmt=args.format,
                                        verbose=args.verbose or args.debug,
                                        full_nodes=args.debug)


def _run_deltachain(args: argparse.Namespace) -> Iterable[str]:
    target = _target(args)
    groups = deltachain.Groups.from_flags(args.all_info, args.size_info, args.dist_info,
                                          args.sparse_info)
    revs = [revids.find_rev(target, r, filelog_rules=False) for r in args.rev] or None
    rows = deltachain.chain_rows(target, revs, groups)
    if args.json:
        return json_lines(deltachain.deltachain_records(rows))
    if _hg_json_wanted(args):
        return hg_json(deltachain.deltachain_hg_json(rows))
    return itertools.chain([deltachain.chain_header(target, groups)],
                           deltachain.deltachain_text(rows))


def _run_stats(args: argparse.Namespace) -> Iterable[str]:
    target = _target(args)
    if args.dump:
        if args.json:
            return json_lines(stats.dump_records(target))
        return stats.dump_text(target)
    st = stats.compute_stats(target)
    if args.json:
        return json_lines([stats.stats_record(st)])
    return stats.stats_text(st)


def _run_data(args: argparse.Namespace) -> Iterable[str | bytes]:
    file, rev = args.file, args.rev
    if args.changelog or args.manifest or args.dir:
        if rev is not None:
            raise ReportError("cannot specify a revision with other arguments")
        file, rev = None, file
    elif rev is None:
        raise ReportError("please specify a revision")
    target = resolve(Selection(repository=args.repository, changelog=args.changelog,
                               manifest=args.manifest, dir=args.dir, file=file))
    number = revids.find_rev(target, rev, filelog_rules=target.kind == "filelog")
    return data.data_output(target, number, as_json=args.json)


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
            block.append(piece.encode() if isinstance(piece, str) else piece)
            size += len(piece)
            if size >= _FLUSH_AT:
                out.write(b"".join(block))
                block, size = [], 0
    finally:
        out.write(b"".join(block))
        out.flush()


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"{PROG}: {message}\n")
    return code


def _explorer_request(argv: list[str]) -> tuple[str | None, str | None] | None:
    """``[PATH] [--rev REV]`` asks for the explorer: (PATH, REV); None for a subcommand.

    On a terminal the explorer opens (no PATH: the demo store); piped, the
    same arguments print the store summary instead.
    """
    if argv and (argv[0] in _COMMANDS or argv[0] in ("-h", "--help")):
        return None
    parser = _Probe(add_help=False)
    parser.add_argument("path", nargs="?")
    parser.add_argument("-r", "--rev")
    try:
        args, rest = parser.parse_known_args(argv)
    except ValueError:  # e.g. --rev without a value: the report parser says what is wrong
        return None
    return None if rest else (args.path, args.rev)


class _Probe(argparse.ArgumentParser):
    """A parser that tries the arguments without printing or exiting."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``revlog-explorer`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    request = _explorer_request(argv)
    if request is not None and sys.stdout.isatty():
        from explorer.tui.app import run  # only here: the reports must not pay for Textual

        return run(*request)
    try:
        if not argv or not (argv[0].startswith("-") or argv[0] in _COMMANDS):
            _write(summary.summary_text(argv[0] if argv else os.getcwd()))
            return 0
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help, or a usage error already printed
            return done.code if isinstance(done.code, int) else ABORT
        _write(args.run(args))
    except ReportError as err:
        return _fail(err.message, err.exit_code)
    except CorruptionError as err:
        return _fail(f"damaged revlog: {err}", DAMAGED)
    except RevlogError as err:
        return _fail(str(err), DAMAGED)
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return DAMAGED
    return 0
