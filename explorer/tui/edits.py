"""Changes the explorer makes to a test repository, all through the engine.

Adding a revision commits a changeset and stripping removes changesets from
the tip down (so manifests, filelogs and changelog stay consistent and
``hg verify`` still passes); a fault is damage made on purpose, for teaching.
Each runs in a worker of the app after the user confirmed it; nothing here
imports Textual.
"""

from __future__ import annotations

import time

from explorer.engine import Revlog, RevlogError
from explorer.engine.damage import faults as engine_faults
from explorer.engine.payloads.filetext import file_content
from explorer.engine.repo.repo import Repo
from explorer.engine.repo.writable import check_writable as check_store_writable
from explorer.views.source import RevlogRef, Source

USER = "revlog-explorer <explorer@localhost>"
FAULTS = engine_faults.KINDS


class EditError(RevlogError):
    """The edit cannot be made here (no store, a binary file, ...)."""


def check_writable(source: Source, doing: str = "editing") -> None:
    """Refuse, before any dialog, to commit to or strip a store the engine does not write
    (a requirement it does not know or only reads, a read-only file system): what
    ``Repo.open`` would refuse once the user has typed the text."""
    if source.store is None:
        raise EditError(f"{doing} needs a repository: this is a lone revlog file")
    check_store_writable(source.store)


def check_known(source: Source) -> None:
    """Refuse to damage a store in a format the explorer does not know: what it would
    say it damaged may not be what it damages."""
    if source.requirement_warning is not None:
        raise EditError(f"{source.requirement_warning}: refusing to damage it")


def editable_text(source: Source, ref: RevlogRef, rl: Revlog, rev: int) -> str:
    """The text the editor starts from: the file's content (a filelog) or a message."""
    if source.store is None:
        raise EditError("editing needs a repository: this is a lone revlog file")
    if ref.kind != "filelog":
        return "A changeset added in revlog-explorer\n"
    content = file_content(rl.revision(rev))
    if b"\0" in content:
        raise EditError(f"{file_path(ref)} is binary at rev {rev}: it cannot be edited as text")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError(f"{file_path(ref)} is not UTF-8 at rev {rev}") from None


def file_path(ref: RevlogRef) -> str:
    """The tracked path of a filelog: "data/src/a.py.i" -> "src/a.py"."""
    return ref.path[len("data/"):-len(".i")]


def add_revision(source: Source, ref: RevlogRef, text: str) -> bytes:
    """Commit ``text``: a filelog gets it as the file's new content on top of the tip;
    from the changelog or a manifest it is the message of a changeset changing no file.
    Returns the new changeset's node."""
    if source.store is None:
        raise EditError("editing needs a repository: this is a lone revlog file")
    if ref.kind == "filelog":
        files = {file_path(ref): text.encode("utf-8")}
        message = f"edit {file_path(ref)} in revlog-explorer"
    else:
        files, message = {}, text.strip() or "empty changeset from revlog-explorer"
    with Repo.open(source.root) as repo:
        return repo.commit(files, message=message, user=USER, date=(int(time.time()), 0))


def strip_changesets(source: Source, changeset: int) -> int:
    """Remove changeset ``changeset`` and every later one (and the manifest and file
    revisions they introduced); return how many changesets went."""
    if source.store is None:
        raise EditError("stripping needs a repository: this is a lone revlog file")
    with Repo.open(source.root) as repo:
        return len(repo.strip(changeset))


def changeset_of(ref: RevlogRef, rl: Revlog, rev: int) -> int:
    """The changeset a revision belongs to: itself in the changelog, else its link rev."""
    return rev if ref.kind == "changelog" else rl.entry(rev).link_rev


def inject_fault(source: Source, ref: RevlogRef, kind: str, rev: int) -> engine_faults.Fault:
    """Damage revision ``rev`` of ``ref`` with ``kind`` (see ``explorer.engine.damage.faults``).

    The revlog must not be open elsewhere: a cut file under a memory map would
    crash its reader.
    """
    rl = source.open(ref)
    store_dir = source.store.store_dir if source.store is not None else None
    return engine_faults.inject(rl, kind, rev, path=ref.path, store_dir=store_dir)
