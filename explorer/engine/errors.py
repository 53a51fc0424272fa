"""The engine's one exception hierarchy.

Callers catch ``RevlogError`` for anything the engine refuses to do, and
``CorruptionError`` for damaged input. A corruption error always says where
the damage is: the file, the revision (when one is involved) and the byte
offset in that file, so a user can go straight to the broken bytes.
"""

from __future__ import annotations


class RevlogError(Exception):
    """Base of every error the engine raises on purpose."""


class CorruptionError(RevlogError):
    """Stored bytes do not follow the format.

    ``file`` is the filesystem path of the file holding the bad bytes,
    ``rev`` the revision being read (None for file-level damage such as a bad
    header) and ``offset`` the byte position in ``file`` where reading failed.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        rev: int | None = None,
        offset: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.rev = rev
        self.offset = offset
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.rev is not None:
            where.append(f"rev {self.rev}")
        if self.offset is not None:
            where.append(f"byte {self.offset}")
        if not where:
            return self.message
        return f"{', '.join(where)}: {self.message}"


class UnsupportedFormatError(CorruptionError):
    """The file declares a version or flag this engine does not know.

    It may be a newer format rather than damage; either way we refuse to guess.
    """


class LookupError(RevlogError, KeyError):  # noqa: A001 - mirrors hg's LookupError
    """A revision, node or prefix names nothing in the revlog.

    Also a ``KeyError`` so mapping-style callers can catch what they expect.
    """

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class AmbiguousPrefixError(LookupError):
    """A hex prefix matches more than one node."""


class StoreError(RevlogError):
    """A path is not a repository, store or revlog we can open."""


class LockError(RevlogError):
    """The store is locked by another writer."""


class TransactionError(RevlogError):
    """A write could not be journaled, committed or rolled back."""
