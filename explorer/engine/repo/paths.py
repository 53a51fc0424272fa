"""Which paths a commit may write: Mercurial's path auditor, and the manifest's rules.

A manifest naming ``.hg/x``, ``a/`` or a file beside a directory of the
same name passes ``hg verify``, but ``hg update`` aborts on it, so such a
commit is refused before anything is written, with hg's reason:

* ``audit`` is Mercurial's ``pathauditor`` (``pathutil.py``, without its
  file-system checks) and ``scmutil.checkfilename``: no trailing ``/``, no
  ``..``, no ``.hg`` (in any case, with the code points HFS+ ignores, or as a
  Windows short name) first or below, no newline or carriage return. We also
  refuse what hg's path normalization would have removed (``.`` and empty
  components) and a NUL, which ends a name in the manifest;
* ``check_clashes`` is the dirstate's rule when a file is added: a file
  cannot have the name of a directory of the result, nor sit below a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import RevlogError

# Code points HFS+ ignores in names (Mercurial's encoding._ignore): ".h\u200cg" is ".hg".
_HFS_IGNORED = [chr(int(x, 16)).encode() for x in (
    "200c 200d 200e 200f 202a 202b 202c 202d 202e 206a 206b 206c 206d 206e 206f feff").split()]
_HG_DIRS = (b".hg", b".hg.")
_SHORT_NAMES = (b"HG", b"HG8B6C")  # Windows 8.3 aliases of .hg: HG~1, HG8B6C~2


def audit(path: str) -> None:
    """Refuse ``path`` as a name to commit, with Mercurial's reason."""
    if not path:
        raise RevlogError("an empty path names no file")
    raw = path.encode("utf-8", "surrogateescape")
    _check_characters(raw)
    if raw.endswith(b"/"):
        raise RevlogError(f"path ends in directory separator: {path}")
    parts = raw.split(b"/")
    if _clean(parts[0]) in (*_HG_DIRS, b"") or any(p in (b"", b".", b"..") for p in parts):
        raise RevlogError(f"path contains illegal component: {path}")
    if any(_is_short_name(p) for p in parts):
        raise RevlogError(f"path contains illegal component: {path}")
    cleaned = [_clean(p) for p in parts]
    nested = next((i for i, p in enumerate(cleaned) if p in _HG_DIRS), None)
    if nested is not None:
        base = b"/".join(parts[:nested]).decode("utf-8", "surrogateescape")
        raise RevlogError(f"path '{path}' is inside nested repo '{base}'")


def _check_characters(raw: bytes) -> None:
    if b"\n" in raw or b"\r" in raw:
        raise RevlogError(f"'\\n' and '\\r' disallowed in filenames: {_quoted(raw)}")
    if b"\0" in raw:
        raise RevlogError(f"'\\0' disallowed in filenames (it ends a name in the manifest): "
                          f"{_quoted(raw)}")


def _quoted(raw: bytes) -> str:
    """A name as Mercurial's ``%r`` of bytes shows it: 'a\\nb'."""
    return repr(raw)[1:]


def _clean(part: bytes) -> bytes:
    """A component as Mercurial compares it with .hg: lower case, HFS+-ignored code
    points removed."""
    part = part.lower()
    if b"\xe2" in part or b"\xef" in part:
        for ignored in _HFS_IGNORED:
            part = part.replace(ignored, b"")
    return part


def _is_short_name(part: bytes) -> bool:
    first, tilde, last = part.partition(b"~")
    return bool(tilde) and last.isdigit() and first.upper() in _SHORT_NAMES


def check_clashes(manifest: Iterable[str], files: Mapping[str, bytes | None]) -> None:
    """Refuse a commit whose result would hold a file where a directory is, or below a
    file: ``manifest`` lists the parent's files, ``files`` the change (None removes)."""
    written = [p for p, content in files.items() if content is not None]
    result = set(manifest).difference(p for p, content in files.items() if content is None)
    result.update(written)
    directories = {d for p in result for d in _parents(p)}
    for path in sorted(written):
        if path in directories:
            raise RevlogError(f"directory '{path}' already in the manifest")
        clash = next((d for d in _parents(path) if d in result), None)
        if clash is not None:
            raise RevlogError(f"file '{clash}' in the manifest clashes with '{path}'")


def _parents(path: str) -> Iterable[str]:
    """The directories above ``path``: "a/b/c" -> "a", "a/b"."""
    end = path.find("/")
    while end != -1:
        yield path[:end]
        end = path.find("/", end + 1)
