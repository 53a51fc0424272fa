"""Walks over parent columns (parents checked, heads, phases, branch heads), with the
kernels chosen at import: ``format.pure.walks`` is the reference, ``format._kernels``
the compiled twin (same results; on 10^6 revisions a Python step a revision costs
about a second, the compiled walk a few milliseconds)."""

from __future__ import annotations

from .kernels import compiled
from .pure import walks as pure

raise_to_parents = pure.raise_to_parents if compiled is None else compiled.raise_to_parents
mark_labelled_parents = (pure.mark_labelled_parents if compiled is None
                         else compiled.mark_labelled_parents)

first_bad_parent = pure.first_bad_parent if compiled is None else compiled.first_bad_parent
mark_parents = pure.mark_parents if compiled is None else compiled.mark_parents

__all__ = ["first_bad_parent", "mark_labelled_parents", "mark_parents", "raise_to_parents"]
