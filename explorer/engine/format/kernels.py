"""Which delta kernels serve, compiled or pure Python: chosen once, at import.

Mercurial's module policy, for our one extension: ``REVLOG_EXPLORER_KERNELS``
is ``auto`` (the default: the C extension when it was built, else the pure
modules), ``c`` (the extension or ``ImportError``) or ``py`` (pure Python even
when the extension is there). The extension is optional at install time: a
machine without a compiler gets the pure modules, with the same outputs and
the same errors, only slower.
"""

from __future__ import annotations

import os
from types import ModuleType

POLICY_VARIABLE = "REVLOG_EXPLORER_KERNELS"
POLICIES = ("auto", "c", "py")


def _load(policy: str) -> ModuleType | None:
    if policy not in POLICIES:
        raise ImportError(f"{POLICY_VARIABLE}={policy!r}: expected one of {', '.join(POLICIES)}")
    if policy == "py":
        return None
    try:
        from . import _kernels
    except ImportError:
        if policy == "c":
            raise
        return None
    return _kernels


policy = os.environ.get(POLICY_VARIABLE, "auto")
compiled: ModuleType | None = _load(policy)
"""The C extension, or None when the pure modules serve."""
name = "py" if compiled is None else "c"
"""``c`` or ``py``: which kernels serve (benchmarks and reports say which)."""
