"""Changes the explorer makes to a test repository, all through the engine.

Adding a revision commits a changeset and stripping removes changesets from
the tip down (so manifests, filelogs and changelog stay consistent and
``hg verify`` still passes); a fault is damage made on purpose, for teaching.
Each runs in a worker of the app after the user confirmed it; before that,
the dialogs say what it will do: how many changesets a strip removes, and
the diff a commit makes against the tip. Nothing here imports Textual.
"""

from __future__ import annotations

import difflib
import os
import time

from explorer.engine import Revlog, RevlogError
from explorer.engine.damage import faults as engine_faults
from explorer.engine.payloads.changeset import parse_changeset
from explorer.engine.payloads.filetext import file_content
from explorer.engine.repo.repo import Repo
from explorer.engine.repo.writable import check_writable as check_store_writable
from explorer.views.links import LinkError, changed_file_link, store_resolver
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
    """The text the editor starts from: the content of the filelog's file at ``rev``."""
    if source.store is None:
        raise EditError("editing needs a repository: this is a lone revlog file")
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


def default_user(source: Source) -> str:
    """Who commits, found as hg finds it: $HGUSER, ui.username, $EMAIL; else ours."""
    configured = source.store.config.get("ui", "username") if source.store else None
    return os.environ.get("HGUSER") or configured or os.environ.get("EMAIL") or USER


def default_message(ref: RevlogRef) -> str:
    """The message the commit dialog starts from."""
    if ref.kind == "filelog":
        return f"edit {file_path(ref)} in revlog-explorer"
    return "empty changeset from revlog-explorer"


def commit_diff(source: Source, ref: RevlogRef, text: str | None) -> list[str]:
    """What committing ``text`` as the new content of ``ref``'s file changes, as a
    unified diff against the file in the tip changeset (the commit's parent); empty
    for a changeset that changes no file (``text`` None)."""
    if text is None or ref.kind != "filelog":
        return []
    path = file_path(ref)
    old = tip_content(source, path)
    before = [] if old is None else old.decode("utf-8", "replace").splitlines(keepends=True)
    return list(difflib.unified_diff(before, text.splitlines(keepends=True),
                                     "/dev/null" if old is None else f"a/{path}", f"b/{path}"))


def tip_content(source: Source, path: str) -> bytes | None:
    """The content of ``path`` in the tip changeset; None when the tip has no such file."""
    resolver = store_resolver(source)
    with resolver.open("00changelog.i") as cl:
        if not len(cl):
            return None
        manifest = parse_changeset(cl.revision(len(cl) - 1)).manifest
    link = changed_file_link(path, manifest)
    try:
        at = resolver.resolve(link)
    except LinkError:
        return None
    with resolver.open(at.path) as rl:
        return file_content(rl.revision(at.rev))


def add_revision(source: Source, ref: RevlogRef, text: str | None, user: str,
                 message: str) -> bytes:
    """Commit on top of the tip, by ``user`` with ``message``: a filelog's file gets
    ``text`` as its new content; from the changelog or a manifest (``text`` None) the
    changeset changes no file. Returns the new changeset's node."""
    if source.store is None:
        raise EditError("editing needs a repository: this is a lone revlog file")
    if not user.strip():
        raise EditError("a changeset needs a user")
    files = {file_path(ref): text.encode("utf-8")} if text is not None else {}
    with Repo.open(source.root) as repo:
        return repo.commit(files, message=message.strip() or default_message(ref),
                           user=user.strip(), date=(int(time.time()), 0))


def changesets_after(source: Source, changeset: int) -> int:
    """How many changesets come after ``changeset``: a strip removes them too."""
    with store_resolver(source).open("00changelog.i") as cl:
        return max(0, len(cl) - 1 - changeset)


def strip_title(changeset: int, after: int) -> str:
    """What a strip removes, counted: "Strip changeset 551 and the 2782 changesets
    after it"."""
    if not after:
        return f"Strip changeset {changeset} (the tip)"
    return (f"Strip changeset {changeset} and the {after} changeset"
            f"{'s' if after != 1 else ''} after it")


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
