"""Links between the revlogs of a store: the changelog → manifest → filelog walk.

Revisions point at revisions of other revlogs, and following those pointers
is how Mercurial reads a changeset: the changeset names its manifest
revision by node and lists the files it touched; a manifest entry names a
file revision by node (in a tree manifest, a subdirectory entry names that
directory's manifest revision in ``meta/<dir>/00manifest.i``); every entry of
a manifest or filelog index names, by its link rev, the changeset that
introduced it; a copied file revision names its source's revision.

``links_of`` lists the links of one revision as ``Link`` records made from
its text alone (nothing else is opened: a manifest of 100,000 entries gives
its links without reading one filelog), and ``line_link`` makes the one a
text line shows. ``Resolver.resolve`` finds where a link leads, a
``Position`` (revlog path, rev), opening what it must; what it cannot find
it says with ``LinkError``. Nothing here imports a UI library.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from explorer.engine import CorruptionError, Revlog, RevlogError
from explorer.engine.format.constants import REVIDX_ISCENSORED
from explorer.engine.payloads.filetext import renamed
from explorer.engine.payloads.manifest import Manifest, ManifestEntry, parse_manifest
from explorer.views.source import Source

CHANGELOG = "00changelog.i"
MANIFEST = "00manifest.i"
NULL_NODE = b"\0" * 20


class LinkError(RevlogError):
    """A link leads nowhere in this store; the message says why, for the user."""


class Position(NamedTuple):
    """A revision of a revlog of the store: where the explorer can stand."""

    path: str  # the revlog's unencoded store path: "00changelog.i", "data/a.txt.i"
    rev: int


class Link(NamedTuple):
    """Where a revision points: revlog ``path`` at ``rev`` (a link rev) or at ``node``.

    A file of a changeset is known by name only: ``file`` is looked up in the
    manifest revision ``node`` (of the root manifest) when the link is followed.
    """

    kind: str   # "changeset", "manifest", "file", "directory", "copy source"
    label: str  # what the user is shown: "changeset 12", "src/a.py"
    path: str
    rev: int | None = None
    node: bytes | None = None
    file: str | None = None


# -- which links a revision has ----------------------------------------------------


def directory_of(manifest_path: str) -> str:
    """The directory a manifest revlog lists, "" for the root: "meta/a/b/00manifest.i"
    -> "a/b/"."""
    if manifest_path.startswith("meta/") and manifest_path.endswith("/" + MANIFEST):
        return manifest_path[len("meta/"):-len(MANIFEST)]
    return ""


def filelog_path(file: str) -> str:
    """The store path of a tracked file's filelog: "src/a.py" -> "data/src/a.py.i"."""
    return f"data/{file}.i"


def dirlog_path(directory: str) -> str:
    """The store path of a directory's tree manifest: "a/b/" -> "meta/a/b/00manifest.i"."""
    return f"meta/{directory}{MANIFEST}" if directory else MANIFEST


def changeset_link(link_rev: int) -> Link:
    """An index entry's link rev: the changeset that introduced the revision."""
    return Link("changeset", f"changeset {link_rev}", CHANGELOG, rev=link_rev)


def manifest_link(node: bytes) -> Link:
    """A changeset's manifest revision, by node."""
    return Link("manifest", f"manifest {node.hex()[:12]}", MANIFEST, node=node)


def changed_file_link(file: str, manifest: bytes) -> Link:
    """A file a changeset lists: its revision is the one the changeset's manifest names."""
    return Link("file", file, filelog_path(file), node=manifest, file=file)


def entry_link(manifest_path: str, entry: ManifestEntry) -> Link:
    """A manifest entry: a file revision, or a subdirectory's manifest revision."""
    full = directory_of(manifest_path) + entry.path
    if entry.is_tree:
        return Link("directory", full + "/", dirlog_path(full + "/"), node=entry.node)
    return Link("file", full, filelog_path(full), node=entry.node)


