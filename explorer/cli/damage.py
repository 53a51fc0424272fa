"""The damage subcommands: verify, diff-store, break, journal.

They find, compare, make and explain damage to whole stores; the text comes
from ``explorer.reports`` (verify, diffstore, breaking, journal) and
``explorer.cli`` registers them beside the reports.

    revlog-explorer verify [-R REPO | PATH] [--json]
    revlog-explorer diff-store GOOD BAD [--json]
    revlog-explorer break PATH --kind KIND -r REV (-c | -m | --dir DIR | --file FILE)
                          (--output COPY | --in-place) [--bit B] [--json]
    revlog-explorer journal [-R REPO | PATH]

``verify`` exits 1 when anything is damaged, after printing everything.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable

from explorer.cli.messages import warn
from explorer.cli.progress import terminal_progress
from explorer.engine.damage import faults
from explorer.reports import breaking, diffstore, journal, verify


def add_parsers(sub) -> None:
    """Register the damage subcommands on an argparse subparsers object."""
    p = sub.add_parser("verify", help="find every damaged byte of a store (hg verify, and more)")
    _repository_option(p)
    p.add_argument("path", nargs="?", metavar="PATH",
                   help="a repository, .hg, store or one .i file (default: the repository "
                        "around the working directory)")
    p.add_argument("--json", action="store_true", help="a list of problem objects")
    p.set_defaults(run=run_verify)

    p = sub.add_parser("diff-store", help="how a damaged copy of a store differs from a good one")
    p.add_argument("good", metavar="GOOD")
    p.add_argument("bad", metavar="BAD")
    p.add_argument("--json", action="store_true", help="a list of region objects")
    p.set_defaults(run=run_diff_store)

    p = sub.add_parser("break", help="damage a revlog on purpose (a copy, unless --in-place)")
    p.add_argument("path", metavar="PATH", help="a repository or a revlog .i file")
    p.add_argument("--kind", required=True, metavar="KIND", help=", ".join(faults.KINDS))
    p.add_argument("-r", "--rev", type=int, required=True, metavar="REV")
    p.add_argument("-c", "--changelog", action="store_true", help="the changelog")
    p.add_argument("-m", "--manifest", action="store_true", help="the manifest")
    p.add_argument("--dir", metavar="DIR", help="a directory's tree manifest")
    p.add_argument("--file", metavar="FILE", help="a tracked file's filelog")
    p.add_argument("-o", "--output", metavar="COPY", help="copy PATH there, damage the copy")
    p.add_argument("--in-place", action="store_true", help="damage PATH itself")
    p.add_argument("--bit", type=int, default=2, help="the bit flip-bit flips (0-7)")
    p.add_argument("--json", action="store_true", help="the fault as an object")
    p.set_defaults(run=run_break)

    p = sub.add_parser("journal", help="journal and undo files, and what recover or rollback "
                                       "would truncate")
    _repository_option(p)
    p.add_argument("path", nargs="?", metavar="PATH",
                   help="a repository (default: the one around the working directory)")
    p.set_defaults(run=run_journal)


def _repository_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-R", "--repository", metavar="REPO",
                   help="repository root (default: found from the working directory)")


def run_verify(args: argparse.Namespace) -> Iterable[str]:
    progress, line = terminal_progress()
    try:
        result = verify.run_verify(args.path, args.repository, os.getcwd(), progress)
    finally:
        if line is not None:
            line.close()
    return verify.verify_output(result, as_json=args.json)


def run_diff_store(args: argparse.Namespace) -> Iterable[str]:
    found = diffstore.run_diff(args.good, args.bad, os.getcwd(), warn)
    return diffstore.diff_json(found) if args.json else diffstore.diff_text(found)


def run_break(args: argparse.Namespace) -> Iterable[str]:
    request = breaking.BreakRequest(args.path, args.kind, args.rev, args.changelog,
                                    args.manifest, args.dir, args.file, args.output,
                                    args.in_place, args.bit)
    fault = breaking.run_break(request, os.getcwd())
    return breaking.fault_json(fault) if args.json else breaking.fault_text(fault)


def run_journal(args: argparse.Namespace) -> Iterable[str]:
    with journal.open_store(args.repository or args.path, os.getcwd(), warn) as store:
        return list(journal.journal_text(store))
