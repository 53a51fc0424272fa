"""What a changelog revision text means: one changeset.

The text Mercurial stores for a changeset is::

    <40 hex manifest node>\\n
    <user>\\n
    <unixtime> <tz offset, seconds west of UTC>[ <extra>]\\n
    <touched file>\\n ...         (sorted, possibly none)
    \\n
    <description>

``extra`` is ``key:value`` pairs sorted by key, each escaped (backslash, LF,
CR, NUL) and joined by NUL; ``branch:default`` is never written. Copy
information lives in extra (``p1copies``, ``p2copies``, ``filesadded``,
``filesremoved``, as indices into the file list) when Mercurial is set to
``experimental.copies.write-to=changeset-only``, or in the "changed files"
sidedata block (``ChangedFiles``) with ``exp-copies-sidedata-changeset``.

Text fields (user, description, file names, extra keys and values, branch)
are ``str`` decoded from UTF-8 with ``surrogateescape``: Mercurial stores
UTF-8 but nothing enforces it, and this keeps every stored byte string
round-trippable (``s.encode("utf-8", "surrogateescape")`` gives the bytes).
All whitespace and line handling is done on the bytes, as Mercurial does,
never with ``str`` methods that know Unicode line breaks and spaces.
"""

from __future__ import annotations

import binascii
import math
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..errors import CorruptionError, RevlogError
from ..format.constants import NODE_SIZE, NULL_NODE

_ENCODING = "utf-8"
_ERRORS = "surrogateescape"
_RESERVED_BRANCHES = frozenset({".", "null", "tip"})

Date = tuple[int | float, int]


def _decode(raw: bytes) -> str:
    return raw.decode(_ENCODING, _ERRORS)


def _encode(text: str) -> bytes:
    return text.encode(_ENCODING, _ERRORS)


@dataclass(frozen=True)
class ChangesetEntry:
    """A parsed changeset.

    ``extra`` is exactly what is stored: unlike Mercurial's view it has no
    ``branch`` key for the default branch (see ``branch``). ``date`` keeps the
    time an ``int`` when stored as one (a float only for old fractional times).
    """

    manifest: bytes
    user: str
    date: Date
    files: tuple[str, ...]
    description: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def branch(self) -> str:
        """The branch name: ``default`` unless extra names one (even ``""``, as hg reads it)."""
        return self.extra.get("branch", "default")

    @property
    def closed(self) -> bool:
        """Whether this changeset closes its branch head."""
        return "close" in self.extra

    @property
    def p1copies(self) -> dict[str, str] | None:
        """``{destination: source}`` copies from p1 recorded in extra."""
        return _decode_copies(self.files, self.extra.get("p1copies"))

    @property
    def p2copies(self) -> dict[str, str] | None:
        """``{destination: source}`` copies from p2 recorded in extra."""
        return _decode_copies(self.files, self.extra.get("p2copies"))

    @property
    def filesadded(self) -> list[str] | None:
        """Files this changeset added, when recorded in extra."""
        return _decode_indices(self.files, self.extra.get("filesadded"))

    @property
    def filesremoved(self) -> list[str] | None:
        """Files this changeset removed, when recorded in extra."""
        return _decode_indices(self.files, self.extra.get("filesremoved"))


