"""Phases as hg keeps them: the roots of each non-public phase, in ``phaseroots``.

A changeset's phase is the highest phase of the roots among its ancestors
(itself included); with no root above it, it is public. A repository that was
cloned or pulled is public throughout, so a commit on top of it must add a root:
hg gives a new changeset the phase ``phases.new-commit`` asks (draft unless
configured), or its parents' phase when that is higher.

hg rewrites the whole file whenever a root changes: one ``PHASE NODE`` line a
root, phases in ascending order, roots in revision order, nodes the changelog
does not know dropped. We write it the same way, so the bytes are hg's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import CorruptionError
from ..format.constants import NULL_REV
from ..store.config import ConfigError, HgConfig

PUBLIC, DRAFT, SECRET, ARCHIVED, INTERNAL = 0, 1, 2, 32, 96
ALL_PHASES = (PUBLIC, DRAFT, SECRET, ARCHIVED, INTERNAL)
NAMES = {PUBLIC: "public", DRAFT: "draft", SECRET: "secret", ARCHIVED: "archived",
         INTERNAL: "internal"}
# A phase beyond secret exists only in repositories that declare it.
NEEDS = {ARCHIVED: "exp-archived-phase", INTERNAL: "internal-phase-2"}
_HEX = 40


def new_commit_phase(config: HgConfig, requirements: set[str]) -> int:
    """The phase ``phases.new-commit`` gives new changesets (a name or a number)."""
    value = config.get("phases", "new-commit", "draft")
    by_name = {name: phase for phase, name in NAMES.items()}
    phase = by_name.get(value)
    if phase is None and value.isdigit() and int(value) in NAMES:
        phase = int(value)
    if phase is None:
        raise ConfigError(f"phases.new-commit: not a valid phase name ('{value}')")
    needed = NEEDS.get(phase)
    if needed and needed not in requirements:
        raise ConfigError(f"phases.new-commit is {NAMES[phase]}: this repository does not "
                          f"support the {NAMES[phase]} phase ({needed})")
    return phase


@dataclass
class PhaseRoots:
    """The roots of each phase as changelog revisions; ``changed`` once a root moved.

    Phases are worked out forward from the lowest root, once: a revision's phase is the
    highest of its own root's and its parents' (hg's rule), so each new commit of a
    transaction costs one step, however long the history below it.
    """

    roots: dict[int, set[int]]
    changed: bool = False
    _scan: list[int] = field(default_factory=list)  # phases from the lowest root on

    @classmethod
    def parse(cls, data: bytes | None, rev_of, path: str) -> PhaseRoots:
        """The roots ``data`` (a ``phaseroots`` file, None when missing) names;
        ``rev_of(node)`` is the changelog's revision of a node or None. A line hg could
        not read is a ``CorruptionError``, as every hg command dies on it."""
        roots: dict[int, set[int]] = {phase: set() for phase in ALL_PHASES}
        offset = 0
        for line in (data or b"").splitlines(keepends=True):
            phase, node = _parse_line(line, path, offset)
            rev = rev_of(node)
            if rev is not None:  # hg drops a root the changelog does not hold
                roots.setdefault(phase, set()).add(rev)
            offset += len(line)
        return cls(roots)

    def phase(self, rev: int, parents) -> int:
        """The phase of changeset ``rev``; ``parents(rev)`` gives its two parents."""
        lowest = self._lowest()
        if rev == NULL_REV or lowest is None or rev < lowest:
            return PUBLIC
        while lowest + len(self._scan) <= rev:
            r = lowest + len(self._scan)
            phase = max((p for p, revs in self.roots.items() if r in revs), default=PUBLIC)
            for parent in parents(r):
                if parent >= lowest:
                    phase = max(phase, self._scan[parent - lowest])
            self._scan.append(phase)
        return self._scan[rev - lowest]

    def register_new(self, rev: int, target: int, parents) -> None:
        """A new changeset ``rev`` (the tip) takes phase ``target``, or its parents'
        when higher: it becomes a root only when its parents are below ``target``."""
        if target == PUBLIC:
            return
        inherited = max(self.phase(p, parents) for p in parents(rev))
        if inherited < target:
            self._move(lambda: self.roots.setdefault(target, set()).add(rev))

    def strip(self, first: int) -> None:
        """Forget the roots from revision ``first`` on (a strip removes them)."""
        for phase, revs in self.roots.items():
            kept = {r for r in revs if r < first}
            if kept != revs:
                self._move(lambda phase=phase, kept=kept: self.roots.__setitem__(phase, kept))

    def serialize(self, node_of) -> bytes:
        return b"".join(b"%d %s\n" % (phase, node_of(rev).hex().encode())
                        for phase in sorted(self.roots) for rev in sorted(self.roots[phase]))

    def _move(self, change) -> None:
        change()
        self.changed = True
        self._scan.clear()

    def _lowest(self) -> int | None:
        return min((min(revs) for phase, revs in self.roots.items()
                    if phase != PUBLIC and revs), default=None)


def _parse_line(line: bytes, path: str, offset: int) -> tuple[int, bytes]:
    fields = line.split()
    if len(fields) == 2 and fields[0].isdigit() and len(fields[1]) == _HEX:
        try:
            return int(fields[0]), bytes.fromhex(fields[1].decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            pass
    raise CorruptionError(f"phase roots line {line!r} is not 'PHASE NODE'", file=path,
                          offset=offset)
