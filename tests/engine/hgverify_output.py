"""What ``hg verify`` reported, parsed into (revlog, revision, changesets) records.

hg prints problems as `` label@linkrev: message`` (`` linkrev: message`` for the
changelog), with ``label`` "changelog", "manifest", a tree-manifest directory
or a tracked file; warnings as ``warning: ... 'store path'``; some damage
makes it abort (``abort: index 00changelog is corrupted``) or crash with a
traceback. Each record names the revlog by our store path, the revision when
the message says it (a number, or a node that the intact copy resolves), and
the changesets involved, so a test can ask whether we report it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SKIP = ("checking ", "crosschecking ", "checked ", "not checking dirstate",
         "(first damaged", "hint: ")
_PROBLEM = re.compile(r"^ ?(?:(?P<label>.+?)@)?(?P<lr>\d+|\?): (?P<message>.*)$")
_REV = re.compile(r"\brev (\d+)\b")
_CHANGESET = re.compile(r"\bchangesets? (\d+)\b")
_NODE = re.compile(r"\b([0-9a-f]{12})\b")
_ABORT_INDEX = re.compile(r"index (\S+) is corrupted")
_QUOTED = re.compile(r"'([^']+)'")


@dataclass(frozen=True)
class HgProblem:
    line: str
    path: str | None
    rev: int | None = None
    changesets: frozenset[int] = field(default_factory=frozenset)
    warning: bool = False


@dataclass
class HgVerify:
    status: int
    problems: list[HgProblem]
    crashed: bool  # a Python traceback instead of a report
    aborted: bool


def label_path(label: str | None) -> str:
    """Our store path for hg's label of a revlog."""
    if label is None or label == "changelog":
        return "00changelog.i"
    if label == "manifest":
        return "00manifest.i"
    if label.endswith("/"):
        return f"meta/{label}00manifest.i"
    return f"data/{label}.i"


def parse(status: int, out: bytes, err: bytes, revs) -> HgVerify:
    """``revs(path)`` lists the intact copy's revisions of a revlog (hg's oracle records:
    rev, node, linkrev), to resolve nodes named in messages and their changesets."""
    text = (out + err).decode("utf-8", "replace")
    crashed = "Traceback (most recent call last)" in text
    problems = []
    aborted = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(_SKIP) or stripped.startswith("(expected"):
            continue
        if stripped.endswith("encountered!") or stripped.startswith(("**", "File ", "Traceback")):
            continue
        if stripped.startswith("abort:"):
            aborted = True
            match = _ABORT_INDEX.search(stripped)
            if match:
                problems.append(HgProblem(line, _abort_path(match.group(1))))
            continue
        problems.append(_problem(line, stripped, revs))
    return HgVerify(status, [p for p in problems if p is not None], crashed, aborted)


def _abort_path(radix: str) -> str:
    return radix + ".i" if radix.startswith("00") else f"data/{radix}.i"


def _problem(line: str, stripped: str, revs) -> HgProblem | None:
    if stripped.startswith("abandoned transaction"):
        return HgProblem(line, "journal", warning=True)
    if stripped.startswith("warning:"):
        quoted = _QUOTED.search(stripped)
        name = quoted.group(1) if quoted else None
        if name is not None and name.endswith(".d"):
            name = name[:-2] + ".i"  # a revlog's data file: the revlog is named by its index
        return HgProblem(line, name, warning=True)
    match = _PROBLEM.match(line)
    if match is None:
        return None
    path = label_path(match.group("label"))
    message = match.group("message")
    changesets = {int(c) for c in _CHANGESET.findall(message)}
    if match.group("lr") != "?":
        changesets.add(int(match.group("lr")))
    records = revs(path)
    rev = _rev(match.group("label"), match.group("lr"), message, records)
    if rev is not None and 0 <= rev < len(records):
        changesets.add(records[rev]["linkrev"])
    return HgProblem(line, path, rev, frozenset(changesets))


def _rev(label: str | None, lr: str, message: str, records: list[dict]) -> int | None:
    found = _REV.search(message)
    if found and "refers to" not in message:
        return int(found.group(1))
    if label is None and lr != "?":
        return int(lr)  # a changeset: its revision is the linkrev
    node = _NODE.search(message)
    if node and "refers to unknown" not in message:
        short = node.group(1)
        return next((r["rev"] for r in records if r["node"].hex().startswith(short)), None)
    return None