def parse_changeset(text: bytes) -> ChangesetEntry:
    """Parse a changelog revision text.

    The empty text (the null revision) gives an empty changeset on the null
    manifest. Damage raises ``CorruptionError`` with the offset in ``text``.
    """
    if not text:
        return ChangesetEntry(NULL_NODE, "", (0, 0), (), "")
    nl1 = _newline(text, 0, "manifest node")
    nl2 = _newline(text, nl1 + 1, "user")
    nl3 = _newline(text, nl2 + 1, "date")
    if text[nl3 + 1 : nl3 + 2] == b"\n":
        files: tuple[str, ...] = ()
        blank = nl3
    else:
        blank = text.find(b"\n\n", nl3 + 1)
        if blank < 0:
            raise CorruptionError(
                "changeset has no blank line before its description", offset=len(text)
            )
        files = tuple(_decode(f) for f in text[nl3 + 1 : blank].split(b"\n"))
    date, extra = _parse_date_line(text[nl2 + 1 : nl3], nl2 + 1)
    return ChangesetEntry(
        manifest=_parse_manifest_node(text[:nl1]),
        user=_decode(text[nl1 + 1 : nl2]),
        date=date,
        files=files,
        description=_decode(text[blank + 2 :]),
        extra=extra,
    )


def changeset_branch(text: bytes) -> tuple[str, bool]:
    """The branch of a changelog revision text and whether it closes it, as
    ``parse_changeset`` reads them, from the date line's extra alone (hg's
    ``branchinfo`` reads no more): a branch map over 10^6 texts parses only that line."""
    if not text:
        return "default", False
    nl1 = _newline(text, 0, "manifest node")
    nl2 = _newline(text, nl1 + 1, "user")
    nl3 = _newline(text, nl2 + 1, "date")
    _date, extra = _parse_date_line(text[nl2 + 1 : nl3], nl2 + 1)
    return extra.get("branch", "default"), "close" in extra


def _newline(text: bytes, start: int, field_name: str) -> int:
    end = text.find(b"\n", start)
    if end < 0:
        raise CorruptionError(f"changeset {field_name} line is not terminated", offset=start)
    return end


def _parse_manifest_node(raw: bytes) -> bytes:
    try:
        node = binascii.unhexlify(raw)
    except binascii.Error:
        node = b""
    if len(node) != NODE_SIZE:
        raise CorruptionError(f"changeset manifest node {raw!r} is not 40 hex digits", offset=0)
    return node


def _parse_date_line(line: bytes, offset: int) -> tuple[Date, dict[str, str]]:
    """Split ``time tz[ extra]``; a tz that is not an integer reads as 0, as in hg."""
    fields = line.split(b" ", 2)
    if len(fields) < 2:
        raise CorruptionError("changeset date has no timezone", offset=offset + len(line))
    try:
        when: int | float = int(fields[0])
    except ValueError:
        try:
            when = float(fields[0])
        except ValueError:
            raise CorruptionError(
                f"changeset time {fields[0]!r} is not a number", offset=offset
            ) from None
    try:
        tz = int(fields[1])
    except ValueError:
        tz = 0
    if len(fields) < 3:
        return (when, tz), {}
    return (when, tz), decode_extra(fields[2], offset + len(fields[0]) + len(fields[1]) + 2)


def format_changeset(
    manifest: bytes,
    user: str,
    date: Date,
    files: Iterable[str],
    description: str,
    extra: Mapping[str, str] | None = None,
) -> bytes:
    """The exact text Mercurial writes for these fields.

    As Mercurial does: the user is stripped and must be non-empty without a
    newline, the description is normalised by ``strip_description``, the
    time and offset are written as integers, files are de-duplicated and
    sorted by bytes, and a ``branch`` extra of ``default`` or ``""`` is
    dropped. Invalid input raises ``RevlogError``.
    """
    if len(manifest) != NODE_SIZE:
        raise RevlogError(f"manifest node is {len(manifest)} bytes, expected {NODE_SIZE}")
    raw_user = _encode(user).strip()
    if not raw_user or b"\n" in raw_user:
        raise RevlogError(f"user {user!r} is empty or contains a newline")
    if not math.isfinite(date[0]):
        raise RevlogError(f"changeset time {date[0]!r} is not a finite number")
    dateline = b"%d %d" % (int(date[0]), int(date[1]))
    extra = dict(extra or {})
    if extra.get("branch") in ("default", ""):
        del extra["branch"]
    if extra.get("branch") in _RESERVED_BRANCHES:
        raise RevlogError(f"the branch name {extra['branch']!r} is reserved")
    if extra:
        dateline += b" " + encode_extra(extra)
    lines = [manifest.hex().encode("ascii"), raw_user, dateline, *_sorted_files(files)]
    return b"\n".join([*lines, b"", _encode(strip_description(description))])


