"""Store path encodings, checked byte for byte against Mercurial's own functions.

Mercurial's functions take and return bytes; ours take ``str``. Every
comparison goes through ``os.fsdecode``/``to_bytes`` (UTF-8 with
surrogateescape), which also checks that arbitrary bytes survive our API.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mercurial import store as hgstore
from mercurial import vfs as hgvfs

from explorer.engine.errors import CorruptionError, StoreError
from explorer.engine.store import pathencode as pe

# Bytes that exercise every rule: capitals, '_' and '~', Windows specials,
# control bytes, DEL and non-ASCII, dots and spaces.
_SPECIAL = b'AZ_~.. :*?"<>|\\\x01\x1f\x7e\x7f\x80\xc3\xa9\xff'
_PATH_BYTE = st.one_of(
    st.sampled_from(_SPECIAL),
    st.sampled_from(b"abcdhgilnoprtux0123456789-"),
    st.integers(1, 255).filter(lambda b: b not in b"/\n\r"),
)
_RESERVED = [b"aux", b"con", b"prn", b"nul", b"AUX", b"Con", b"com", b"com0", b"lpt"]
_RESERVED += [b"com%d" % i for i in range(1, 10)] + [b"lpt%d" % i for i in range(1, 10)]


def _plain_component() -> st.SearchStrategy[bytes]:
    return st.lists(_PATH_BYTE, min_size=1, max_size=14).map(bytes)


def _reserved_component() -> st.SearchStrategy[bytes]:
    ext = st.sampled_from([b"", b".txt", b".i", b".d", b".", b" ", b".c.x"])
    return st.builds(lambda name, e: name + e, st.sampled_from(_RESERVED), ext)


def _decorated(part: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """Leading dots/spaces, trailing dots/spaces, and revlog-like dir suffixes."""
    head = st.sampled_from([b"", b"", b".", b" ", b"..", b". "])
    tail = st.sampled_from([b"", b"", b".", b" ", b"..", b".i", b".d", b".hg", b".hg.hg"])
    return st.builds(lambda h, p, t: h + p + t, head, part, tail)


_COMPONENT = _decorated(
    st.one_of(
        _plain_component(),
        _reserved_component(),
        st.binary(min_size=40, max_size=160).map(lambda b: b.translate(None, b"/\0\n\r") or b"x"),
    )
)
_SUFFIX = st.sampled_from([b".i", b".d", b"", b".n", b"-1a2b3c4d.idx", b"-0123abcd.nd"])


@st.composite
def store_paths(draw: st.DrawFn) -> bytes:
    """Unencoded store paths: data/ or meta/, 1 to 40 components, a revlog suffix."""
    prefix = draw(st.sampled_from([b"data/", b"meta/"]))
    parts = draw(st.lists(_COMPONENT, min_size=1, max_size=40))
    return prefix + b"/".join(parts) + draw(_SUFFIX)


def _s(path: bytes) -> str:
    return os.fsdecode(path)


def _b(path: str) -> bytes:
    return pe.to_bytes(path)


# --- total functions, any bytes -----------------------------------------


@given(st.binary(max_size=200))
@example(b"data/foo.i/bar.d/baz.hg/x.i.hg/y.hg.hg/z")
def test_encode_dir_matches_mercurial(path: bytes) -> None:
    assert _b(pe.encode_dir(_s(path))) == hgstore.encodedir(path) == hgstore._encodedir(path)


@given(
    st.lists(st.sampled_from([b".hg/", b".i/", b".d/", b".hg", b".i", b"x", b"/"])).map(b"".join)
)
def test_decode_dir_matches_mercurial_and_inverts_encode_dir(path: bytes) -> None:
    assert _b(pe.decode_dir(_s(path))) == hgstore.decodedir(path)
    assert _b(pe.decode_dir(pe.encode_dir(_s(path)))) == path


@given(st.binary(max_size=200))
@example(b"foo.i/bar.d/bla.hg/hi:world?/HELLO")
def test_encode_filename_matches_mercurial(path: bytes) -> None:
    assert _b(pe.encode_filename(_s(path))) == hgstore.encodefilename(path)


@given(st.binary(max_size=200))
def test_decode_filename_inverts_encode_filename(path: bytes) -> None:
    encoded = pe.encode_filename(_s(path))
    assert _b(pe.decode_filename(encoded)) == path == hgstore.decodefilename(_b(encoded))


_ENCODED_PIECES = [b"_", b"~", b"a", b"z", b"A", b"0", b"f", b"7e", b"3a", b"41", b"ff", b"0a"]
_ENCODED_PIECES += [b".i.hg/", b".hg.hg/", b".d/", b"/", b"\xff", b" ", b"\x7f", b":"]


@given(st.lists(st.sampled_from(_ENCODED_PIECES), max_size=30).map(b"".join))
def test_decode_filename_accepts_and_rejects_like_mercurial(name: bytes) -> None:
    try:
        expected = hgstore.decodefilename(name)
    except KeyError:
        with pytest.raises(CorruptionError):
            pe.decode_filename(_s(name))
    else:
        assert _b(pe.decode_filename(_s(name))) == expected


@given(st.binary(max_size=200))
def test_lower_encode_matches_mercurial(path: bytes) -> None:
    python_version = hgstore._buildlowerencodefun()
    assert _b(pe.lower_encode(_s(path))) == python_version(path)
    if b"\0" not in path:  # the C version copies NUL (its string terminator) unescaped
        assert _b(pe.lower_encode(_s(path))) == hgstore.lowerencode(path)


@given(st.lists(st.one_of(_COMPONENT, st.just(b"")), max_size=8), st.booleans())
def test_aux_encode_matches_mercurial(parts: list[bytes], dotencode: bool) -> None:
    ours = pe.aux_encode([_s(p) for p in parts], dotencode)
    assert [_b(p) for p in ours] == hgstore._auxencode(list(parts), dotencode)


@given(st.binary(max_size=100))
@example(b"data/bar/foo.txt")
def test_plain_encode_matches_mercurial(path: bytes) -> None:
    assert _b(pe.plain_encode(_s(path))) == hgstore._plain_encode(path)


# --- fncache encodings, valid store paths -------------------------------


@settings(max_examples=400)
@given(store_paths())
def test_hybrid_encode_matches_mercurial(path: bytes) -> None:
    assert _b(pe.hybrid_encode(_s(path), False)) == hgstore._hybridencode(path, False)


@settings(max_examples=400)
@given(store_paths())
def test_dotencode_matches_mercurial_c_and_python(path: bytes) -> None:
    ours = _b(pe.hybrid_encode(_s(path), True))
    assert ours == hgstore._pathencode(path) == hgstore._hybridencode(path, True)


@settings(max_examples=200)
@given(store_paths(), st.booleans())
def test_hash_encode_matches_mercurial(path: bytes, dotencode: bool) -> None:
    expected = hgstore._hashencode(hgstore.encodedir(path), dotencode)
    assert _b(pe.hash_encode(_s(path), dotencode)) == expected
    assert len(expected) <= pe.MAX_STORE_PATH + len(os.path.splitext(expected)[1])


_FILTER_NAMES = {
    pe.Encoding.DIR: "encode-dir",
    pe.Encoding.FILENAME: "encode-filename",
    pe.Encoding.HYBRID: "hybrid",
    pe.Encoding.DOTENCODE: "dot-encode",
    pe.Encoding.PLAIN: "plain",
}


@settings(max_examples=300)
@given(store_paths(), st.sampled_from(list(pe.Encoding)))
def test_encode_path_is_what_mercurial_vfs_uses(path: bytes, encoding: pe.Encoding) -> None:
    mercurial_filter = hgvfs.FILTER_BY_NAME[_FILTER_NAMES[encoding]]
    assert _b(pe.encode_path(_s(path), encoding)) == mercurial_filter(path)


@given(store_paths(), st.sampled_from([pe.Encoding.DIR, pe.Encoding.FILENAME]))
def test_decode_path_inverts_encode_path(path: bytes, encoding: pe.Encoding) -> None:
    assert encoding.invertible
    assert _b(pe.decode_path(pe.encode_path(_s(path), encoding), encoding)) == path


# --- explicit examples --------------------------------------------------

_LONG_DIR = "data/" + "/".join(["SomeDirectory"] * 12)


@pytest.mark.parametrize(
    ("path", "encoding", "expected"),
    [
        ("data/Foo.txt.i", pe.Encoding.DIR, "data/Foo.txt.i"),
        ("data/Foo.txt.i", pe.Encoding.FILENAME, "data/_foo.txt.i"),
        ("data/a_b~c.i", pe.Encoding.FILENAME, "data/a__b~7ec.i"),
        ("data/x.i/y.i", pe.Encoding.DIR, "data/x.i.hg/y.i"),
        ("data/aux.txt.i", pe.Encoding.FILENAME, "data/aux.txt.i"),
        ("data/aux.txt.i", pe.Encoding.HYBRID, "data/au~78.txt.i"),
        ("data/foo.aux.i", pe.Encoding.HYBRID, "data/foo.aux.i"),
        ("data/LPT1/com9.d", pe.Encoding.HYBRID, "data/_l_p_t1/co~6d9.d"),
        ("data/.hgtags.i", pe.Encoding.HYBRID, "data/.hgtags.i"),
        ("data/.hgtags.i", pe.Encoding.DOTENCODE, "data/~2ehgtags.i"),
        ("data/dir./ end/f.i", pe.Encoding.HYBRID, "data/dir~2e/ end/f.i"),
        ("data/dir./ end/f.i", pe.Encoding.DOTENCODE, "data/dir~2e/~20end/f.i"),
        ("data/caf\u00e9.i", pe.Encoding.DOTENCODE, "data/caf~c3~a9.i"),
        ("data/\udcff.i", pe.Encoding.FILENAME, "data/~ff.i"),
        ("data/d/f.i", pe.Encoding.PLAIN, "data/d_/f.i"),
        ("00changelog.i", pe.Encoding.DOTENCODE, "00changelog.i"),
    ],
)
def test_encode_path_examples(path: str, encoding: pe.Encoding, expected: str) -> None:
    assert pe.encode_path(path, encoding) == expected


def test_long_path_is_hashed_and_index_and_data_differ() -> None:
    index = pe.encode_path(_LONG_DIR + "/file.txt.i", pe.Encoding.DOTENCODE)
    data = pe.encode_path(_LONG_DIR + "/file.txt.d", pe.Encoding.DOTENCODE)
    assert index.startswith("dh/somedire/somedire/") and index.endswith(".i")
    assert data.endswith(".d")
    assert index[:-2] != data[:-2]  # different sha1: the hash covers the extension
    assert "/file.txt.i" in index  # the basename fills the room left


def test_hashed_name_is_filled_to_the_limit_from_the_basename() -> None:
    name = pe.encode_path(_LONG_DIR + "/" + "B" * 80 + ".i", pe.Encoding.HYBRID)
    assert len(name) == pe.MAX_STORE_PATH
    assert name.startswith("dh/" + "somedire/" * 7 + "bbbb")


def test_long_meta_path_is_hashed_under_dh() -> None:
    path = "meta/" + "/".join(["dir"] * 40) + "/00manifest.i"
    assert pe.encode_path(path, pe.Encoding.HYBRID).startswith("dh/dir/dir/")


def test_path_just_within_limit_is_not_hashed() -> None:
    fits = "data/" + "x" * (pe.MAX_STORE_PATH - 7) + ".i"
    assert pe.encode_path(fits, pe.Encoding.HYBRID) == fits
    assert pe.encode_path("data/X" + fits[5:], pe.Encoding.HYBRID).startswith("dh/")


@pytest.mark.parametrize(
    ("name", "position"),
    [("data/Foo.i", 5), ("data/_1.i", 5), ("data/~zz.i", 5), ("data/~41.i", 5), ("f~7", 1)],
)
def test_decode_filename_rejects_invalid_names(name: str, position: int) -> None:
    with pytest.raises(CorruptionError, match=f"at character {position}") as info:
        pe.decode_filename(name)
    assert info.value.file == name


@pytest.mark.parametrize("path", ["", "data//x.i", "/data/x.i", "data/x/", "data/a\nb.i", "d\0.i"])
@pytest.mark.parametrize("encoding", list(pe.Encoding))
def test_encode_path_rejects_impossible_paths(path: str, encoding: pe.Encoding) -> None:
    with pytest.raises(StoreError, match="invalid store path"):
        pe.encode_path(path, encoding)


@pytest.mark.parametrize("encoding", [pe.Encoding.HYBRID, pe.Encoding.DOTENCODE, pe.Encoding.PLAIN])
def test_decode_path_refuses_lossy_encodings(encoding: pe.Encoding) -> None:
    assert not encoding.invertible
    with pytest.raises(ValueError, match="cannot be decoded"):
        pe.decode_path("data/foo.i", encoding)


def test_unencodable_str_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot be written as bytes"):
        pe.encode_path("data/\ud800.i", pe.Encoding.FILENAME)
