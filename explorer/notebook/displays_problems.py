"""What verify found, one row per root cause instead of one table per problem.

One damaged chunk makes every revision built on it fail, and one damaged
file revision makes the manifest name it once per changeset: hundreds of
problems, a few causes. Problems are grouped by what they share when they
come from one cause (severity, revlog, kind, field and hint); each group is
a row with its count, the revisions and changesets it spans as ranges, and
its first message (the others on hover, up to ``MAX_MESSAGES``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from explorer.notebook.tables import (
    MAX_ROWS,
    Cell,
    Row,
    Table,
    bounded_table,
    escape,
    table_html,
    table_text,
)
from explorer.views.printable import printable

MAX_MESSAGES = 10
MAX_RUNS = 8
HEADERS = ["severity", "revlog", "kind", "field", "problems", "revs", "changesets", "message",
           "hint"]


def ranges(numbers: Iterable[int | None], most: int = MAX_RUNS) -> str:
    """``0-3, 7, 9-10`` for 0, 1, 2, 3, 7, 9, 10 ("-" for none); past ``most`` runs,
    the first ones, then the last number and how many runs lie between."""
    values = sorted({n for n in numbers if n is not None})
    if not values:
        return "-"
    runs: list[list[int]] = [[values[0], values[0]]]
    for n in values[1:]:
        if n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    words = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    if len(words) > most:
        words = words[:most - 1] + [f"… {len(words) - most} more …", words[-1]]
    return ", ".join(words)


@dataclass
class Cause:
    """Problems sharing one cause: the key they share, and the problems."""

    severity: str
    path: str
    kind: str
    field: str | None
    hint: str | None
    problems: list = field(default_factory=list)

    def row(self) -> Row:
        first = self.problems[0]
        others = "\n".join(printable(p.message) for p in self.problems[1:MAX_MESSAGES + 1])
        more = len(self.problems) - 1 - MAX_MESSAGES
        if more > 0:
            others += f"\n… and {more} more"
        cells = [self.severity, self.path, self.kind, self.field or "-",
                 str(len(self.problems)), ranges(p.rev for p in self.problems),
                 ranges(getattr(p, "changeset", None) for p in self.problems)]
        return Row([Cell(c) for c in cells] + [Cell(first.message, others),
                                              Cell(self.hint or "")],
                   mark=self.severity == "error")


def group(problems: Iterable) -> list[Cause]:
    """The causes of ``problems`` in the order their first problem was found."""
    causes: dict[tuple, Cause] = {}
    for p in problems:
        key = (p.severity, p.path, p.kind, p.field, p.hint)
        causes.setdefault(key, Cause(*key)).problems.append(p)
    return list(causes.values())


@dataclass
class Problems:
    """verify's problems as a table of causes."""

    causes: list[Cause]

    @property
    def count(self) -> int:
        return sum(len(c.problems) for c in self.causes)

    def summary(self) -> str:
        if not self.causes:
            return "no problems"
        errors = sum(len(c.problems) for c in self.causes if c.severity == "error")
        return (f"{self.count} problems ({errors} errors) from {len(self.causes)} "
                f"cause{'s' if len(self.causes) != 1 else ''}")

    def table(self) -> Table:
        return bounded_table(HEADERS, len(self.causes), lambda i: self.causes[i].row(), MAX_ROWS)

    def __repr__(self) -> str:
        return f"<Problems: {self.summary()}>"

    def _repr_html_(self) -> str:
        body = table_html(self.table()) if self.causes else ""
        return f"<p><b>{escape(self.summary())}</b></p>{body}"

    def _repr_pretty_(self, p, cycle: bool) -> None:
        p.text(self.summary() + ("\n" + table_text(self.table()) if self.causes else ""))


def problems(found: Iterable) -> Problems:
    """``store.verify()``'s problems (or any of verify's ``Problem``s), grouped by cause."""
    return Problems(group(found))
