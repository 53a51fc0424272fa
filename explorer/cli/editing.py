"""The editing subcommands: init, commit, strip, censor.

They build and edit test repositories through the engine's write path (every
change in a journaled transaction); ``explorer.cli`` registers them beside the reports.

    revlog-explorer init PATH [--compression zlib] [--no-generaldelta] [--revlog v2] ...
    revlog-explorer commit [-R REPO] -m MSG [--text NAME=TEXT] [--file NAME=SOURCE]
                           [--remove NAME] [--copy DEST=SOURCE] [--from-dir DIR] ...
    revlog-explorer strip [-R REPO] REV
    revlog-explorer censor [-R REPO] FILE REV [-t TOMBSTONE]
    revlog-explorer convert-copies [-R REPO] --to-lightweight | --to-standard

``commit --lightweight-copies`` and ``convert-copies --to-lightweight`` write the
experimental light-weight copies (engine/format/copydelta.py): hg refuses the store
until ``convert-copies --to-standard`` turns them back into full texts.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterable
from pathlib import Path

from explorer.engine import NULL_REV, StoreError
from explorer.engine.repo.repo import Repo
from explorer.engine.store.discovery import find_repository


def add_parsers(sub) -> None:
    """Register the editing subcommands on an argparse subparsers object."""
    p = sub.add_parser("init", help="create an empty repository in a chosen format")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--compression", choices=("zstd", "zlib", "none"), default="zstd")
    p.add_argument("--level", type=int, help="compression level")
    p.add_argument("--revlog", choices=("v0", "v1", "v2"), default="v1")
    p.add_argument("--changelog-v2", action="store_true")
    p.add_argument("--tree-manifest", action="store_true")
    p.add_argument("--delta-info", action="store_true", help="7.x per-revision delta flags")
    for flag, what in (("generaldelta", "generaldelta"), ("sparse", "sparse-revlog"),
                       ("store", "the store directory"), ("fncache", "the fncache"),
                       ("dotencode", "dotencode"), ("share-safe", "share-safe")):
        p.add_argument(f"--no-{flag}", action="store_true", help=f"without {what}")
    p.set_defaults(run=run_init)

    p = sub.add_parser("commit", help="commit files into a repository")
    _repository_option(p)
    p.add_argument("-m", "--message", required=True)
    p.add_argument("-u", "--user", default=os.environ.get("HGUSER") or "revlog-explorer")
    p.add_argument("-d", "--date", help="'UNIXTIME TZOFFSET' (default: now, UTC)")
    p.add_argument("--parent", action="append", default=[], metavar="REV",
                   help="parent changeset (twice for a merge; default: the tip)")
    p.add_argument("--text", action="append", default=[], metavar="NAME=TEXT")
    p.add_argument("--file", action="append", default=[], metavar="NAME=SOURCE",
                   help="content read from the local file SOURCE")
    p.add_argument("--remove", action="append", default=[], metavar="NAME")
    p.add_argument("--copy", action="append", default=[], metavar="DEST=SOURCE",
                   help="record DEST as copied from SOURCE")
    p.add_argument("--from-dir", metavar="DIR",
                   help="commit DIR's files as the whole tree (files not in DIR are removed)")
    p.add_argument("--branch")
    p.add_argument("--close-branch", action="store_true")
    p.add_argument("--lightweight-copies", action="store_true",
                   help="experimental: store copies as deltas against their source (the "
                        "store then names a requirement hg refuses)")
    p.set_defaults(run=run_commit)

    p = sub.add_parser("strip", help="remove a changeset and every later one")
    _repository_option(p)
    p.add_argument("rev", type=int, metavar="REV")
    p.set_defaults(run=run_strip)

    p = sub.add_parser("censor", help="replace a file revision's content with a tombstone")
    _repository_option(p)
    p.add_argument("file", metavar="FILE")
    p.add_argument("rev", metavar="REV", help="file revision: number or node (prefix)")
    p.add_argument("-t", "--tombstone", default="")
    p.set_defaults(run=run_censor)

    p = sub.add_parser("convert-copies", help="rewrite copies as light-weight copies "
                       "(experimental, hg refuses the store) or back to full texts")
    _repository_option(p)
    way = p.add_mutually_exclusive_group(required=True)
    way.add_argument("--to-lightweight", action="store_true")
    way.add_argument("--to-standard", action="store_true")
    p.set_defaults(run=run_convert_copies)


def _repository_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-R", "--repository", metavar="REPO",
                   help="repository root (default: found from the working directory)")


def _open(args: argparse.Namespace, lightweight_copies: bool = False) -> Repo:
    root = args.repository or find_repository(os.getcwd())
    if root is None:
        raise StoreError("no repository found here (.hg not found); use -R")
    return Repo.open(root, lightweight_copies=lightweight_copies)


def run_init(args: argparse.Namespace) -> Iterable[str]:
    repo = Repo.init(args.path, compression=args.compression, compression_level=args.level,
                     generaldelta=not args.no_generaldelta and args.revlog != "v0",
                     sparse=not (args.no_sparse or args.no_generaldelta) and args.revlog != "v0",
                     revlog=args.revlog, changelog_v2=args.changelog_v2,
                     store=not args.no_store, fncache=not args.no_fncache,
                     dotencode=not (args.no_dotencode or args.no_fncache),
                     tree_manifest=args.tree_manifest, share_safe=not args.no_share_safe,
                     delta_info=args.delta_info)
    reqs = sorted(repo.store.requirements)
    repo.close()
    yield f"created {args.path} ({', '.join(reqs)})\n"


def run_commit(args: argparse.Namespace) -> Iterable[str]:
    with _open(args, args.lightweight_copies) as repo:
        files = _files(args, repo)
        parents = [int(p) for p in args.parent] or [len(repo) - 1]
        parents += [NULL_REV] * (2 - len(parents))
        node = repo.commit(files, args.message, args.user, _date(args.date),
                           parents=(parents[0], parents[1]), copies=_pairs(args.copy),
                           branch=args.branch, close_branch=args.close_branch)
        rev = len(repo) - 1
    yield f"committed changeset {rev}:{node.hex()}\n"


def _files(args: argparse.Namespace, repo: Repo) -> dict[str, bytes | None]:
    files: dict[str, bytes | None] = {}
    if args.from_dir:
        root = Path(args.from_dir)
        tip = len(repo) - 1 if not args.parent else int(args.parent[0])
        files.update(dict.fromkeys(repo.manifest_of(tip)))  # absent from DIR: removed
        for path in sorted(root.rglob("*")):
            if path.is_file() and ".hg" not in path.relative_to(root).parts:
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    for name, text in _pairs(args.text).items():
        files[name] = text.encode()
    for name, source in _pairs(args.file).items():
        try:
            files[name] = Path(source).read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read {source}: {exc.strerror}") from None
    for name in args.remove:
        files[name] = None
    return files


def _pairs(items: list[str]) -> dict[str, str]:
    pairs = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise StoreError(f"expected NAME=VALUE, got {item!r}")
        pairs[name] = value
    return pairs


def _date(text: str | None) -> tuple[int, int]:
    if text is None:
        return int(time.time()), 0
    try:
        when, offset = text.split()
        return int(when), int(offset)
    except ValueError:
        raise StoreError(f"date {text!r} is not 'UNIXTIME TZOFFSET'") from None


def run_strip(args: argparse.Namespace) -> Iterable[str]:
    with _open(args) as repo:
        removed = repo.strip(args.rev)
    yield f"stripped {len(removed)} changesets from {args.rev}\n"


def run_censor(args: argparse.Namespace) -> Iterable[str]:
    with _open(args) as repo:
        flog = repo.revlog(f"data/{args.file}.i")
        rev = flog.lookup(args.rev)
        node = flog.node(rev)
        repo.censor(args.file, node, args.tombstone.encode())
    yield f"censored {args.file} revision {rev} ({node.hex()[:12]})\n"


def run_convert_copies(args: argparse.Namespace) -> Iterable[str]:
    repo = _open(args)
    try:
        done = repo.convert_copies(lightweight=args.to_lightweight)
    finally:
        repo.close()
    way = "light-weight copies" if args.to_lightweight else "full texts"
    yield (f"{len(done.revisions)} copies rewritten as {way}: {done.bytes_before} bytes "
           f"stored before, {done.bytes_after} after\n")