def _sorted_files(files: Iterable[str]) -> list[bytes]:
    raw = sorted({_encode(f) for f in files})
    for name in raw:
        if not name or b"\n" in name or b"\r" in name:
            raise RevlogError(f"file name {_decode(name)!r} cannot be stored in a changeset")
    return raw


def strip_description(description: str) -> str:
    """Drop trailing whitespace of each line and leading/trailing empty lines.

    Works on the bytes, so only ASCII whitespace and CR/LF line breaks count.
    """
    lines = _encode(description).splitlines()
    return _decode(b"\n".join(line.rstrip() for line in lines).strip(b"\n"))


# -- extra ------------------------------------------------------------------

_ESCAPES = {b"\\": b"\\\\", b"\n": b"\\n", b"\r": b"\\r", b"\0": b"\\0"}
_TO_ESCAPE = re.compile(rb"[\\\n\r\0]")
_ESCAPED = re.compile(rb"\\(x[0-9a-fA-F]{0,2}|[1-7][0-7]{0,2}|.|\Z)", re.DOTALL)
_SIMPLE_UNESCAPES = {
    b"\\": b"\\",
    b"n": b"\n",
    b"r": b"\r",
    b"0": b"\0",
    b"t": b"\t",
    b"'": b"'",
    b'"': b'"',
    b"a": b"\a",
    b"b": b"\b",
    b"f": b"\f",
    b"v": b"\v",
    b"\n": b"",
}


def encode_extra(extra: Mapping[str, str]) -> bytes:
    """The extra field: escaped ``key:value`` items sorted by key, NUL-joined."""
    items = []
    for key, value in sorted((_encode(k), _encode(v)) for k, v in extra.items()):
        if b":" in key:
            raise RevlogError(f"extra key {_decode(key)!r} contains ':'")
        items.append(_TO_ESCAPE.sub(lambda m: _ESCAPES[m.group()], key + b":" + value))
    return b"\0".join(items)


def decode_extra(raw: bytes, offset: int = 0) -> dict[str, str]:
    """Parse an extra field; ``offset`` is its position, for error reports.

    Besides the four escapes Mercurial writes today, it reads the other
    Python-style escapes (``\\t``, ``\\xNN``, octal...) that old Mercurial
    wrote, exactly as Mercurial's reader does. No default branch is added.
    """
    extra: dict[str, str] = {}
    for item in raw.split(b"\0"):
        if item:
            key, sep, value = _unescape(item, offset).partition(b":")
            if not sep:
                raise CorruptionError("changeset extra item has no ':'", offset=offset)
            extra[_decode(key)] = _decode(value)
        offset += len(item) + 1
    return extra


def _unescape(item: bytes, offset: int) -> bytes:
    if b"\\" not in item:
        return item
    pieces = []
    pos = 0
    for match in _ESCAPED.finditer(item):
        pieces.append(item[pos : match.start()])
        pieces.append(_unescape_one(match.group(1), offset + match.start()))
        pos = match.end()
    pieces.append(item[pos:])
    return b"".join(pieces)


def _unescape_one(code: bytes, offset: int) -> bytes:
    if not code:
        raise CorruptionError("changeset extra ends with a lone backslash", offset=offset)
    if code[:1] == b"x":
        if len(code) != 3:
            raise CorruptionError("changeset extra has an invalid \\x escape", offset=offset)
        return bytes([int(code[1:], 16)])
    if code[:1] in b"1234567":
        return bytes([int(code, 8) & 0xFF])
    return _SIMPLE_UNESCAPES.get(code, b"\\" + code)


