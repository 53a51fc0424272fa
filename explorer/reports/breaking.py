"""``break``: make one kind of damage, on a copy, to see what verify and hg make of it.

The revlog is named as for the reports (``-c``, ``-m``, ``--dir``, a tracked
file, or the path of a ``.i``). The damage goes to a copy (``--output
COPY``: the repository, or the revlog's files, copied there first) unless
``--in-place`` says the original may be damaged. The report says what was
changed: file, byte offset, field, old and new values.

The copy is a real one: a ``.hg`` or store that is a symlink is copied as the
directory it points to, and a copy whose store is still elsewhere (a share)
is refused, so the original is never damaged through a link.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

from explorer.engine import Revlog, RevlogError, Store, StoreError
from explorer.engine.damage import faults
from explorer.engine.store.discovery import find_repository
from explorer.engine.store.requirements import read_warning
from explorer.reports.errors import ReportError


@dataclass(frozen=True)
class BreakRequest:
    path: str  # a repository (or a directory inside one) or a .i file
    kind: str
    rev: int
    changelog: bool = False
    manifest: bool = False
    dir: str | None = None
    file: str | None = None
    output: str | None = None
    in_place: bool = False
    bit: int = 2


def run_break(request: BreakRequest, cwd: str) -> faults.Fault:
    if request.kind not in faults.KINDS:
        raise ReportError(f"unknown --kind {request.kind!r}; one of: {', '.join(faults.KINDS)}")
    if bool(request.output) == request.in_place:
        raise ReportError("give --output COPY (damage a copy) or --in-place (damage PATH itself)")
    source = os.path.join(cwd, request.path)
    if os.path.isfile(source):
        return _break_file(request, source, cwd)
    repo = find_repository(source) if os.path.isdir(source) else None
    if repo is None:
        raise ReportError(f"{request.path}: not a repository or a revlog .i file")
    if not request.output:
        return _break_in_store(request, repo)
    copy = _copy_tree(repo, os.path.join(cwd, request.output))
    try:
        return _break_in_store(request, copy, confined=True)
    except ReportError:
        shutil.rmtree(copy, ignore_errors=True)  # nothing was damaged: leave nothing behind
        raise


def _copy_tree(source: str, dest: str) -> str:
    """Copy the repository at ``source`` to ``dest``; symlinks inside the working copy
    stay links, but ``.hg`` and ``.hg/store`` are copied as the directories they are
    or point to (copied as links, the damage would reach the original)."""
    if os.path.lexists(dest):
        raise ReportError(f"{dest} already exists: --output must name a new directory")
    try:
        _copy_dir(source, dest, skip=".hg")
        hg_dir = os.path.join(source, ".hg")
        _copy_dir(hg_dir, os.path.join(dest, ".hg"), skip="store")
        if os.path.isdir(os.path.join(hg_dir, "store")):
            _copy_dir(os.path.join(hg_dir, "store"), os.path.join(dest, ".hg", "store"))
    except OSError as err:
        shutil.rmtree(dest, ignore_errors=True)
        raise ReportError(f"cannot copy {source} to {dest}: {err.strerror or err}") from None
    return dest


def _copy_dir(source: str, dest: str, skip: str | None = None) -> None:
    """Copy the directory ``source`` (followed, when it is a link) without its entry
    ``skip``, keeping the symlinks below it as links."""
    def ignore(directory: str, names: list[str]) -> list[str]:
        return [skip] if directory == source and skip in names else []

    shutil.copytree(source, dest, symlinks=True, ignore=ignore if skip else None)


def _break_in_store(request: BreakRequest, repo: str, *, confined: bool = False) -> faults.Fault:
    """Damage the named revlog of the store at ``repo``; ``confined``: the store must
    lie inside ``repo`` (it is a copy, and must not reach its original)."""
    try:
        store = Store.open(repo)
    except (StoreError, RevlogError) as err:
        raise ReportError(str(err)) from None
    with store:
        _check_requirements(store)
        if confined:
            _check_inside(store.store_dir, repo)
        path = _store_path(request)
        try:
            rl = store.open_revlog(path)
        except RevlogError as err:
            raise ReportError(f"cannot open {path}: {err}") from None
        return _inject(rl, request, path=path, store_dir=store.store_dir)


def _check_requirements(store: Store) -> None:
    """A store in a format the explorer does not know is not damaged: what it would
    report as damaged may not be what it damages."""
    warning = read_warning(store.requirements)
    if warning is not None:
        raise ReportError(f"{warning}: refusing to damage it")


def _check_inside(store_dir: str, copy: str) -> None:
    real_store, real_copy = os.path.realpath(store_dir), os.path.realpath(copy)
    if os.path.commonpath([real_store, real_copy]) != real_copy:
        raise ReportError(f"the copy's store is {real_store}, outside the copy {copy} "
                          "(a share, or a link): refusing to damage it")


def _store_path(request: BreakRequest) -> str:
    chosen = [x for x in (request.changelog, request.manifest, request.dir, request.file) if x]
    if len(chosen) != 1:
        raise ReportError("name one revlog: -c, -m, --dir DIR or --file FILE")
    if request.changelog:
        return "00changelog.i"
    if request.manifest:
        return "00manifest.i"
    if request.dir:
        return f"meta/{request.dir.strip('/')}/00manifest.i"
    return f"data/{request.file}.i"


def _break_file(request: BreakRequest, index: str, cwd: str) -> faults.Fault:
    if not index.endswith(".i"):
        raise ReportError(f"{request.path} is not a revlog index (.i) file")
    if request.output:
        dest = os.path.join(cwd, request.output)
        if os.path.lexists(dest):
            raise ReportError(f"{dest} already exists: --output must name a new directory")
        os.makedirs(dest)
        for suffix in (".i", ".d"):
            if os.path.exists(index[:-2] + suffix):
                shutil.copy2(index[:-2] + suffix, dest)
        index = os.path.join(dest, os.path.basename(index))
    try:
        rl = Revlog.open(index)
    except RevlogError as err:
        raise ReportError(f"cannot open {index}: {err}") from None
    return _inject(rl, request, path=os.path.basename(index), store_dir=None)


def _inject(rl: Revlog, request: BreakRequest, *, path: str,
            store_dir: str | None) -> faults.Fault:
    options = {"bit": request.bit} if request.kind == "flip-bit" else {}
    try:
        return faults.inject(rl, request.kind, request.rev, path=path, store_dir=store_dir,
                             **options)
    except faults.FaultError as err:
        rl.close()
        raise ReportError(str(err)) from None


def fault_text(fault: faults.Fault) -> Iterator[str]:
    where = f"rev {fault.rev} " if fault.rev is not None else ""
    yield f"{fault.kind}: {fault.path} {where}{fault.field or ''}\n"
    yield f"  {fault.file} byte {fault.offset}: {fault.description}\n"
    yield f"  now try: revlog-explorer verify {_repo_of(fault.file)}\n"


def _repo_of(file: str) -> str:
    return find_repository(os.path.dirname(file)) or file


def fault_json(fault: faults.Fault) -> Iterator[str]:
    record = {k: v for k, v in fault.__dict__.items() if k != "edits"}
    yield json.dumps(record) + "\n"
