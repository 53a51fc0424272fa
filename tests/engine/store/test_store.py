"""Store discovery and listing, checked against repositories real ``hg`` builds.

For each layout, hg commits files whose names need every kind of encoding;
Mercurial's own store API (run in a subprocess) then says which revlogs the
store holds and where each of their files is on disk. Our ``Store`` must list
the same revlogs, in the same order, and map every file to the same path.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.engine import Store
from explorer.engine.errors import CorruptionError, RevlogError, StoreError
from explorer.engine.store.layout import Layout, layout_of
from explorer.engine.store.pathencode import Encoding

HG = Path(sys.executable).parent / "hg"
SLOW_PATHS = [
    "storage.fileindex.slow-path=allow",
    "storage.revlog.persistent-nodemap.slow-path=allow",
]
LAYOUTS = {
    "no-store": ["format.usestore=false"],
    "store": ["format.usefncache=false"],
    "fncache": ["format.dotencode=false"],
    "dotencode": ["format.use-persistent-nodemap=true"],
    "plain": [
        "format.dotencode=false",
        "format.exp-use-very-fragile-and-unsafe-plain-store-encoding=true",
    ],
    "fileindex": ["format.use-fileindex-v1=true"],
    "revlogv2": ["experimental.revlogv2=enable-unstable-format-and-corrupt-my-data"],
    "treemanifest": ["experimental.treemanifest=true"],
    "treemanifest-store": ["experimental.treemanifest=true", "format.usefncache=false"],
}
EXPECTED_LAYOUT = {
    "no-store": (Layout.NO_STORE, Encoding.DIR),
    "store": (Layout.STORE, Encoding.FILENAME),
    "fncache": (Layout.FNCACHE, Encoding.HYBRID),
    "dotencode": (Layout.FNCACHE, Encoding.DOTENCODE),
    "plain": (Layout.FNCACHE, Encoding.PLAIN),
    "fileindex": (Layout.FILEINDEX, Encoding.DOTENCODE),
    "revlogv2": (Layout.FILEINDEX, Encoding.DOTENCODE),  # 7.2 turns the file index on for v2
    "treemanifest": (Layout.FNCACHE, Encoding.DOTENCODE),
    "treemanifest-store": (Layout.STORE, Encoding.FILENAME),
}
LONG_DIRS = "/".join(["Very Long Directory Name"] * 6)
DEEP_DIRS = "/".join(f"d{i:02}" for i in range(40))
# Text files (name -> content); names exercise every encoding rule.
FILES = {
    "README": "plain\n",
    "Upper/CASE.txt": "capitals\n",
    "aux.c": "reserved\n",
    "con": "reserved\n",
    "dir/prn.h": "reserved in a directory\n",
    "lpt1": "reserved\n",
    "COM9.txt": "reserved, upper case\n",
    "trailing.": "trailing dot\n",
    "space ": "trailing space\n",
    ".hidden": "leading dot\n",
    " lead": "leading space\n",
    "d.i/f": "directory named like an index\n",
    "x.hg/y": "directory named .hg\n",
    "z.d/w.d": "directory named like data\n",
    "under_score~tilde": "escaped\n",
    "caf\u00e9/\u00fcn\u00efc\u00f6d\u00e9.txt": "non-ASCII\n",
    "raw\udcffbyte.bin": "not UTF-8\n",
    'q?<w>|"x":*.txt': "Windows specials\n",
    "a-1a2b3c4d.idx": "looks like a v2 file\n",
    # sorted by radix, "sort" comes before "sort-key" (by index path it would not);
    # sorted by bytes, U+1F600 (F0 9F..) comes before the raw byte F5 (not by code point)
    "sort": "radix order\n",
    "sort-key": "radix order\n",
    "sort\U0001f600": "byte order\n",
    "sort\udcf5": "byte order\n",
    f"{LONG_DIRS}/{'File' * 20}.txt": "hashed under dh/\n",
    f"{DEEP_DIRS}/leaf.txt": "deep\n",
}
# Large incompressible files: their filelogs get a separate .d (one with a hashed name).
BIG_FILES = ["big/Blob.bin", f"{LONG_DIRS}/{'Big' * 30}.bin"]


def hg(cwd: Path, *args: str, config: list[str] = ()) -> str:
    """Run the real hg with a clean configuration."""
    env = dict(os.environ, HGRCPATH=os.devnull, HGPLAIN="1", HGUSER="test", HGENCODING="utf-8")
    options = [arg for item in [*SLOW_PATHS, *config] for arg in ("--config", item)]
    done = subprocess.run(
        [str(HG), *options, *args], cwd=cwd, env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout.decode(errors="surrogateescape")


ORACLE = r"""
import json, os, sys
from mercurial import hg, ui as uimod
from mercurial.revlogutils.constants import KIND_CHANGELOG, KIND_MANIFESTLOG, KIND_FILELOG