# -- copies in extra ----------------------------------------------------------


def _decode_copies(files: tuple[str, ...], raw: str | None) -> dict[str, str] | None:
    """Decode ``index\\0source`` lines; garbage gives None, as in Mercurial."""
    if raw is None:
        return None
    copies = {}
    for line in raw.split("\n") if raw else ():
        index, sep, source = line.partition("\0")
        if not sep or "\0" in source or not _valid_index(index, files):
            return None
        copies[files[int(index)]] = source
    return copies


def _decode_indices(files: tuple[str, ...], raw: str | None) -> list[str] | None:
    """Decode newline-separated indices into ``files``; garbage gives None."""
    if raw is None:
        return None
    indices = raw.split("\n") if raw else []
    if not all(_valid_index(index, files) for index in indices):
        return None
    return [files[int(index)] for index in indices]


def _valid_index(index: str, files: tuple[str, ...]) -> bool:
    return index.isascii() and index.isdigit() and int(index) < len(files)


def copies_extra(
    files: Iterable[str],
    *,
    p1copies: Mapping[str, str] | None = None,
    p2copies: Mapping[str, str] | None = None,
    added: Iterable[str] | None = None,
    removed: Iterable[str] | None = None,
) -> dict[str, str]:
    """Extra entries recording copies, as ``copies.write-to`` makes hg write.

    ``None`` omits an entry; an empty collection writes an empty one (which
    tells readers not to fall back to filelog copy metadata). Indices refer
    to ``files`` sorted as ``format_changeset`` sorts them.
    """
    ordered = [_decode(f) for f in _sorted_files(files)]
    position = {name: i for i, name in enumerate(ordered)}
    extra = {}
    for key, copies in (("p1copies", p1copies), ("p2copies", p2copies)):
        if copies is not None:
            missing = set(copies) - position.keys()
            if missing:
                raise RevlogError(f"copy destinations not in the file list: {sorted(missing)}")
            lines = sorted((position[dst], src) for dst, src in copies.items())
            extra[key] = "\n".join(f"{i}\0{src}" for i, src in lines)
    for key, subset in (("filesadded", added), ("filesremoved", removed)):
        if subset is not None:
            wanted = set(subset)
            extra[key] = "\n".join(str(i) for i, f in enumerate(ordered) if f in wanted)
    return extra


# -- changed files sidedata ---------------------------------------------------

_CF_HEADER = struct.Struct(">L")
_CF_ENTRY = struct.Struct(">BLL")
_ACTION_MASK = 0b11100
_ADDED, _MERGED, _REMOVED, _SALVAGED, _TOUCHED = 0b00100, 0b01000, 0b01100, 0b10000, 0b10100
_COPY_MASK = 0b11
_COPY_P1, _COPY_P2 = 0b10, 0b11


@dataclass(frozen=True)
class ChangedFiles:
    """The files a changeset changed, from its ``FILES`` sidedata block.

    ``touched`` includes every file with an action (added, merged, removed,
    salvaged, or otherwise touched); copy sources that were not touched only
    appear as values of the copy mappings (``{destination: source}``).
    """

    touched: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    merged: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    salvaged: frozenset[str] = frozenset()
    p1_copies: Mapping[str, str] = field(default_factory=dict)
    p2_copies: Mapping[str, str] = field(default_factory=dict)

    @property
    def has_copies_info(self) -> bool:
        """Whether Mercurial would flag the revision ``REVIDX_HASCOPIESINFO``."""
        return bool(
            self.removed or self.merged or self.salvaged or self.p1_copies or self.p2_copies
        )


