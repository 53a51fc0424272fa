"""What the explorer does to the store as a whole: verify it, and edit a test repository.

Verify runs in a worker with a progress bar and lists what it finds in the
problems pane. Editing is refused unless the explorer was started with
``--edit`` (``editable``): a store someone explores is not changed by a key
pressed by mistake. With it, adding a revision (its text edited in a
TextArea, then user, message and the diff in the commit dialog), stripping
(the confirmation counts the changesets it removes) and injecting a fault
each ask first, then run the engine's write path (``explorer.tui.edits``) in
a worker and read the store again.

``StoreActions`` is given everything it works with: the app for dialogs,
notifications and thread workers, the problems pane, and three of the app's
methods (list problems, let go of the open revlog, read the store again).
Each action is given the source, the open revlog and the revision under the
cursor; the app decides when an action applies.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from textual.app import App
from textual.worker import get_current_worker

from explorer.engine import RevlogError, Store
from explorer.engine.verify import ERROR, Problem, verify_revlog, verify_store
from explorer.engine.verify import Cancelled as VerifyCancelled
from explorer.tui.edits import (
    FAULTS,
    add_revision,
    changeset_of,
    changesets_after,
    check_known,
    check_writable,
    commit_diff,
    default_message,
    default_user,
    editable_text,
    file_path,
    inject_fault,
    strip_changesets,
    strip_title,
)
from explorer.tui.widgets.commit import Commit, CommitScreen
from explorer.tui.widgets.dialogs import ChoiceScreen, ConfirmScreen, EditorScreen
from explorer.tui.widgets.problems import ProblemsPane
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef, Source
from explorer.views.verify_progress import VerifyProgress

# Read the store again and show ``path`` at ``rev``, the hex cursor on ``byte`` if given.
Reload = Callable[[str, str | int | None, tuple[str, int] | None], None]

READ_ONLY = "read-only — start with --edit to change the store"
EDIT_ACTIONS = frozenset({"add_revision", "strip", "inject_fault"})  # the app's actions


class StoreActions:
    """Verify (``v``), add a revision (``a``), strip (``s``), inject a fault (``f``)."""

    def __init__(self, app: App[None], problems_pane: ProblemsPane,
                 report: Callable[[Iterable[Problem]], None], close_view: Callable[[], None],
                 reload: Reload, editable: bool = False) -> None:
        self.app = app
        self.editable = editable
        self.problems_pane = problems_pane
        self.report = report
        self.close_view = close_view
        self.reload = reload

    def _in_thread(self, work: Callable[[], None], name: str, group: str,
                   description: str) -> None:
        """Run ``work`` in a thread worker of the app, cancelling the group's older one."""
        self.app.run_worker(work, name=name, group=group, description=description,
                            exit_on_error=False, exclusive=True, thread=True)

    # -- verify ----------------------------------------------------------------

    def verify(self, source: Source) -> None:
        """Check the whole source in a worker, the progress in the problems pane."""
        self.problems_pane.status("verifying: counting revisions…")
        self.problems_pane.progress(None)
        self._in_thread(lambda: self._verify(source), "verify", "verify", "verifying the store")

    def _verify(self, source: Source) -> None:
        worker = get_current_worker()
        progress = VerifyProgress(
            lambda tick: self.app.call_from_thread(self.problems_pane.progress, tick),
            keep_going=lambda: not worker.is_cancelled)
        try:
            if source.store is not None:
                report = verify_store(Store.open(source.store.root), progress)
                problems, first = report.problems, report.first_damaged_changeset
                checked = (f"{report.changesets} changesets, {report.changes} file revisions, "
                           f"{report.files} files")
            else:
                ref = source.refs[0]
                with source.open(ref) as rl:
                    problems, first = verify_revlog(rl, ref.path, progress), None
                    checked = f"{len(rl)} revisions"
        except VerifyCancelled:
            return
        except RevlogError as err:
            problems, first, checked = [Problem(ERROR, "", None, None, None, None,
                                                f"verify stopped: {err}", kind="read")], None, ""
        self.app.call_from_thread(self._verified, problems, first, checked)

    def _verified(self, problems: list[Problem], first: int | None, checked: str) -> None:
        self.problems_pane.progress(None)
        self.problems_pane.table.clear("verify")
        self.report(problems)
        errors = sum(1 for p in problems if p.is_error)
        warnings = len(problems) - errors
        if not problems:
            self.problems_pane.status(f"verify: no problems in {checked}")
            return
        summary = f"verify: {errors} error{'s' if errors != 1 else ''}, {warnings} warning" \
                  f"{'s' if warnings != 1 else ''}"
        if first is not None:
            summary += f"; first damaged changeset: {first}"
        self.problems_pane.status(summary + ". Enter on a problem goes to it.")
        self.problems_pane.table.focus()

    # -- editing a test repository -----------------------------------------------

    def may_edit(self) -> bool:
        """Whether editing is allowed; if not, the user is told how to allow it."""
        if not self.editable:
            self.app.notify(READ_ONLY, severity="warning")
        return self.editable

    def add_revision(self, source: Source, view: RevlogView, rev: int) -> None:
        """Edit the file's text at ``rev`` (a filelog), then commit it after showing
        user, message and diff; from another revlog, a changeset changing no file."""
        if not self.may_edit():
            return
        try:
            check_writable(source)
            if view.ref.kind == "filelog":
                with view.lock:
                    text = editable_text(source, view.ref, view.revlog, rev)
        except RevlogError as err:
            self.app.notify(str(err), severity="error")
            return
        if view.ref.kind != "filelog":
            self._confirm_add(source, view.ref, None)
            return
        self.app.push_screen(EditorScreen(f"New content of {file_path(view.ref)} "
                                          f"(from rev {rev})", text,
                                          "ctrl+s: keep this text, then say who commits it "
                                          "and why · escape: drop it"),
                             lambda new: new is not None and self._confirm_add(
                                 source, view.ref, new))

    def _confirm_add(self, source: Source, ref: RevlogRef, text: str | None) -> None:
        """The commit dialog: user, message, and the diff against the tip."""
        try:
            diff = commit_diff(source, ref, text)
        except RevlogError as err:
            self.app.notify(f"no diff: {err}", severity="error")
            return
        where = ("A new changeset on top of the tip, appended to the store's revlogs "
                 "through a journaled transaction. ctrl+s commits · escape drops it")
        title = f"Commit {file_path(ref)}" if text is not None else "Commit an empty changeset"
        self.app.push_screen(CommitScreen(title, default_user(source), default_message(ref),
                                          diff, where),
                             lambda commit: commit and self._start_add(source, ref, text,
                                                                       commit))

    def _start_add(self, source: Source, ref: RevlogRef, text: str | None,
                   commit: Commit) -> None:
        self._in_thread(lambda: self._add(source, ref, text, commit), "add", "edit",
                        "committing")

    def _add(self, source: Source, ref: RevlogRef, text: str | None, commit: Commit) -> None:
        try:
            node = add_revision(source, ref, text, commit.user, commit.message)
        except (RevlogError, OSError) as err:
            self.app.call_from_thread(self.app.notify, f"not added: {err}", severity="error")
            return
        self.app.call_from_thread(self.app.notify, f"added changeset {node.hex()[:12]}")
        self.app.call_from_thread(self.reload, ref.path, "-1", None)

    def strip(self, source: Source, view: RevlogView, rev: int) -> None:
        """Remove the changeset of ``rev`` and every later one, after a confirmation
        that counts them."""
        if not self.may_edit():
            return
        try:
            check_writable(source, "stripping")
            changeset = changeset_of(view.ref, view.revlog, rev)
            title = strip_title(changeset, changesets_after(source, changeset))
        except RevlogError as err:
            self.app.notify(str(err), severity="error")
            return
        question = (f"{title} from {source.root}?\n"
                    "Their manifest and file revisions go too; the revlogs are cut back "
                    "through a journaled transaction. There is no undo.")
        self.app.push_screen(ConfirmScreen(title, question),
                             lambda yes: yes and self._start_strip(source, view.name, changeset,
                                                                   rev))

    def _start_strip(self, source: Source, path: str, changeset: int, rev: int) -> None:
        self.close_view()
        self._in_thread(lambda: self._strip(source, changeset, path, rev), "strip", "edit",
                        "stripping")

    def _strip(self, source: Source, changeset: int, path: str, rev: int) -> None:
        try:
            count = strip_changesets(source, changeset)
        except (RevlogError, OSError) as err:
            self.app.call_from_thread(self.app.notify, f"nothing stripped: {err}",
                                      severity="error")
        else:
            self.app.call_from_thread(self.app.notify, f"stripped {count} changeset"
                                                       f"{'s' if count != 1 else ''} from "
                                                       f"{changeset}")
        self.app.call_from_thread(self.reload, path, max(0, rev - 1), None)

    def inject_fault(self, source: Source, view: RevlogView, rev: int) -> None:
        """Damage ``rev`` with a fault the user chooses, after a confirmation."""
        if not self.may_edit():
            return
        try:
            check_known(source)
        except RevlogError as err:
            self.app.notify(f"no fault made: {err}", severity="error")
            return
        self.app.push_screen(
            ChoiceScreen(f"Inject a fault into rev {rev} of {view.name}", FAULTS,
                         "This damages files on disk, for teaching: use a copy."),
            lambda kind: kind and self._confirm_fault(source, view, kind, rev))

    def _confirm_fault(self, source: Source, view: RevlogView, kind: str, rev: int) -> None:
        question = (f"Damage rev {rev} of {view.name}: {FAULTS[kind]}?\n"
                    "The files are changed in place; there is no undo.")
        self.app.push_screen(ConfirmScreen(f"Inject {kind}", question),
                             lambda yes: yes and self._start_fault(source, view.ref, kind, rev))

    def _start_fault(self, source: Source, ref: RevlogRef, kind: str, rev: int) -> None:
        self.close_view()
        self._in_thread(lambda: self._fault(source, ref, kind, rev), "fault", "edit",
                        "injecting a fault")

    def _fault(self, source: Source, ref: RevlogRef, kind: str, rev: int) -> None:
        try:
            fault = inject_fault(source, ref, kind, rev)
        except (RevlogError, OSError) as err:
            self.app.call_from_thread(self.app.notify, f"no fault made: {err}",
                                      severity="error")
            self.app.call_from_thread(self.reload, ref.path, rev, None)
            return
        where = f"{os.path.basename(fault.file)} byte {fault.offset}"
        self.app.call_from_thread(self.app.notify, f"{fault.description} ({where}). Verify (v) "
                                  "says what hg verify would.")
        self.app.call_from_thread(self.reload, ref.path, rev, (fault.file, fault.offset))
