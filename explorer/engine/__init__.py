"""A pure-Python implementation of Mercurial's revlog storage format.

Importing this package loads no UI code (Textual, Rich): scripts, notebooks
and the TUI all use the same engine.
"""

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
from .format.index import IndexEntry
from .format.nodeid import hash_revision
from .repo.repo import Repo
from .repo.store import Store
from .revlog.revlog import Revlog
from .transaction.transaction import Transaction
from .verify.problems import Problem
from .verify.run import verify_store

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
