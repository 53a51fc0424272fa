"""Manifest texts: Mercurial's manifest parsers and real repositories are the oracle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mercurial import hg as hgmod
from mercurial import manifest as hgmanifest
from mercurial import ui as uimod

from explorer.engine.errors import CorruptionError, RevlogError
from explorer.engine.payloads.manifest import (
    Manifest,
    ManifestEntry,
    format_manifest,
    parse_manifest,
    split_path,
)
from tests.engine.payloads.test_changeset import hg


def raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def as_hg(entries: list[ManifestEntry]) -> list[tuple[bytes, bytes, bytes]]:
    return [(raw(e.path), e.node, e.flags.encode()) for e in entries]


def assert_same_as_mercurial(text: bytes) -> Manifest:
    """Every view of ours agrees with Mercurial's C and pure parsers."""
    manifest = parse_manifest(text)
    entries = list(manifest)
    assert as_hg(entries) == list(hgmanifest.manifestdict(20, text).iterentries())
    assert as_hg(entries) == list(hgmanifest._parse(20, text))
    assert len(manifest) == len(entries)
    assert list(manifest.paths()) == [e.path for e in entries]
    for offset, entry in manifest.lines():
        assert manifest.find(entry.path) == entry == manifest[entry.path]
        assert manifest.offset_of(entry.path) == offset
        assert text[offset:].startswith(raw(entry.path) + b"\0")
    assert format_manifest(entries) == text
    return manifest


# -- real repositories -------------------------------------------------------


@pytest.fixture(scope="module")
def flat_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("manifest") / "flat"
    hg(repo.parent, "init", "flat")
    for name in ("a0", "a.b", "a-b", "a/b/c", "a/b.c", "zz/deep/er/file", "ñame/ünïcode.txt"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(name)
    (repo / "run.sh").write_bytes(b"#!/bin/sh\n")
    (repo / "run.sh").chmod(0o755)
    (repo / "link").symlink_to("a.b")
    hg(repo, "add")
    hg(repo, "commit", "-m", "files, an executable, a symlink")
    for i in range(300):
        (repo / f"many/{i:04d}.txt").parent.mkdir(exist_ok=True)
        (repo / f"many/{i:04d}.txt").write_text(str(i))
    (repo / "run.sh").chmod(0o644)
    hg(repo, "add")
    hg(repo, "remove", "a.b")
    hg(repo, "commit", "-m", "many more files, exec bit dropped")
    return repo


def test_real_flat_manifests(flat_repo: Path) -> None:
    first = assert_same_as_mercurial(hg(flat_repo, "debugdata", "-m", "0"))
    second = assert_same_as_mercurial(hg(flat_repo, "debugdata", "-m", "1"))
    assert first["run.sh"].flags == "x" and second["run.sh"].flags == ""
    assert first["link"].flags == "l"
    assert first["ñame/ünïcode.txt"].flags == ""
    assert "a.b" in first and "a.b" not in second
    assert len(second) == len(first) - 1 + 300
    listing = hg(flat_repo, "manifest", "--debug", "-r", "1").decode().splitlines()
    assert [line[47:] for line in listing] == list(second.paths())
    assert [line[:40] for line in listing] == [e.node.hex() for e in second]


def test_absent_paths_are_not_found(flat_repo: Path) -> None:
    manifest = parse_manifest(hg(flat_repo, "debugdata", "-m", "1"))
    for path in ("", "0", "a", "a/", "a/b", "a.b", "many/0300.txt", "many/00", "~", "ñame"):
        assert manifest.find(path) is None and path not in manifest
        assert manifest.offset_of(path) is None
    with pytest.raises(KeyError):
        manifest["a/b"]


@pytest.fixture(scope="module")
def tree_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("manifest") / "tree"
    hg(repo.parent, "init", "tree", config=["experimental.treemanifest=1"])
    for name in ("top", "a/g", "a/b/f", "a/b.txt", "c/h", "ñ/ü/x"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(name)
    hg(repo, "add")
    hg(repo, "commit", "-m", "tree")
    return repo


def test_real_tree_manifests(tree_repo: Path) -> None:
    """Walking directory manifests from the root finds every file of the commit."""
    storage = hgmod.repository(uimod.ui(), os.fsencode(tree_repo)).manifestlog.getstorage
    root_text = hg(tree_repo, "debugdata", "-m", "0")
    root = assert_same_as_mercurial(root_text)
    assert [(e.path, e.flags) for e in root] == [("a", "t"), ("c", "t"), ("top", ""), ("ñ", "t")]
    assert root["a"].is_tree and not root["top"].is_tree
    listing = hg(tree_repo, "manifest", "--debug", "-r", "0").decode().splitlines()
    for line in listing:
        node, path = line[:40], line[47:]
        directory, basename = split_path(path)
        manifest, walked = root, ""
        for part in directory.split("/")[:-1]:
            subtree = manifest[part]
            assert subtree.is_tree
            walked += part + "/"
            manifest = assert_same_as_mercurial(storage(raw(walked)).revision(subtree.node))
        assert walked == directory
        assert manifest[basename].node.hex() == node


def test_split_path() -> None:
    assert split_path("a/b/c.txt") == ("a/b/", "c.txt")
    assert split_path("top") == ("", "top")
    assert split_path("ñ/ü") == ("ñ/", "ü")


# -- hypothesis: Mercurial as oracle -----------------------------------------

path_names = st.binary(min_size=1, max_size=12).filter(lambda p: not any(c in p for c in b"\0\n\r"))
entries_strategy = st.dictionaries(
    path_names,
    st.tuples(st.binary(min_size=20, max_size=20), st.sampled_from(["", "l", "x", "t"])),
    max_size=30,
)


def to_entries(mapping: dict[bytes, tuple[bytes, str]]) -> list[ManifestEntry]:
    return [
        ManifestEntry(p.decode("utf-8", "surrogateescape"), node, flags)
        for p, (node, flags) in mapping.items()
    ]


@given(entries_strategy)
def test_format_matches_mercurial(mapping: dict[bytes, tuple[bytes, str]]) -> None:
    theirs = hgmanifest.manifestdict(20)
    for path, (node, flags) in mapping.items():
        theirs.set(path, node, flags.encode())
    text = format_manifest(to_entries(mapping))
    assert text == bytes(theirs.text())
    assert_same_as_mercurial(text)


@given(entries_strategy, st.text(max_size=12))
def test_find_any_path(mapping: dict[bytes, tuple[bytes, str]], probe: str) -> None:
    manifest = parse_manifest(format_manifest(to_entries(mapping)))
    found = manifest.find(probe)
    if raw(probe) in mapping:
        assert found == ManifestEntry(probe, *mapping[raw(probe)])
    else:
        assert found is None


@given(entries_strategy, st.data())
def test_damage_raises_corruption_where_mercurial_refuses(
    mapping: dict[bytes, tuple[bytes, str]], data: st.DataObject
) -> None:
    text = bytearray(format_manifest(to_entries(mapping)))
    if text:
        for _ in range(data.draw(st.integers(1, 3))):
            text[data.draw(st.integers(0, len(text) - 1))] = data.draw(
                st.sampled_from(b"\0\n0aAgtlxz/")
            )
    damaged = bytes(text)
    try:
        theirs = list(hgmanifest.manifestdict(20, damaged).iterentries())
    except ValueError:
        theirs = None
    try:
        ours = as_hg(list(parse_manifest(damaged)))
    except CorruptionError as error:
        assert theirs is None
        assert error.offset is not None and 0 <= error.offset <= len(damaged)
        return
    assert ours == theirs


# -- damaged texts -------------------------------------------------------------

A = b"a\0" + b"1" * 40 + b"\n"
B = b"b\0" + b"2" * 40 + b"x\n"


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        (A + B[:-1], len(A + B) - 1, "newline"),
        (B + A, len(B), "out of order"),
        (A + A, len(A), "repeated"),
        (A + b"b" + B[2:], len(A), "NUL"),
        (b"\0" + A[2:], 0, "empty path"),
        (A + B.replace(b"x\n", b"q\n"), len(A) + 42, "unknown manifest flag"),
        (A + B.replace(b"2" * 40, b"2" * 39), len(A) + 2, "expected 40"),
        (A + B.replace(b"x\n", b"xx\n"), len(A) + 42, "more than one manifest flag"),
        (A + B.replace(b"x\n", b"xxx\n"), len(A) + 2, "node is 42 characters"),
        (A + B.replace(b"22", b"2g", 1), len(A) + 2, "hexadecimal"),
    ],
)
def test_damage_names_the_offset(text: bytes, offset: int, message: str) -> None:
    with pytest.raises(CorruptionError, match=message) as info:
        parse_manifest(text).validate()
    assert info.value.offset == offset
    with pytest.raises(ValueError):
        list(hgmanifest.manifestdict(20, text).iterentries())


