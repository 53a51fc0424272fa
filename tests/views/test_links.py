"""Links between revlogs lead where hg says: a changeset's manifest and files, a manifest's
entries, a revision's link rev, a copy's source; flat and tree manifests."""

from __future__ import annotations

import pytest

from explorer.engine import Store
from explorer.engine.damage import faults
from explorer.views.links import (
    CHANGELOG,
    MANIFEST,
    LinkError,
    Position,
    changed_file_link,
    directory_of,
    links_of,
    store_resolver,
)
from explorer.views.source import open_source
from tests.hgrepos import hg as run_hg

MERGES = (29, 36)  # the zstd repository's merge changesets (hg log: two parents)
# the first changeset, a rename, a removal, the merges, the tip
CHANGESETS = (0, 16, 18, 29, 36, 41)


class Hg:
    """hg's answers about one repository, each asked once per module; the revlogs'
    indexes from the repository's oracle (tests/hgoracle.py, hg's own index reads,
    cached on disk)."""

    def __init__(self, hgrepos, name: str) -> None:
        self.hgrepos, self.name = hgrepos, name
        self._asked: dict[tuple[str, ...], str] = {}
        self.revlogs = hgrepos.oracle(name)["revlogs"]

    def ask(self, *args: str) -> str:
        if args not in self._asked:
            self._asked[args] = self.hgrepos.hg(self.name, *args).decode()
        return self._asked[args]

    def index(self, path: str) -> dict[str, tuple[int, int]]:
        """What hg debugindex says of revlog ``path``: full hex node -> (rev, linkrev)."""
        return {r["node"].hex(): (r["rev"], r["linkrev"]) for r in self.revlogs[path]["revs"]}

    def manifest(self, rev: int) -> dict[str, str]:
        """hg manifest --debug -r REV: path -> full hex file node."""
        lines = self.ask("manifest", "--debug", "-r", str(rev)).splitlines()
        return {line.split(" ", 3)[3].lstrip(" *@"): line[:40] for line in lines}

    def changesets(self) -> list[tuple[str, list[str]]]:
        """Per changeset: its manifest node and the files it lists (hg log)."""
        out = self.ask("log", "-r", "0:", "-T", "{manifest.node}\\0{join(files, '\\0')}\\n")
        return [(node, [f for f in files.split("\0") if f])
                for node, files in (line.split("\0", 1) for line in out.splitlines())]


@pytest.fixture(scope="module")
def hg(hgrepos) -> Hg:
    return Hg(hgrepos, "zstd")


@pytest.fixture(scope="module")
def zstd(hgrepos):
    source = open_source(hgrepos("zstd"))
    yield source
    source.store.close()


def test_a_changeset_leads_to_its_manifest_and_the_file_revisions_hg_names(zstd, hg):
    """Changesets of every kind, merges included: the manifest revision by node, then each
    file it lists to the filelog revision its manifest names (hg manifest --debug, debugindex);
    a file the changeset removed leads nowhere, and says so."""
    resolver = store_resolver(zstd)
    manifests = hg.index(MANIFEST)
    changesets = hg.changesets()
    assert all(len(hg.ask("log", "-r", f"parents({m})", "-T", "x")) == 2 for m in MERGES)
    with zstd.store.open_revlog(CHANGELOG) as cl:
        for rev in CHANGESETS:
            manifest, files = changesets[rev]
            links = links_of("changelog", CHANGELOG, cl, rev)
            assert links[0].kind == "manifest"
            assert resolver.resolve(links[0]) == Position(MANIFEST, manifests[manifest][0])
            assert [link.label for link in links[1:]] == files
            tracked = hg.manifest(rev)
            for link in links[1:]:
                if link.label not in tracked:
                    with pytest.raises(LinkError, match="removed it"):
                        resolver.resolve(link)
                    continue
                expected = hg.index(link.path)[tracked[link.label]][0]
                assert resolver.resolve(link) == Position(f"data/{link.label}.i", expected)