def copy_link(source: str, node: bytes) -> Link:
    """The revision a copied file revision was copied from."""
    return Link("copy source", source, filelog_path(source), node=node)


def links_of(kind: str, path: str, rl: Revlog, rev: int) -> list[Link]:
    """Every link of revision ``rev`` of ``rl`` (a revlog of ``kind`` at store ``path``),
    in the order the text pane shows them. Reads the revision's text."""
    entry = rl.entry(rev)
    if kind == "changelog":
        from explorer.engine.payloads.changeset import parse_changeset  # not at start-up

        cs = parse_changeset(rl.revision(rev))
        links = [] if cs.manifest == NULL_NODE else [manifest_link(cs.manifest)]
        return links + [changed_file_link(f, cs.manifest) for f in cs.files]
    links = [changeset_link(entry.link_rev)]
    if kind == "manifest":
        return links + [entry_link(path, e) for e in parse_manifest(rl.revision(rev))]
    if not entry.flags & REVIDX_ISCENSORED:
        source = renamed(rl.revision(rev), p1_is_null=entry.p1 == -1, flags=entry.flags,
                         filelog_meta=rl.filelog_meta)
        if source is not None:
            links.append(copy_link(*source))
    return links


# -- where a link leads --------------------------------------------------------------

Opener = Callable[[str], Revlog]  # a revlog of the store by its path; LinkError if none


class Resolver:
    """Follows links within one store; ``open`` gives a revlog by its store path."""

    def __init__(self, open: Opener) -> None:
        self.open = open

    def resolve(self, link: Link) -> Position:
        """Where ``link`` leads (``LinkError`` when nowhere in this store)."""
        node = link.node
        if link.file is not None:
            node = self.file_node(link.node, link.file)
            if node is None:
                raise LinkError(f"{link.file} is not in this changeset's manifest: "
                                "the changeset removed it")
        with self.open(link.path) as rl:
            if link.rev is not None:
                if not 0 <= link.rev < len(rl):
                    raise LinkError(f"{link.path} has no revision {link.rev} "
                                    f"(0 … {len(rl) - 1})")
                return Position(link.path, link.rev)
            try:
                return Position(link.path, rl.rev(node))
            except LookupError:
                raise LinkError(f"{link.path} has no revision with node {node.hex()}") from None

    def file_node(self, manifest: bytes, file: str) -> bytes | None:
        """The node of ``file`` in root manifest revision ``manifest``, walking down
        tree manifests a directory at a time; None when the file is not there."""
        directory, rest, node = "", file, manifest
        while True:
            found = self._manifest_entries(directory, node)
            entry = found.find(rest)
            if entry is not None and not entry.is_tree:
                return entry.node
            head, slash, rest = rest.partition("/")
            sub = found.find(head) if slash else None
            if sub is None or not sub.is_tree:
                return None
            directory, node = directory + head + "/", sub.node

    def _manifest_entries(self, directory: str, node: bytes) -> Manifest:
        path = dirlog_path(directory)
        with self.open(path) as rl:
            try:
                rev = rl.rev(node)
            except LookupError:
                raise LinkError(f"{path} has no revision with node {node.hex()}") from None
            try:
                return parse_manifest(rl.revision(rev))
            except CorruptionError as err:
                raise LinkError(f"{path} rev {rev} cannot be read: {err.message}") from None


def store_resolver(source: Source) -> Resolver:
    """A resolver over the revlogs ``source`` lists (links need a store: a lone revlog
    file has no changelog to lead to)."""
    refs = {ref.path: ref for ref in source.refs}

    def open_revlog(path: str) -> Revlog:
        ref = refs.get(path)
        if source.store is None:
            raise LinkError("links lead to other revlogs of a store: this is a lone "
                            "revlog file")
        if ref is None:
            raise LinkError(f"{path} is not a revlog of this store")
        try:
            return source.open(ref)
        except RevlogError as err:
            raise LinkError(f"{path} cannot be opened: {err}") from None

    return Resolver(open_revlog)
