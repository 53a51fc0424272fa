"""The rules of the house, as import-linter contracts (pyproject.toml): they hold, and they
catch a breach.

``lint-imports`` reads every import statically, including those inside
functions and under ``TYPE_CHECKING``: a cycle cannot hide behind a lazy
import. To prove each contract can fail, the package is copied, one
forbidden import is planted in the copy, and ``lint-imports`` must name the
contract that breaks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the package under ``root`` with the project's contracts."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), str(ROOT / "pyproject.toml"),
                           "--no-cache"], cwd=root, env=env, capture_output=True, text=True)


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " BROKEN" not in result.stdout


def planted(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package with ``line`` appended to ``module`` (a path in explorer/)."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "explorer", copy / "explorer",
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "explorer" / module
    target.write_text(target.read_text() + f"\n{line}\n")
    return copy


@pytest.mark.parametrize("module, line, contract", [
    ("engine/format/mpatch.py", "import textual",
     "The engine stands alone: no Textual, Rich or IPython"),
    ("engine/revlog/inner.py", "from explorer.views import source",
     "The explorer's layers: the engine knows nothing of what uses it"),
    ("reports/index.py", "from explorer.tui import edits",
     "The explorer's layers: the engine knows nothing of what uses it"),
    ("views/anatomy.py", "from rich.text import Text",
     "Views, reports and notebook displays need no terminal UI"),
    ("cli/editing.py", "def later():\n    import textual.app",
     "The CLI reaches Textual only by starting the app"),
    ("engine/store/files.py", "from explorer.engine.verify import run",
     "The engine's layers: each imports only those below it"),
    ("engine/format/index.py", "from explorer.engine.revlog import inner",
     "The engine's layers: each imports only those below it"),
    ("engine/verify/problems.py",
     "def later():\n    from explorer.engine.verify import links",
     "No import cycles, at any depth"),
    ("views/revlog_view.py",
     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from explorer.views import anatomy",
     "No import cycles, at any depth"),
])
def test_a_breach_is_caught(tmp_path, module, line, contract):
    result = lint_imports(planted(tmp_path, module, line))
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout, result.stdout
