"""What a filelog revision text means: file content behind an optional header.

A filelog rawtext is either the file's bytes, or a metadata header followed by
them::

    \\1\\n
    copy: <source path>\\n          (keys sorted, one "key: value" per line)
    copyrev: <40 hex source filenode>\\n
    \\1\\n
    <file content>

The header records copies and renames (``copy``/``copyrev``) and censorship
(``censored``, whose tombstone has no content at all). A file whose content
itself starts with ``\\1\\n`` is stored behind an empty header so readers can
always strip a header when the text starts with the marker.

Whether a revision *has metadata* is decided without parsing, by one of two
rules. Classic filelogs use the parents: Mercurial 7.2 stores every revision
that has a header with p1 null (its real parent moves to p2), so "p1 is null
and the text starts with the marker" means metadata, and a real p1 means none
(older writers could leave an escaped text behind a real p1). Revlogs with
the ``FLAG_FILELOG_META`` header flag instead mark each revision stored with a
header by the ``REVIDX_HASMETA`` revision flag and keep parents in place.

Metadata keys and values are ``str`` decoded from UTF-8 with
``surrogateescape``, so any stored bytes round-trip through ``pack_meta``.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping

from ..errors import CorruptionError, RevlogError
from ..format.constants import NODE_SIZE, REVIDX_HASMETA

META_MARKER = b"\x01\n"
_ENCODING = "utf-8"
_ERRORS = "surrogateescape"


def _decode(raw: bytes) -> str:
    return raw.decode(_ENCODING, _ERRORS)


def _encode(text: str) -> bytes:
    return text.encode(_ENCODING, _ERRORS)


def parse_meta(rawtext: bytes) -> tuple[dict[str, str] | None, int]:
    """Return ``(meta, content_offset)``; ``(None, 0)`` when there is no header.

    ``content_offset`` is where the file content starts in ``rawtext``. A
    header with no closing marker, or a line without ``": "``, raises
    ``CorruptionError`` at the offset of the damage.
    """
    if rawtext[:2] != META_MARKER:
        return None, 0
    end = rawtext.find(META_MARKER, 2)
    if end < 0:
        raise CorruptionError("metadata header has no closing marker", offset=0)
    meta: dict[str, str] = {}
    pos = 2
    while pos < end:
        eol = rawtext.find(b"\n", pos, end)
        eol = end if eol < 0 else eol
        key, sep, value = rawtext[pos:eol].partition(b": ")
        if not sep:
            raise CorruptionError("metadata line has no ': ' separator", offset=pos)
        meta[_decode(key)] = _decode(value)
        pos = eol + 1
    return meta, end + 2


def pack_meta(meta: Mapping[str, str], content: bytes) -> bytes:
    """Put a header holding ``meta`` (keys sorted as bytes) before ``content``.

    An empty ``meta`` gives the empty header that escapes content starting
    with the marker. Raises ``RevlogError`` for what would not read back: a
    newline anywhere, ``": "`` in a key, or a value ending in ``\\1`` (which
    would close the header early).
    """
    lines = []
    for key, value in sorted((_encode(k), _encode(v)) for k, v in meta.items()):
        if b"\n" in key or b"\n" in value or b": " in key or value.endswith(b"\x01"):
            raise RevlogError(f"metadata {key!r}: {value!r} cannot be stored in a header")
        lines.append(b"%s: %s\n" % (key, value))
    return b"".join([META_MARKER, *lines, META_MARKER, content])


def pack_file_text(content: bytes, meta: Mapping[str, str] | None = None) -> bytes:
    """The rawtext Mercurial stores for ``content`` with optional ``meta``.

    A header is added when there is metadata or when the content would
    otherwise be mistaken for one. Writers to a ``FLAG_FILELOG_META`` revlog
    set ``REVIDX_HASMETA`` exactly when the result starts with the marker.
    """
    if meta or content[:2] == META_MARKER:
        return pack_meta(meta or {}, content)
    return content


def file_content(rawtext: bytes) -> bytes:
    """The file's bytes: ``rawtext`` without its metadata header, if any."""
    return rawtext[parse_meta(rawtext)[1] :]


def has_meta(
    rawtext: bytes, *, p1_is_null: bool, flags: int = 0, filelog_meta: bool = False
) -> bool:
    """Whether a revision carries (copy) metadata, by Mercurial's rule.

    ``flags`` are the revision's index flags and ``filelog_meta`` says whether
    the revlog header has ``FLAG_FILELOG_META``. Without that flag only a
    revision whose p1 is null can carry metadata.
    """
    if filelog_meta:
        return bool(flags & REVIDX_HASMETA)
    return p1_is_null and rawtext[:2] == META_MARKER


def renamed(
    rawtext: bytes, *, p1_is_null: bool, flags: int = 0, filelog_meta: bool = False
) -> tuple[str, bytes] | None:
    """``(source path, source filenode)`` when the revision is a copy or rename.

    Mercurial's rule: the revision must carry metadata (see ``has_meta``),
    its p1 must be null, and the metadata must hold both copy keys. With
    ``FLAG_FILELOG_META`` a copy committed in a merge keeps a real p1, so
    Mercurial 7.2.4 (and this function) report no copy although the header
    records one; ``copy_source(parse_meta(rawtext)[0])`` still shows it.
    """
    if not p1_is_null or not has_meta(
        rawtext, p1_is_null=p1_is_null, flags=flags, filelog_meta=filelog_meta
    ):
        return None
    return copy_source(parse_meta(rawtext)[0])


def copy_source(meta: Mapping[str, str] | None) -> tuple[str, bytes] | None:
    """``(source path, source filenode)`` when ``meta`` records a copy.

    Both ``copy`` and ``copyrev`` must be present, as Mercurial requires (old
    bugs left lone keys behind). A ``copyrev`` that is not 40 hex digits
    raises ``CorruptionError``.
    """
    if not meta or "copy" not in meta or "copyrev" not in meta:
        return None
    return meta["copy"], _parse_copyrev(meta["copyrev"])


def _parse_copyrev(text: str) -> bytes:
    try:
        node = binascii.unhexlify(_encode(text))
    except (binascii.Error, ValueError):
        node = b""
    if len(node) != NODE_SIZE:
        raise CorruptionError(f"copyrev {text!r} is not a {2 * NODE_SIZE}-digit hex node")
    return node


def copy_meta(source: str, source_node: bytes) -> dict[str, str]:
    """The metadata recording a copy from ``source`` at ``source_node``."""
    return {"copy": source, "copyrev": source_node.hex()}


def is_censored(rawtext: bytes) -> bool:
    """Whether ``rawtext`` is a censorship tombstone (has a ``censored`` key)."""
    meta, _ = parse_meta(rawtext)
    return meta is not None and "censored" in meta


def censor_tombstone(reason: str = "") -> bytes:
    """The rawtext ``hg censor`` stores in place of a revision's content."""
    return pack_meta({"censored": reason}, b"")
