"""The explorer: one screen of panes over a store or a single revlog.

The panes (``explorer.tui.widgets``) each show one view of the selected revlog
and revision; this module wires them: the store pane opens a revlog, the
index cursor selects a revision, and every other pane follows it. All reading
goes through the engine; long work runs in the panes' thread workers. What
cannot be read is listed in the problems pane and marked in the index, and
the rest of the store stays usable. Verify and the editing actions are
``explorer.tui.store_actions``'s, given the source, the open revlog and the
revision under the cursor; they change nothing unless the app was started
with ``edit`` (``revlog-explorer --edit PATH``). Links between revlogs and
back/forward are ``explorer.tui.navigation``'s. ``run(path, rev, edit)`` is what
the ``revlog-explorer`` command calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static
from textual.worker import get_current_worker

from explorer.engine import CorruptionError, RevlogError
from explorer.engine.verify import ERROR, WARNING, Problem
from explorer.tui import gcpause
from explorer.tui.navigation import Navigator
from explorer.tui.widgets.chain import ChainPane, ChainTable
from explorer.tui.widgets.dag import DagView
from explorer.tui.widgets.hex import HexPane, HexView
from explorer.tui.widgets.index import IndexTable
from explorer.tui.widgets.keyhints import KeyHints
from explorer.tui.widgets.loader import Failed, FrameHold, run_jobs
from explorer.tui.widgets.plain import plain
from explorer.tui.widgets.problems import ProblemsPane, ProblemsTable
from explorer.tui.widgets.store import StoreBox, StorePane
from explorer.tui.widgets.table import VirtualTable
from explorer.tui.widgets.text import TextPane
from explorer.tui.widgets.titlebar import TitleBar
from explorer.views.links import Position
from explorer.views.printable import printable
from explorer.views.problem_groups import changeset_of
from explorer.views.revlog_view import RevlogView
from explorer.views.source import Source, SourceError, open_source

if TYPE_CHECKING:
    from explorer.tui.store_actions import StoreActions
    from explorer.tui.widgets.copies import Found


class MainScreen(Screen):
    """The panes' screen."""

    # Focused as the screen is composed: focusing it later restyles the panes again.
    AUTO_FOCUS = "#index"
    _resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """The first time, the screen's widgets were styled as they were mounted, and
        every change since restyled what it changed: Textual's restyling of the whole
        screen again (for a screen coming back from under another) is left out."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False


class ExplorerApp(App[None]):
    """Explore ``path`` (None: the demo store), starting at revision ``rev`` if given."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses may live anywhere
    # The screen's class by terminal width: below 140 columns the layout is narrow (app.tcss)
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (140, "-wide")]
    TITLE = "revlog-explorer"
    ALLOW_IN_MAXIMIZED_VIEW = "KeyHints"  # z: the key hints stay, as Footer did
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Leave the explorer"),
        Binding("question_mark", "help", "Help", key_display="?",
                tooltip="Every key of every pane"),
        Binding("z", "zoom", "Zoom", tooltip="Let the focused pane fill the screen "
                "(z again: back)"),
        Binding("escape", "focus_index", "Index", key_display="Esc",
                tooltip="Focus the index table again (and drop a number being typed)"),
        Binding("g", "goto", "Go to", tooltip="Jump to a revision number or node (or "
                "type the number first, then g or Enter, as in less)"),
        *[Binding(digit, f"digit({digit})", "Type a revision number", show=False)
          for digit in "0123456789"],
        Binding("slash", "find", "Find", key_display="/",
                tooltip="Find revisions whose node starts with a hex prefix"),
        Binding("n", "next_match(1)", "Next match", show=False),
        Binding("N", "next_match(-1)", "Previous match", show=False),
        Binding("t", "show_text", "Text", tooltip="Show the decoded revision (leaving the "
                "delta view)"),
        Binding("x", "show_detail('hex')", "Hex", tooltip="Show the raw bytes, field by field"),
        Binding("d", "toggle_delta", "Delta", tooltip="Text pane: the decoded text or the "
                "delta hunks applied at this revision"),
        Binding("u", "toggle_ascii", "ASCII graph", show=False,
                tooltip="Draw the DAG with ASCII or Unicode"),
        Binding("v", "verify", "Verify", tooltip="Check the whole store as hg verify does "
                "(and more), listing every problem"),
        Binding("l", "links", "Links", tooltip="List where this revision leads: its "
                "changeset, a changeset's manifest and files, a manifest's file revisions "
                "(Enter on an index row, or on an underlined line of the text pane, or a "
                "click on one, follows it)"),
        *[Binding(key, "back", "Back", show=key == "less_than_sign", key_display=shown,
                  tooltip="Return to the revision you came from (after a link, a go-to, "
                  "another revlog)") for key, shown in
          (("less_than_sign", "<"), ("alt+left", None), ("backspace", None))],
        *[Binding(key, "forward", "Forward", show=key == "greater_than_sign",
                  key_display=shown, tooltip="Go again where Back came from")
          for key, shown in (("greater_than_sign", ">"), ("alt+right", None))],
        Binding("tab", "focus_next", "Pane", key_display="Tab", priority=True,
                tooltip="Focus the next pane (shift+tab: the previous one)"),
        Binding("right_square_bracket", "hex_field(1)", "Next hex field", show=False,
                tooltip="Hex view: the cursor to the next field, from any pane"),
        Binding("left_square_bracket", "hex_field(-1)", "Previous hex field", show=False,
                tooltip="Hex view: the cursor to the previous field, from any pane"),
        Binding("c", "copies", "Copies", show=False,
                tooltip="Every copy and rename in the history: its source, its bytes in the "
                "store and as a light-weight copy (Enter opens one, back: <)"),
        Binding("a", "add_revision", "Add revision", show=False,
                tooltip="Commit a new revision of the selected file (edit its text first)"),
        Binding("s", "strip", "Strip", show=False,
                tooltip="Remove the selected revision's changeset and every later one"),
        Binding("f", "inject_fault", "Inject fault", show=False,
                tooltip="Damage the selected revision on purpose, to see what it looks like"),
        Binding("r", "reload", "Reload", show=False, tooltip="Read the store again from disk"),
    ]

    def __init__(self, path: str | os.PathLike[str] | None = None, rev: str | None = None,
                 *, edit: bool = False) -> None:
        super().__init__()
        self.path = None if path is None else os.fspath(path)
        self.edit = edit  # a, s and the fault key change the store only when True
        self.key_hints = KeyHints()
        self.command_line = self.key_hints.command_line
        self.start_rev = rev
        self.source: Source | None = None
        self.view: RevlogView | None = None
        self.matches: list[int] = []
        self.match_prefix = ""
        self.typed: int | None = None  # a revision number being typed (less-style go-to)
        self._after_open: tuple[str, str | int | None, tuple[str, int] | None] | None = None
        self._copies: tuple[Source, Found] | None = None  # the copies screen's, found once
        self.first_frame_shown = False
        self._held: list[Callable[[], object]] = []  # workers to start after it
        self.frame_hold = FrameHold(self)  # a cursor move's frame waits for its panes
        self._selected: tuple[RevlogView | None, int] | None = None

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A notification; its message often names a file of the store, so it is shown
        as the bytes it holds and never read as markup."""
        super().notify(printable(message), title=title, severity=severity, timeout=timeout,
                       markup=False)

    async def on_event(self, event: events.Event) -> None:
        """While the command line asks, the keys are its own (the focus stays put)."""
        if isinstance(event, events.Key) and self.command_line.asking \
                and not event.is_forwarded:
            event.stop()
            self.command_line.key(event)
            return
        await super().on_event(event)

    # -- layout ----------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The main screen, with its width class (``HORIZONTAL_BREAKPOINTS``) already
        set: Textual sets it on the first resize, and a class that changes then
        restyles every widget once more before the first frame."""
        width = self.size.width
        name = [name for least, name in self.HORIZONTAL_BREAKPOINTS if width >= least][-1]
        return MainScreen(id="_default", classes=name)

    def compose(self) -> ComposeResult:
        yield TitleBar(id="title")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield StoreBox(id="store-box", classes="pane")
                yield ProblemsPane(id="problems", classes="pane")
            with Vertical(id="right"):
                with Horizontal(id="upper"):
                    yield IndexTable(id="index", classes="pane")
                    yield DagView(id="dag", classes="pane")
                with Horizontal(id="lower"):
                    yield ChainPane(id="chain", classes="pane")
                    with ContentSwitcher(id="detail", initial="text", classes="pane"):
                        yield TextPane(id="text")
                        yield HexPane(id="hex")
        yield self.key_hints

    def on_mount(self) -> None:
        # The panes, looked up once: handlers may still run while the app shuts down.
        self.index = self.query_one(IndexTable)
        self.problems_pane = self.query_one(ProblemsPane)
        self.store_pane = self.query_one(StorePane)
        self.store_box = self.query_one(StoreBox)
        self.store_info = self.query_one("#store-info", Static)
        self.dag = self.query_one(DagView)
        self.chain = self.query_one(ChainTable)
        self.text = self.query_one(TextPane)
        self.hexview = self.query_one(HexView)
        self.detail = self.query_one(ContentSwitcher)
        self.index.followers.append(self.dag.follow)
        self.index.followers.append(self._hold_frame)
        self.dag.leader = self.index
        self.navigator = Navigator(self, self._where, self._show_position)
        for selector, title in (("#store-box", "store"), ("#problems", "problems"),
                                ("#index", "index"), ("#dag", "DAG"),
                                ("#chain", "delta chain"), ("#detail", "text")):
            self.query_one(selector).border_title = title
        if self.path is None:
            self._open_source()  # the demo store may have to be built first: not here
        else:
            self._open_now()

    def when_first_frame_shown(self, start: Callable[[], object]) -> None:
        """Call ``start`` (it starts a pane's thread worker) once the first frame is on
        screen: the first frame, with the index rows, is not slowed by threads
        (``explorer.tui.widgets.loader.after_first_frame``)."""
        if self.first_frame_shown:
            start()
        else:
            self._held.append(start)

    def on_load(self) -> None:
        """The app starts: no collections until its first frame (or its end)."""
        gcpause.pause()

    def on_ready(self) -> None:
        """Textual's Ready: the first frame has been painted."""
        gcpause.resume()
        self.first_frame_shown = True
        held, self._held = self._held, []
        for start in held:
            start()

    def on_unmount(self) -> None:
        """The app ends, maybe before its first frame: the collector runs again, over
        everything."""
        gcpause.release()

    # -- opening ---------------------------------------------------------------

    def _open_now(self) -> None:
        """Open the source before the first frame (opening reads no revision)."""
        try:
            source = open_source(self.path)
        except SourceError as err:
            self._cannot_open(str(err))
            return
        self._opened(source)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False,
          description="opening the store")
    def _open_source(self) -> None:
        try:
            source = open_source(self.path)
        except SourceError as err:
            self.call_from_thread(self._cannot_open, str(err))
            return
        self.call_from_thread(self._opened, source)

    def _cannot_open(self, reason: str) -> None:
        from explorer.tui.widgets.dialogs import CannotOpenScreen  # not at start-up

        self.push_screen(CannotOpenScreen(self.path, reason))

    def _opened(self, source: Source) -> None:
        self.source = source
        self.navigator.source = source
        self.sub_title = printable(source.label, keep_newlines=False)
        if not source.refs:
            self._cannot_open(f"{source.label} holds no revlog yet (an empty repository)")
            return
        self.store_pane.show(source, source.start)
        self.store_box.border_title = f"store · {len(source.refs)} revlogs"
        if source.requirement_warning is not None:
            self.report([Problem(WARNING, "requires", None, None, None, None,
                                 source.requirement_warning, kind="read")])
        for name in source.undecodable:
            self.report([Problem(ERROR, name, None, None, None, None,
                                 "file name does not decode in this store's encoding",
                                 kind="read")])
        if source.listing_error is not None:
            err = source.listing_error
            self.report([Problem(ERROR, "", err.file, None, err.offset, None,
                                 f"only the changelog and manifest are listed: {err.message}",
                                 kind="read")])
        row, rev, byte = source.start, self.start_rev, None
        if self._after_open is not None:
            path, rev, byte = self._after_open
            row = next((i for i, r in enumerate(source.refs) if r.path == path), 0)
            self._after_open = None
        self.open_revlog(row, rev)
        if byte is not None:
            self.action_show_detail("hex")
            self.hexview.jump_to_file_byte(*byte)

    def open_revlog(self, row: int, rev: str | int | None = None) -> None:
        """Show revlog ``row`` of the source, the cursor on ``rev`` (a number, node or
        prefix; default 0)."""
        source = self.source
        ref = source.refs[row]
        old, self.view = self.view, None
        try:
            view = RevlogView(ref, source.open(ref))
        except RevlogError as err:
            self._show_unreadable(ref.path, err)
            view = None
        self.view = view
        if view is not None:
            for p in self.problems_pane.table.problems:
                if p.path == view.name and p.is_error:
                    view.mark_damaged(p.rev, p.message)
        self.store_pane.mark_open(row)
        self.matches = []
        self.index.border_subtitle = ""
        if view is not None:
            self._title_index(view)
            self.index.show(view, self._resolve(view, rev))
        self.dag.show(view)
        if old is not None:
            old.close()

    def _resolve(self, view: RevlogView, rev: str | int | None) -> int:
        if rev is None or not len(view):
            return 0
        if isinstance(rev, int):  # ours (after an edit): the revlog may have shrunk
            return max(0, min(rev, len(view) - 1))
        try:
            return view.revlog.lookup(rev if isinstance(rev, int) else str(rev))
        except RevlogError as err:
            self.notify(f"--rev {rev}: {err}", severity="warning")
            return 0

    def _show_unreadable(self, path: str, err: RevlogError) -> None:
        message = getattr(err, "message", str(err))
        self.report([Problem(ERROR, path, getattr(err, "file", None), getattr(err, "rev", None),
                             getattr(err, "offset", None), None,
                             f"cannot open: {message}", kind="read")])
        self.index.show(None)
        self.index.border_title = plain(f"index · {path} · cannot be opened: {message}",
                                        one_line=True)
        for pane in (self.chain, self.text, self.hexview):
            pane.loader.load(None, 0)

    def _title_index(self, view: RevlogView) -> None:
        rl = view.revlog
        self.index.border_title = plain(f"index · {view.name} · {len(rl)} revisions · "
                                        f"{rl.format_description()}", one_line=True)

    # -- selection -------------------------------------------------------------

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        if event.table is self.index and self.view is not None and len(self.view):
            self.select(event.row)
        elif isinstance(event.table, StorePane):
            self._describe_store_row(event.row)

    def select(self, rev: int) -> None:
        """Every pane follows the index cursor to ``rev`` (the visible ones in one worker;
        the DAG already moved with the index)."""
        view = self.view
        self._selected = (view, rev)
        jobs = [pane.loader.want(view, rev) for pane in (self.chain, self.text, self.hexview)]
        jobs = [job for job in jobs if job is not None]
        if jobs:
            run_jobs(self, jobs, "detail", self.frame_hold)
        else:
            self.frame_hold.release()

    def _hold_frame(self, top: int, cursor: int) -> None:
        """The index cursor moved (the index tells its followers at once, before its
        rows are painted): hold that frame for the panes' results (``FrameHold``)."""
        if self.view is not None and len(self.view) and (self.view, cursor) != self._selected:
            self.frame_hold.hold()

    def on_virtual_table_chosen(self, event: VirtualTable.Chosen) -> None:
        if event.table is self.index:
            typed = self._take_typed()
            if typed is not None:
                self._goto(str(typed))
            elif self.view is not None and len(self.view):
                self.navigator.follow_first(self.view, event.row)
        elif isinstance(event.table, StorePane):
            self.navigator.jump()
            self.open_revlog(event.table.ref_index(event.row))
            self.index.focus()
        elif isinstance(event.table, ChainTable):
            self.navigator.jump()
            self.index.move_to(event.table.links[event.row].rev)
        elif isinstance(event.table, ProblemsTable):
            self.jump_to(event.table.problem_at(event.row))

    def _describe_store_row(self, row: int) -> None:
        self.store_info.update(plain(self.store_pane.describe(row)), layout=False)

    # -- problems --------------------------------------------------------------

    def report(self, problems: Iterable[Problem]) -> None:
        """List problems and mark their revisions in the index."""
        problems = list(problems)
        self.problems_pane.table.add(problems)  # the pane titles itself
        view = self.view
        marked = False
        for p in problems:
            if view is not None and p.path == view.name and p.rev is not None:
                marked |= view.mark_damaged(p.rev, p.message)
        if marked:
            self.index.invalidate()

    def on_failed(self, event: Failed) -> None:
        self.report([read_problem(event.view, event.rev, event.error)])

    def on_index_table_damage_found(self, event: IndexTable.DamageFound) -> None:
        self.report(Problem(ERROR, event.view.name, None, rev, None, None,
                            event.view.damage[rev], kind="read",
                            changeset=changeset_of(event.view, rev)) for rev in event.revs)

    def jump_to(self, problem: Problem) -> None:
        """Open the problem's revlog at its revision, the hex cursor on its byte."""
        source = self.source
        rows = [i for i, ref in enumerate(source.refs) if ref.path == problem.path]
        if not rows:
            self.notify(f"{problem.path or 'the store'}: not a revlog of this store",
                        severity="warning")
            return
        if self.view is None or self.view.name != problem.path:
            self.open_revlog(rows[0], problem.rev)
        elif problem.rev is not None:
            self.index.move_to(problem.rev)
        if problem.file is not None and problem.offset is not None:
            self.action_show_detail("hex")
            self.hexview.jump_to_file_byte(problem.file, problem.offset)
        self.index.focus()

    # -- links, back and forward (explorer.tui.navigation) ----------------------

    def _where(self) -> Position | None:
        """Where the user stands: the open revlog and the index cursor."""
        view = self.view
        return Position(view.name, self.index.cursor) if view is not None and len(view) \
            else None

    def _show_position(self, there: Position) -> bool:
        """Open ``there``'s revlog (unless open) with the cursor on its rev; False when
        the store has no such revlog any more."""
        rows = [i for i, ref in enumerate(self.source.refs) if ref.path == there.path] \
            if self.source is not None else []
        if not rows:
            return False
        if self.view is not None and self.view.name == there.path:
            self.index.move_to(min(there.rev, len(self.view) - 1))
        else:
            self.open_revlog(rows[0], there.rev)
        self.index.focus()
        return True

    def on_text_pane_link_clicked(self, event: TextPane.LinkClicked) -> None:
        self.navigator.follow(event.link)

    def action_links(self) -> None:
        if self.view is not None and len(self.view):
            self.navigator.choose(self.view, self.index.cursor)

    def action_copies(self) -> None:
        """The copies screen (``tui/widgets/copies.py``, loaded now: it needs the report's
        machinery); its copies are found once per reading of the store."""
        source = self.source
        if source is None:
            return
        if source.store is None:
            self.notify("copies are found across a store's filelogs: this is a lone revlog "
                        "file", severity="warning")
            return
        from explorer.tui.widgets.copies import CopiesScreen

        if isinstance(self.screen, CopiesScreen):  # from the palette, over the screen itself
            return
        found = self._copies[1] if self._copies and self._copies[0] is source else None
        self.push_screen(CopiesScreen(source.store, found, self._remember_copies(source)),
                         self._open_copy)

    def _remember_copies(self, source: Source):
        def remember(found: Found) -> None:
            self._copies = (source, found)
        return remember

    def _open_copy(self, there: Position | None) -> None:
        """Enter or s on the copies screen: a jump, as a link's (back returns)."""
        if there is None:
            return
        self.navigator.jump()
        if not self._show_position(there):
            self.notify(f"{there.path} is not in the store any more", severity="warning")

    def action_back(self) -> None:
        self.navigator.back()

    def action_forward(self) -> None:
        self.navigator.forward()

    # -- actions ---------------------------------------------------------------

    def action_index_key(self, action: str) -> None:
        """A key pressed in the DAG pane moves the cursor it shares with the index."""
        getattr(self.index, f"action_{action}")()

    def action_focus_index(self) -> None:
        self._take_typed()
        if self.screen.maximized is not None:
            self.screen.minimize()
        self.index.focus()

    def action_show_detail(self, which: str) -> None:
        self.detail.current = which
        self.detail.border_title = which if which == "hex" else (
            "delta" if self.text.delta_mode else "text")

    def action_show_text(self) -> None:
        """The decoded text: out of the delta view if it was on (``d`` goes back)."""
        if self.text.delta_mode:
            self.action_toggle_delta()
        else:
            self.action_show_detail("text")

    def action_hex_field(self, direction: int) -> None:
        if self.detail.current == "hex":
            self.hexview.action_field(direction)

    def action_toggle_delta(self) -> None:
        text = self.text
        text.delta_mode = not text.delta_mode
        self.action_show_detail("text")
        text.loader.start_loading()

    def action_toggle_ascii(self) -> None:
        self.dag.toggle_ascii()

    def action_zoom(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
        elif screen.focused is not None:
            screen.maximize(screen.focused)

    def action_help(self) -> None:
        from explorer.tui.widgets.dialogs import HelpScreen  # not at start-up

        self.push_screen(HelpScreen(self.key_help()))

    def key_help(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every binding, grouped by where it works."""
        groups: list[tuple[str, type]] = [
            ("Everywhere", type(self)), ("Lists: index, store, chain, problems", VirtualTable),
            ("DAG pane (moves the index cursor)", DagView), ("Text pane", TextPane),
            ("Hex pane", HexView), ("Copies (c)", _copies_screen()),
        ]
        sections = []
        for title, cls in groups:
            by_description: dict[str, list[str]] = {}
            tooltips: dict[str, str] = {}
            for binding in cls.BINDINGS:
                if isinstance(binding, Binding):
                    by_description.setdefault(binding.description, []).append(
                        self.get_key_display(binding))
                    tooltips[binding.description] = self._tooltip(binding)
            keys = [(keys[0] if len(keys) == 1 else f"{keys[0]}…{keys[-1]}" if len(keys) > 3
                     else " / ".join(keys),
                     f"{description}: {tooltips[description]}" if tooltips[description]
                     else description)
                    for description, keys in by_description.items()]
            if cls is type(self):
                keys += [("ctrl+p", "Command palette: every action")]
            sections.append((title, keys))
        return sections

    def _tooltip(self, binding: Binding) -> str:
        """A binding's help; an editing key says when the session is read-only."""
        from explorer.tui.store_actions import EDIT_ACTIONS, READ_ONLY  # not at start-up

        if binding.action in EDIT_ACTIONS and not self.edit:
            return f"{binding.tooltip} ({READ_ONLY})"
        return binding.tooltip

    def action_digit(self, digit: int) -> None:
        """Digits typed outside a prompt make a revision number for g or Enter."""
        if self.view is None:
            return
        self.typed = self.typed * 10 + digit if self.typed is not None else digit
        self.index.border_subtitle = f"go to {self.typed}: g or Enter · Escape drops it"

    def _take_typed(self) -> int | None:
        typed, self.typed = self.typed, None
        if typed is not None:
            self.index.border_subtitle = ""
        return typed

    def action_goto(self) -> None:
        if self.view is None:
            return
        typed = self._take_typed()
        if typed is not None:
            self._goto(str(typed))
            return
        self.command_line.ask("go to", f"a revision (0 … {len(self.view) - 1}, -1 for the tip) "
                              "or a node prefix · Enter · Escape", self._goto)

    def _goto(self, answer: str | None) -> None:
        view = self.view
        if not answer or view is None:
            return
        if answer.lstrip("-").isdigit() and not -1 <= int(answer) < len(view):
            self.notify(f"no revision {answer}: this revlog has revisions 0 … {len(view) - 1}"
                        " (-1 for the tip)", severity="error")
            return
        try:
            rev = len(view) - 1 if answer == "tip" else view.revlog.lookup(answer)
        except RevlogError as err:
            self.notify(str(err), severity="error")
            return
        if rev < 0:
            self.notify("the null revision (-1) has no entry", severity="warning")
            return
        self.navigator.jump()
        self.index.move_to(rev)

    def action_find(self) -> None:
        if self.view is None:
            return
        self.command_line.ask("find node", "a hex prefix of node ids · then n / N for the "
                              "other matches", self._find)

    def _find(self, prefix: str | None) -> None:
        if prefix and self.view is not None:
            self._search(self.view, prefix.lower())

    @work(thread=True, exclusive=True, group="find", exit_on_error=False,
          description="finding nodes")
    def _search(self, view: RevlogView, prefix: str) -> None:
        worker = get_current_worker()
        if any(c not in "0123456789abcdef" for c in prefix):
            self.call_from_thread(self.notify, f"{prefix!r} is not hexadecimal",
                                  severity="error")
            return
        matches = []
        node = view.revlog.node
        for rev in range(len(view)):
            if rev % 4096 == 0 and worker.is_cancelled:
                return
            if node(rev).hex().startswith(prefix):
                matches.append(rev)
        self.call_from_thread(self._found, view, prefix, matches)

    def _found(self, view: RevlogView, prefix: str, matches: list[int]) -> None:
        if view is not self.view:
            return
        self.matches, self.match_prefix = matches, prefix
        if not matches:
            self.notify(f"no node starts with {prefix}", severity="warning")
            return
        self.action_next_match(1, include_current=True)

    def action_next_match(self, direction: int, include_current: bool = False) -> None:
        if not self.matches:
            return
        here = self.index.cursor
        if direction > 0:
            later = [r for r in self.matches if r > here or (include_current and r == here)]
            rev = later[0] if later else self.matches[0]
        else:
            earlier = [r for r in self.matches if r < here]
            rev = earlier[-1] if earlier else self.matches[-1]
        self.index.move_to(rev)
        self.index.border_subtitle = (f"/{self.match_prefix}: match "
                                      f"{self.matches.index(rev) + 1} of {len(self.matches)}"
                                      + (" · n / N" if len(self.matches) > 1 else ""))

    def close_view(self) -> None:
        """Let go of the open revlog (its files are about to change)."""
        view, self.view = self.view, None
        self.index.show(None)
        self.dag.show(None)
        for pane in (self.chain, self.text, self.hexview):
            pane.loader.load(None, 0)
        if view is not None:
            view.close()

    def action_reload(self) -> None:
        if self.view is not None:
            self.reload(self.view.name, self.index.cursor)

    def reload(self, path: str, rev: str | int | None = None,
               byte: tuple[str, int] | None = None) -> None:
        """Read the store again and show ``path`` at ``rev`` (the hex cursor on ``byte``)."""
        self._after_open = (path, rev, byte)
        self.problems_pane.table.clear()
        self.problems_pane.border_title = "problems"
        self.problems_pane.status("read again from disk; verify (v) to check it")
        self._open_source()

    # -- verify and edits (explorer.tui.store_actions) -------------------------

    @cached_property
    def store_actions(self) -> StoreActions:
        """Verify and the edits, loaded when first asked for: the writer, the
        transactions and verify are not needed for the first frame."""
        from explorer.tui.store_actions import StoreActions

        return StoreActions(self, self.problems_pane, report=self.report,
                            close_view=self.close_view, reload=self.reload, editable=self.edit)

    def action_verify(self) -> None:
        if self.source is not None:
            self.store_actions.verify(self.source)

    def action_add_revision(self) -> None:
        if self.source is not None and self.view is not None:
            self.store_actions.add_revision(self.source, self.view, self.index.cursor)

    def action_strip(self) -> None:
        if self.source is not None and self.view is not None and len(self.view):
            self.store_actions.strip(self.source, self.view, self.index.cursor)

    def action_inject_fault(self) -> None:
        if self.source is not None and self.view is not None and len(self.view):
            self.store_actions.inject_fault(self.source, self.view, self.index.cursor)

    # -- command palette -------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        titles = set()
        for command in super().get_system_commands(screen):  # Textual's own, bindings too
            titles.add(command.title)
            yield command
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action != "quit" and \
                    not binding.action.startswith("digit") and binding.description not in titles:
                titles.add(binding.description)
                yield SystemCommand(binding.description, self._tooltip(binding),  # "" : no echo
                                    _runner(self, binding.action))
        if self.source is not None:  # found by typing, not listed: a store has thousands
            for row, ref in enumerate(self.source.refs):
                shown = printable(ref.path, keep_newlines=False)
                yield SystemCommand(f"Open {shown}", f"Show the {ref.kind} {shown}",
                                    _opener(self, row), discover=False)


def _copies_screen() -> type:
    """The copies screen's class, for its keys in the help (loaded when asked for)."""
    from explorer.tui.widgets.copies import CopiesScreen

    return CopiesScreen


def _runner(app: App, action: str):
    async def run() -> None:
        await app.run_action(action)
    return run


def _opener(app: ExplorerApp, row: int):
    def run() -> None:
        app.open_revlog(row)
    return run


def read_problem(view: RevlogView, rev: int, error: Exception) -> Problem:
    """A read error as a problem record, at the revision and byte it names."""
    if isinstance(error, CorruptionError):
        rev = rev if error.rev is None else error.rev
        return Problem(ERROR, view.name, error.file, rev, error.offset, None, error.message,
                       kind="read", changeset=changeset_of(view, rev))
    return Problem(ERROR, view.name, None, rev, None, None, str(error), kind="read",
                   changeset=changeset_of(view, rev))


def run(path: str | os.PathLike[str] | None = None, rev: str | None = None,
        edit: bool = False) -> int:
    """Run the explorer full screen (changing the store only with ``edit``); returns the
    exit status."""
    ExplorerApp(path, rev, edit=edit).run()
    return 0
