"""Filelog texts: Mercurial's storageutil and filelog, and real repositories, are the oracle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mercurial import hg as hgmod
from mercurial import ui as uimod
from mercurial.revlogutils import constants as hgconstants
from mercurial.utils import storageutil

from explorer.engine.errors import CorruptionError, RevlogError
from explorer.engine.format.constants import FLAG_FILELOG_META, REVIDX_HASMETA
from explorer.engine.payloads.filetext import (
    META_MARKER,
    censor_tombstone,
    copy_meta,
    copy_source,
    file_content,
    has_meta,
    is_censored,
    pack_file_text,
    pack_meta,
    parse_meta,
    renamed,
)
from tests.engine.payloads.test_changeset import hg


def raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def text_of(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def test_constants_match_mercurial() -> None:
    assert META_MARKER == hgconstants.META_MARKER
    assert REVIDX_HASMETA == hgconstants.REVIDX_HASMETA == 0x0800
    assert FLAG_FILELOG_META == hgconstants.FLAG_FILELOG_META


# -- hypothesis: storageutil as oracle -----------------------------------------

meta_keys = st.binary(min_size=1, max_size=10).filter(
    lambda k: b"\n" not in k and b"\r" not in k and b": " not in k
)
meta_values = st.binary(max_size=20).filter(
    lambda v: b"\n" not in v and b"\r" not in v and not v.endswith(b"\1")
)
metas = st.dictionaries(meta_keys, meta_values, max_size=4)


def ours_meta(meta: dict[bytes, bytes]) -> dict[str, str]:
    return {text_of(k): text_of(v) for k, v in meta.items()}


@given(metas, st.binary(max_size=30))
def test_pack_and_parse_match_mercurial(meta: dict[bytes, bytes], content: bytes) -> None:
    text = pack_meta(ours_meta(meta), content)
    assert text == storageutil.packmeta(meta, content)
    theirs, offset = storageutil.parsemeta(text)
    assert parse_meta(text) == (ours_meta(theirs), offset)
    assert file_content(text) == storageutil.filtermetadata(text) == content
    assert is_censored(text) == bool(storageutil.iscensoredtext(text))


@given(metas, st.binary(max_size=30))
def test_pack_file_text_follows_filelog_add(meta: dict[bytes, bytes], content: bytes) -> None:
    """``filelog.add`` packs a header when there is meta or the content looks like one."""
    expected = content
    if meta or content.startswith(b"\1\n"):
        expected = storageutil.packmeta(meta, content)
    text = pack_file_text(content, ours_meta(meta))
    assert text == expected
    assert file_content(text) == content


@given(st.binary(max_size=60).filter(lambda b: b"\r" not in b))
def test_arbitrary_texts(text: bytes) -> None:
    """Where Mercurial reads a header we read the same; elsewhere only CorruptionError."""
    try:
        theirs = storageutil.parsemeta(text)
    except (ValueError, AttributeError):
        theirs = None
    try:
        meta, offset = parse_meta(text)
    except CorruptionError as error:
        assert theirs is None and error.offset is not None
        return
    if meta is None:
        assert theirs == (None, None) and offset == 0
    else:
        assert theirs == ({raw(k): raw(v) for k, v in meta.items()}, offset)


@given(st.binary(max_size=40))
def test_no_header_means_content(text: bytes) -> None:
    if not text.startswith(META_MARKER):
        assert parse_meta(text) == (None, 0)
        assert file_content(text) == text


# -- specific rules -------------------------------------------------------------


def test_escaping_content_that_looks_like_a_header() -> None:
    content = b"\1\nnot metadata\n\1\nreally"
    text = pack_file_text(content)
    assert text == b"\1\n\1\n" + content
    assert parse_meta(text) == ({}, 4)
    assert file_content(text) == content
    assert pack_file_text(b"plain") == b"plain"
    assert pack_file_text(b"\1") == b"\1"


def test_copy_accessors() -> None:
    node = bytes(range(20))
    meta = copy_meta("src/ñ.txt", node)
    assert meta == {"copy": "src/ñ.txt", "copyrev": node.hex()}
    assert copy_source(meta) == ("src/ñ.txt", node)
    assert copy_source({"copy": "a"}) is None
    assert copy_source({"copyrev": node.hex()}) is None
    assert copy_source(None) is None and copy_source({}) is None
    with pytest.raises(CorruptionError):
        copy_source({"copy": "a", "copyrev": "zz"})
    with pytest.raises(CorruptionError):
        copy_source({"copy": "a", "copyrev": "ab"})


def test_has_meta_rule() -> None:
    copied = pack_file_text(b"x", copy_meta("a", b"\1" * 20))
    escaped = pack_file_text(b"\1\nx")
    for text in (copied, escaped):
        assert has_meta(text, p1_is_null=True)
        assert not has_meta(text, p1_is_null=False)
        assert has_meta(text, p1_is_null=False, flags=REVIDX_HASMETA, filelog_meta=True)
        assert not has_meta(text, p1_is_null=True, flags=0, filelog_meta=True)
    assert not has_meta(b"x", p1_is_null=True)
    assert renamed(copied, p1_is_null=True) == ("a", b"\1" * 20)
    assert renamed(copied, p1_is_null=False) is None
    assert renamed(escaped, p1_is_null=True) is None


def test_censor_tombstone() -> None:
    tombstone = censor_tombstone("leaked password")
    assert tombstone == storageutil.packmeta({b"censored": b"leaked password"}, b"")
    assert is_censored(tombstone) and file_content(tombstone) == b""
    assert is_censored(censor_tombstone())
    assert not is_censored(pack_file_text(b"x", {"copy": "a", "copyrev": "00" * 20}))
    assert not is_censored(b"censored: yes")


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        (b"\1\ncopy: a\n", 0),
        (b"\1\n", 0),
        (b"\1\ncopy: a\nbroken\n\1\n", 10),
        (b"\1\ncopy:a\n\1\n", 2),
        (b"\1\ncopy: a\n\n\1\n", 10),
    ],
)
def test_damage_names_the_offset(text: bytes, offset: int) -> None:
    with pytest.raises(CorruptionError) as info:
        parse_meta(text)
    assert info.value.offset == offset
    with pytest.raises(CorruptionError):
        file_content(text)


def test_pack_meta_rejects_unstorable() -> None:
    for meta in ({"a\nb": "x"}, {"a": "x\ny"}, {"a: b": "x"}, {"a": "ends with \1"}):
        with pytest.raises(RevlogError):
            pack_meta(meta, b"")


def test_last_line_without_newline_reads_as_mercurial_reads_it() -> None:
    text = b"\1\ncopy: a\1\ncontent"
    assert parse_meta(text) == ({"copy": "a"}, 11)
    assert storageutil.parsemeta(text) == ({b"copy": b"a"}, 11)


# -- real repositories ---------------------------------------------------------


def build_history(repo: Path, config: list[str]) -> None:
    """Copies, a rename in a merge, content starting with the marker, a censored revision."""
    hg(repo.parent, "init", repo.name, config=config)
    (repo / "f").write_bytes(b"f\n")
    (repo / "esc").write_bytes(b"\1\nstarts like a header\n")
    (repo / "secret").write_bytes(b"password\n")
    (repo / "ñ.txt").write_bytes(b"a\nb\nc\n")
    hg(repo, "add")
    hg(repo, "commit", "-m", "0")
    hg(repo, "copy", "f", "g")
    hg(repo, "copy", "esc", "esc-copy")
    (repo / "esc").write_bytes(b"\1\nstill starts like a header\n")
    (repo / "secret").write_bytes(b"public\n")
    hg(repo, "rename", "ñ.txt", "renamed.txt")
    hg(repo, "commit", "-m", "1")
    (repo / "g").write_bytes(b"g changed\n")
    hg(repo, "commit", "-m", "2")
    hg(repo, "update", "0")
    (repo / "ñ.txt").write_bytes(b"a\nb\nc\nd\n")
    hg(repo, "commit", "-m", "3")
    hg(repo, "update", "2")
    hg(repo, "merge", "3")
    hg(repo, "commit", "-m", "merge a change into a rename")
    hg(repo, "censor", "-r", "0", "-t", "leaked", "secret", config=["extensions.censor="])


@pytest.fixture(scope="module", params=["classic", "filelog-meta"])
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("filelog") / request.param
    config = ["format.use-delta-info-flags=yes"] if request.param == "filelog-meta" else []
    build_history(repo, config)
    return repo


def test_real_filelogs_agree_with_mercurial(history: Path) -> None:
    repo = hgmod.repository(uimod.ui(), os.fsencode(history))
    seen = {"renamed": 0, "copy-meta": 0, "escaped": 0, "censored": 0}
    for path in (b"f", b"g", b"esc", b"esc-copy", b"secret", "ñ.txt".encode(), b"renamed.txt"):
        filelog = repo.file(path)
        revlog = filelog._revlog
        filelog_meta = bool(revlog._format_flags & hgconstants.FLAG_FILELOG_META)
        assert filelog_meta == (history.name == "filelog-meta")
        for rev in filelog:
            node = filelog.node(rev)
            if filelog.iscensored(rev):
                rawtext = bytes(revlog._inner._chunk(rev))
                assert is_censored(rawtext) and file_content(rawtext) == b""
                assert parse_meta(rawtext)[0] == {"censored": "leaked"}
                seen["censored"] += 1
                continue
            rawtext = hg(history, "debugdata", path, str(rev))
            assert rawtext == revlog.rawdata(rev)
            p1 = filelog.parentrevs(rev)[0]
            state = {"p1_is_null": p1 == -1, "flags": revlog.flags(rev)}
            state["filelog_meta"] = filelog_meta
            assert has_meta(rawtext, **state) == bool(filelog.has_meta(node))
            assert has_meta(rawtext, **state) == rawtext.startswith(META_MARKER)
            source = renamed(rawtext, **state)
            theirs = filelog.renamed(node)
            assert (None if source is None else (raw(source[0]), source[1])) == theirs
            assert file_content(rawtext) == filelog.read(node)
            assert not is_censored(rawtext)
            seen["renamed"] += theirs is not None
            seen["copy-meta"] += copy_source(parse_meta(rawtext)[0]) is not None
            if file_content(rawtext).startswith(META_MARKER):
                seen["escaped"] += 1
                assert pack_file_text(file_content(rawtext), parse_meta(rawtext)[0]) == rawtext
    # The rename merged in rev 4 keeps a real p1 with FLAG_FILELOG_META, and
    # Mercurial then ignores its copy header: one rename fewer.
    renames = 3 if filelog_meta else 4
    assert seen == {"renamed": renames, "copy-meta": 4, "escaped": 3, "censored": 1}
