"""The store as users open it: its files and revlogs, and the checks over them.

``Store`` adds to ``StoreFiles`` (the store layer) what needs the layers
above it: verify, the comparison with a damaged copy, and the repository
queries of ``repo.queries`` (phases, bookmarks, heads, branches). Keeping them here,
rather than as lazy imports inside the store layer, keeps that layer free of
its own callers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..store.files import StoreFiles
from ..verify.problems import Problem, Progress
from .queries import Queries

if TYPE_CHECKING:
    from ..damage.compare import Difference


class Store(Queries):
    """One repository's store: ``Store.open(path)`` takes a repository root, its
    ``.hg`` or its store directory."""

    def verify(self, progress: Progress | None = None) -> list[Problem]:
        """Every problem of the store, as ``Problem`` records (see ``explorer.engine.verify``).

        ``progress(done, total, label)`` is called as revisions are checked;
        returning False stops the run with ``verify.Cancelled``.
        """
        from ..verify.run import verify_store  # loaded when used: not for readers

        return verify_store(self, progress).problems

    def compare(self, other: StoreFiles) -> list[Difference]:
        """How ``other`` (a damaged copy) differs from this store, region by region
        (see ``explorer.engine.damage.compare``)."""
        from ..damage.compare import compare_stores  # loaded when used: not for readers

        return compare_stores(self, other)
