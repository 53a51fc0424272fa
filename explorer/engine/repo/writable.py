"""Whether a repository may be written: refused before any transaction starts.

``Repo.open`` asks here, so every write (commit, strip, censor, and what the
command line and the TUI do through them) is refused up front, with the
reason, rather than failing halfway: a store whose requirements the engine
does not write as Mercurial does (``store.requirements``).
"""

from __future__ import annotations

from ..store import requirements
from ..store.files import StoreFiles


def check_writable(store: StoreFiles) -> None:
    """Refuse (``StoreError``) to write ``store``."""
    requirements.check_writable(store.requirements)
