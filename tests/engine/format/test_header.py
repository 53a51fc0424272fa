"""The header word and what it decides (``hg help internals.revlogs``: version in the low
16 bits, flags in the high 16; inline data only in v1; generaldelta implied by v2)."""

from __future__ import annotations

import pytest

from explorer.engine import UnsupportedFormatError
from explorer.engine.format.constants import (
    CHANGELOG_V2,
    FLAG_DELTA_INFO,
    FLAG_GENERALDELTA,
    FLAG_INLINE_DATA,
    REVLOG_V0,
    REVLOG_V1,
    REVLOG_V2,
)
from explorer.engine.format.header import RevlogFormat, parse_header


@pytest.mark.parametrize(
    "word, expected",
    [
        (0x0000_0001, (1, 0)),
        (0x0001_0001, (1, 1 << 16)),
        (0x0003_0001, (1, 3 << 16)),
        (0x000F_0001, (1, 15 << 16)),
        (0x0000_0000, (0, 0)),
        (0x0000_DEAD, (0xDEAD, 0)),
        (0x0000_D34D, (0xD34D, 0)),
    ],
)
def test_headers(word, expected):
    assert parse_header(word, "x.i") == expected


@pytest.mark.parametrize("word", [0x0000_0002, 0x0001_0000, 0x0010_0001, 0x0002_DEAD])
def test_unknown_versions_and_flags_are_refused(word):
    with pytest.raises(UnsupportedFormatError):
        parse_header(word, "x.i")


@pytest.mark.parametrize(
    "version, flags, inline, generaldelta, docket, header_in_entry",
    [
        (REVLOG_V0, 0, False, False, False, False),
        (REVLOG_V1, 0, False, False, False, True),
        (REVLOG_V1, FLAG_INLINE_DATA, True, False, False, True),
        (REVLOG_V1, FLAG_INLINE_DATA | FLAG_GENERALDELTA, True, True, False, True),
        (REVLOG_V2, 0, False, True, True, False),
        (REVLOG_V2, FLAG_INLINE_DATA, False, True, True, False),  # v2 keeps data apart
        (CHANGELOG_V2, 0, False, False, True, False),
    ],
)
def test_what_a_format_decides(version, flags, inline, generaldelta, docket, header_in_entry):
    fmt = RevlogFormat(version, flags)
    assert (fmt.inline, fmt.generaldelta, fmt.has_docket, fmt.header_in_entry) == (
        inline, generaldelta, docket, header_in_entry)


def test_the_header_round_trips():
    fmt = RevlogFormat(REVLOG_V1, FLAG_INLINE_DATA | FLAG_GENERALDELTA | FLAG_DELTA_INFO)
    assert RevlogFormat.read(fmt.header, "x.i") == fmt
    assert RevlogFormat.read(b"", "x.i") == RevlogFormat(REVLOG_V1, 0)  # no revision yet


def test_a_split_drops_only_the_inline_flag():
    fmt = RevlogFormat(REVLOG_V1, FLAG_INLINE_DATA | FLAG_GENERALDELTA)
    assert fmt.split() == RevlogFormat(REVLOG_V1, FLAG_GENERALDELTA)
    assert fmt.describe() == "v1 inline generaldelta"
    assert fmt.split().describe() == "v1 generaldelta"


def test_a_new_revlog_carries_flags_only_in_v1():
    flags = FLAG_INLINE_DATA | FLAG_GENERALDELTA
    assert RevlogFormat.new(REVLOG_V1, flags) == RevlogFormat(REVLOG_V1, flags)
    assert RevlogFormat.new(REVLOG_V1, flags, may_inline=False) == RevlogFormat(
        REVLOG_V1, FLAG_GENERALDELTA)
    assert RevlogFormat.new(REVLOG_V2, flags) == RevlogFormat(REVLOG_V2, 0)
    assert RevlogFormat.new(REVLOG_V0, flags) == RevlogFormat(REVLOG_V0, 0)
