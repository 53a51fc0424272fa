"""``debugancestor``: the common ancestor hg picks for two revisions.

``hg debugancestor REV1 REV2`` answers for the changelog, ``hg debugancestor
INDEX REV1 REV2`` for the revlog whose index is INDEX; both print
``REV:NODE`` of ``revlog.ancestor``: of the deepest heads of the common
ancestors, the one with the smallest node (``-1:000…`` when the two share no
ancestor).
"""

from __future__ import annotations

from explorer.engine import Revlog


def ancestor_line(rl: Revlog, a: int, b: int) -> str:
    """``REV:NODE`` of the ancestor of ``a`` and ``b``, as hg prints it."""
    rev = rl.ancestor(a, b)
    return f"{rev}:{rl.node(rev).hex()}\n"
