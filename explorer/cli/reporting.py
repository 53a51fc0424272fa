"""The report subcommands: index, revlogindex, deltachain, stats, data and hg's debug commands.

Each takes the arguments of the Mercurial debug command it mirrors and
returns what it prints, byte for byte, as ``explorer.reports`` makes it;
``explorer.cli`` registers them beside the editing and damage subcommands
and writes their output.

==================  ======================  ======================================
subcommand          mirrors                 extra
==================  ======================  ======================================
index               hg debugindex           ``-T json``, ``--json``
revlogindex         hg debugrevlogindex     ``--json``
deltachain          hg debugdeltachain      ``-T json``, ``--json``
stats               hg debugrevlog          ``--json`` (also with ``--dump``)
data                hg debugdata            ``--json``
debugancestor       hg debugancestor        ``INDEX`` may name any revlog ``.i``
debugindexdot       hg debugindexdot        ``-T`` only ``{rev}``
debugnodemap        hg debugnodemap
debugsidedata       hg debugsidedata
debug-revlog-stats  hg debug-revlog-stats   no ``-T``; the whole store
debug-delta-find    hg debug-delta-find     also inline revlogs; ``-T`` ignored as hg
                                            does; alias ``debugdeltafind``
copies              (none: ours)            every copy, its cost stored and as a
                                            light-weight copy; ``--json``
==================  ======================  ======================================

All but debugnodemap, debugsidedata and debug-revlog-stats also accept a path to a revlog ``.i``
file, inside a repository or not.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterable

from explorer.cli.messages import warn
from explorer.reports import (
    ancestor,
    copies,
    data,
    deltachain,
    deltafind,
    index,
    indexdot,
    nodemap,
    revids,
    revlogindex,
    revlogstats,
    sidedata,
    stats,
)
from explorer.reports.errors import ReportError
from explorer.reports.formats import hg_json, json_lines
from explorer.reports.target import Selection, Target, open_store, path_target, resolve

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


def add_parsers(sub) -> None:
    """Register the report subcommands on an argparse subparsers object."""
    common = [_revlog_options()]

    p = sub.add_parser("index", parents=common, help="index entries (hg debugindex)")
    p.add_argument("file", nargs="?", metavar="FILE")
    _template(p)
    p.set_defaults(run=run_index)

    p = sub.add_parser("revlogindex", parents=common,
                       help="index entries, older layout (hg debugrevlogindex)")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("-f", "--format", type=int, default=0, metavar="FORMAT",
                   help="0 (node ids) or 1 (flags, sizes, parent revisions)")
    p.set_defaults(run=run_revlogindex)

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
    p.set_defaults(run=run_deltachain)

    p = sub.add_parser("stats", parents=common, help="revlog statistics (hg debugrevlog)")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("-d", "--dump", action="store_true", help="one line of data per revision")
    p.set_defaults(run=run_stats)

    p = sub.add_parser("data", parents=common, help="raw text of a revision (hg debugdata)")
    p.add_argument("file", metavar="FILE|REV")
    p.add_argument("rev", nargs="?", metavar="REV")
    p.set_defaults(run=run_data)

    p = sub.add_parser("debugancestor", help="the ancestor hg picks for two revisions "
                       "(hg debugancestor)")
    p.add_argument("-R", "--repository", metavar="REPO",
                   help="repository root (default: found from the working directory)")
    p.add_argument("args", nargs="*", metavar="[INDEX] REV1 REV2")
    p.set_defaults(run=run_debugancestor)

    p = sub.add_parser("debugindexdot", parents=common,
                       help="the DAG as a graphviz dot file (hg debugindexdot)")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("-i", "--include", action="append", default=[], metavar="STATEMENT",
                   help="a graphviz statement to include (repeatable)")
    p.add_argument("-T", "--template", default="{rev}", metavar="TEMPLATE",
                   help="node labels: only {rev}, the default, is supported")
    p.add_argument("-r", "--rev", action="append", default=[], metavar="REV",
                   help="only these revisions (repeatable)")
    p.add_argument("--common", action="store_true", help="also their common ancestors")
    p.set_defaults(run=run_debugindexdot)

    p = sub.add_parser("debugnodemap", parents=common,
                       help="the persistent nodemap on disk (hg debugnodemap)")
    p.add_argument("file", nargs="?", metavar="FILE")
    for action, what in (("dump-new", "the trie hg would write now, binary"),
                         ("dump-disk", "the trie on disk, binary"),
                         ("check", "check the trie against the index"),
                         ("metadata", "the docket")):
        p.add_argument(f"--{action}", action="store_true", help=what)
    p.set_defaults(run=run_debugnodemap)

    p = sub.add_parser("debugsidedata", parents=common,
                       help="the sidedata entries of a revision (hg debugsidedata)")
    p.add_argument("file", metavar="FILE|REV")
    p.add_argument("rev", nargs="?", metavar="REV")
    p.set_defaults(run=run_debugsidedata)

    p = sub.add_parser("debug-revlog-stats", help="a line per revlog of the store "
                       "(hg debug-revlog-stats)")
    p.add_argument("-R", "--repository", metavar="REPO",
                   help="repository root (default: found from the working directory)")
    for flag, kind in (("-c", "changelog"), ("-m", "manifest"), ("-f", "filelogs")):
        p.add_argument(flag, f"--{kind}", action="store_true", help=f"only the {kind}")
    p.set_defaults(run=run_debug_revlog_stats)

    p = sub.add_parser("debug-delta-find", parents=common, aliases=["debugdeltafind"],
                       help="the delta search for a stored revision, step by step "
                       "(hg debug-delta-find)")
    p.add_argument("file", metavar="FILE|REV")
    p.add_argument("rev", nargs="?", metavar="REV")
    p.add_argument("--source", default="full", metavar="SOURCE",
                   help="the delta handed in first: full (none, the default), storage, "
                   "p1, p2 or prev")
    p.add_argument("-T", "--template", metavar="TEMPLATE",
                   help="accepted and ignored, as hg does")
    p.set_defaults(run=run_debug_delta_find)

    p = sub.add_parser("copies", help="every copy and rename, its source, its bytes stored "
                       "and as a light-weight copy (a delta against its source)")
    p.add_argument("path", nargs="?", metavar="PATH", help="the repository (default: -R, or "
                   "the one holding the working directory)")
    p.add_argument("-R", "--repository", metavar="REPO", help="the repository")
    p.add_argument("--json", action="store_true", help="our own JSON: one object per copy")
    p.set_defaults(run=run_copies)


# -- running them ---------------------------------------------------------------------------


def _target(args: argparse.Namespace) -> Target:
    return resolve(Selection(repository=args.repository, changelog=args.changelog,
                             manifest=args.manifest, dir=args.dir, file=args.file), warn=warn)


def _hg_json_wanted(args: argparse.Namespace) -> bool:
    if args.template is None:
        return False
    if args.template != "json":
        raise ReportError(f"unsupported template {args.template!r}: only -T json is supported")
    return True


def run_index(args: argparse.Namespace) -> Iterable[str]:
    rl = _target(args).revlog
    verbose = args.verbose or args.debug
    if args.json:
        return json_lines(index.index_records(rl))
    if _hg_json_wanted(args):
        return hg_json(index.index_hg_json(rl, verbose=verbose, full_nodes=args.debug))
    return index.index_text(rl, verbose=verbose, full_nodes=args.debug)


def run_revlogindex(args: argparse.Namespace) -> Iterable[str]:
    target = _target(args)
    if args.json:
        return json_lines(revlogindex.revlogindex_records(target))
    return revlogindex.revlogindex_text(target, fmt=args.format,
                                        verbose=args.verbose or args.debug,
                                        full_nodes=args.debug)


def run_deltachain(args: argparse.Namespace) -> Iterable[str]:
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


def run_stats(args: argparse.Namespace) -> Iterable[str]:
    target = _target(args)
    if args.dump:
        if args.json:
            return json_lines(stats.dump_records(target))
        return stats.dump_text(target)
    st = stats.compute_stats(target)
    if args.json:
        return json_lines([stats.stats_record(st)])
    return stats.stats_text(st)


def run_data(args: argparse.Namespace) -> Iterable[str | bytes]:
    target, number = _target_and_rev(args)
    return data.data_output(target, number, as_json=args.json)


def run_debugsidedata(args: argparse.Namespace) -> Iterable[str | bytes]:
    target, number = _target_and_rev(args)
    return sidedata.sidedata_lines(target, number, verbose=args.verbose or args.debug)


def _target_and_rev(args: argparse.Namespace) -> tuple[Target, int]:
    """The ``-c|-m|FILE REV`` arguments of debugdata and debugsidedata."""
    file, rev = args.file, args.rev
    if args.changelog or args.manifest or args.dir:
        if rev is not None:
            raise ReportError("cannot specify a revision with other arguments")
        file, rev = None, file
    elif rev is None:
        raise ReportError("please specify a revision")
    target = resolve(Selection(repository=args.repository, changelog=args.changelog,
                               manifest=args.manifest, dir=args.dir, file=file), warn=warn)
    return target, revids.find_rev(target, rev, filelog_rules=target.kind == "filelog")


def run_debugancestor(args: argparse.Namespace) -> Iterable[str]:
    if len(args.args) == 3:
        target = path_target(args.args[0])
    elif len(args.args) == 2:
        target = resolve(Selection(repository=args.repository, changelog=True), warn=warn)
    else:
        raise ReportError("either two or three arguments required")
    a, b = (_changeset_rev(target, r) for r in args.args[-2:])
    return [ancestor.ancestor_line(target.revlog, a, b)]


def _changeset_rev(target: Target, ident: str) -> int:
    """A revision as ``repo.lookup`` finds it: also ``tip`` and ``null``."""
    if ident == "tip":
        return len(target.revlog) - 1
    if ident == "null":
        return -1
    return revids.find_rev(target, ident, filelog_rules=False)


def run_debugindexdot(args: argparse.Namespace) -> Iterable[str]:
    if args.template != "{rev}":
        if not args.changelog:
            raise ReportError("-T/--template is only supported for -c/--changelog")
        raise ReportError(f"unsupported template {args.template!r}: only {{rev}} is supported")
    if args.common and not args.rev:
        raise ReportError("--common has no effect without -r/--rev")
    target = _target(args)
    revs = [revids.find_rev(target, r, filelog_rules=False) for r in args.rev]
    return indexdot.indexdot_text(target, revs, common=args.common, include=args.include)


def run_debugnodemap(args: argparse.Namespace) -> Iterable[str | bytes]:
    if not (args.changelog or args.manifest or args.dir or args.file):
        args.changelog = True  # hg's default
    target = _target(args)
    action = next((a for a in nodemap.ACTIONS if getattr(args, a)), None)
    return nodemap.nodemap_output(target, action)


def run_debug_revlog_stats(args: argparse.Namespace) -> Iterable[str | bytes]:
    chosen = {kind for kind, wanted in (("changelog", args.changelog),
                                        ("manifest", args.manifest),
                                        ("filelog", args.filelogs)) if wanted}
    store = open_store(args.repository, warn=warn)
    return revlogstats.stats_lines(store, chosen or None)


def run_debug_delta_find(args: argparse.Namespace) -> Iterable[str]:
    if args.json:
        raise ReportError("debug-delta-find has no --json output")
    file, rev = (None, args.file) if args.rev is None else (args.file, args.rev)
    target = resolve(Selection(repository=args.repository, changelog=args.changelog,
                               manifest=args.manifest, dir=args.dir, file=file), warn=warn)
    number = deltafind.parse_rev(target.revlog, rev)
    store = None if target.kind == "path" else open_store(args.repository)
    return deltafind.deltafind_lines(target, deltafind.setup(target, store), number,
                                     source=args.source, quiet=args.quiet)

def run_copies(args: argparse.Namespace) -> Iterable[str]:
    """The table (or JSON); then, when damage hid a copy's cost, exit 1 saying so."""
    store = open_store(args.path or args.repository, warn=warn)
    damaged: list[copies.CopyCost] = []
    costs = _noting_damage(copies.copy_costs(store), damaged)
    if args.json:
        yield from json_lines(copies.copies_json(costs))
    else:
        yield from copies.copies_lines(store, costs)
    if damaged:
        raise ReportError(f"{len(damaged)} of the rows above could not be read (damage)", 1)


def _noting_damage(costs: Iterable[copies.CopyCost],
                   damaged: list[copies.CopyCost]) -> Iterable[copies.CopyCost]:
    """``costs`` as they come, those with an error also put in ``damaged``."""
    for cost in costs:
        if cost.error is not None:
            damaged.append(cost)
        yield cost