def decode_changed_files(block: bytes) -> ChangedFiles:
    """Parse the ``FILES`` (key 12) sidedata value of a changeset.

    Layout: ``>L`` count; per file, sorted by name, ``>BLL`` (action and copy
    bits, end of its name in the name area, index of its copy source); then
    the names. Offsets in errors are within ``block``.
    """
    if len(block) < _CF_HEADER.size:
        raise CorruptionError("changed-files block header truncated", offset=0)
    (count,) = _CF_HEADER.unpack_from(block, 0)
    names_start = _CF_HEADER.size + count * _CF_ENTRY.size
    if len(block) < names_start:
        raise CorruptionError(
            f"changed-files index of {count} entries is truncated", offset=_CF_HEADER.size
        )
    names: list[str] = []
    actions: dict[int, set[str]] = {}
    copies: list[tuple[int, str, int]] = []
    name_pos = names_start
    for pos in range(_CF_HEADER.size, names_start, _CF_ENTRY.size):
        flag, name_end, copy_index = _CF_ENTRY.unpack_from(block, pos)
        name_end += names_start
        if not name_pos <= name_end <= len(block):
            raise CorruptionError("changed-files name end out of range", offset=pos + 1)
        if flag & _COPY_MASK in (_COPY_P1, _COPY_P2) and copy_index >= count:
            raise CorruptionError("changed-files copy source index out of range", offset=pos + 5)
        name = _decode(block[name_pos:name_end])
        names.append(name)
        actions.setdefault(flag & _ACTION_MASK, set()).add(name)
        copies.append((flag & _COPY_MASK, name, copy_index))
        name_pos = name_end
    p1 = {dst: names[i] for how, dst, i in copies if how == _COPY_P1}
    p2 = {dst: names[i] for how, dst, i in copies if how == _COPY_P2}
    return _changed_files_from(actions, p1, p2)


def _changed_files_from(
    actions: dict[int, set[str]], p1: dict[str, str], p2: dict[str, str]
) -> ChangedFiles:
    kinds = (_ADDED, _MERGED, _REMOVED, _SALVAGED, _TOUCHED)
    touched = frozenset().union(*(actions.get(kind, ()) for kind in kinds))
    return ChangedFiles(
        touched=touched,
        added=frozenset(actions.get(_ADDED, ())),
        merged=frozenset(actions.get(_MERGED, ())),
        removed=frozenset(actions.get(_REMOVED, ())),
        salvaged=frozenset(actions.get(_SALVAGED, ())),
        p1_copies=p1,
        p2_copies=p2,
    )


def encode_changed_files(changes: ChangedFiles) -> bytes:
    """The ``FILES`` sidedata value Mercurial writes for ``changes``.

    A file in several action sets gets the first of added, merged, removed,
    salvaged, touched; a destination copied from both parents records p1.
    """
    involved = set(changes.touched) | changes.added | changes.merged | changes.removed
    involved |= changes.salvaged | set(changes.p1_copies.values())
    involved |= set(changes.p2_copies.values())
    raw_names = sorted(_encode(name) for name in involved)
    index = {_decode(raw): i for i, raw in enumerate(raw_names)}
    entries = [_CF_HEADER.pack(len(raw_names))]
    name_end = 0
    for raw in raw_names:
        name = _decode(raw)
        name_end += len(raw)
        flag, source = _file_flag(changes, name)
        entries.append(_CF_ENTRY.pack(flag, name_end, 0 if source is None else index[source]))
    return b"".join(entries + raw_names)


def _file_flag(changes: ChangedFiles, name: str) -> tuple[int, str | None]:
    """Action and copy bits of one file, and its copy source if any."""
    flag = 0
    for kind, members in (
        (_ADDED, changes.added),
        (_MERGED, changes.merged),
        (_REMOVED, changes.removed),
        (_SALVAGED, changes.salvaged),
        (_TOUCHED, changes.touched),
    ):
        if name in members:
            flag = kind
            break
    if name in changes.p1_copies:
        return flag | _COPY_P1, changes.p1_copies[name]
    if name in changes.p2_copies:
        return flag | _COPY_P2, changes.p2_copies[name]
    return flag, None
