"""Checks across revlogs: changesets name manifests, manifests name file revisions.

Mercurial's verify phases, in its order: the changelog (each changeset's
manifest node and touched files are noted), the manifests (each must be
named by a changeset whose number is its link revision; the file revisions
each one introduces are noted), a cross-check of files touched against files
in manifests, then every filelog (each revision named by a manifest, linked
to a changeset that touched the file; copy sources present), and the fncache
or file index against the revlogs found.

A manifest revision introduces the lines its delta inserts, so the entries
are read from the deltas and the full manifests are never parsed, as
Mercurial does; every line of every manifest is still seen once, in the
revision that first stores it.
"""

from __future__ import annotations

import os
import re
from binascii import Error as BinasciiError
from binascii import unhexlify
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import CorruptionError, RevlogError, StoreError
from ..format.constants import NULL_NODE, NULL_REV, REVIDX_EXTSTORED, REVLOG_V0
from ..format.mpatch import PatchError, parse_hunks
from ..payloads.changeset import parse_changeset
from ..payloads.filetext import renamed
from ..revlog.revlog import Revlog
from ..store.files import StoreFiles
from ..store.layout import Layout
from .copy_deltas import flagged
from .problems import ERROR, WARNING, Collector, Problem, Severity
from .revlog_check import RevlogCheck
from .revlog_passes import check_revlog

_NO_LIMIT = 1 << 62  # hunks were already applied: no base length to check against
HINT_FNCACHE = "hg debugrebuildfncache rebuilds the fncache from the revlogs present"


@dataclass
class Rename:
    file: str
    rev: int
    changeset: int | None
    source: str
    source_node: bytes
    where: tuple[str, int]  # data file and offset of the revision's chunk


class Seen(NamedTuple):
    """The manifest revision where a file revision is first named: the manifest's data
    file and the revision's chunk offset, its changeset, the manifest's store path and
    revision, and the problem that lost its text (None when it checked out)."""

    file: str
    offset: int
    changeset: int | None
    manifest: str
    rev: int
    lost: Problem | None


