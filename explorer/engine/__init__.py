"""A pure-Python implementation of Mercurial's revlog storage format.

Importing this package loads no UI code (Textual, Rich): scripts, notebooks
and the TUI all use the same engine.
"""

from .constants import NULL_NODE, NULL_REV
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
from .index import IndexEntry
from .problems import Problem
from .repo import Repo
from .revlog import Revlog, hash_revision
from .store import Store
from .transaction import Transaction
from .verify import verify_store

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
