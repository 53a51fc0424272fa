"""The delta kernels under test: every kernel test runs against the pure module and the
compiled one.

The compiled kernels are skipped where the extension is not built (a machine
without a compiler), unless ``REVLOG_EXPLORER_KERNELS=c`` says they must be
there (CI builds them): then their absence fails.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType, SimpleNamespace

import pytest

from explorer.engine.format.kernels import POLICY_VARIABLE


def compiled_kernels() -> ModuleType | None:
    try:
        return importlib.import_module("explorer.engine.format._kernels")
    except ImportError:
        if os.environ.get(POLICY_VARIABLE) == "c":
            raise
        return None


def _kernel(pure: ModuleType, which: str) -> ModuleType:
    module = pure if which == "py" else compiled_kernels()
    if module is None:
        pytest.skip("the compiled kernels are not built (python setup.py build_ext -i)")
    return module


@pytest.fixture(scope="session", params=["py", "c"])
def kernel(request) -> ModuleType:
    """A module with ``apply_delta`` and ``apply_deltas``: the pure one, then the compiled."""
    from explorer.engine.format.pure import mpatch

    return _kernel(mpatch, request.param)


@pytest.fixture(scope="session", params=["py", "c"])
def differ(request) -> ModuleType:
    """A module with ``diff``: the pure one, then the compiled."""
    from explorer.engine.format.pure import bdiff

    return _kernel(bdiff, request.param)


@pytest.fixture(scope="session", params=["py", "c"])
def hg_differ(request) -> SimpleNamespace:
    """``storage_diff`` and ``textdiff`` (hg's deltas): the pure ones, then the compiled."""
    from explorer.engine.format.pure import hgdiff

    if request.param == "py":
        return SimpleNamespace(storage_diff=hgdiff.storage_diff, textdiff=hgdiff.textdiff)
    module = _kernel(hgdiff, "c")
    return SimpleNamespace(storage_diff=module.hg_storage_diff, textdiff=module.hg_textdiff)
