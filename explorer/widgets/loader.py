"""Loading what a pane shows of the selected revision, in a thread worker.

Rebuilding a revision can mean reading a long chain; walking a chain reads
every chunk in it. Panes do that work in a thread worker, one per pane, and
a newer selection cancels the older worker and drops its result, so moving
the cursor never waits for a revision already left behind. A revision that
cannot be read is reported with ``Failed`` (the problems pane lists it).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from textual.message import Message
from textual.worker import get_current_worker

from explorer.engine import CorruptionError, RevlogError
from explorer.engine.mpatch import PatchError
from explorer.revlogview import RevlogView


class Failed(Message):
    """A pane could not read a revision (the problems pane lists it)."""

    def __init__(self, view: RevlogView, rev: int, error: Exception) -> None:
        super().__init__()
        self.view = view
        self.rev = rev
        self.error = error


def describe_error(err: Exception) -> str:
    """A read error in a line: what is wrong, and where (file name, not its whole path)."""
    if isinstance(err, CorruptionError):
        where = [os.path.basename(err.file)] if err.file else []
        if err.offset is not None:
            where.append(f"byte {err.offset}")
        return err.message + (f" ({', '.join(where)})" if where else "")
    return str(err)


class RevisionLoader:
    """Mixin for panes showing something of the selected revision, built by a worker.

    ``load`` records the wanted revision; the work starts when the pane is
    visible (a hidden pane waits until shown). A newer request cancels the
    older worker and drops its result. Subclasses give ``build(view, rev)``
    (run in the thread) and ``display(result)``.
    """

    GROUP = "detail"

    def init_loader(self) -> None:
        self.target: tuple[RevlogView, int] | None = None
        self._shown: tuple | None = None

    def load(self, view: RevlogView | None, rev: int) -> None:
        """Show ``rev`` of ``view`` (now if visible, else when the pane is shown)."""
        self.target = None if view is None or not len(view) else (view, rev)
        if self.target is None:
            self._shown = None
            self.display_result(None)
        elif self.display:
            self.start_loading()

    def on_show(self) -> None:
        self.start_loading()

    def start_loading(self) -> None:
        key = (self.target, self.mode())
        if self.target is None or key == self._shown:
            return
        self._shown = key
        view, rev = self.target
        build = self.builder()
        self.run_worker(lambda: self._build(view, rev, build), thread=True, exclusive=True,
                        group=self.GROUP, exit_on_error=False,
                        description=f"{self.GROUP} of rev {rev}")

    def reload(self) -> None:
        self._shown = None
        self.start_loading()

    def _build(self, view: RevlogView, rev: int, build: Callable[[RevlogView, int], object]
               ) -> None:
        worker = get_current_worker()
        try:
            result = build(view, rev)
        except (RevlogError, PatchError) as err:
            result = err
            if not worker.is_cancelled:
                self.app.call_from_thread(self.post_message, Failed(view, rev, err))
        if not worker.is_cancelled:
            self.app.call_from_thread(self._arrived, view, rev, result)

    def _arrived(self, view: RevlogView, rev: int, result: object) -> None:
        if self.target == (view, rev):
            self.display_result(result)

    def mode(self) -> str:
        return ""

    def builder(self) -> Callable[[RevlogView, int], object]:
        raise NotImplementedError

    def display_result(self, result: object) -> None:
        """Show what ``builder`` made: its result, an error, or None (nothing selected)."""
        raise NotImplementedError
