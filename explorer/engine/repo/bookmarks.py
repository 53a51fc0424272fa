"""Names hg keeps beside the changelog: bookmarks, local tags, the working copy's parents.

Bookmarks are ``HEXNODE NAME`` lines in ``.hg/bookmarks`` (in the store, with the
``bookmarksinstore`` requirement); hg skips, with a warning, a line it cannot
split or whose node is not hex, and silently a node the changelog does not hold.
Local tags (``.hg/localtags``) use the same lines, a later line naming the same tag
winning. The visible filter keeps the changesets these name, and the working
copy's parents, from being hidden.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable

REQUIREMENT = "bookmarksinstore"
DIRSTATE_V2 = b"dirstate-v2\n"
_NODE = 20


def read_named_nodes(data: bytes | None, known: Callable[[bytes], bool]) -> dict[str, bytes]:
    """Name -> node of ``HEXNODE NAME`` lines (bookmarks, local tags), in file order;
    lines hg would warn about and nodes ``known`` refuses are left out."""
    names: dict[str, bytes] = {}
    for raw in (data or b"").splitlines():
        line = raw.strip()
        if not line:
            continue
        hexnode, sep, name = line.partition(b" ")
        try:
            node = binascii.unhexlify(hexnode)
        except (binascii.Error, ValueError):
            continue
        if sep and len(node) == _NODE and known(node):
            names[name.decode("utf-8", "surrogateescape")] = node
    return names


def dirstate_parents(data: bytes | None) -> tuple[bytes, ...]:
    """The working copy's parent nodes from a dirstate (v1: the first 40 bytes; v2's
    docket: a marker line, then two parents padded to 32 bytes); none without one."""
    if not data:
        return ()
    if data.startswith(DIRSTATE_V2):
        start = len(DIRSTATE_V2)
        return data[start:start + _NODE], data[start + 32:start + 32 + _NODE]
    return data[:_NODE], data[_NODE:2 * _NODE]
