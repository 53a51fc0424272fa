"""Node ids: what a revision's 20-byte node is the hash of."""

from __future__ import annotations

import hashlib


def hash_revision(text: bytes, p1: bytes, p2: bytes) -> bytes:
    """The nodeid of a revision: sha1 of the sorted parent nodes, then the text.

    Sorting makes the node independent of the parents' order, so a merge has
    the same node whichever side is p1.
    """
    a, b = (p1, p2) if p1 < p2 else (p2, p1)
    s = hashlib.sha1(a)
    s.update(b)
    s.update(text)
    return s.digest()
