"""Verify: find everything wrong with a store, and keep going past every fault.

``verify_store`` runs Mercurial's checks in Mercurial's order (changesets,
manifests, cross-check, files), and more: each entry's structure, the size
of every file, every chunk, delta and hash, the fncache or file index, v2
and nodemap dockets, an abandoned transaction and what a crash left behind.
Nothing is assumed about the bytes: damage becomes a ``Problem`` naming the
revlog, file, byte offset, revision and field, never an exception, so one
run shows all the damage, not the first.

``verify_revlog`` checks one revlog alone (no cross-revlog checks), for a
``.i`` opened outside any store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..errors import RevlogError
from ..revlog.revlog import Revlog
from ..store.files import StoreFiles
from ..transaction.transaction import StoreLock
from .copy_deltas import check_copy_deltas
from .links import Links
from .problems import ERROR, WARNING, Cancelled, Collector, Problem, Progress, Severity
from .revlog_check import RevlogCheck, files_beside
from .revlog_passes import check_revlog
from .store_checks import check_store

__all__ = ["Cancelled", "Problem", "Progress", "Report", "Severity", "verify_revlog",
           "verify_store", "ERROR", "WARNING"]


@dataclass
class Report:
    """The problems of a store, and what was checked (for hg's summary line)."""

    problems: list[Problem] = field(default_factory=list)
    changesets: int = 0
    changes: int = 0  # file revisions
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def damaged(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def first_damaged_changeset(self) -> int | None:
        """The lowest changeset an error belongs to: history before it is intact."""
        return min((p.changeset for p in self.problems
                    if p.is_error and p.changeset is not None), default=None)

    def by_path(self) -> Iterator[tuple[str, list[Problem]]]:
        """Problems grouped by revlog (or store file), in the order first found."""
        groups: dict[str, list[Problem]] = {}
        for p in self.problems:
            groups.setdefault(p.path, []).append(p)
        yield from groups.items()


LOCK_TIMEOUT = 600  # seconds, as hg's ui.timeout


def verify_store(store: StoreFiles, progress: Progress | None = None, *,
                 lock_timeout: float = LOCK_TIMEOUT,
                 on_wait: Callable[[str], None] | None = None) -> Report:
    """Check everything in ``store``; ``progress`` as for ``Collector`` (may cancel).

    As hg verify does, the store lock is held throughout, so a transaction in
    flight is waited for (``on_wait(holder)`` is told) rather than reported as
    abandoned with its half-written files; a store that cannot be locked
    (read-only) is checked without.
    """
    with contextlib.ExitStack() as held:
        lock = StoreLock(store.store_dir)
        if lock.wait(lock_timeout, on_wait):
            held.callback(lock.release)
            store.close()  # what was read before the wait may be stale
        return _verify_locked(store, progress)


def _verify_locked(store: StoreFiles, progress: Progress | None) -> Report:
    out = Collector(progress)
    listed = check_store(store, out)
    if progress is not None:  # the total costs opening every revlog once more
        out.total, out.revlogs = _count_revisions(store)
    links = Links(store, out, listed)
    links.changelog()
    links.manifests()
    links.crosscheck()
    links.filelogs()
    links.orphans()
    check_copy_deltas(store, out, links.copy_flagged)
    return Report(out.problems, links.changelog_size, links.changes, links.files)


def verify_revlog(rl: Revlog, path: str | None = None,
                  progress: Progress | None = None) -> list[Problem]:
    """Check one revlog on its own: structure, sizes, dockets, every revision's bytes."""
    out = Collector(progress, total=len(rl))
    out.revlogs = 1
    check_revlog(RevlogCheck(rl, path or rl.name, out, sidefile=files_beside(rl)))
    return out.problems


def _count_revisions(store: StoreFiles) -> tuple[int, int]:
    """Revisions and revlogs in the store, for the progress totals (revlogs that fail
    to open count 0 revisions)."""
    try:
        paths = store.revlog_paths([])
    except RevlogError:
        return 0, 0
    total = 0
    for kind, path in paths:
        try:
            if path in ("00changelog.i", "00manifest.i"):
                total += len(store.changelog if kind == "changelog" else store.manifest)
                continue
            with store.open_revlog(path, kind) as rl:
                total += len(rl)
        except RevlogError:
            continue
    return total, len(paths)
