"""From a node (or a prefix of its hex form) to its revision.

A persistent nodemap (the ``.n`` docket and its ``.nd`` trie), when the
store keeps one and it matches the index, answers without reading every
entry; revisions appended after it was written are checked one by one.
Otherwise a dict of every node is built on first use, and a sorted list of
them for prefixes. A damaged nodemap is never trusted: lookups fall back to
the index (verify reports the damage).
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import CorruptionError, LookupError, RevlogError
from ..format.constants import NULL_NODE, NULL_REV
from ..format.index import Index, load_bytes

if TYPE_CHECKING:
    from ..format.nodemap import NodemapDocket, PersistentNodemap


def _common_digits(a: bytes, b: bytes) -> int:
    """How many leading hex digits two distinct 20-byte nodes share."""
    differ = int.from_bytes(a, "big") ^ int.from_bytes(b, "big")
    return (8 * len(a) - differ.bit_length()) // 4


def read_persisted(sidefile: Callable[[str], str], pending: bool = False
                   ) -> tuple[NodemapDocket, bytes] | None:
    """The docket and the ``data_length`` bytes of trie it names, as hg's
    ``persisted_data`` reads them: unchecked against the index (``debugnodemap``
    shows what is on disk); None for no docket, a version hg does not know, a
    missing or short data file. ``pending``: a transaction's ``.n.a`` first."""
    from ..format.nodemap import parse_nodemap_docket  # a store with no nodemap skips it

    docket_path = sidefile(".n")
    if pending and os.path.exists(sidefile(".n.a")):
        docket_path = sidefile(".n.a")
    docket = parse_nodemap_docket(bytes(load_bytes(docket_path)), docket_path)
    if docket is None:
        return None
    data_path = sidefile(docket.data_suffix())
    if not os.path.exists(data_path):
        return None
    data = bytes(load_bytes(data_path, docket.data_length))
    return (docket, data) if len(data) >= docket.data_length else None


SCANS = 256  # lookups answered by searching the index before the dict is built


class NodeIndex:
    """Node lookups over ``index``; ``sidefile(suffix)`` names the nodemap files."""

    def __init__(self, index: Index, sidefile: Callable[[str], str], name: str) -> None:
        self._index = index
        self._sidefile = sidefile
        self._name = name
        self._nodes: dict[bytes, int] | None = None
        self._sorted: list[bytes] | None = None
        self._persistent: PersistentNodemap | None | bool = None  # False: none usable
        self._persistent_tip = NULL_REV
        self._scans = 0

    @property
    def built(self) -> bool:
        """True once every node has been read into the lookup dict (never needed for
        lookups by revision, nor when a persistent nodemap answers)."""
        return self._nodes is not None

    def added(self, node: bytes, rev: int) -> None:
        """The writer appended ``rev``."""
        if self._nodes is not None:
            self._nodes[node] = rev
        self._sorted = None

    def rev(self, node: bytes) -> int:
        """Revision of a 20-byte node; ``LookupError`` if absent."""
        if node == NULL_NODE:
            return NULL_REV
        found = self._persistent_matches(node.hex(), lambda n: n == node)
        if found is None:
            rev = self._scan(node) if self._scanning() else self._node_dict().get(node)
            found = set() if rev is None else {rev}
        if not found:
            raise LookupError(f"{self._name}: no node {node.hex()}")
        return found.pop()

    def prefix_matches(self, prefix: str) -> set[int]:
        """Revisions whose hex node starts with ``prefix`` (lowercase hex digits)."""
        found = self._persistent_matches(prefix, lambda n: n.hex().startswith(prefix))
        if found is not None:
            return found
        nodes = self._sorted_nodes()
        low = bytes.fromhex(prefix + "0" * (len(prefix) % 2))
        found = set()
        index = self._node_dict()
        for i in range(bisect_left(nodes, low), len(nodes)):
            if not nodes[i].hex().startswith(prefix):
                break
            found.add(index[nodes[i]])
        return found

    def shortest(self, node: bytes) -> int:
        """Hex digits that tell ``node`` apart from every other node of the index and
        from the null node (hg's ``index.shortest``); ``LookupError`` if absent."""
        rev = self.rev(node)
        hexnode = node.hex()
        if self._persistent_nodemap() is not None:
            for length in range(1, len(hexnode) + 1):
                prefix = hexnode[:length]
                if (self.prefix_matches(prefix) == {rev}
                        and not NULL_NODE.hex().startswith(prefix)):
                    return length
        nodes = self._sorted_nodes()
        at = bisect_left(nodes, node)
        others = [nodes[i] for i in (at - 1, at, at + 1) if 0 <= i < len(nodes)]
        others.append(NULL_NODE)
        return 1 + max((_common_digits(node, o) for o in others if o != node), default=0)

    def has_persistent(self) -> bool:
        """True when an on-disk nodemap matching the index answers lookups."""
        return self._persistent_nodemap() is not None

    def _persistent_matches(self, prefix: str, accept: Callable[[bytes], bool]) -> set[int] | None:
        """Revisions found through the persistent nodemap whose node passes ``accept``;
        None when there is no usable nodemap (the caller falls back to the index)."""
        persistent = self._persistent_nodemap()
        if persistent is None:
            return None
        node, count = self._index.node, self._index.count
        try:
            candidates = persistent.find(prefix)
        except CorruptionError:
            self._persistent = False  # verify reports it; from now on use the index
            return None
        found = {r for r in candidates if 0 <= r < count and accept(node(r))}
        # revisions added after the nodemap was last written are not in it
        found.update(r for r in range(self._persistent_tip + 1, count) if accept(node(r)))
        return found

    def _scanning(self) -> bool:
        """Whether to search the index instead of building the dict: for the first
        ``SCANS`` lookups (a repository's bookmarks, phase roots and markers on a million
        changesets cost milliseconds instead of the seconds a dict of every node takes)."""
        if self._nodes is not None or self._scans >= SCANS or not self._index.node_scannable:
            return False
        self._scans += 1
        return True

    def _scan(self, node: bytes) -> int | None:
        return self._index.find_node(node) if len(node) == len(NULL_NODE) else None

    def _node_dict(self) -> dict[bytes, int]:
        if self._nodes is None:
            node = self._index.node
            self._nodes = {node(r): r for r in range(self._index.count)}
        return self._nodes

    def _sorted_nodes(self) -> list[bytes]:
        if self._sorted is None:
            self._sorted = sorted(self._node_dict())
        return self._sorted

    def _persistent_nodemap(self) -> PersistentNodemap | None:
        """The on-disk nodemap when present and matching the index, else None."""
        if self._persistent is None:
            self._persistent = False
            try:
                self._persistent = self._load_persistent() or False
            except RevlogError:  # damaged, or not read (outside the store, no regular file)
                self._persistent = False  # verify reports it; lookups fall back
        return self._persistent or None

    def _load_persistent(self) -> PersistentNodemap | None:
        from ..format.nodemap import PersistentNodemap, parse_nodemap_docket  # as above

        docket_path = self._sidefile(".n")
        raw = load_bytes(docket_path)
        docket = parse_nodemap_docket(bytes(raw), docket_path)
        if docket is None or not 0 <= docket.tip_rev < self._index.count:
            return None
        if self._index.node(docket.tip_rev) != docket.tip_node:
            return None
        data_path = self._sidefile(docket.data_suffix())
        data = load_bytes(data_path, docket.data_length)
        if len(data) < docket.data_length:
            return None
        self._persistent_tip = docket.tip_rev
        return PersistentNodemap(data, data_path)
