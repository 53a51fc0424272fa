"""The module policy: REVLOG_EXPLORER_KERNELS chooses the kernels once, at import, and
``auto`` serves the pure ones where the extension is missing (a machine without a
compiler, simulated by refusing its import)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.engine.format.kernels import POLICY_VARIABLE
from tests.engine.format.conftest import compiled_kernels

ROOT = Path(__file__).resolve().parents[3]

NO_EXTENSION = """
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "explorer.engine.format._kernels":
            raise ImportError("no compiler here")
sys.meta_path.insert(0, Refuse())
"""

REPORT = """
from explorer.engine.format import bdiff, kernels, mpatch
print(kernels.name, mpatch.apply_deltas.__module__, bdiff.diff.__module__)
"""


def chosen(policy: str, extension: bool = True) -> subprocess.CompletedProcess:
    code = ("" if extension else NO_EXTENSION) + REPORT
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, POLICY_VARIABLE: policy})


PURE = "py explorer.engine.format.pure.mpatch explorer.engine.format.pure.bdiff"


def test_py_serves_the_pure_kernels():
    assert chosen("py").stdout.split("\n")[0] == PURE


def test_auto_falls_back_to_the_pure_kernels_without_the_extension():
    assert chosen("auto", extension=False).stdout.split("\n")[0] == PURE


def test_c_without_the_extension_fails_at_import():
    run = chosen("c", extension=False)
    assert run.returncode and "no compiler here" in run.stderr


def test_an_unknown_policy_is_refused():
    run = chosen("fast")
    assert run.returncode and f"{POLICY_VARIABLE}='fast'" in run.stderr


@pytest.mark.parametrize("policy", ["auto", "c"])
def test_auto_and_c_serve_the_compiled_kernels_when_built(policy):
    if compiled_kernels() is None:
        pytest.skip("the compiled kernels are not built (python setup.py build_ext -i)")
    compiled = "explorer.engine.format._kernels"
    assert chosen(policy).stdout.split() == ["c", compiled, compiled]
