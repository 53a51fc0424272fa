"""``verify``: every problem of a store, grouped by revlog, with hg's summary lines.

Each problem line names the revision, the file and byte offset of the
damage, the index field or chunk, and what is wrong; a hint follows when
there is something to do about it. Revisions that are lost only because
their delta chain goes through a damaged one are folded into one line per
run, since they all point at the same bytes. The summary ends as
``hg verify`` ends: the counts checked, warnings, integrity errors and the
first damaged changeset.

PATH is a repository (or any directory inside one), its ``.hg``, its store,
or one revlog ``.i`` file (checked alone, without cross-revlog checks).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from explorer.engine import Revlog, RevlogError, Store, StoreError
from explorer.engine.store.discovery import find_repository
from explorer.engine.verify import Problem, Progress, Report, verify_revlog, verify_store
from explorer.reports.errors import ReportError
from explorer.reports.formats import json_lines

DAMAGED = 1


@dataclass
class VerifyResult:
    report: Report
    base: str  # files are shown relative to this directory
    whole_store: bool


def run_verify(path: str | None, repository: str | None, cwd: str,
               progress: Progress | None = None) -> VerifyResult:
    """Verify what the arguments name: ``-R REPO``, a PATH, or the repository around ``cwd``."""
    if path is not None and repository is not None:
        raise ReportError("give either -R REPO or a PATH, not both")
    target = os.path.join(cwd, path or repository or "")
    if path is None and repository is None:
        found = find_repository(cwd)
        if found is None:
            raise ReportError(f"no repository found in '{cwd}' (.hg not found)")
        target = found
    if os.path.isfile(target):
        return _verify_file(target, progress)
    if not os.path.isdir(target):
        raise ReportError(f"{path or repository}: no such file or directory")
    try:
        store = Store.open(find_repository(target) or target)
    except (StoreError, RevlogError) as err:
        raise ReportError(str(err)) from None
    with store:
        return VerifyResult(verify_store(store, progress), store.store_dir, True)


def _verify_file(path: str, progress: Progress | None) -> VerifyResult:
    if not path.endswith(".i"):
        raise ReportError(f"{path} is not a revlog index (.i) file")
    name = os.path.basename(path)
    try:
        with Revlog.open(path, name=name) as rl:
            problems = verify_revlog(rl, name, progress)
            count = len(rl)
    except RevlogError as err:
        problems = [Problem("error", name, path, None, getattr(err, "offset", None), "header",
                            f"cannot open: {err}", kind="bad-header")]
        count = 0
    return VerifyResult(Report(problems, changes=count), os.path.dirname(path), False)


# -- text ------------------------------------------------------------------------------


def verify_text(result: VerifyResult) -> Iterator[str]:
    report = result.report
    for path, problems in report.by_path():
        yield f"{path}:\n"
        yield from _lines(problems, result.base)
    yield from _summary(result)


def _lines(problems: list[Problem], base: str) -> Iterator[str]:
    i = 0
    while i < len(problems):
        p = problems[i]
        j = i + 1
        if p.kind == "broken-chain":
            while (j < len(problems) and problems[j].kind == "broken-chain"
                   and (problems[j].file, problems[j].offset) == (p.file, p.offset)):
                j += 1
        yield _line(p, base, problems[j - 1].rev if j - i > 1 else None)
        if p.hint:
            yield f"      ({p.hint})\n"
        i = j


def _line(p: Problem, base: str, last_rev: int | None) -> str:
    parts = []
    if p.rev is not None:
        parts.append(f"revs {p.rev}-{last_rev}" if last_rev is not None else f"rev {p.rev}")
    if p.file is not None:
        where = os.path.relpath(p.file, base) if base else p.file
        if p.offset is not None:
            where += f" byte {p.offset}"
        parts.append(where)
    if p.field:
        parts.append(p.field)
    label = "error" if p.is_error else "warning"
    return f"  {label}: {', '.join(parts)}{': ' if parts else ''}{p.message}\n"


def _summary(result: VerifyResult) -> Iterator[str]:
    report = result.report
    if result.whole_store:
        yield (f"checked {report.changesets} changesets with {report.changes} changes to "
               f"{report.files} files\n")
    else:
        yield f"checked {report.changes} revisions\n"
    if report.warnings:
        yield f"{len(report.warnings)} warnings encountered!\n"
    if report.errors:
        yield f"{len(report.errors)} integrity errors encountered!\n"
        first = report.first_damaged_changeset
        if first is not None:
            yield f"(first damaged changeset appears to be {first})\n"


def verify_json(result: VerifyResult) -> Iterator[str]:
    return json_lines(p.to_json() for p in result.report.problems)


def verify_output(result: VerifyResult, *, as_json: bool) -> Iterator[str]:
    """The report, then a ``ReportError`` with exit status 1 when anything is damaged."""
    yield from verify_json(result) if as_json else verify_text(result)
    report = result.report
    if report.damaged:
        first = report.first_damaged_changeset
        where = f" (first damaged changeset: {first})" if first is not None else ""
        raise ReportError(f"damaged: {len(report.errors)} integrity errors{where}", DAMAGED)
