"""The revlogs of a store as the widget's picker lists them: filtered, by window.

A store can hold hundreds of thousands of filelogs. The picker asks for the
rows it shows; only those are opened (to count their revisions) and their
facts are kept, as the TUI's store pane does.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from explorer.engine import Revlog, RevlogError
from explorer.views.printable import printable
from explorer.views.source import RevlogRef, Source


class Facts(NamedTuple):
    revisions: int | None
    size: int
    error: str


class RevlogList:
    """``source``'s revlogs; ``opened`` maps store paths to revlogs the caller holds."""

    def __init__(self, source: Source, opened: dict[str, Revlog]) -> None:
        self.source = source
        self.opened = opened
        # by name as shown: a path that is not UTF-8 could not be state (JSON) as it is
        self._by_name = {name(ref): ref for ref in source.refs}
        self._facts: dict[str, Facts] = {}
        self._filtered: tuple[str, list[int]] = ("", list(range(len(source.refs))))

    def find(self, shown: str) -> RevlogRef | None:
        """The revlog a name as shown (``name``) stands for."""
        return self._by_name.get(shown)

    def window(self, text: str, start: int, stop: int) -> tuple[int, list[dict]]:
        """How many revlogs match ``text`` (a case-blind part of the path), and
        rows ``start`` to ``stop - 1`` of those."""
        matches = self._matching(text)
        rows = []
        for i in matches[max(0, start):max(0, stop)]:
            ref = self.source.refs[i]
            facts = self._facts_of(ref)
            rows.append({"index": i, "kind": ref.kind,
                         "path": name(ref),
                         "revisions": facts.revisions, "size": facts.size,
                         "error": facts.error})
        return len(matches), rows

    def _matching(self, text: str) -> list[int]:
        if self._filtered[0] != text:
            needle = text.casefold()
            self._filtered = (text, [i for i, ref in enumerate(self.source.refs)
                                     if needle in ref.path.casefold()])
        return self._filtered[1]

    def _facts_of(self, ref: RevlogRef) -> Facts:
        if ref.path not in self._facts:
            size = 0
            try:
                size = sum(_size(path) for path in {ref.index_file, ref.data_file})
                if ref.path in self.opened:
                    count = len(self.opened[ref.path])
                else:
                    revlog = self.source.open(ref)
                    count = len(revlog)
                    revlog.close()
            except (RevlogError, OSError) as err:
                self._facts[ref.path] = Facts(None, size, printable(str(err)))
            else:
                self._facts[ref.path] = Facts(count, size, "")
        return self._facts[ref.path]


def name(ref: RevlogRef) -> str:
    """A revlog's store path as the widget shows it and its ``revlog`` trait holds."""
    return printable(ref.path, keep_newlines=False)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
