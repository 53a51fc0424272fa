"""What verify finds: ``Problem`` records, and the collector that gathers them.

A problem says where the damage is as precisely as the bytes allow: the
revlog (its unencoded store path), the file and byte offset of the damaged
bytes, the revision and the index field. The TUI jumps to that byte; the CLI
prints it; tests compare it with the fault they injected.

The collector also carries progress: verify of a big store runs in a worker,
which passes a callback to show a bar and to stop the run (the callback
returns False, or raises).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal, NamedTuple

from ..errors import RevlogError

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"



class Step(NamedTuple):
    """Where a verify run is, for a progress display: the revlog being checked (its
    store path), its revisions checked and its size, how many revlogs were finished
    before it and how many there are (0 when not counted). ``str(step)`` is the path."""

    path: str
    revlogs_done: int = 0
    revlogs: int = 0
    checked: int = 0
    size: int = 0

    def __str__(self) -> str:
        return self.path

    @property
    def phase(self) -> str:
        """hg verify's phase: "changesets", "manifests" or "files"."""
        if self.path == "00changelog.i":
            return "changesets"
        if self.path.endswith("00manifest.i"):
            return "manifests"
        return "files"


# progress(done, total, step) -> False to stop; done/total count revisions
Progress = Callable[[int, int, Step], "bool | None"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a store.

    ``path``: unencoded store path of the revlog's index ("data/a.txt.i"),
    or of the store file at fault ("journal", "fncache"); "" for the store
    as a whole. ``file``: filesystem path of the file ``offset`` is in.
    ``field``: the index field ("base", "p1", "node", ...), "chunk" for a
    revision's data, or another part of a file ("header", "docket").
    ``kind``: a stable code for programs ("hash-mismatch", "bad-base", ...).
    ``changeset``: the changeset the damaged revision belongs to, when known.
    ``length``: how many bytes from ``offset`` the damage spans (the field or
    the chunk), so a hex view can highlight them.
    """

    severity: Severity
    path: str
    file: str | None
    rev: int | None
    offset: int | None
    field: str | None
    message: str
    hint: str | None = None
    kind: str = "damage"
    changeset: int | None = None
    length: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_json(self) -> dict:
        return asdict(self)


class Cancelled(RevlogError):
    """The progress callback asked to stop; ``problems`` holds what was found so far."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("verify cancelled")
        self.problems = problems


class Collector:
    """Gathers problems and reports progress in revisions checked."""

    def __init__(self, progress: Progress | None = None, total: int = 0) -> None:
        self.problems: list[Problem] = []
        self.total = total
        self.done = 0
        self.revlogs = 0  # revlogs to check (0: not counted)
        self._progress = progress
        self._paths: list[str] = []  # revlogs met so far, the last one being checked
        self._revlog_start = 0  # revisions done when the last one started

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def replace(self, old: Problem, new: Problem) -> None:
        """Put a better explained ``new`` in place of ``old`` (found later, by a deeper check)."""
        for i in range(len(self.problems) - 1, -1, -1):
            if self.problems[i] is old:
                self.problems[i] = new
                return
        self.problems.append(new)

    def advance(self, count: int, label: str, size: int = 0) -> None:
        """Count ``count`` more revisions checked, in revlog ``label`` of ``size``
        revisions; stop if the callback says so."""
        self.done += count
        if self._progress is None:
            return
        if not self._paths or self._paths[-1] != label:
            self._paths.append(label)
            self._revlog_start = self.done - count
        done = len(self._paths) - 1
        step = Step(label, done, max(self.revlogs, done + 1) if self.revlogs else 0,
                    self.done - self._revlog_start, size)
        if self._progress(self.done, max(self.total, self.done), step) is False:
            raise Cancelled(list(self.problems))
