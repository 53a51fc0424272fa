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


def modules_loaded_by(statement: str) -> set[str]:
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    return {name.split(".")[0] for name in json.loads(out)}


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