u = uimod.ui.load()
u.setconfig(b"storage", b"fileindex.slow-path", b"allow")
u.setconfig(b"storage", b"revlog.persistent-nodemap.slow-path", b"allow")
repo = hg.repository(u, os.fsencode(sys.argv[1]))
kinds = {KIND_CHANGELOG: "changelog", KIND_MANIFESTLOG: "manifest", KIND_FILELOG: "filelog"}
d = os.fsdecode
revlogs = []
for entry in repo.store.walk():
    if entry.is_revlog:
        files = [[d(f.unencoded_path), d(repo.svfs.join(f.unencoded_path))]
                 for f in entry.files(repo.svfs)]
        revlogs.append([kinds[entry.revlog_type], d(entry.main_file_path()), files])
fncache, fileindex = repo.store.fncache, repo.store.fileindex
print(json.dumps({
    "requirements": sorted(d(r) for r in repo.requirements),
    "store_dir": d(repo.store.path),
    "revlogs": revlogs,
    "fncache": None if fncache is None else sorted(d(p) for p in fncache),
    "fileindex": None if fileindex is None else [d(p) for p in fileindex],
}))
"""


def oracle(repo: Path) -> dict:
    """What Mercurial's store API says about ``repo``."""
    done = subprocess.run(
        [sys.executable, "-c", ORACLE, str(repo)], capture_output=True, check=True
    )
    return json.loads(done.stdout)


def build(path: Path, config: list[str]) -> Path:
    """A repository with FILES and BIG_FILES in two commits."""
    hg(path.parent, "init", path.name, config=config)
    for name, text in FILES.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", errors="surrogateescape")
    hg(path, "commit", "-qAm", "text files", config=config)
    for i, name in enumerate(BIG_FILES):
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(os.urandom(200_000 + i))
    (path / "README").write_text("changed\n")
    hg(path, "commit", "-qAm", "big files", config=config)
    return path


