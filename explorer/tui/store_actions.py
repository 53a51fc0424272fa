"""What the explorer does to the store as a whole: verify it, and edit a test repository.

Verify runs in a worker with a progress bar and lists what it finds in the
problems pane. Adding a revision (after editing it in a TextArea), stripping
and injecting a fault each ask for a confirmation, then run the engine's
write path (``explorer.tui.edits``) in a worker and read the store again. This is
a mixin of ``ExplorerApp``: it uses the app's view, source, panes,
``report``, ``_close_view`` and ``_reload``.
"""

from __future__ import annotations

import os
import time

from textual import work
from textual.worker import get_current_worker

from explorer.engine import RevlogError, Store
from explorer.engine.verify.problems import ERROR, Problem
from explorer.engine.verify.run import Cancelled as VerifyCancelled
from explorer.engine.verify.run import verify_revlog, verify_store
from explorer.tui.edits import (
    FAULTS,
    add_revision,
    changeset_of,
    editable_text,
    file_path,
    inject_fault,
    strip_changesets,
)
from explorer.tui.widgets.dialogs import ChoiceScreen, ConfirmScreen, EditorScreen
from explorer.views.revlog_view import RevlogView
from explorer.views.source import RevlogRef, Source


class StoreActions:
    """Verify (``v``), add a revision (``a``), strip (``s``), inject a fault (``f``)."""

    # -- verify ----------------------------------------------------------------

    def action_verify(self) -> None:
        if self.source is None:
            return
        self.problems.status("verifying…")
        self.problems.progress(0, 1)
        self._verify(self.source, self.view)

    @work(thread=True, exclusive=True, group="verify", exit_on_error=False,
          description="verifying the store")
    def _verify(self, source: Source, view: RevlogView | None) -> None:
        worker = get_current_worker()
        last = [0.0]

        def progress(done: int, total: int, label: str) -> bool:
            now = time.monotonic()
            if now - last[0] > 0.1:
                last[0] = now
                self.call_from_thread(self.problems.progress, done, total)
            return not worker.is_cancelled

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
        self.call_from_thread(self._verified, problems, first, checked)

    def _verified(self, problems: list[Problem], first: int | None, checked: str) -> None:
        self.problems.progress(None, None)
        self.problems.table.clear("verify")
        self.report(problems)
        errors = sum(1 for p in problems if p.is_error)
        warnings = len(problems) - errors
        if not problems:
            self.problems.status(f"verify: no problems in {checked}")
            return
        summary = f"verify: {errors} error{'s' if errors != 1 else ''}, {warnings} warning" \
                  f"{'s' if warnings != 1 else ''}"
        if first is not None:
            summary += f"; first damaged changeset: {first}"
        self.problems.status(summary + ". Enter on a problem goes to it.")
        self.problems.table.focus()

    # -- editing a test repository -----------------------------------------------

    def action_add_revision(self) -> None:
        view, source = self.view, self.source
        if view is None or source is None:
            return
        rev = self.index.cursor
        try:
            with view.lock:
                text = editable_text(source, view.ref, view.revlog, rev)
        except RevlogError as err:
            self.notify(str(err), severity="error")
            return
        what = (f"New content of {file_path(view.ref)} (from rev {rev})"
                if view.ref.kind == "filelog" else "Message of a new changeset (no file changes)")
        self.push_screen(EditorScreen(what, text), lambda new: self._confirm_add(view, new))

    def _confirm_add(self, view: RevlogView, text: str | None) -> None:
        if text is None:
            return
        where = self.source.root
        question = (f"Commit this as a new changeset in {where}?\nIt appends to the store's "
                    "revlogs through a journaled transaction.")
        self.push_screen(ConfirmScreen("Add a revision", question),
                         lambda yes: yes and self._add(self.source, view.ref, text))

    @work(thread=True, exclusive=True, group="edit", exit_on_error=False,
          description="committing")
    def _add(self, source: Source, ref: RevlogRef, text: str) -> None:
        try:
            node = add_revision(source, ref, text)
        except RevlogError as err:
            self.call_from_thread(self.notify, f"not added: {err}", severity="error")
            return
        self.call_from_thread(self.notify, f"added changeset {node.hex()[:12]}")
        self.call_from_thread(self._reload, ref.path, "-1")

    def action_strip(self) -> None:
        view, source = self.view, self.source
        if view is None or source is None or not len(view):
            return
        if source.store is None:
            self.notify("stripping needs a repository: this is a lone revlog file",
                        severity="error")
            return
        changeset = changeset_of(view.ref, view.revlog, self.index.cursor)
        question = (f"Strip changeset {changeset} and every later one from {source.root}?\n"
                    "Their manifest and file revisions go too; the revlogs are cut back "
                    "through a journaled transaction. There is no undo.")
        self.push_screen(ConfirmScreen(f"Strip from changeset {changeset}", question),
                         lambda yes: yes and self._start_strip(view, changeset))

    def _start_strip(self, view: RevlogView, changeset: int) -> None:
        path, rev = view.name, self.index.cursor
        self._close_view()
        self._strip(self.source, changeset, path, rev)

    @work(thread=True, exclusive=True, group="edit", exit_on_error=False,
          description="stripping")
    def _strip(self, source: Source, changeset: int, path: str, rev: int) -> None:
        try:
            count = strip_changesets(source, changeset)
        except RevlogError as err:
            self.call_from_thread(self.notify, f"nothing stripped: {err}", severity="error")
        else:
            self.call_from_thread(self.notify, f"stripped {count} changeset"
                                               f"{'s' if count != 1 else ''} from {changeset}")
        self.call_from_thread(self._reload, path, max(0, rev - 1))

    def action_inject_fault(self) -> None:
        view = self.view
        if view is None or not len(view):
            return
        rev = self.index.cursor
        self.push_screen(
            ChoiceScreen(f"Inject a fault into rev {rev} of {view.name}", FAULTS,
                         "This damages files on disk, for teaching: use a copy."),
            lambda kind: kind and self._confirm_fault(view, kind, rev))

    def _confirm_fault(self, view: RevlogView, kind: str, rev: int) -> None:
        question = (f"Damage rev {rev} of {view.name}: {FAULTS[kind]}?\n"
                    "The files are changed in place; there is no undo.")
        self.push_screen(ConfirmScreen(f"Inject {kind}", question),
                         lambda yes: yes and self._start_fault(view, kind, rev))

    def _start_fault(self, view: RevlogView, kind: str, rev: int) -> None:
        ref = view.ref
        self._close_view()
        self._fault(self.source, ref, kind, rev)

    @work(thread=True, exclusive=True, group="edit", exit_on_error=False,
          description="injecting a fault")
    def _fault(self, source: Source, ref: RevlogRef, kind: str, rev: int) -> None:
        try:
            fault = inject_fault(source, ref, kind, rev)
        except RevlogError as err:
            self.call_from_thread(self.notify, f"no fault made: {err}", severity="error")
            self.call_from_thread(self._reload, ref.path, rev)
            return
        where = f"{os.path.basename(fault.file)} byte {fault.offset}"
        self.call_from_thread(self.notify, f"{fault.description} ({where}). Verify (v) says "
                              "what hg verify would.")
        self.call_from_thread(self._reload, ref.path, rev, (fault.file, fault.offset))
