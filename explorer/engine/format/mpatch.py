"""Binary deltas ("patches"): decode, check and apply them, with the kernels chosen at import.

The pure-Python implementation, and what both kernels promise, is in
``format.pure.mpatch``; the compiled one (``format._kernels``) folds a whole
chain of deltas into a list of pieces of the base and the deltas and copies
the bytes once, as Mercurial's C mpatch does. Both give the same texts and
raise the same ``PatchError`` (same message, position and delta index).
"""

from __future__ import annotations

from .kernels import compiled
from .pure import mpatch as pure
from .pure.mpatch import HUNK_HEADER_SIZE, PatchError, TextSizeError, parse_hunks

apply_delta = pure.apply_delta if compiled is None else compiled.apply_delta
apply_deltas = pure.apply_deltas if compiled is None else compiled.apply_deltas

__all__ = ["HUNK_HEADER_SIZE", "PatchError", "TextSizeError", "apply_delta", "apply_deltas",
           "parse_hunks"]
