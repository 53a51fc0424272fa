"""What a manifest revision text means: the list of tracked paths.

A manifest text is one line per path, sorted by the path's bytes::

    <path>\\0<40 hex filenode><flag>\\n

with flag ``""`` (regular file), ``"l"`` (symlink), ``"x"`` (executable) or
``"t"`` (a subdirectory, in tree manifests only). A flat manifest lists every
path of the repository; a tree manifest lists one directory: files by
basename, and each subdirectory as ``<name>\\0<node of its manifest>t``.

Manifests can hold 100,000 lines, so ``Manifest`` never parses more than it
must: ``find`` bisects the raw bytes and iteration decodes one line at a time,
checking order as it goes. Paths are ``str`` decoded from UTF-8 with
``surrogateescape`` (any byte string round-trips) and are compared and sorted
by their bytes, as Mercurial does. Errors carry the byte offset in the text.

What counts as damage is what Mercurial's C parser refuses: a missing final
newline, lines out of order or repeated, an empty path, a missing NUL, a node
that is not 40 hex digits (either case), an unknown flag.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from ..errors import CorruptionError, RevlogError
from ..format.constants import NODE_SIZE

FLAGS = frozenset({"", "l", "x", "t"})
_FLAG_BYTES = (b"l", b"x", b"t")
_HEX_SIZE = 2 * NODE_SIZE
_ENCODING = "utf-8"
_ERRORS = "surrogateescape"


class ManifestEntry(NamedTuple):
    """One manifest line: path, 20-byte filenode (or subtree node), flag."""

    path: str
    node: bytes
    flags: str = ""

    @property
    def is_tree(self) -> bool:
        """A subdirectory entry of a tree manifest."""
        return self.flags == "t"


class Manifest:
    """A read-only view of a manifest text that decodes lines on demand."""

    def __init__(self, text: bytes) -> None:
        if text and text[-1:] != b"\n":
            raise CorruptionError("manifest does not end with a newline", offset=len(text))
        self.text = bytes(text)

    def __len__(self) -> int:
        return self.text.count(b"\n")

    def __iter__(self) -> Iterator[ManifestEntry]:
        return (entry for _, entry in self.lines())

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.find(path) is not None

    def __getitem__(self, path: str) -> ManifestEntry:
        entry = self.find(path)
        if entry is None:
            raise KeyError(path)
        return entry

    def lines(self) -> Iterator[tuple[int, ManifestEntry]]:
        """Yield ``(offset of the line, entry)``, checking sort order lazily."""
        text = self.text
        pos = 0
        previous: bytes | None = None
        for line in text.split(b"\n")[:-1]:
            path, entry = _parse_line(line, pos)
            if previous is not None and path <= previous:
                what = "repeated" if path == previous else "out of order"
                raise CorruptionError(f"manifest path {entry.path!r} is {what}", offset=pos)
            previous = path
            yield pos, entry
            pos += len(line) + 1

    def paths(self) -> Iterator[str]:
        """Every path, in order, without decoding nodes."""
        for line in self.text.split(b"\n")[:-1]:
            yield _decode(line.partition(b"\0")[0])

    def find(self, path: str) -> ManifestEntry | None:
        """The entry for ``path``, found by bisecting the raw text.

        Costs O(log n) line probes. It trusts the text to be sorted; use
        ``validate`` (or iterate) to check that.
        """
        offset = self.offset_of(path)
        if offset is None:
            return None
        end = self.text.index(b"\n", offset)
        return _parse_line(self.text[offset:end], offset)[1]

    def offset_of(self, path: str) -> int | None:
        """Byte offset of the line for ``path``, or None when it is absent."""
        key = _encode(path)
        text = self.text
        lo, hi = 0, len(text)
        while lo < hi:
            start = text.rfind(b"\n", lo, (lo + hi) // 2) + 1 or lo
            end = text.index(b"\n", start)
            nul = text.find(b"\0", start, end)
            if nul < 0:
                raise CorruptionError("manifest line has no NUL separator", offset=start)
            candidate = text[start:nul]
            if candidate == key:
                return start
            if key < candidate:
                hi = start
            else:
                lo = end + 1
        return None

    def validate(self) -> None:
        """Parse every line; raise ``CorruptionError`` at the first damage."""
        for _ in self.lines():
            pass


def parse_manifest(text: bytes) -> Manifest:
    """A lazy view of ``text``; only the final newline is checked up front."""
    return Manifest(text)


def format_manifest(entries: Iterable[ManifestEntry | tuple[str, bytes, str]]) -> bytes:
    """The manifest text for ``entries``, sorted by path bytes.

    Raises ``RevlogError`` for what Mercurial cannot store: an empty or
    repeated path, a path with NUL, CR or LF, a node that is not 20 bytes, or
    an unknown flag.
    """
    lines = sorted(_format_line(*entry) for entry in entries)
    for before, after in zip(lines, lines[1:]):
        path = before[: before.index(b"\0") + 1]
        if after.startswith(path):
            raise RevlogError(f"path {_decode(path[:-1])!r} is listed twice")
    return b"".join(lines)


def split_path(path: str) -> tuple[str, str]:
    """``(directory, basename)`` as a tree manifest stores ``path``.

    The directory has a trailing slash and is ``""`` at the root: the file
    ``a/b/c.txt`` is the line ``c.txt`` of the manifest of directory ``a/b/``,
    which ``a/``'s manifest lists as ``b`` with flag ``t``.
    """
    directory, _, basename = path.rpartition("/")
    return (directory + "/" if directory else ""), basename


def _parse_line(line: bytes, offset: int) -> tuple[bytes, ManifestEntry]:
    """Decode one line (without its newline) that starts at ``offset``."""
    nul = line.find(b"\0")
    if nul < 0:
        raise CorruptionError("manifest line has no NUL separator", offset=offset)
    if nul == 0:
        raise CorruptionError("manifest line has an empty path", offset=offset)
    path = line[:nul]
    hexnode = line[nul + 1 :]
    flags = ""
    if hexnode[-1:] in _FLAG_BYTES:
        hexnode, flags = hexnode[:-1], chr(hexnode[-1])
    if len(hexnode) == _HEX_SIZE + 1:
        what = "more than one" if hexnode[-1:] in _FLAG_BYTES else "unknown"
        raise CorruptionError(
            f"{what} manifest flag {hexnode[-1:]!r}", offset=offset + nul + 1 + _HEX_SIZE
        )
    if len(hexnode) != _HEX_SIZE:
        raise CorruptionError(
            f"manifest node is {len(hexnode)} characters, expected {_HEX_SIZE}",
            offset=offset + nul + 1,
        )
    try:
        node = binascii.unhexlify(hexnode)
    except binascii.Error:
        raise CorruptionError(
            f"manifest node {hexnode!r} is not hexadecimal", offset=offset + nul + 1
        ) from None
    return path, ManifestEntry(_decode(path), node, flags)


def _format_line(path: str, node: bytes, flags: str = "") -> bytes:
    raw = _encode(path)
    if not raw or any(c in raw for c in (b"\0", b"\n", b"\r")):
        raise RevlogError(f"path {path!r} cannot be stored in a manifest")
    if len(node) != NODE_SIZE:
        raise RevlogError(f"node for {path!r} is {len(node)} bytes, expected {NODE_SIZE}")
    if flags not in FLAGS:
        raise RevlogError(f"unknown manifest flag {flags!r} for {path!r}")
    return b"%s\0%s%s\n" % (raw, node.hex().encode("ascii"), flags.encode("ascii"))


def _decode(raw: bytes) -> str:
    return raw.decode(_ENCODING, _ERRORS)


def _encode(path: str) -> bytes:
    return path.encode(_ENCODING, _ERRORS)