def test_find_reports_a_line_without_nul() -> None:
    with pytest.raises(CorruptionError, match="NUL") as info:
        parse_manifest(A + b"b" + B[2:]).find("b")
    assert info.value.offset == len(A)


def test_uppercase_hex_reads_as_mercurial_reads_it() -> None:
    text = A.replace(b"1" * 40, b"A" * 40)
    assert parse_manifest(text)["a"].node == b"\xaa" * 20
    assert format_manifest(parse_manifest(text)) == A.replace(b"1" * 40, b"a" * 40)


def test_empty_manifest() -> None:
    manifest = parse_manifest(b"")
    assert list(manifest) == [] and len(manifest) == 0 and manifest.find("a") is None
    assert format_manifest([]) == b""


def test_format_rejects_what_cannot_be_stored() -> None:
    node = b"\1" * 20
    for bad in (
        [("", node, "")],
        [("a\nb", node, "")],
        [("a\rb", node, "")],
        [("a\0b", node, "")],
        [("a", node[:5], "")],
        [("a", node, "q")],
        [("a", node, ""), ("a", node, "x")],
    ):
        with pytest.raises(RevlogError):
            format_manifest(bad)


def test_large_manifest_lookup_without_full_parse() -> None:
    entries = [
        ManifestEntry(f"dir{i // 1000:03d}/file{i:06d}.txt", i.to_bytes(20, "big"))
        for i in range(100_000)
    ]
    manifest = parse_manifest(format_manifest(entries))
    assert len(manifest) == 100_000
    for i in (0, 1, 4242, 99_999):
        assert manifest.find(entries[i].path) == entries[i]
    assert manifest.find("dir050/file050000.tx") is None
