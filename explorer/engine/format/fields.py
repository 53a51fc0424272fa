"""Where each field of an index entry sits, byte by byte, in every index version.

Verify names the field a problem is in, fault injection writes into one
field, and diff-store maps a changed byte back to its field: all three need
the same map, kept here. Names are those of ``IndexEntry``; ``header`` is the
version word that v0/v1 overlay on the first four bytes of rev 0, and
``padding`` the bytes no field uses.
"""

from __future__ import annotations

from typing import NamedTuple

from .constants import CHANGELOG_V2, REVLOG_V0, REVLOG_V1, REVLOG_V2


class Field(NamedTuple):
    name: str
    start: int  # first byte within the entry
    size: int


_V1 = (
    Field("offset", 0, 6),
    Field("flags", 6, 2),
    Field("compressed_length", 8, 4),
    Field("uncompressed_length", 12, 4),
    Field("base", 16, 4),
    Field("link_rev", 20, 4),
    Field("p1", 24, 4),
    Field("p2", 28, 4),
    Field("node", 32, 20),
    Field("padding", 52, 12),
)

_V2_TAIL = (
    Field("sidedata_offset", 64, 8),
    Field("sidedata_length", 72, 4),
    Field("compression_modes", 76, 1),
    Field("padding", 77, 19),
)

_CHANGELOG_V2 = (
    Field("offset", 0, 6),
    Field("flags", 6, 2),
    Field("compressed_length", 8, 4),
    Field("uncompressed_length", 12, 4),
    Field("p1", 16, 4),
    Field("p2", 20, 4),
    Field("node", 24, 20),
    Field("padding", 44, 12),
    Field("sidedata_offset", 56, 8),
    Field("sidedata_length", 64, 4),
    Field("compression_modes", 68, 1),
    Field("rank", 69, 4),
    Field("padding", 73, 23),
)

_V0 = (
    Field("offset", 0, 4),
    Field("compressed_length", 4, 4),
    Field("base", 8, 4),
    Field("link_rev", 12, 4),
    Field("p1", 16, 20),
    Field("p2", 36, 20),
    Field("node", 56, 20),
)

LAYOUTS: dict[int, tuple[Field, ...]] = {
    REVLOG_V0: _V0,
    REVLOG_V1: _V1,
    REVLOG_V2: _V1[:-1] + (Field("padding", 52, 12),) + _V2_TAIL,
    CHANGELOG_V2: _CHANGELOG_V2,
}

HEADER_FIELD = Field("header", 0, 4)


def field(version: int, name: str) -> Field:
    """The field ``name`` of an entry of ``version``; KeyError if that version has none."""
    for f in LAYOUTS[version]:
        if f.name == name:
            return f
    raise KeyError(f"no field {name!r} in a version {version} entry")


def has_field(version: int, name: str) -> bool:
    return any(f.name == name for f in LAYOUTS[version])


def field_at(version: int, within: int, *, first_entry: bool = False) -> Field | None:
    """The field holding byte ``within`` of an entry (None past the entry's end).

    ``first_entry``: the entry is rev 0 of an index whose header overlays it.
    """
    if first_entry and within < HEADER_FIELD.size:
        return HEADER_FIELD
    for f in LAYOUTS[version]:
        if f.start <= within < f.start + f.size:
            return f
    return None


def header_overlaid(version: int) -> bool:
    """Whether rev 0's first four bytes hold the header (v0 stores none; v2 uses a docket)."""
    return version == REVLOG_V1