def test_a_manifest_entry_leads_to_its_file_revision(zstd, hg):
    """A merge's manifest: every entry to the filelog revision hg's debugindex gives its
    node, and the manifest revision to its changeset (debugindex's linkrev)."""
    resolver = store_resolver(zstd)
    manifests = hg.index(MANIFEST)
    by_rev = {rev: (node, linkrev) for node, (rev, linkrev) in manifests.items()}
    merge_manifest = next(rev for rev, (_, linkrev) in by_rev.items() if linkrev == MERGES[1])
    with zstd.store.open_revlog(MANIFEST) as ml:
        links = links_of("manifest", MANIFEST, ml, merge_manifest)
    assert links[0].kind == "changeset"
    assert resolver.resolve(links[0]) == Position(CHANGELOG, MERGES[1])
    tracked = hg.manifest(MERGES[1])
    assert sorted(link.label for link in links[1:]) == sorted(tracked)
    for link in links[1:]:
        rev = hg.index(link.path)[tracked[link.label]][0]
        assert resolver.resolve(link) == Position(f"data/{link.label}.i", rev)


def test_a_file_revision_leads_to_its_changeset_and_its_copy_source(zstd, hg):
    """The link rev (hg debugindex) and the copy source (hg debugrename)."""
    resolver = store_resolver(zstd)
    index = hg.index("data/src/helpers.py.i")
    node, (rev, linkrev) = next(iter(index.items()))
    with zstd.store.open_revlog("data/src/helpers.py.i") as rl:
        links = links_of("filelog", "data/src/helpers.py.i", rl, rev)
    assert resolver.resolve(links[0]) == Position(CHANGELOG, linkrev)
    renamed = hg.ask("debugrename", "-r", str(linkrev), "src/helpers.py")
    source, source_node = renamed.split(" renamed from ")[1].strip().split(":")
    assert links[1].kind == "copy source" and links[1].label == source
    expected = hg.index(f"data/{source}.i")[source_node][0]
    assert resolver.resolve(links[1]) == Position(f"data/{source}.i", expected)


def test_tree_manifests_are_walked_a_directory_at_a_time(hgrepos):
    """With tree manifests a changeset's deep file is found through meta/…/00manifest.i,
    and a directory entry leads to that directory's manifest revision (debugindex --dir)."""
    source = open_source(hgrepos("treemanifest"))
    resolver = store_resolver(source)
    hg = Hg(hgrepos, "treemanifest")
    deep = "a/b/c/d/e/f/leaf.txt"
    changes = [rev for rev, (_, files) in enumerate(hg.changesets()) if deep in files]
    with source.store.open_revlog(CHANGELOG) as cl:
        for rev in (changes[0], changes[-1]):
            link = next(x for x in links_of("changelog", CHANGELOG, cl, rev) if x.label == deep)
            expected = hg.index(f"data/{deep}.i")[hg.manifest(rev)[deep]][0]
            assert resolver.resolve(link) == Position(f"data/{deep}.i", expected)
    assert directory_of("meta/a/b/00manifest.i") == "a/b/" and directory_of(MANIFEST) == ""
    with source.store.open_revlog("meta/a/00manifest.i") as ml:
        links = links_of("manifest", "meta/a/00manifest.i", ml, len(ml) - 1)
    subdir = next(x for x in links if x.kind == "directory")
    assert subdir.label == "a/b/" and subdir.path == "meta/a/b/00manifest.i"
    expected = hg.index("meta/a/b/00manifest.i")[subdir.node.hex()][0]
    assert resolver.resolve(subdir) == Position("meta/a/b/00manifest.i", expected)
    top = next(x for x in links if x.kind == "file")
    assert top.label == "a/top.txt" and top.path == "data/a/top.txt.i"
    source.store.close()


def test_a_link_to_nothing_says_why(zstd):
    resolver = store_resolver(zstd)
    with pytest.raises(LinkError, match="not a revlog of this store"):
        resolver.resolve(changed_file_link("no/such.txt", b"\0" * 20)._replace(
            file=None, node=b"\1" * 20))
    with pytest.raises(LinkError, match="no revision with node"):
        resolver.resolve(changed_file_link("README.txt", b"\1" * 20))


def test_a_damaged_manifest_is_said_not_raised(repo_copy):
    """A changeset's file is looked up in its manifest: damage there is a LinkError
    naming the revlog and revision (hg log names the manifest revision)."""
    manifest = int(run_hg(repo_copy, "log", "-r", str(MERGES[1]), "-T", "{manifest.rev}"))
    store = Store.open(repo_copy)
    faults.inject(store.open_revlog(MANIFEST), "bad-compression", manifest)
    store.close()
    source = open_source(repo_copy)
    with source.store.open_revlog(CHANGELOG) as cl:
        link = links_of("changelog", CHANGELOG, cl, MERGES[1])[1]
    with pytest.raises(LinkError, match=f"00manifest.i rev {manifest} cannot be read"):
        store_resolver(source).resolve(link)
    source.store.close()
