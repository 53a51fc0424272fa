"""How Mercurial names store files on disk.

A revlog is known by its *unencoded store path* ("data/Foo.txt.i",
"meta/d/00manifest.i"): the tracked path wrapped in a prefix and a suffix.
The file that holds it has an *encoded* name, chosen so that any tracked path
can be stored on case-insensitive filesystems, on Windows, and within path
length limits. Which encoding applies depends on the repository's
requirements (see ``Encoding``); the store module picks one and calls
``encode_path`` / ``decode_path``.

Paths are ``str`` in this API and bytes on disk. We convert with UTF-8 and
``surrogateescape``, so every byte string, valid UTF-8 or not, survives the
round trip and the encodings below work byte for byte as Mercurial's do.
"""

from __future__ import annotations

import enum
import hashlib
import posixpath
import re

from ..errors import CorruptionError, StoreError

MAX_STORE_PATH = 120
"""Encoded names longer than this are replaced by a hashed name under dh/."""

_DIR_PREFIX = 8  # bytes of each directory a hashed name keeps
_MAX_SHORT_DIRS = 68  # room for the kept directories in a hashed name (8 * 9 - 4)
_WINDOWS_SPECIAL = b'\\:*?"<>|'
_WINDOWS_RESERVED_3 = frozenset((b"aux", b"con", b"prn", b"nul"))
_WINDOWS_RESERVED_4 = frozenset((b"com", b"lpt"))  # followed by a digit 1-9
_DIR_SUFFIX = re.compile(rb"\.(hg|i|d)/")
_ENCODED_DIR_SUFFIX = re.compile(rb"\.(hg|i|d)\.hg/")
_HEX_PAIR = re.compile(rb"[0-9a-f]{2}")
_FORBIDDEN = b"\0\n\r"  # never part of a tracked path (manifest and fncache separators)


class Encoding(enum.Enum):
    """The name encodings Mercurial stores revlogs under.

    DIR        no ``store`` requirement: files live in .hg/, only directory
               names that could clash with a revlog (``x.i/``) are escaped.
    FILENAME   ``store`` without ``fncache``: reversible, so the store can be
               listed by walking the directory and decoding names.
    HYBRID     ``fncache``: FILENAME plus Windows-reserved names, trailing
               dots and spaces escaped, and long names hashed. Not reversible;
               the fncache lists the files.
    DOTENCODE  ``fncache`` + ``dotencode`` (and ``fileindex-v1``): HYBRID that
               also escapes a leading dot or space in every component.
    PLAIN      ``exp-very-fragile-and-unsafe-plain-store-encoding``: names are
               kept, directories under data/ get a ``_`` suffix.
    """

    DIR = "dir"
    FILENAME = "filename"
    HYBRID = "hybrid"
    DOTENCODE = "dotencode"
    PLAIN = "plain"

    @property
    def invertible(self) -> bool:
        """Whether an on-disk name gives back its store path."""
        return self in (Encoding.DIR, Encoding.FILENAME)


