"""The header word of a revlog, and every fact about the revlog it decides.

The first four bytes of an index (of a v2 docket) hold the version in the low
16 bits and the format flags in the high 16. From those two numbers follow
the entry layout, whether chunks sit between the entries (inline), whether a
delta base may be any revision (generaldelta), whether a docket names the
files. ``RevlogFormat`` works each of these out in one place, for the reader
and the writer alike.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import UnsupportedFormatError
from .constants import (
    CHANGELOG_V2,
    FLAG_DELTA_INFO,
    FLAG_FILELOG_META,
    FLAG_GENERALDELTA,
    FLAG_INLINE_DATA,
    REVLOG_V1,
    REVLOG_V2,
    SUPPORTED_HEADER_FLAGS,
    VERSION_NAMES,
)

HEADER = struct.Struct(">I")


def parse_header(word: int, file: str) -> tuple[int, int]:
    """Split a header word into (version, flags), refusing what we do not know."""
    version = word & 0xFFFF
    flags = word & ~0xFFFF
    if version not in SUPPORTED_HEADER_FLAGS:
        raise UnsupportedFormatError(f"unknown revlog version {version}", file=file, offset=0)
    extra = flags & ~SUPPORTED_HEADER_FLAGS[version]
    if extra:
        raise UnsupportedFormatError(
            f"unknown flags {extra >> 16:#06x} in {VERSION_NAMES[version]} revlog header",
            file=file,
            offset=0,
        )
    return version, flags


@dataclass(frozen=True)
class RevlogFormat:
    """A revlog's version and header flags, and what they imply."""

    version: int
    flags: int

    @classmethod
    def read(cls, raw: bytes, file: str) -> RevlogFormat:
        """The format of the index (or docket) whose first bytes are ``raw``; an empty
        file is a v1 revlog with no revision yet, as for Mercurial."""
        word = HEADER.unpack_from(raw, 0)[0] if len(raw) >= HEADER.size else REVLOG_V1
        return cls(*parse_header(word, file))

    @classmethod
    def new(cls, version: int, header_flags: int, *, may_inline: bool = True) -> RevlogFormat:
        """The format a revlog created now gets: only v1 carries header flags, and a
        revlog that may not be inline (a 7.x changelog) starts split."""
        flags = header_flags if version == REVLOG_V1 else 0
        if not may_inline:
            flags &= ~FLAG_INLINE_DATA
        return cls(version, flags)

    def split(self) -> RevlogFormat:
        """The same format with its chunks moved out to a data file."""
        return RevlogFormat(self.version, self.flags & ~FLAG_INLINE_DATA)

    @property
    def header(self) -> bytes:
        """The header word as stored over the start of entry 0 (v0, v1) or in a docket."""
        return HEADER.pack(self.flags | self.version)

    @property
    def inline(self) -> bool:
        """Chunks interleaved with the entries in the .i. Only v1 can do that: the v2
        formats keep data in their own files even with the flag set."""
        return self.version == REVLOG_V1 and bool(self.flags & FLAG_INLINE_DATA)

    @property
    def generaldelta(self) -> bool:
        """A delta may be taken against any earlier revision (its base field says
        which), not only the previous one. Always so in v2."""
        return bool(self.flags & FLAG_GENERALDELTA) or self.version == REVLOG_V2

    @property
    def filelog_meta(self) -> bool:
        return bool(self.flags & FLAG_FILELOG_META)

    @property
    def delta_info(self) -> bool:
        """Entries flag their snapshots themselves (7.x ``delta-info-revlog``)."""
        return bool(self.flags & FLAG_DELTA_INFO)

    @property
    def has_docket(self) -> bool:
        """The .i is a docket naming the index, data and sidedata files (v2 formats)."""
        return self.version in (REVLOG_V2, CHANGELOG_V2)

    @property
    def header_in_entry(self) -> bool:
        """The header word overlays the offset field of entry 0 (v1 only: v0 has no
        header, the v2 formats keep it in the docket)."""
        return self.version == REVLOG_V1

    def describe(self) -> str:
        """"v1 inline generaldelta": the version, then each property the flags give."""
        parts = [VERSION_NAMES[self.version]]
        for present, name in ((self.inline, "inline"), (self.generaldelta, "generaldelta"),
                              (self.filelog_meta, "filelog-meta"),
                              (self.delta_info, "delta-info")):
            if present:
                parts.append(name)
        return " ".join(parts)