@pytest.fixture(scope="module", params=list(LAYOUTS))
def layout_repo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(layout name, repository root, what Mercurial says about it)."""
    path = build(tmp_path_factory.mktemp("layouts") / request.param, LAYOUTS[request.param])
    return request.param, path, oracle(path)


# --- listing and names, per layout ---------------------------------------------


def test_layout_and_requirements_match_mercurial(layout_repo) -> None:
    name, path, hg_view = layout_repo
    store = Store.open(path)
    assert (store.layout, store.encoding) == EXPECTED_LAYOUT[name]
    assert store.requirements == set(hg_view["requirements"])
    assert os.path.realpath(store.store_dir) == os.path.realpath(hg_view["store_dir"])
    assert store.root == str(path / ".hg")


def test_root_hg_dir_and_store_dir_open_the_same_store(layout_repo) -> None:
    _name, path, _hg_view = layout_repo
    first = Store.open(path)
    for other in (Store.open(path / ".hg"), Store.open(first.store_dir)):
        assert (other.root, other.store_dir) == (first.root, first.store_dir)
        assert other.requirements == first.requirements


def test_revlog_paths_are_what_mercurial_walks(layout_repo) -> None:
    _name, path, hg_view = layout_repo
    ours = Store.open(path).revlog_paths()
    theirs = [(kind, main) for kind, main, _files in hg_view["revlogs"]]
    assert sorted(ours) == sorted(theirs)
    # Mercurial walks data/ (and meta/) by path, then the root manifest and changelog
    for kind in ("filelog", "manifest"):
        listed = [p for p in theirs if p[0] == kind and p[1] != "00manifest.i"]
        assert [p for p in ours if p[0] == kind and p[1] != "00manifest.i"] == listed
    assert ours[:2] == [("changelog", "00changelog.i"), ("manifest", "00manifest.i")]
    tracked = {f"data/{name}.i" for name in [*FILES, *BIG_FILES]}
    assert {p for kind, p in ours if kind == "filelog"} == tracked


def test_fs_path_of_every_file_is_where_mercurial_puts_it(layout_repo) -> None:
    _name, path, hg_view = layout_repo
    store = Store.open(path)
    checked = 0
    for _kind, _main, files in hg_view["revlogs"]:
        for unencoded, on_disk in files:
            ours = store.fs_path(unencoded)
            assert os.path.realpath(ours) == os.path.realpath(on_disk), unencoded
            assert os.path.isfile(ours), unencoded
            checked += 1
    assert checked > len(FILES)


def test_long_names_are_hashed_where_the_encoding_hashes(layout_repo) -> None:
    name, path, _hg_view = layout_repo
    store = Store.open(path)
    index = store.fs_path(f"data/{BIG_FILES[1]}.i")
    data = store.fs_path(f"data/{BIG_FILES[1]}.d")
    hashed = store.encoding in (Encoding.HYBRID, Encoding.DOTENCODE)
    assert (os.sep + "dh" + os.sep in index) == hashed, name
    if hashed:
        assert os.path.basename(index)[:-2] != os.path.basename(data)[:-2]
    if "revlogv2" not in name:  # v2 keeps data in -<uid>.dat files
        assert os.path.isfile(data)


def test_file_lists_match_mercurial(layout_repo) -> None:
    name, path, hg_view = layout_repo
    store = Store.open(path)
    if hg_view["fncache"] is not None:
        assert sorted(store.fncache()) == hg_view["fncache"]
    else:
        with pytest.raises(StoreError, match="no fncache"):
            store.fncache()
    if hg_view["fileindex"] is not None:
        assert store.file_index() == hg_view["fileindex"]
        assert sorted(store.file_index()) == sorted([*FILES, *BIG_FILES])
    else:
        with pytest.raises(StoreError, match="no file index"):
            store.file_index()


def test_tree_manifests_are_listed(layout_repo) -> None:
    name, path, _hg_view = layout_repo
    manifests = [p for kind, p in Store.open(path).revlog_paths() if kind == "manifest"]
    if name.startswith("treemanifest"):
        assert "meta/Upper/00manifest.i" in manifests
        assert f"meta/{DEEP_DIRS}/00manifest.i" in manifests
        assert manifests[0] == "00manifest.i" and manifests[1:] == sorted(manifests[1:])
    else:
        assert manifests == ["00manifest.i"]


def test_revlogs_open_with_the_right_files(layout_repo) -> None:
    name, path, hg_view = layout_repo
    expected_lengths = {"00changelog.i": 2, f"data/{BIG_FILES[1]}.i": 1, "data/README.i": 2}
    with Store.open(path) as store:
        opened = store.revlogs()
        assert [(k, p) for k, p, _rl in opened] == store.revlog_paths()
        for kind, store_path, revlog in opened:
            assert (revlog.name, revlog.kind) == (store_path, kind)
            if store_path in expected_lengths:
                assert len(revlog) == expected_lengths[store_path], store_path
        assert store.changelog is opened[0][2]
        assert store.filelog(BIG_FILES[1]).revision(0) == (path / BIG_FILES[1]).read_bytes()
        assert store.filelog("README").revision(1) == b"changed\n"
        if name.startswith("treemanifest"):
            assert b"CASE.txt" in store.dirlog("Upper").revision(0)
            assert store.dirlog("") is store.manifest


# --- discovery ------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "repo"
    hg(path.parent, "init", path.name)
    (path / "a.txt").write_text("a\n")
    hg(path, "commit", "-qAm", "one")
    return path


def test_share_uses_the_source_store(small_repo: Path, tmp_path: Path) -> None:
    hg(tmp_path, "share", "-q", str(small_repo), "shared", config=["extensions.share="])
    store = Store.open(tmp_path / "shared")
    assert store.root == str(tmp_path / "shared" / ".hg")
    assert store.store_dir == str(small_repo / ".hg" / "store")
    assert {"shared", "share-safe", "fncache"} <= store.requirements
    assert ("filelog", "data/a.txt.i") in store.revlog_paths()


def test_empty_repository_has_no_revlogs(tmp_path: Path) -> None:
    hg(tmp_path, "init", "empty")
    store = Store.open(tmp_path / "empty")
    assert store.revlog_paths() == []
    assert store.fncache() == []


@pytest.mark.parametrize("make", ["missing", "file", "plain-dir", "sub-dir"])
def test_open_refuses_what_is_not_a_store(small_repo: Path, tmp_path: Path, make: str) -> None:
    target = {
        "missing": tmp_path / "nothing",
        "file": tmp_path / "notes.txt",
        "plain-dir": tmp_path,
        "sub-dir": small_repo / ".hg" / "store" / "data",
    }[make]
    if make == "file":
        target.write_text("hello\n")
    with pytest.raises(StoreError, match=str(target)):
        Store.open(target)


def test_open_points_a_revlog_file_to_revlog_open(small_repo: Path) -> None:
    with pytest.raises(StoreError, match="Revlog.open"):
        Store.open(small_repo / ".hg" / "store" / "data" / "a.txt.i")


def copy_of(repo: Path, dest: Path) -> Path:
    hg(dest, "clone", "-q", "--pull", str(repo), "copy")
    return dest / "copy"


def test_unreadable_requires_is_a_store_error(small_repo: Path, tmp_path: Path) -> None:
    repo = copy_of(small_repo, tmp_path)
    requires = repo / ".hg" / "store" / "requires"
    requires.unlink()
    requires.mkdir()
    with pytest.raises(StoreError, match="cannot read"):
        Store.open(repo)


def test_missing_store_requires_with_share_safe(small_repo: Path, tmp_path: Path) -> None:
    repo = copy_of(small_repo, tmp_path)
    (repo / ".hg" / "store" / "requires").unlink()
    with pytest.raises(StoreError, match="share-safe"):
        Store.open(repo)


@pytest.mark.parametrize(
    ("content", "offset"),
    [(b"store\nfn\x00cache\n", 8), (b"store\n\nfncache\n", 6), (b"store\n-x\n", 6)],
)
def test_requires_that_is_not_text_is_corruption(
    small_repo: Path, tmp_path: Path, content: bytes, offset: int
) -> None:
    repo = copy_of(small_repo, tmp_path)
    requires = repo / ".hg" / "store" / "requires"
    requires.write_bytes(content)
    with pytest.raises(CorruptionError) as info:
        Store.open(repo)
    assert (info.value.file, info.value.offset) == (str(requires), offset)


@pytest.mark.parametrize(
    ("content", "offset", "message"),
    [
        (b"data/a.txt.i\ndata/b.i", 13, "newline"),
        (b"data/a.txt.i\n\ndata/b.i\n", 13, "empty entry"),
    ],
)
def test_damaged_fncache_is_corruption(
    small_repo: Path, tmp_path: Path, content: bytes, offset: int, message: str
) -> None:
    repo = copy_of(small_repo, tmp_path)
    fncache = repo / ".hg" / "store" / "fncache"
    fncache.write_bytes(content)
    store = Store.open(repo)
    for call in (store.fncache, store.revlog_paths):
        with pytest.raises(CorruptionError, match=message) as info:
            call()
        assert (info.value.file, info.value.offset) == (str(fncache), offset)


def test_fncache_entries_are_dir_decoded(small_repo: Path, tmp_path: Path) -> None:
    repo = copy_of(small_repo, tmp_path)
    (repo / ".hg" / "store" / "fncache").write_bytes(b"data/x.i.hg/y.i\ndata/a.txt.i\n")
    store = Store.open(repo)
    assert store.fncache() == ["data/x.i/y.i", "data/a.txt.i"]
    assert store.fs_path("data/x.i/y.i").endswith(os.path.join("data", "x.i.hg", "y.i"))


def test_undecodable_names_in_a_walked_store(tmp_path: Path) -> None:
    hg(tmp_path, "init", "repo", config=LAYOUTS["store"])
    repo = tmp_path / "repo"
    (repo / "Good").write_text("x\n")
    hg(repo, "commit", "-qAm", "one")
    stray = repo / ".hg" / "store" / "data" / "Stray.i"
    stray.write_bytes(b"")
    store = Store.open(repo)
    with pytest.raises(CorruptionError, match="invalid encoded store name") as info:
        store.revlog_paths()
    assert info.value.file == str(stray)
    collected: list[str] = []
    assert store.revlog_paths(collected)[-1] == ("filelog", "data/Good.i")
    assert collected == ["data/Stray.i"]


def test_revlog_v2_side_files_belong_to_their_revlog(tmp_path: Path) -> None:
    hg(tmp_path, "init", "repo", config=LAYOUTS["store"])
    repo = tmp_path / "repo"
    (repo / "Good").write_text("x\n")
    hg(repo, "commit", "-qAm", "one")
    for suffix in ("-1a2b3c4d.idx", "-1a2b3c4d.dat", "-0badcafe.nd", ".n"):
        (repo / ".hg" / "store" / "data" / f"_good{suffix}").write_bytes(b"")
    theirs = [(kind, main) for kind, main, _files in oracle(repo)["revlogs"]]
    assert sorted(Store.open(repo).revlog_paths()) == sorted(theirs)
    assert ("filelog", "data/Good.i") in theirs


# --- the file index on disk -----------------------------------------------------


@pytest.fixture
def file_index_repo(tmp_path: Path) -> Path:
    hg(tmp_path, "init", "repo", config=LAYOUTS["fileindex"])
    repo = tmp_path / "repo"
    for name in ("b.txt", "Dir/A.txt"):
        (repo / name).parent.mkdir(exist_ok=True)
        (repo / name).write_text(name)
        hg(repo, "commit", "-qAm", name)
    return repo


def docket_of(repo: Path) -> tuple[Path, bytearray]:
    path = repo / ".hg" / "store" / "fileindex"
    return path, bytearray(path.read_bytes())


def test_file_index_lists_tokens_in_order(file_index_repo: Path) -> None:
    assert Store.open(file_index_repo).file_index() == ["b.txt", "Dir/A.txt"]


def test_file_index_with_bad_marker(file_index_repo: Path) -> None:
    path, docket = docket_of(file_index_repo)
    docket[:12] = b"fileindex-v9"
    path.write_bytes(docket)
    with pytest.raises(CorruptionError, match="not a fileindex-v1 docket") as info:
        Store.open(file_index_repo).file_index()
    assert (info.value.file, info.value.offset) == (str(path), 0)


def test_file_index_with_truncated_docket(file_index_repo: Path) -> None:
    path, docket = docket_of(file_index_repo)
    path.write_bytes(docket[:50])
    with pytest.raises(CorruptionError, match="truncated") as info:
        Store.open(file_index_repo).revlog_paths()
    assert info.value.offset == 50


def test_file_index_with_short_list_file(file_index_repo: Path) -> None:
    _path, docket = docket_of(file_index_repo)
    list_file = file_index_repo / ".hg" / "store" / f"fileindex-list.{docket[24:32].decode()}"
    list_file.write_bytes(list_file.read_bytes()[:5])
    with pytest.raises(CorruptionError, match="the docket says") as info:
        Store.open(file_index_repo).file_index()
    assert (info.value.file, info.value.offset) == (str(list_file), 5)


def test_file_index_with_token_outside_list(file_index_repo: Path) -> None:
    _path, docket = docket_of(file_index_repo)
    meta_file = file_index_repo / ".hg" / "store" / f"fileindex-meta.{docket[32:40].decode()}"
    meta = bytearray(meta_file.read_bytes())
    meta[16:20] = struct.pack(">I", 10_000)  # token 2's path offset
    meta_file.write_bytes(meta)
    with pytest.raises(CorruptionError, match="token 2") as info:
        Store.open(file_index_repo).file_index()
    assert (info.value.file, info.value.offset) == (str(meta_file), 16)


def test_file_index_naming_a_missing_file(file_index_repo: Path) -> None:
    path, docket = docket_of(file_index_repo)
    docket[32:40] = b"deadbeef"
    path.write_bytes(docket)
    with pytest.raises(CorruptionError, match="missing file") as info:
        Store.open(file_index_repo).file_index()
    assert (info.value.file, info.value.offset) == (str(path), 32)


# --- small pure pieces ----------------------------------------------------------


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        (set(), (Layout.NO_STORE, Encoding.DIR)),
        ({"store"}, (Layout.STORE, Encoding.FILENAME)),
        ({"store", "fncache"}, (Layout.FNCACHE, Encoding.HYBRID)),
        ({"store", "fncache", "dotencode"}, (Layout.FNCACHE, Encoding.DOTENCODE)),
        ({"store", "fileindex-v1"}, (Layout.FILEINDEX, Encoding.DOTENCODE)),
        (
            {"store", "fileindex-v1", "exp-very-fragile-and-unsafe-plain-store-encoding"},
            (Layout.FILEINDEX, Encoding.PLAIN),
        ),
    ],
)
def test_layout_of_requirements(requirements: set[str], expected: tuple) -> None:
    assert layout_of(requirements) == expected


@pytest.mark.parametrize("bad", ["", "/abs", "dir/"])
def test_filelog_refuses_non_file_paths(small_repo: Path, bad: str) -> None:
    with pytest.raises(StoreError):
        Store.open(small_repo).filelog(bad)


def test_open_revlog_needs_an_index_path(small_repo: Path) -> None:
    with pytest.raises(StoreError, match="not the index"):
        Store.open(small_repo).open_revlog("data/a.txt.d")


# --- damaged bytes only ever raise engine errors -------------------------------


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=120))
def test_any_requires_bytes_give_a_store_or_an_engine_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        hg_dir = Path(scratch, ".hg")
        (hg_dir / "store").mkdir(parents=True)
        (hg_dir / "requires").write_bytes(data)
        try:
            Store.open(scratch).revlog_paths()
        except CorruptionError as err:
            assert err.file == str(hg_dir / "requires")
        except RevlogError:
            pass


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=120))
def test_any_fncache_bytes_list_or_raise_corruption(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        Path(scratch, "fncache").write_bytes(data)
        store = Store(scratch, scratch, {"store", "fncache", "dotencode"})
        try:
            listed = store.revlog_paths()
        except CorruptionError as err:
            assert (err.file, 0 <= err.offset <= len(data)) == (str(Path(scratch, "fncache")), True)
        else:
            assert all(path.endswith(".i") for _kind, path in listed)


_IDS = st.sampled_from([b"00000000", b"1a2b3c4d", b"\xff\xfe/..\x00ab", b"zzzzzzzz"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([b"fileindex-v1", b"fileindex-v2"]),
    st.tuples(st.integers(0, 64), st.integers(0, 64), st.integers(0, 2**32 - 1)),
    st.tuples(_IDS, _IDS, _IDS),
    st.binary(max_size=40),
    st.binary(max_size=40),
    st.integers(40, 80),
)
def test_any_file_index_bytes_list_or_raise_corruption(
    marker: bytes, sizes: tuple, ids: tuple, names: bytes, meta: bytes, cut: int
) -> None:
    docket = struct.pack(">12s3I8s8s8s3I", marker, *sizes, *ids, 0, 0, 0)[:cut]
    with tempfile.TemporaryDirectory() as scratch:
        Path(scratch, "fileindex").write_bytes(docket)
        Path(scratch, "fileindex-list.1a2b3c4d").write_bytes(names)
        Path(scratch, "fileindex-meta.1a2b3c4d").write_bytes(meta)
        store = Store(scratch, scratch, {"store", "fileindex-v1"})
        try:
            paths = store.file_index()
        except CorruptionError as err:
            assert err.file.startswith(scratch) and err.offset is not None
        else:
            assert len(paths) == max(sizes[1] // 8 - 1, 0)
            assert all(paths)
