"""Numbers fixed by the revlog format: versions, header flags, revision flags.

Values are those Mercurial 7.2 reads and writes (``hg help internals.revlogs``
and Mercurial's revlog constants); names are ours.
"""

from __future__ import annotations

NULL_REV = -1
NULL_NODE = b"\0" * 20
NODE_SIZE = 20

# Index versions (low 16 bits of the header word).
REVLOG_V0 = 0
REVLOG_V1 = 1
REVLOG_V2 = 0xDEAD
CHANGELOG_V2 = 0xD34D

VERSION_NAMES = {
    REVLOG_V0: "v0",
    REVLOG_V1: "v1",
    REVLOG_V2: "v2",
    CHANGELOG_V2: "changelog-v2",
}

# Header flags (high 16 bits of the header word).
FLAG_INLINE_DATA = 1 << 16
FLAG_GENERALDELTA = 1 << 17
FLAG_FILELOG_META = 1 << 18
FLAG_DELTA_INFO = 1 << 19

HEADER_FLAG_NAMES = {
    FLAG_INLINE_DATA: "inline",
    FLAG_GENERALDELTA: "generaldelta",
    FLAG_FILELOG_META: "filelog-meta",
    FLAG_DELTA_INFO: "delta-info",
}

# Header flags each version may carry; anything else is refused.
SUPPORTED_HEADER_FLAGS = {
    REVLOG_V0: 0,
    REVLOG_V1: FLAG_INLINE_DATA | FLAG_GENERALDELTA | FLAG_FILELOG_META | FLAG_DELTA_INFO,
    REVLOG_V2: FLAG_INLINE_DATA,
    CHANGELOG_V2: 0,
}

# Per-revision flags (16 bits of the first index field).
REVIDX_ISCENSORED = 1 << 15
REVIDX_ELLIPSIS = 1 << 14
REVIDX_EXTSTORED = 1 << 13
REVIDX_HASCOPIESINFO = 1 << 12
REVIDX_HASMETA = 1 << 11
REVIDX_DELTA_IS_SNAPSHOT = 1 << 10
REVIDX_DELTA_HAS_QUALITY = 1 << 9
REVIDX_DELTA_GOOD = 1 << 8
REVIDX_DELTA_P1_SMALL = 1 << 7
REVIDX_DELTA_P2_SMALL = 1 << 6
# Ours, experimental (stores with the exp-revlog-explorer-lightweight-copies requirement
# only, which hg refuses): the chunk is a delta against a revision of another filelog
# (format/copydelta.py).
REVIDX_COPY_DELTA = 1 << 5

REVISION_FLAG_NAMES = {
    REVIDX_ISCENSORED: "censored",
    REVIDX_ELLIPSIS: "ellipsis",
    REVIDX_EXTSTORED: "extstored",
    REVIDX_HASCOPIESINFO: "has-copies-info",
    REVIDX_HASMETA: "has-meta",
    REVIDX_DELTA_IS_SNAPSHOT: "delta-is-snapshot",
    REVIDX_DELTA_HAS_QUALITY: "delta-has-quality",
    REVIDX_DELTA_GOOD: "delta-good",
    REVIDX_DELTA_P1_SMALL: "delta-p1-small",
    REVIDX_DELTA_P2_SMALL: "delta-p2-small",
    REVIDX_COPY_DELTA: "copy-delta",
}
KNOWN_REVISION_FLAGS = sum(REVISION_FLAG_NAMES)

# Flags whose revisions store something other than the hashed text: such a
# revision is always a full text and never serves as a delta base.
RAWTEXT_CHANGING_FLAGS = REVIDX_ISCENSORED | REVIDX_EXTSTORED

# Per-entry compression modes of v2 indexes (v0/v1 always use INLINE).
COMP_MODE_PLAIN = 0  # raw bytes, no header byte
COMP_MODE_DEFAULT = 1  # the docket's default engine, header byte kept
COMP_MODE_INLINE = 2  # the chunk's first byte says how it is stored

COMP_MODE_NAMES = {
    COMP_MODE_PLAIN: "plain",
    COMP_MODE_DEFAULT: "default",
    COMP_MODE_INLINE: "inline",
}

# Inline revlogs are split into .i + .d once their data reaches this size.
MAX_INLINE_DATA = 128 * 1024

RANK_UNKNOWN = -1


def header_flag_names(flags: int) -> list[str]:
    """Names of the header flags set in ``flags``, lowest bit first."""
    return [name for bit, name in sorted(HEADER_FLAG_NAMES.items()) if flags & bit]


def revision_flag_names(flags: int) -> list[str]:
    """Names of the revision flags set in ``flags``, highest bit first."""
    names = [name for bit, name in sorted(REVISION_FLAG_NAMES.items(), reverse=True) if flags & bit]
    unknown = flags & ~KNOWN_REVISION_FLAGS
    if unknown:
        names.append(f"unknown({unknown:#06x})")
    return names
