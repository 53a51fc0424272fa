"""Whether a repository may be written: refused before any transaction starts.

``Repo.open`` asks here, so every write (commit, strip, censor, and what the
command line and the TUI do through them) is refused up front, with the
reason, rather than failing halfway:

* a store whose requirements the engine does not write as Mercurial does
  (``store.requirements``);
* a store, or the ``.hg`` beside it, on a read-only file system or without
  write permission: the lock, the journal and the revlogs go in the first,
  the transaction's description, bookmarks and dirstate in the second.
"""

from __future__ import annotations

import os

from ..errors import StoreError
from ..store import requirements
from ..store.files import StoreFiles


def check_writable(store: StoreFiles) -> None:
    """Refuse (``StoreError``) to write ``store``."""
    requirements.check_writable(store.requirements)
    for directory in dict.fromkeys((store.store_dir, store.root)):
        _check_directory(directory)


def _check_directory(path: str) -> None:
    try:
        read_only = os.statvfs(path).f_flag & os.ST_RDONLY
    except OSError as err:
        raise StoreError(f"cannot write to {path}: {err.strerror}") from None
    if read_only:
        raise StoreError(f"cannot write to {path}: read-only file system")
    if not os.access(path, os.W_OK):
        raise StoreError(f"cannot write to {path}: permission denied")