class Links:
    """The cross-revlog state of one verify run, and the phases that fill and check it."""

    def __init__(self, store: StoreFiles, out: Collector, listed: set[str] | None) -> None:
        self.store = store
        self.out = out
        self.listed = listed  # fncache / file index entries not yet matched to a revlog
        self.changelog_size = 0
        self.changelog_version: int | None = None
        self.manifest_links: dict[bytes, list[int]] = {}
        self.file_links: dict[str, list[int]] = {}
        self.bad_changesets: set[int] = set()
        # file -> node -> the manifest revision where it first appears
        self.file_nodes: dict[str, dict[bytes, Seen]] = {}
        self.dir_nodes: dict[str, dict[bytes, list[int]]] = {}
        self.filelog_nodes: dict[str, set[bytes]] = {}
        self.copy_flagged: dict[str, list[int]] = {}  # filelog path -> revs flagged copy-delta
        self.renames: list[Rename] = []
        self.changes = 0
        self.files = 0
        self.have_manifest = False
        self.lost_manifests = 0  # manifest revisions whose entries could not be read

    # -- helpers -------------------------------------------------------------------------

    def report(self, kind: str, path: str, message: str, *, severity: Severity = ERROR,
               file: str | None = None, rev: int | None = None, offset: int | None = None,
               field: str | None = None, hint: str | None = None, changeset: int | None = None,
               length: int | None = None) -> None:
        self.out.add(Problem(severity, path, file, rev, offset, field, message, hint, kind,
                             changeset, length))

    def open(self, path: str, kind: str) -> Revlog | None:
        """Open a revlog of the store; a refusal becomes a problem."""
        try:
            if path == "00changelog.i":
                return self.store.changelog
            if path == "00manifest.i":
                return self.store.manifest
            return self.store.open_revlog(path, kind)
        except StoreError as err:
            self.report("unsafe-path", path, str(err), hint="the revlog was not read")
        except CorruptionError as err:
            self.report("bad-header" if err.offset == 0 else "unreadable", path,
                        f"broken revlog! ({err.message})", file=err.file, offset=err.offset,
                        field="header" if err.offset == 0 else None)
        return None

    def checker(self, rl: Revlog, path: str) -> RevlogCheck:
        """The check of one revlog of the store (a format differing from the changelog's
        is reported here)."""
        if self.changelog_version is None:
            self.changelog_version = rl.version
        elif (rl.version == REVLOG_V0) != (self.changelog_version == REVLOG_V0):
            self.report("format-mix", path, f"'{path}' uses revlog format "
                        f"{0 if rl.version == REVLOG_V0 else 1}, the changelog format "
                        f"{0 if self.changelog_version == REVLOG_V0 else 1}", severity=WARNING,
                        file=rl.index_path, offset=0, field="header")
        radix = path[:-2]
        return RevlogCheck(rl, path, self.out, changelog_size=self.changelog_size,
                           sidefile=lambda suffix: self.store.inside(
                               self.store.fs_path(radix + suffix)))

    def keeps_nodemap(self, rl: Revlog) -> bool:
        """Mercurial keeps nodemaps for the changelog and manifest, with the requirement."""
        return "persistent-nodemap" in self.store.requirements and rl.kind != "filelog"

    def _matched(self, path: str, rl: Revlog) -> None:
        """Tick the revlog's files off the fncache / file index list."""
        if self.listed is None:
            return
        names = [path]
        if self.store.layout is Layout.FNCACHE and not rl.inline and rl.docket is None:
            names.append(path[:-2] + ".d")
        for name in names:
            if name in self.listed:
                self.listed.discard(name)
            elif self.store.layout is Layout.FNCACHE:
                self.report("not-in-fncache", path, f"revlog '{name}' not in fncache",
                            severity=WARNING, file=self.store.fs_path(name), hint=HINT_FNCACHE)
            elif self.store.layout is Layout.FILEINDEX and name.startswith("data/"):
                self.report("not-in-fileindex", path, f"revlog '{name}' not in file index",
                            severity=WARNING, file=self.store.fs_path(name))

    # -- changelog -----------------------------------------------------------------------

    def changelog(self) -> None:
        rl = self.open("00changelog.i", "changelog")
        if rl is None:
            return
        self.changelog_size = len(rl)
        check = self.checker(rl, "00changelog.i")
        check_revlog(check, nodemap=self.keeps_nodemap(rl),
                     visit=lambda rev, text: self._changeset(check, rev, text))
        self.bad_changesets = set(check.unreadable)

    def _changeset(self, check: RevlogCheck, rev: int, text: bytes) -> None:
        try:
            cs = parse_changeset(text)
        except CorruptionError as err:
            self.bad_changesets.add(rev)
            check.report("bad-changeset", f"unpacking changeset: {err.message} (byte {err.offset} "
                         f"of the text)", rev=rev, file=check.rl.data_path,
                         offset=check.rl.chunk_offset(rev), field_name="chunk")
            return
        if cs.manifest != NULL_NODE:
            self.manifest_links.setdefault(cs.manifest, []).append(rev)
        for f in cs.files:
            self.file_links.setdefault(_normpath(f), []).append(rev)

    # -- manifests -----------------------------------------------------------------------

    def manifests(self) -> None:
        if not self.manifest_links and not self.changelog_size:
            return
        self._manifest_log("", "00manifest.i", self.manifest_links)
        while self.dir_nodes:
            directory = min(self.dir_nodes)
            self._manifest_log(directory, f"meta/{directory}00manifest.i",
                               self.dir_nodes.pop(directory))

    def _manifest_log(self, directory: str, path: str, links: dict[bytes, list[int]]) -> None:
        rl = self.open(path, "manifest")
        if rl is None:
            return
        if directory:
            self._matched(path, rl)
        else:
            self.have_manifest = len(rl) > 0
        if not len(rl):
            if links:
                self.report("missing-revlog", path, f"empty or missing {path}",
                            file=rl.index_path, changeset=min(min(v) for v in links.values()))
            return
        check = self.checker(rl, path)
        check_revlog(check, nodemap=self.keeps_nodemap(rl),
                     visit=lambda rev, text: self._manifest_entries(check, directory, rev, text),
                     vouch=lambda rev, text, node: node in links,
                     salvage=lambda rev, _: self._salvage_entries(check, directory, rev))
        self._manifest_linkrevs(check, links)
        self._missing(links, path, "directory manifest revision" if directory else
                      "manifest revision")
        if directory:
            rl.close()

    def _manifest_entries(self, check: RevlogCheck, directory: str, rev: int, text: bytes) -> None:
        rl = check.rl
        try:
            lines = _split(text) if rev in check.repaired else _new_lines(check, rev, text)
            self._note_entries(check, directory, rev, lines)
        except (CorruptionError, PatchError) as err:
            self.lost_manifests += 1
            message = err.message if isinstance(err, CorruptionError) else str(err)
            check.report("bad-manifest", f"reading delta: {message}", rev=rev, file=rl.data_path,
                         offset=rl.chunk_offset(rev), field_name="chunk")

    def _salvage_entries(self, check: RevlogCheck, directory: str, rev: int) -> None:
        """A manifest revision whose text is lost may still have a readable delta: its
        inserted lines are whole entries (Mercurial's manifest deltas are line-aligned)."""
        self.lost_manifests += 1  # whatever its delta still tells, the revision is lost
        try:
            chunk = check.rl.chunk(rev)
            e = check.rl.entry(rev)
            if e.base in (rev, NULL_REV):
                lines = _split(chunk)
            else:
                lines = [line for _, _, at, size in parse_hunks(chunk, _NO_LIMIT)
                         for line in _split(chunk[at : at + size])]
            self._note_entries(check, directory, rev, lines)
        except (RevlogError, PatchError):
            pass  # reported already; its entries stay unknown

    def _note_entries(self, check: RevlogCheck, directory: str, rev: int,
                      lines: list[bytes]) -> None:
        link = check.changeset_of(rev)
        first_seen = Seen(check.rl.data_path, check.rl.chunk_offset(rev), link, check.path, rev,
                          check.unreadable.get(rev))
        file_nodes = self.file_nodes
        for name, node, flag in _entries(lines):
            full = directory + name
            if flag == b"t":
                self.dir_nodes.setdefault(full + "/", {}).setdefault(node, []).append(link)
                continue
            nodes = file_nodes.get(full)
            if nodes is None:
                nodes = file_nodes[full] = {}
            nodes.setdefault(node, first_seen)

    def _manifest_linkrevs(self, check: RevlogCheck, links: dict[bytes, list[int]]) -> None:
        """Each manifest revision is named by changesets, and links to one of them."""
        for rev, e in enumerate(check.entries):
            if e is None:
                continue
            named_by = links.pop(e.node, None)
            if named_by is None:
                why = (f": its changeset {e.link_rev} could not be read"
                       if e.link_rev in self.bad_changesets else "")
                check.report_field("unreferenced", rev, "node",
                                   f"{e.node.hex()[:12]} not in changesets{why}")
            elif e.link_rev not in named_by and check.changeset_of(rev) is not None:
                check.report_field("unexpected-linkrev", rev, "link_rev",
                                   f"rev {rev} points to unexpected changeset {e.link_rev}",
                                   hint=f"expected {' '.join(map(str, named_by))}")

    def _missing(self, links: dict[bytes, list[int | None]], path: str, what: str) -> None:
        """Nodes named by changesets (or parent directories) that the revlog lacks."""
        cl = self.store.changelog if self.changelog_size else None
        for node, revs in sorted(links.items(), key=lambda item: item[1]):
            for cs in revs:
                where = {}
                if cl is not None and cs is not None and 0 <= cs < len(cl):
                    where = dict(file=cl.data_path, offset=cl.chunk_offset(cs), field="chunk")
                self.report("missing-revision", path,
                            f"changeset {cs} refers to unknown {what} {node.hex()[:12]}",
                            changeset=cs, **where)

    # -- files ---------------------------------------------------------------------------

    def crosscheck(self) -> None:
        """Files touched by changesets and files in manifests are the same files."""
        if self.have_manifest:
            for f in sorted(set(self.file_links) - set(self.file_nodes)):
                cs = self.file_links[f][0]
                self.report("not-in-manifest", f"data/{f}.i", "in changeset but not in manifest"
                            + self._lost(), changeset=cs, hint=f"changeset {cs} lists it")
        if self.changelog_size:
            for f in sorted(set(self.file_nodes) - set(self.file_links)):
                first = min(self.file_nodes[f].values(), key=lambda v: (v[2] is None, v[2]))
                self.report("not-in-changeset", f"data/{f}.i",
                            "in manifest but not in changeset", changeset=first[2],
                            file=first[0], offset=first[1], field="chunk")

    def filelogs(self) -> None:
        files = sorted(set(self.file_nodes) | set(self.file_links))
        self.files = len(files)
        for f in files:
            self._filelog(f)
        self._check_renames()

    def _filelog(self, f: str) -> None:
        path = f"data/{f}.i"
        links = self.file_links.get(f, [])
        rl = self.open(path, "filelog")
        if rl is None:
            return
        with rl:
            if os.path.exists(rl.index_file):
                self._matched(path, rl)
            if not len(rl):
                self.report("missing-revlog", path, f"empty or missing {f}", file=rl.index_file,
                            changeset=links[0] if links else None)
                return
            check = self.checker(rl, path)
            nodes = self.file_nodes.get(f, {})
            check_revlog(check, nodemap=self.keeps_nodemap(rl),
                         visit=lambda rev, text: self._file_revision(check, f, rev, text),
                         vouch=lambda rev, text, node: node in nodes)
            self._file_linkrevs(check, f, set(links), nodes)
            self.changes += len(rl)
            self.filelog_nodes[f] = set(check.nodes)
            self.copy_flagged[path] = flagged(check.entries)

    def _file_revision(self, check: RevlogCheck, f: str, rev: int, text: bytes) -> None:
        e = check.entries[rev]
        if e.flags & REVIDX_EXTSTORED:
            return  # the text is a pointer to content kept elsewhere (lfs)
        if e.p1 != NULL_REV:
            return  # only a revision whose p1 is null is a copy (``renamed``): most are not
        try:
            source = renamed(text, p1_is_null=True, flags=e.flags,
                             filelog_meta=check.rl.filelog_meta)
        except CorruptionError as err:
            check.report("bad-copy", f"checking rename: {err.message}", rev=rev,
                         file=check.rl.data_path, offset=check.rl.chunk_offset(rev),
                         field_name="chunk")
            return
        if source is not None:
            self.renames.append(Rename(f, rev, check.changeset_of(rev), source[0], source[1],
                                       (check.rl.data_path, check.rl.chunk_offset(rev))))

    def _lost(self) -> str:
        """A note for problems that manifest revisions lost to damage may explain."""
        if not self.lost_manifests:
            return ""
        return f" (but {self.lost_manifests} manifest revisions could not be read)"

    def _file_linkrevs(self, check: RevlogCheck, f: str, links: set[int],
                       nodes: dict[bytes, tuple[str, int, int | None]]) -> None:
        for rev, e in enumerate(check.entries):
            if e is None:
                continue
            if (self.changelog_size and e.link_rev not in links
                    and check.changeset_of(rev) is not None):
                if e.link_rev in self.bad_changesets:
                    message = (f"rev {rev} points to changeset {e.link_rev}, which could not "
                               f"be read")
                else:
                    message = f"rev {rev} points to unexpected changeset {e.link_rev}"
                check.report_field("unexpected-linkrev", rev, "link_rev", message,
                                   hint=f"changesets touching it: "
                                        f"{' '.join(map(str, sorted(links))) or 'none'}")
            if self.have_manifest and e.node not in nodes:
                check.report_field("unreferenced", rev, "node",
                                   f"{e.node.hex()[:12]} not in manifests{self._lost()}")
            else:
                nodes.pop(e.node, None)
        for node, seen in sorted(nodes.items(), key=lambda item: item[1][1:3]):
            self._unknown_revision(check, f, node, seen)

    def _unknown_revision(self, check: RevlogCheck, f: str, node: bytes, seen: Seen) -> None:
        """A manifest names a revision of ``f`` its filelog lacks. hg files that under the
        file. When a revision of the file has that node but its node field is damaged,
        the problem is that revision's, at that field. When the manifest revision naming
        it is itself lost (its entries were salvaged from a damaged text), the name is as
        doubtful as the text, and the problem is the manifest's: filed under that
        revision, at the bytes that lost it."""
        message = f"manifest refers to unknown revision {node.hex()[:12]}"
        lost = seen.lost
        owner = next((rev for rev, true in sorted(check.true_nodes.items()) if true == node),
                     None)
        if owner is not None:
            check.report_field("missing-revision", owner, "node",
                               f"{message}: rev {owner} is that revision, its node field "
                               "damaged")
            return
        if lost is None:
            self.report("missing-revision", check.path, message, changeset=seen.changeset,
                        file=seen.file, offset=seen.offset, field="chunk")
            return
        self.report("missing-revision", seen.manifest, f"{message} of {f}", rev=seen.rev,
                    changeset=seen.changeset, file=lost.file, offset=lost.offset,
                    field=lost.field, hint="its text is lost: the entry may be damaged too")

    def _check_renames(self) -> None:
        for r in self.renames:
            nodes = self.filelog_nodes.get(r.source)
            if nodes is None:
                nodes = self._nodes_of(r.source)
            where = dict(file=r.where[0], offset=r.where[1], field="chunk", rev=r.rev,
                         changeset=r.changeset)
            if not nodes:
                self.report("bad-copy", f"data/{r.file}.i",
                            f"empty or missing copy source revlog {r.source}:"
                            f"{r.source_node.hex()[:12]}", **where)
            elif r.source_node != NULL_NODE and r.source_node not in nodes:
                self.report("bad-copy", f"data/{r.file}.i",
                            f"copy source {r.source}@{r.source_node.hex()[:12]} not found",
                            **where)

    def _nodes_of(self, f: str) -> set[bytes]:
        rl = self.open(f"data/{f}.i", "filelog")
        if rl is None:
            return set()
        with rl:
            try:
                return {rl.node(r) for r in range(len(rl))}
            except RevlogError:
                return set()

    # -- listing -------------------------------------------------------------------------

    def orphans(self) -> None:
        """Entries of the fncache / file index that no tracked file accounts for."""
        if not self.listed:
            return
        what = {Layout.FILEINDEX: "file index entry", Layout.FNCACHE: "data file"}.get(
            self.store.layout, "revlog, named by no manifest,")
        for name in sorted(self.listed):
            self.report("orphan", name, f"orphan {what} '{name}'", severity=WARNING,
                        file=self.store.fs_path(name),
                        hint=HINT_FNCACHE if self.store.layout is Layout.FNCACHE else None)


