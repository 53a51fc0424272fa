"""Moving between revlogs: links followed, and back and forward over the places visited.

The changelog → manifest → filelog walk is how Mercurial reads a changeset;
the explorer lets the user take it. ``Navigator`` follows a link (the text
pane's clicked line, the index row's Enter, a choice from the list ``l``
shows), remembers where the user stood (``explorer.views.history``) and
goes back and forward. Which links a revision has and where they lead is
``explorer.views.links``'s; resolving one may read a manifest or build a
node map, so it runs in a thread worker, and the app is called back with the
position to show.

``Navigator`` is given what it works with: the app (workers, dialogs,
notifications), where the user stands now, and how to show a position.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from explorer.engine import RevlogError
from explorer.tui.widgets.links import LinksScreen
from explorer.views.history import History
from explorer.views.links import Link, LinkError, Position, links_of, store_resolver
from explorer.views.revlog_view import RevlogView
from explorer.views.source import Source

Where = Callable[[], Position | None]
Show = Callable[[Position], bool]  # False: the position is not in the store any more


class Navigator:
    """Links followed, and back (``<``) and forward (``>``) over the positions left."""

    def __init__(self, app: App[None], where: Where, show: Show) -> None:
        self.app = app
        self.where = where
        self.show = show
        self.history: History[Position] = History()
        self.source: Source | None = None

    def jump(self) -> None:
        """The user is about to jump elsewhere: remember where they stand."""
        here = self.where()
        if here is not None:
            self.history.leave(here)

    def back(self) -> None:
        self._go(self.history.back, "nothing to go back to: follow a link first "
                 "(l lists them, Enter on a row follows its first)")

    def forward(self) -> None:
        self._go(self.history.forward, "nothing ahead: forward returns where back came from")

    def _go(self, step: Callable[[Position | None], Position | None], nothing: str) -> None:
        there = step(self.where())
        if there is None:
            self.app.notify(nothing)
            return
        if not self.show(there):
            self.app.notify(f"{there.path} is not in the store any more", severity="warning")

    # -- following links -------------------------------------------------------------

    def follow(self, link: Link) -> None:
        """Go where ``link`` leads (resolved in a worker)."""
        source = self.source
        if source is not None:
            self._in_thread(lambda: self._resolve(source, link), f"following {link.label}")

    def follow_first(self, view: RevlogView, rev: int) -> None:
        """Enter on an index row: its first link (a changeset's manifest, else the
        changeset that introduced the revision)."""
        self._with_links(view, rev, lambda links: self.follow(links[0]))

    def choose(self, view: RevlogView, rev: int) -> None:
        """List the links of ``rev`` to choose one from."""
        title = f"Links of rev {rev} of {view.name}"
        self._with_links(view, rev, lambda links: self.app.push_screen(
            LinksScreen(title, links), lambda link: link and self.follow(link)))

    def _with_links(self, view: RevlogView, rev: int, then: Callable[[list[Link]], object],
                    ) -> None:
        if self.source is None or self.source.store is None:
            self.app.notify("links lead to other revlogs of a store: this is a lone revlog "
                            "file", severity="warning")
            return
        self._in_thread(lambda: self._list(view, rev, then), f"links of rev {rev}")

    def _list(self, view: RevlogView, rev: int, then: Callable[[list[Link]], object]) -> None:
        try:
            with view.lock:
                links = links_of(view.ref.kind, view.name, view.revlog, rev)
        except (RevlogError, OSError) as err:  # damage (CorruptionError), a file gone
            self.app.call_from_thread(self.app.notify, f"rev {rev} cannot be read: {err}",
                                      severity="error")
            return
        if not links:
            self.app.call_from_thread(self.app.notify, f"rev {rev} of {view.name} links to "
                                      "no other revision")
            return
        self.app.call_from_thread(then, links)

    def _resolve(self, source: Source, link: Link) -> None:
        try:
            there = store_resolver(source).resolve(link)
        except LinkError as err:
            self.app.call_from_thread(self.app.notify, str(err), severity="warning")
            return
        except (RevlogError, OSError) as err:  # damage met on the way, a file gone
            self.app.call_from_thread(self.app.notify, f"{link.label}: {err}", severity="error")
            return
        self.app.call_from_thread(self._arrive, source, there)

    def _arrive(self, source: Source, there: Position) -> None:
        if source is not self.source:  # the store was read again meanwhile
            return
        self.jump()
        self.show(there)

    def _in_thread(self, work: Callable[[], None], description: str) -> None:
        self.app.run_worker(work, name="links", group="links", description=description,
                            exit_on_error=False, exclusive=True, thread=True)
