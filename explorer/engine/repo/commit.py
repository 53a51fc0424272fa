"""Writing one changeset: files, manifest, changeset, as Mercurial commits them.

The same history committed here and through Mercurial's API (``memctx``)
gives the same nodes, because every hashed text and every parent is chosen
by the same rules:

* a file revision's filelog parents are the file's nodes in the two parent
  manifests, reordered as hg does (a copy gets null p1 and copy metadata,
  a merge where one side is an ancestor of the other keeps one parent);
* unchanged content under the same parent reuses the parent's node;
* the manifest lists every file with its node and flags, sorted; a tree
  manifest has one revlog per directory, and a directory whose text did not
  change keeps its parent's node;
* the changeset lists the files touched, sorted.

Unmentioned paths keep the first parent's version, as with ``memctx``.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import RevlogError
from ..format.constants import NULL_NODE, NULL_REV, REVIDX_HASMETA
from ..payloads.changeset import format_changeset, parse_changeset
from ..payloads.filetext import file_content, pack_file_text
from ..payloads.manifest import parse_manifest
from . import lightcopies
from .paths import audit, check_clashes

Date = tuple[float, int]
Entry = tuple[bytes, str]  # file node, flags
FASTDELTA_LIMIT = 1000  # more changes than this: diff the manifests instead
FILE_FLAGS = ("", "x", "l")  # plain, executable, symlink
_HUNK = struct.Struct(">lll")


@dataclass
class Change:
    """What a commit asks for; the names it writes and copies from are audited as it is
    made, before any transaction starts (``paths.audit``)."""

    files: Mapping[str, bytes | None]
    message: str
    user: str
    date: Date
    p1: int = NULL_REV
    p2: int = NULL_REV
    copies: Mapping[str, str] = field(default_factory=dict)
    flags: Mapping[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for path in sorted(p for p, content in self.files.items() if content is not None):
            audit(path)
        for source in self.copies.values():
            audit(source)
        for path, flag in self.flags.items():
            if flag not in FILE_FLAGS:
                raise RevlogError(f"flag {flag!r} of '{path}' is not one of 'x', 'l' or ''")


class Committer:
    """Commits changesets into ``repo`` within transaction ``tr``."""

    def __init__(self, repo, tr) -> None:
        self.repo = repo
        self.tr = tr

    def commit(self, change: Change) -> bytes:
        repo = self.repo
        cl = repo.revlog("00changelog.i")
        link = len(cl)
        m1 = repo.manifest_of(change.p1)
        m2 = repo.manifest_of(change.p2)
        check_clashes(m1, change.files)  # before the first write: a refusal leaves no trace
        new = dict(m1)
        touched, committed = [], []
        for path in sorted(change.files):
            content = change.files[path]
            if content is None:
                continue
            flags = change.flags.get(path, m1.get(path, (b"", ""))[1])
            node, is_touched = self._file(path, content, flags, m1, m2, link, change)
            new[path] = (node, flags)
            committed.append(path)
            if is_touched:
                touched.append(path)
        removed = [p for p in change.files if change.files[p] is None and (p in m1 or p in m2)]
        dropped = sorted(p for p in removed if p in new)
        for path in dropped:
            del new[path]
        touched.extend(self._removals(removed, change, m1, m2))
        manifest = self._manifest(new, m1, change, link, touched, committed, dropped)
        text = format_changeset(manifest, change.user, change.date, touched, change.message,
                                change.extra)
        rev = cl.add_revision(text, change.p1, change.p2, link, self.tr)
        repo.note_commit(rev, new, manifest)
        return cl.node(rev)

    # -- files -------------------------------------------------------------------------

    def _file(self, path: str, content: bytes, flags: str, m1: dict[str, Entry],
              m2: dict[str, Entry], link: int, change: Change) -> tuple[bytes, str | None]:
        fp1 = m1.get(path, (NULL_NODE, ""))[0]
        fp2 = m2.get(path, (NULL_NODE, ""))[0]
        touched = "added" if fp1 == fp2 == NULL_NODE else None
        flog = self.repo.revlog(f"data/{path}.i")
        meta: dict[str, str] = {}
        source = change.copies.get(path)
        if source and source != path:
            fp1, fp2, meta = self._copy(source, fp1, fp2, m1, m2, change)
        elif fp1 == NULL_NODE:
            fp1, fp2 = fp2, NULL_NODE
        elif fp2 != NULL_NODE:
            heads = flog.common_ancestor_heads(flog.rev(fp1), flog.rev(fp2))
            if flog.rev(fp1) in heads:
                fp1, fp2 = fp2, NULL_NODE
            elif flog.rev(fp2) in heads:
                fp2 = NULL_NODE
        if fp2 != NULL_NODE or fp1 == NULL_NODE or meta or _differs(flog, fp1, content):
            if touched is None:
                touched = "modified" if fp2 == NULL_NODE else "merged"
            text = pack_file_text(content, meta or None)
            rev_flags = REVIDX_HASMETA if flog.filelog_meta and text.startswith(b"\1\n") else 0
            payload = None
            if meta and self.repo.lightweight_copies:
                payload = lightcopies.commit_payload(self.repo, flog, text, meta["copy"],
                                                     bytes.fromhex(meta["copyrev"]), self.tr)
            rev = flog.add_revision(text, flog.rev(fp1), flog.rev(fp2), link, self.tr,
                                    rev_flags, copy_payload=payload)
            return flog.node(rev), touched
        if path in m1 and m1[path][1] != flags:
            return fp1, "modified"
        return fp1, touched

    def _copy(self, source: str, fp1: bytes, fp2: bytes, m1, m2, change: Change):
        """Filelog parents and metadata of a copied file (hg records the source node)."""
        cnode = m1.get(source, (None,))[0]
        newp1 = fp2
        if change.p2 != NULL_REV and (fp2 == NULL_NODE or cnode is None) and source in m2:
            cnode, newp1 = m2[source][0], fp1
        if cnode is None:
            return fp1, fp2, {}  # hg warns: no ancestor to copy from; no metadata
        return newp1, NULL_NODE, {"copy": source, "copyrev": cnode.hex()}

    def _removals(self, removed: list[str], change: Change, m1, m2) -> list[str]:
        """Removed files the changeset lists.

        In a merge, a file absent from the result is not listed when one side
        had already deleted it and the other left it as the common ancestors
        had it: the merge itself deleted nothing (hg's removal filter).
        """
        if change.p2 == NULL_REV:
            return removed
        cl = self.repo.revlog("00changelog.i")
        bases = [self.repo.manifest_of(h)
                 for h in cl.common_ancestor_heads(change.p1, change.p2)]

        def deleted_by_a_parent(path: str) -> bool:
            if path in m1:
                return path not in m2 and all(m.get(path) == m1[path] for m in bases)
            if path in m2:
                return all(m.get(path) == m2[path] for m in bases)
            return True

        return [p for p in removed if not deleted_by_a_parent(p)]

    # -- manifest ----------------------------------------------------------------------

    def _manifest(self, new: dict[str, Entry], m1: dict[str, Entry], change: Change,
                  link: int, touched: list[str], committed: list[str],
                  dropped: list[str]) -> bytes:
        repo = self.repo
        p1n, p2n = repo.manifest_node(change.p1), repo.manifest_node(change.p2)
        if not touched and new == m1:
            return p1n  # nothing listed changed: reuse p1's manifest, as hg does
        if repo.tree_manifest:
            return TreeWriter(repo, self.tr, link).write(new, change.p1, change.p2)
        ml = repo.revlog("00manifest.i")
        text, cached = _manifest_text(repo.manifest_text(change.p1), new, committed, dropped)
        base = ml.rev(p1n) if cached is not None else None
        rev = ml.add_revision(text, ml.rev(p1n), ml.rev(p2n), link, self.tr,
                              cached_delta=(base, cached) if cached is not None else None)
        return ml.node(rev)


def _manifest_line(path: str, entry: Entry) -> bytes:
    return path.encode("utf-8", "surrogateescape") + b"\0" + entry[0].hex().encode() \
        + entry[1].encode() + b"\n"


def _manifest_text(base: bytes | None, new: dict[str, Entry], committed: list[str],
                   dropped: list[str]) -> tuple[bytes, bytes | None]:
    """The new manifest text, and its delta against p1's text when it is cheap.

    Like Mercurial's fast path, the delta rewrites each committed line (even
    an unchanged one) and each dropped line in place, merging touching hunks.
    """
    changes = sorted([(p, False) for p in committed] + [(p, True) for p in dropped],
                     key=lambda c: c[0].encode("utf-8", "surrogateescape"))
    if base is None or len(changes) >= FASTDELTA_LIMIT:
        lines = sorted(_manifest_line(p, e) for p, e in new.items())
        return b"".join(lines), None
    hunks: list[list] = []
    start = 0
    for path, dropping in changes:
        start, end = _line_span(base, path.encode("utf-8", "surrogateescape"), start)
        line = b"" if dropping else _manifest_line(path, new[path])
        if dropping and start == end:
            raise RevlogError(f"cannot remove {path!r}: not in the parent manifest")
        if hunks and hunks[-1][0] <= start <= hunks[-1][1]:
            hunks[-1][1] = max(hunks[-1][1], end)
            hunks[-1][2].append(line)
        else:
            hunks.append([start, end, [line]])
    pieces, delta, pos = [], [], 0
    for hstart, hend, lines in hunks:
        content = b"".join(lines)
        pieces.append(base[pos:hstart])
        pieces.append(content)
        delta.append(_HUNK.pack(hstart, hend, len(content)) + content)
        pos = hend
    pieces.append(base[pos:])
    return b"".join(pieces), b"".join(delta)


def _line_span(text: bytes, path: bytes, lo: int) -> tuple[int, int]:
    """(start, end) of ``path``'s line in a sorted manifest text, searching from
    line start ``lo``; (insertion point, same) when the path is absent."""
    hi = len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        start = text.rfind(b"\n", lo, mid) + 1 or lo
        end = text.index(b"\n", start) + 1
        if text[start : text.index(b"\0", start)] < path:
            lo = end
        else:
            hi = start
    if text.startswith(path + b"\0", lo):
        return lo, text.index(b"\n", lo) + 1
    return lo, lo


class TreeWriter:
    """Writes a tree manifest: one revlog per directory, children first."""

    def __init__(self, repo, tr, link: int) -> None:
        self.repo, self.tr, self.link = repo, tr, link

    def write(self, files: dict[str, Entry], p1: int, p2: int) -> bytes:
        tree = _build_tree(files)
        t1 = self.repo.tree_of(p1)
        t2 = self.repo.tree_of(p2)
        return self._write_dir("", tree, t1, t2, self.repo.manifest_node(p1),
                               self.repo.manifest_node(p2))

    def _write_dir(self, directory: str, tree: dict, t1: dict, t2: dict,
                   p1: bytes, p2: bytes) -> bytes:
        entries = []
        for name, child in tree.items():
            if isinstance(child, dict):
                sub = f"{directory}{name}/"
                s1, s2 = t1.get(sub, (NULL_NODE, b""))[0], t2.get(sub, (NULL_NODE, b""))[0]
                if s1 == NULL_NODE:
                    s1, s2 = s2, NULL_NODE
                node = self._write_dir(sub, child, t1, t2, s1, s2)
                entries.append((name, node, "t"))
            else:
                entries.append((name, child[0], child[1]))
        text = b"".join(_manifest_line(name, (node, flags))
                        for name, node, flags in sorted(entries, key=lambda e: e[0].encode(
                            "utf-8", "surrogateescape")))
        if directory:
            for node in (p1, p2):
                if node != NULL_NODE and self.repo.dir_text(directory, node) == text:
                    return node
        rl = self.repo.revlog(f"meta/{directory}00manifest.i" if directory else "00manifest.i")
        rev = rl.add_revision(text, rl.rev(p1), rl.rev(p2), self.link, self.tr)
        return rl.node(rev)


def _build_tree(files: dict[str, Entry]) -> dict:
    """Nested dicts: directory name -> subtree, file name -> entry."""
    root: dict = {}
    for path, entry in files.items():
        *dirs, name = path.split("/")
        node = root
        for d in dirs:
            node = node.setdefault(d, {})
        node[name] = entry
    return root


def _differs(flog, node: bytes, content: bytes) -> bool:
    """True when ``content`` is not what revision ``node`` stores (hg's filelog.cmp:
    a censored revision compares as empty; copy metadata does not count)."""
    rev = flog.rev(node)
    if flog.is_censored(rev):
        return content != b""
    return file_content(flog.revision(rev)) != content


def parse_flat(text: bytes) -> dict[str, Entry]:
    return {e.path: (e.node, e.flags) for e in parse_manifest(text)}


def changeset_manifest(cl, rev: int) -> bytes:
    if rev == NULL_REV:
        return NULL_NODE
    return parse_changeset(cl.revision(rev)).manifest
