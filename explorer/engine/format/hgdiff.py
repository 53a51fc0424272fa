"""Mercurial's own deltas, byte for byte, with the kernels chosen at import.

What they are and why they exist is in ``format.pure.hgdiff``; the compiled
``format._kernels.hg_storage_diff`` and ``hg_textdiff`` run the same steps
and give the same bytes (``bdiff`` makes our smaller deltas; this module the
ones hg would store).
"""

from __future__ import annotations

from .kernels import compiled
from .pure import hgdiff as pure

storage_diff = pure.storage_diff if compiled is None else compiled.hg_storage_diff
textdiff = pure.textdiff if compiled is None else compiled.hg_textdiff

__all__ = ["storage_diff", "textdiff"]
