"""The places visited, as a browser keeps them: back and forward.

A jump (following a link, going to a revision, opening another revlog)
leaves the position the user stood on behind; back returns to it and keeps
where it came from for forward; a new jump after going back forgets the
forward side. Positions are whatever the caller stands on (the explorer's:
a revlog path and a rev); moving the cursor row by row records nothing.
"""

from __future__ import annotations

from typing import Generic, TypeVar

P = TypeVar("P")

LIMIT = 500  # positions kept behind: a long session must not grow without bound


class History(Generic[P]):
    """Two stacks of positions: behind (back) and ahead (forward)."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.behind: list[P] = []
        self.ahead: list[P] = []

    def leave(self, here: P) -> None:
        """A jump from ``here``: it goes behind, and forward is forgotten."""
        if not self.behind or self.behind[-1] != here:
            self.behind.append(here)
            del self.behind[:-self.limit]
        self.ahead.clear()

    def back(self, here: P | None) -> P | None:
        """The position behind ``here`` (None: nothing behind); ``here`` goes ahead
        (unless None: a place that cannot be stood on, such as a revlog that did not open)."""
        if not self.behind:
            return None
        if here is not None:
            self.ahead.append(here)
        return self.behind.pop()

    def forward(self, here: P | None) -> P | None:
        """The position ahead of ``here`` (None: nothing ahead); ``here`` goes behind."""
        if not self.ahead:
            return None
        if here is not None:
            self.behind.append(here)
        return self.ahead.pop()
