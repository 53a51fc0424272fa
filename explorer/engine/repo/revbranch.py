"""Every changeset's branch and whether it closes it, from hg's rev-branch cache where
hg would trust it, else from the changeset's text.

hg keeps the cache in ``.hg/cache``: ``rbc-names-v2`` holds the branch names (UTF-8,
separated by NUL bytes, each once: a name's position is its number) and
``rbc-revs-v2`` one 8-byte record a revision, ``>4sI``: the first 4 bytes of the
changeset's node, then the name's number with the top bit set when the changeset
closes its branch (``-v1`` files, the older name, are read when ``-v2`` names are
missing). hg reads a record only where the file holds all 8 bytes and:

* uses it when its node prefix is the changeset's;
* skips it (reading the text) when the prefix is four NUL bytes, a record not yet written;
* otherwise (history rewritten under the cache) truncates the cache there: this and
  every later revision come from texts;
* and when a used record numbers no name, drops the whole cache: that revision and
  every later one come from texts.

We apply those rules in revision order (hg's branch map asks for revisions in
ascending order), so every answer is the one hg's cache gives, whatever state the cache
is in; a consistent cache gives the texts' answers without reading a text. The checks
run over all records at once: node prefixes compared as byte strings, a chunk at a
time, so a million records cost a few copies, not a million Python steps.
"""

from __future__ import annotations

import os
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from ..revlog.revlog import Revlog
from ..store.discovery import read_optional

RECORD = 8
PREFIX = 4
CLOSE = 0x80000000
FILES = (("rbc-names-v2", "rbc-revs-v2"), ("rbc-names-v1", "rbc-revs-v1"))
_MISSING = b"\0" * PREFIX
_CHUNK = 1 << 16


@dataclass
class Branches:
    """Every changeset's branch number (into ``names``) and closing flag, by revision."""

    names: list[str]
    number: array  # array('i'), by revision
    closes: bytearray  # 1 where the changeset closes its branch


def read_cache(cache_dir: str) -> tuple[list[str], bytes]:
    """The names and records of hg's rev-branch cache (none when absent), as hg opens
    them: the ``-v1`` pair only when ``-v2`` names are missing; records only with names."""
    for names_file, revs_file in FILES:
        data = read_optional(os.path.join(cache_dir, names_file))
        if data is not None:
            if not data:
                return [], b""
            names = [raw.decode("utf-8", "surrogateescape") for raw in data.split(b"\0")]
            return names, read_optional(os.path.join(cache_dir, revs_file)) or b""
    return [], b""


def branches(changelog: Revlog, names: list[str], records: bytes,
             from_text: Callable[[int], tuple[str, bool]]) -> Branches:
    """Every changeset's branch: from ``records`` where hg would use them, else from
    ``from_text(rev)`` (the changeset's branch and closing flag)."""
    count = len(changelog)
    usable = min(len(records) // RECORD, count) if names else 0
    numbers, closes = _decode(records, usable)
    cached = _cached_revs(changelog.node_prefixes(PREFIX)[: PREFIX * usable], records, usable)
    out_of_range = _first_unnamed(numbers, cached, len(names))
    text_from = min(cached.stop, out_of_range)
    known = {name: i for i, name in reversed(list(enumerate(names)))}
    number = array("i", numbers[:text_from]) if text_from else array("i")
    flags = bytearray(closes[:text_from])
    if len(known) != len(names):  # a name twice: one number a name, as hg compares names
        number = array("i", (known[names[n]] if n < len(names) else 0 for n in number))
    all_names = list(names)

    def read(rev: int) -> None:
        name, closing = from_text(rev)
        if name not in known:
            known[name] = len(all_names)
            all_names.append(name)
        number[rev] = known[name]
        flags[rev] = closing

    for rev in cached.skipped:
        if rev < text_from:
            read(rev)
    number.extend(array("i", bytes(4 * (count - text_from))))
    flags.extend(bytes(count - text_from))
    for rev in range(text_from, count):
        read(rev)
    return Branches(all_names, number, flags)


@dataclass
class _Cached:
    stop: int  # records from here on are not used (truncated by hg)
    skipped: list[int]  # NUL-prefix records below ``stop``: read from text
    # (their numbers mean nothing: replaced before use)


def _cached_revs(nodes: bytes, records: bytes, usable: int) -> _Cached:
    """Which records hg uses: ``nodes`` holds each revision's 4-byte node prefix."""
    prefixes = bytearray(PREFIX * usable)
    with memoryview(records) as view:
        for byte in range(PREFIX):
            prefixes[byte::PREFIX] = view[byte : RECORD * usable : RECORD]
    stop = next((rev for rev in _differing(nodes, prefixes)
                 if prefixes[PREFIX * rev : PREFIX * rev + PREFIX] != _MISSING), usable)
    # hg tests for a NUL prefix first: even a node starting with four NUL bytes is read
    return _Cached(stop, list(_aligned(prefixes, _MISSING, PREFIX * stop)))


def _aligned(data: bytearray, pattern: bytes, end: int):
    """The indexes of the ``len(pattern)``-byte groups of ``data[:end]`` equal to
    ``pattern``, ascending."""
    at = data.find(pattern, 0, end)
    while at >= 0:
        if at % len(pattern) == 0:
            yield at // len(pattern)
            at = data.find(pattern, at + len(pattern), end)
        else:
            at = data.find(pattern, at + 1, end)


def _differing(a: bytes, b: bytearray):
    """The revisions whose 4-byte groups differ in ``a`` and ``b`` (equal lengths),
    ascending; equal chunks are skipped at C speed."""
    size = len(a)
    for start in range(0, size, _CHUNK):
        end = min(size, start + _CHUNK)
        if a[start:end] == b[start:end]:
            continue
        for at in range(start, end, PREFIX):
            if a[at : at + PREFIX] != b[at : at + PREFIX]:
                yield at // PREFIX


def _decode(records: bytes, usable: int) -> tuple[array, bytes]:
    """(name numbers, closing flags) of the first ``usable`` records."""
    raw = bytearray(4 * usable)
    with memoryview(records) as view:
        for byte in range(4):
            raw[byte::4] = view[PREFIX + byte : RECORD * usable : RECORD]
    top = bytes(raw[0::4])
    raw[0::4] = top.translate(_LOW7)
    numbers = array("i", raw)
    if sys.byteorder == "little":
        numbers.byteswap()
    return numbers, top.translate(_CLOSING)


_LOW7 = bytes(b & 0x7F for b in range(256))
_CLOSING = bytes(b >> 7 for b in range(256))


def _first_unnamed(numbers: array, cached: _Cached, count: int) -> int:
    """The first revision whose used record numbers no name (hg drops its whole cache
    there), or the end of the used records."""
    stop = cached.stop
    if not stop or max(numbers[:stop]) < count:
        return stop
    skipped = set(cached.skipped)
    return next((rev for rev in range(stop) if numbers[rev] >= count and rev not in skipped),
                stop)