def _normpath(f: str) -> str:
    while "//" in f:
        f = f.replace("//", "/")
    return f


def _new_lines(check: RevlogCheck, rev: int, text: bytes) -> list[bytes]:
    """The lines of ``text`` that the revision's delta inserted (all, for a full text).

    Each hunk's bytes are widened to whole lines of the new text, so a delta
    that is not line-aligned still yields whole entries.
    """
    e = check.entries[rev]
    if e.base in (rev, NULL_REV):
        return _split(text)
    if e.compressed_length == 0:
        return []
    chunk = check.rl.chunk(rev) if check.scan is None else check.scan.chunk(rev)
    pieces: list[bytes] = []  # whole lines: all but the last end with a newline
    shift = done = 0
    for start, end, _data, length in parse_hunks(chunk, _NO_LIMIT):
        lo = start + shift
        shift += length - (end - start)
        if not length:
            continue
        hi = lo + length
        lo = max(text.rfind(b"\n", 0, lo) + 1, done)
        if text[hi - 1 : hi] != b"\n":
            nl = text.find(b"\n", hi)
            hi = len(text) if nl < 0 else nl + 1
        if hi > lo:
            pieces.append(text[lo:hi])
            done = hi
    return _split(b"".join(pieces))


def _split(text: bytes) -> list[bytes]:
    lines = text.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