def to_bytes(path: str) -> bytes:
    """The bytes Mercurial sees for ``path``."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as err:
        raise StoreError(f"path {path!r} cannot be written as bytes: {err.reason}") from None


def to_str(path: bytes) -> str:
    """The ``str`` form of a byte path; lossless for any bytes."""
    return path.decode("utf-8", "surrogateescape")


# --- byte tables ---------------------------------------------------------


def _escape(byte: int) -> bytes:
    return b"~%02x" % byte


def _needs_escape(byte: int) -> bool:
    """Control bytes, '~', DEL, non-ASCII and Windows-special characters."""
    return byte < 32 or byte >= 126 or byte in _WINDOWS_SPECIAL


def _filename_code(byte: int) -> bytes:
    if _needs_escape(byte):
        return _escape(byte)
    if byte == ord("_") or ord("A") <= byte <= ord("Z"):
        return b"_" + bytes([byte]).lower()
    return bytes([byte])


def _lower_code(byte: int) -> bytes:
    if _needs_escape(byte):
        return _escape(byte)
    return bytes([byte]).lower()


_FILENAME_CODES = tuple(_filename_code(b) for b in range(256))
_LOWER_CODES = tuple(_lower_code(b) for b in range(256))
_RECODE_WINDOW = 1 << 16


# --- byte-level encodings ------------------------------------------------


def _encode_dir(path: bytes) -> bytes:
    # A file "foo" has revlogs foo.i and foo.d; a directory named foo.i must
    # not collide with them, so directories ending .i/.d/.hg gain ".hg".
    return _DIR_SUFFIX.sub(rb".\1.hg/", path)


def _decode_dir(path: bytes) -> bytes:
    return _ENCODED_DIR_SUFFIX.sub(rb".\1/", path)


def _recode(path: bytes | memoryview, codes: tuple[bytes, ...]) -> bytes:
    """``path`` with every byte replaced by its code.

    Joined a window at a time: ``bytes.join`` holds a buffer descriptor (some
    80 bytes) per piece, so one join over a 20 MB name (a hostile fncache line)
    took 1.7 GB.
    """
    if len(path) <= _RECODE_WINDOW:
        return b"".join([codes[b] for b in path])
    return b"".join([b"".join([codes[b] for b in path[i : i + _RECODE_WINDOW]])
                     for i in range(0, len(path), _RECODE_WINDOW)])


def _encode_filename(path: bytes) -> bytes:
    return _recode(_encode_dir(path), _FILENAME_CODES)


def _lower_encode(path: bytes | memoryview) -> bytes:
    return _recode(path, _LOWER_CODES)


def _decode_filename(name: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(name):
        byte, width = _decode_one(name, i)
        out.append(byte)
        i += width
    return _decode_dir(bytes(out))


def _decode_one(name: bytes, i: int) -> tuple[int, int]:
    """The byte encoded at ``name[i:]`` and how many characters encode it."""
    char = name[i]
    if char == ord("_"):
        nxt = name[i + 1 : i + 2]
        if nxt == b"_" or b"a" <= nxt <= b"z":
            return nxt.upper()[0], 2
        raise _bad_name(name, i, "'_' must be followed by a lower-case letter or '_'")
    if char == ord("~"):
        digits = name[i + 1 : i + 3]
        if _HEX_PAIR.fullmatch(digits) and _needs_escape(int(digits, 16)):
            return int(digits, 16), 3
        raise _bad_name(name, i, "'~' must be followed by the hex code of an escaped byte")
    if _FILENAME_CODES[char] != bytes([char]):
        raise _bad_name(name, i, f"byte 0x{char:02x} should have been escaped")
    return char, 1


def _bad_name(name: bytes, i: int, why: str) -> CorruptionError:
    return CorruptionError(
        f"invalid encoded store name {to_str(name)!r} at character {i}: {why}",
        file=to_str(name),
    )


def _aux_component(part: bytes, dotencode: bool) -> bytes:
    """Escape one path component so Windows (and macOS) can hold it."""
    if not part:
        return part
    if dotencode and part[:1] in (b".", b" "):
        part = _escape(part[0]) + part[1:]
    elif _is_windows_reserved(part):
        part = part[:2] + _escape(part[2]) + part[3:]
    if part[-1:] in (b".", b" "):
        part = part[:-1] + _escape(part[-1])
    return part


def _is_windows_reserved(part: bytes) -> bool:
    """'aux', 'con.txt', 'lpt3.c' are device names on Windows; 'foo.aux' is not."""
    stem = part.split(b".", 1)[0]
    if stem in _WINDOWS_RESERVED_3:
        return True
    return len(stem) == 4 and stem[:3] in _WINDOWS_RESERVED_4 and b"1" <= stem[3:] <= b"9"


def _aux_encode(parts: list[bytes], dotencode: bool) -> list[bytes]:
    return [_aux_component(part, dotencode) for part in parts]


def _hybrid_encode(path: bytes, dotencode: bool) -> bytes:
    dired = _encode_dir(path)
    if len(dired) > MAX_STORE_PATH:  # encoding only lengthens a name: it will be hashed
        return _hash_encode(dired, dotencode)
    encoded = b"/".join(_aux_encode(_encode_filename(path).split(b"/"), dotencode))
    if len(encoded) > MAX_STORE_PATH:
        return _hash_encode(dired, dotencode)
    return encoded


def _hash_encode(dired: bytes, dotencode: bool) -> bytes:
    """The dh/ name of a dir-encoded store path whose encoding is too long.

    The name keeps a readable prefix (short directory names, the start of the
    basename) and the extension, and is made unique by the sha1 of the whole
    dir-encoded path, extension included: a revlog's .i and .d therefore get
    unrelated names.
    """
    digest = hashlib.sha1(dired).hexdigest().encode("ascii")
    # [5:] drops "data/" or "meta/": both end up under dh/
    *dirs, basename = _aux_encode(_lower_encode(memoryview(dired)[5:]).split(b"/"), dotencode)
    ext = posixpath.splitext(basename)[1]
    head = b"dh/" + b"".join(d + b"/" for d in _short_dirs(dirs))
    room = MAX_STORE_PATH - len(head) - len(digest) - len(ext)
    return head + basename[: max(room, 0)] + digest + ext


def _short_dirs(dirs: list[bytes]) -> list[bytes]:
    """Directory prefixes for a hashed name, as many as fit in _MAX_SHORT_DIRS."""
    kept: list[bytes] = []
    used = -1  # no slash before the first directory
    for name in dirs:
        short = name[:_DIR_PREFIX]
        if short[-1:] in (b".", b" "):  # truncation may expose a trailing dot
            short = short[:-1] + b"_"
        used += 1 + len(short)
        if used > _MAX_SHORT_DIRS:
            break
        kept.append(short)
    return kept


def _plain_encode(path: bytes) -> bytes:
    if not path.startswith(b"data/"):
        return path
    return b"data/" + path[5:].replace(b"/", b"_/")


def _check_store_path(path: bytes) -> None:
    """Refuse paths no Mercurial store can hold (and hashing can't handle)."""
    bad = next((b for b in _FORBIDDEN if b in path), None)
    if bad is not None:
        raise StoreError(f"invalid store path {to_str(path)!r}: contains byte 0x{bad:02x}")
    if not path or path[:1] == b"/" or path[-1:] == b"/" or b"//" in path:  # no copy of it
        raise StoreError(f"invalid store path {to_str(path)!r}: empty path component")


# --- public str API --------------------------------------------------------


def encode_dir(path: str) -> str:
    """Escape directory names ending in .i, .d or .hg (``a.i/b`` -> ``a.i.hg/b``)."""
    return to_str(_encode_dir(to_bytes(path)))


def decode_dir(path: str) -> str:
    """Inverse of ``encode_dir``."""
    return to_str(_decode_dir(to_bytes(path)))


def decode_dir_bytes(name: bytes) -> str:
    """``decode_dir`` of a name read as bytes (an fncache line), without a round trip
    through ``str`` and back: two fewer copies of a name that may be megabytes long."""
    return to_str(_decode_dir(name))


def encode_filename(path: str) -> str:
    """The reversible store encoding: ``_x`` for capitals and ``_``, ``~xx`` for unsafe bytes."""
    return to_str(_encode_filename(to_bytes(path)))


def decode_filename(name: str) -> str:
    """Inverse of ``encode_filename``.

    Accepts exactly the names Mercurial's decoder accepts; anything else (a
    raw capital, a bad escape) raises ``CorruptionError`` naming the position.
    """
    return to_str(_decode_filename(to_bytes(name)))


def lower_encode(path: str) -> str:
    """Lower-case capitals and ``~xx``-escape unsafe bytes (used by hashed names)."""
    return to_str(_lower_encode(to_bytes(path)))


def aux_encode(components: list[str], dotencode: bool) -> list[str]:
    """Escape Windows device names and trailing (with dotencode, also leading) dots and spaces."""
    parts = [to_bytes(c) for c in components]
    return [to_str(p) for p in _aux_encode(parts, dotencode)]


def hybrid_encode(path: str, dotencode: bool) -> str:
    """The fncache store name: filename + aux encoding, hashed under dh/ when too long."""
    raw = to_bytes(path)
    _check_store_path(raw)
    return to_str(_hybrid_encode(raw, dotencode))


def hash_encode(path: str, dotencode: bool) -> str:
    """The hashed dh/ name of a store path, whatever its length."""
    raw = to_bytes(path)
    _check_store_path(raw)
    return to_str(_hash_encode(_encode_dir(raw), dotencode))


def plain_encode(path: str) -> str:
    """The experimental plain encoding: directories under data/ get a ``_`` suffix."""
    return to_str(_plain_encode(to_bytes(path)))


_ENCODERS = {
    Encoding.DIR: _encode_dir,
    Encoding.FILENAME: _encode_filename,
    Encoding.HYBRID: lambda p: _hybrid_encode(p, False),
    Encoding.DOTENCODE: lambda p: _hybrid_encode(p, True),
    Encoding.PLAIN: _plain_encode,
}


def encode_path(path: str, encoding: Encoding) -> str:
    """The on-disk name, relative to the store directory, of an unencoded store path."""
    raw = to_bytes(path)
    _check_store_path(raw)
    return to_str(_ENCODERS[encoding](raw))


def decode_path(name: str, encoding: Encoding) -> str:
    """The unencoded store path of an on-disk name (DIR and FILENAME only).

    The other encodings lose information (case, hashed names); their stores
    list their files in an fncache or file index instead.
    """
    if encoding is Encoding.DIR:
        return decode_dir(name)
    if encoding is Encoding.FILENAME:
        return decode_filename(name)
    raise ValueError(f"the {encoding.value} encoding cannot be decoded")
