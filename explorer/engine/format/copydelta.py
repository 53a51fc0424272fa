"""Light-weight copies: a copy's revision stored as a delta against its source file's.

Mercurial stores a copied or renamed file's first revision in the new filelog
as a full text (a 5,515-byte copy costs about 5,515 bytes, compressed), though
its source revision, in another filelog, holds nearly the same bytes. The
light-weight copy proposal (Mercurial wiki, *LightWeightCopyPlan* and
*RenameSpaceSavingPlan*, issue883) stores a delta against that revision
instead. This module is the on-disk encoding revlog-explorer uses for it,
experimentally; hg does not read it.

**The store.** Its requirements name ``exp-revlog-explorer-lightweight-copies``
(``REQUIREMENT``): Mercurial refuses a repository naming a requirement it does
not know, rather than reading a copy's delta as its text. The engine writes
such a store only when asked (``Repo.open(path, lightweight_copies=True)``,
``revlog-explorer convert-copies --to-lightweight``) and converts it back.

**The revision.** A light-weight copy is a revision of a v1 filelog whose
index entry carries the revision flag ``REVIDX_COPY_DELTA`` (``1 << 5``) and
whose base field is the revision itself: within its own revlog it is a chain
base, as the full text it replaces was, so every other revision (and any
delta stored against it) keeps its meaning. The uncompressed-length field is
the length of the revision's raw text, as for any revision. The chunk,
compressed as any chunk of the store is (its first byte names the engine),
decompresses to the *payload*::

    >H   n, the length of the source path
    n    the source path, as in the manifest ("src/util.py", UTF-8 bytes)
    20   the source filenode: a revision of filelog ``data/<source path>.i``
    ...  a bdiff delta (mpatch hunks) from the source revision's raw text
         to this revision's raw text (copy header included)

The source revision is named by node, not rev: nodes are what the copy
metadata records, and they survive any rewrite of the source filelog. The
source may itself be a light-weight copy (a copy of a copy): the reader
rebuilds it first. The payload is never longer than the raw text it rebuilds
(the writer stores a full text otherwise), so the size bound that guards a
full text's decompression holds for it too.

**What verify checks** (``verify/copy_deltas.py``): the flag appears only in
a store with the requirement, only in a v1 filelog, only on a revision that
is its own base; the payload parses; the source filelog exists and holds the
source node, and a chain of copies does not lead back to itself. The reader
holds the rebuilt text to its declared size, and the hash check of every
revision then proves the delta right. In a changelog or manifest the reader
does not act on the flag: the payload read as a text fails the hash check.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from ..errors import CorruptionError
from .constants import NODE_SIZE, REVIDX_COPY_DELTA

REQUIREMENT = "exp-revlog-explorer-lightweight-copies"
FLAG = REVIDX_COPY_DELTA

_LENGTH = struct.Struct(">H")
MAX_PATH = 0xFFFF


class CopyDelta(NamedTuple):
    """A decoded payload: the source revision and the delta from its text."""

    source: str
    source_node: bytes
    delta: bytes


def pack_payload(source: str, source_node: bytes, delta: bytes) -> bytes:
    """The payload of a light-weight copy of ``source`` at ``source_node``."""
    path = source.encode("utf-8", "surrogateescape")
    if not path or len(path) > MAX_PATH or len(source_node) != NODE_SIZE:
        raise ValueError(f"cannot encode a copy of {source!r} at {source_node.hex()}")
    return b"".join((_LENGTH.pack(len(path)), path, source_node, delta))


def parse_payload(payload: bytes) -> CopyDelta:
    """Decode a payload; ``CorruptionError`` (offset within the payload) when it is cut
    short or its path is empty."""
    if len(payload) < _LENGTH.size:
        raise CorruptionError("light-weight copy payload shorter than its path length",
                              offset=0)
    (n,) = _LENGTH.unpack_from(payload)
    end = _LENGTH.size + n
    if n == 0 or len(payload) < end + NODE_SIZE:
        raise CorruptionError(f"light-weight copy payload of {len(payload)} bytes cannot hold "
                              f"a {n}-byte source path and a node", offset=0)
    source = payload[_LENGTH.size:end].decode("utf-8", "surrogateescape")
    return CopyDelta(source, bytes(payload[end:end + NODE_SIZE]), bytes(payload[end + NODE_SIZE:]))