# A well-formed manifest line, as _entries_one_by_one reads it: a name up to the first NUL,
# 40 hex digits, at most one flag byte.
_ENTRY = re.compile(rb"^([^\0\n]+)\0([0-9a-fA-F]{40})([^\n]?)$", re.MULTILINE)


def _entries(lines: list[bytes]) -> Iterable[tuple[str, bytes, bytes]]:
    """Decode manifest lines: (path, 20-byte node, flag).

    When every line is well formed (one regex match each, found in one pass
    over the block: a line-by-line parse was a tenth of verify) they are
    decoded at once; otherwise line by line, up to the first bad one, which
    raises."""
    found = _ENTRY.findall(b"\n".join(lines))
    if len(found) != len(lines):
        return _entries_one_by_one(lines)
    return [(name.decode("utf-8", "surrogateescape"), unhexlify(node), flag)
            for name, node, flag in found]


def _entries_one_by_one(lines: Iterable[bytes]) -> Iterator[tuple[str, bytes, bytes]]:
    """``_entries``, a line at a time: the entries before a bad line are noted before it
    raises, and its error names it."""
    for line in lines:
        name, sep, rest = line.partition(b"\0")
        if not sep or not name:
            raise CorruptionError(f"manifest line {line[:60]!r} has no name or no NUL")
        try:
            node = unhexlify(rest[:40])
        except (BinasciiError, ValueError):
            node = b""
        if len(node) != 20 or len(rest) > 41:
            raise CorruptionError(f"manifest line for {name!r} has a bad node {rest[:44]!r}")
        yield name.decode("utf-8", "surrogateescape"), node, rest[40:]
