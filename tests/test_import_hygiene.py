"""Only the TUI loads a UI library: the engine, the views, the reports, the
command line (until it starts the TUI) and the notebook load neither Textual
nor rich.

A static check cannot tell a module-level import from one deferred into a
function, so each import runs in a fresh interpreter and ``sys.modules`` is
inspected afterwards.
"""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import subprocess
import sys

import pytest

UI = ("textual", "rich")


def modules_loaded_by(statement: str, *, full: bool = False) -> set[str]:
    """The top-level packages ``statement`` loads (every module's name if ``full``)."""
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    names = json.loads(out)
    return set(names) if full else {name.split(".")[0] for name in names}


def every_module(package: str) -> str:
    """A statement importing ``package`` and each of its modules (but ``__main__``)."""
    path = importlib.util.find_spec(package).submodule_search_locations
    names = [f"{package}.{m.name}" for m in pkgutil.iter_modules(path) if m.name != "__main__"]
    return f"import {', '.join([package, *names])}"


@pytest.mark.parametrize("statement", [
    "import explorer.engine",
    "from explorer.engine import Store, Revlog, RevlogError, CorruptionError",
    "import explorer.engine.revlog.revlog, explorer.engine.store.files",
    "import explorer.engine.format.mpatch, explorer.engine.verify.run",
    every_module("explorer.views"),
    every_module("explorer.reports"),
    every_module("explorer.cli"),
    every_module("explorer.notebook"),
])
def test_no_ui_library_is_loaded(statement):
    assert not modules_loaded_by(statement) & set(UI)


def test_the_check_can_fail():
    """The probe sees a UI import when there is one."""
    assert "textual" in modules_loaded_by("import explorer.tui.app")


# What the explorer's first frame does not need: writing, transactions, verify's
# passes, the damage tools and the reports load when first used (issue 12: the
# first frame within 0.15 s of a trivial Textual app's, benchmarks/startup.py).
NOT_AT_START = ("explorer.engine.revlog.writer", "explorer.engine.transaction.transaction",
                "explorer.engine.verify.run", "explorer.engine.damage.faults",
                "explorer.engine.damage.compare", "explorer.engine.repo.repo",
                "explorer.reports.stats", "explorer.cli.reporting", "explorer.tui.store_actions",
                # verify's progress bar is mounted by the first verify; KeyHints for Footer
                "textual.widgets._progress_bar", "textual.widgets._footer")


def test_the_explorer_starts_without_the_heavy_parts():
    loaded = modules_loaded_by("import explorer.cli, explorer.tui.app", full=True)
    assert not loaded & set(NOT_AT_START)


def test_the_heavy_parts_load_when_asked_for():
    """The lazy names still resolve, and the probe sees them load."""
    loaded = modules_loaded_by("import explorer.engine as e, explorer.engine.verify as v\n"
                               "e.Repo, e.Transaction, v.verify_store, e.Store.verify",
                               full=True)
    assert {"explorer.engine.repo.repo", "explorer.engine.transaction.transaction",
            "explorer.engine.verify.run"} <= loaded
