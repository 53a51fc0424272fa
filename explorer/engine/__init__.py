"""A pure-Python implementation of Mercurial's revlog storage format.

Importing this package loads no UI code (Textual, Rich): scripts, notebooks
and the TUI all use the same engine.
"""

from importlib import import_module
from typing import TYPE_CHECKING

from .errors import (
    AmbiguousPrefixError,
    CorruptionError,
    LockError,
    LookupError,
    RevlogError,
    StoreError,
    TransactionError,
    UnsupportedFormatError,
)
from .format.constants import NULL_NODE, NULL_REV

if TYPE_CHECKING:
    from .format.index import IndexEntry
    from .format.nodeid import hash_revision
    from .repo.repo import Repo
    from .repo.store import Store
    from .revlog.revlog import Revlog
    from .transaction.transaction import Transaction
    from .verify.problems import Problem
    from .verify.run import verify_store

# The rest of the API is imported when first used (PEP 562): a program that reads
# one revlog, or the explorer showing its first frame, does not pay for the
# writer, the transactions and verify.
_LAZY = {
    "IndexEntry": ".format.index",
    "hash_revision": ".format.nodeid",
    "Repo": ".repo.repo",
    "Store": ".repo.store",
    "Revlog": ".revlog.revlog",
    "Transaction": ".transaction.transaction",
    "Problem": ".verify.problems",
    "verify_store": ".verify.run",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "IndexEntry",
    "NULL_NODE",
    "NULL_REV",
    "Problem",
    "Repo",
    "Revlog",
    "Store",
    "Transaction",
    "hash_revision",
    "verify_store",
    "AmbiguousPrefixError",
    "CorruptionError",
    "LockError",
    "LookupError",
    "RevlogError",
    "StoreError",
    "TransactionError",
    "UnsupportedFormatError",
]
