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

__all__ = [
    "AmbiguousPrefixError",
    "CorruptionError",
    "LockError",
    "LookupError",
    "RevlogError",
    "StoreError",
    "TransactionError",
    "UnsupportedFormatError",
]
