"""The bases of light-weight copies: revisions of other filelogs, read through the store.

A light-weight copy (``format/copydelta.py``) is stored as a delta against its
source file's revision, which lives in another filelog: only the store can
open that. ``StoreFiles.open_revlog`` gives every filelog of a store with the
light-weight-copies requirement a ``CopyBases`` as its resolver; the revlog
calls it when a chain it rebuilds starts at such a copy.

Damage must not hang the reader: a source that is (through other copies)
the copy itself, or a chain of copies deeper than any history makes, raises
``CorruptionError`` instead of recursing without end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..errors import CorruptionError, RevlogError
from ..format.copydelta import parse_payload
from ..format.mpatch import PatchError, apply_delta
from ..revlog.revlog import Revlog

# Copies of copies of copies...: far more than a history makes, far less than the stack.
MAX_DEPTH = 100


class CopyBases:
    """``(payload, declared size) -> text`` for the filelogs of one store;
    ``open_filelog(path)`` opens a filelog of that store (with this resolver)."""

    def __init__(self, open_filelog: Callable[[str], Revlog]) -> None:
        self._open = open_filelog
        self._local = threading.local()  # the explorer reads in worker threads

    def __call__(self, payload: bytes, size: int) -> bytes:
        copy = parse_payload(payload)
        key = (copy.source, copy.source_node)
        active = self._active()
        if key in active or len(active) >= MAX_DEPTH:
            raise CorruptionError(f"the copy source {copy.source}@{copy.source_node.hex()[:12]} "
                                  "is a light-weight copy of itself, through other copies")
        active.append(key)
        try:
            base = self.source_text(copy.source, copy.source_node)
        finally:
            active.pop()
        try:
            return apply_delta(base, copy.delta, size)
        except PatchError as exc:
            raise CorruptionError(f"its delta does not apply to {copy.source}@"
                                  f"{copy.source_node.hex()[:12]}: {exc}") from None

    def _active(self) -> list[tuple[str, bytes]]:
        """The copies this thread is rebuilding, outermost first."""
        active = getattr(self._local, "active", None)
        if active is None:
            active = self._local.active = []
        return active

    def source_text(self, source: str, node: bytes) -> bytes:
        """The raw text of revision ``node`` of filelog ``source``; ``CorruptionError`` when
        the filelog or the node is missing."""
        try:
            with self._open(source) as rl:
                rl.use_copy_bases(self)  # a source may be a light-weight copy too
                return rl.revision(rl.rev(node))
        except CorruptionError:
            raise
        except (RevlogError, OSError) as exc:
            raise CorruptionError(f"its base {source}@{node.hex()[:12]} cannot be read: "
                                  f"{exc}") from None
