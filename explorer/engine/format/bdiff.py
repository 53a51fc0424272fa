"""Binary deltas: compute the mpatch delta that turns one text into another, with the
kernels chosen at import.

How deltas are found, and what both kernels promise, is in ``format.pure.bdiff``;
the compiled ``format._kernels.diff`` runs the same algorithm on line numbers
instead of line strings and gives the same delta, byte for byte.
"""

from __future__ import annotations

from .kernels import compiled
from .pure import bdiff as pure
from .pure.bdiff import replace_delta

diff = pure.diff if compiled is None else compiled.diff

__all__ = ["diff", "replace_delta"]
