"""The first pass of a revlog check: what the index promises, before any data is read.

Every entry is decoded and checked on its own and against its neighbours:
flags known, text size not negative, chunks contiguous and inside their
file, bases and parents earlier revisions, link revisions inside the
changelog, nodes unique, and the files' sizes matching the index. Nothing
here decompresses a chunk or applies a delta; that is ``revlog_contents``.

What is found goes into the ``RevlogCheck``: the decoded entries, the
revisions the content pass must not read (and why), and the damaged parent,
base and offset fields the content pass will try to explain from the hash.
"""

from __future__ import annotations

import os

from ..errors import CorruptionError
from ..format.constants import (
    CHANGELOG_V2,
    KNOWN_REVISION_FLAGS,
    NULL_NODE,
    NULL_REV,
    REVLOG_V0,
    REVLOG_V1,
)
from ..format.fields import has_field
from ..format.index import IndexEntry
from .problems import WARNING
from .revlog_check import BadOffset, RevlogCheck


def check_structure(check: RevlogCheck) -> None:
    """Decode every entry of ``check.rl`` and check it, its chunk's place and the file sizes.

    Most entries pass every check: one loop finds the few that may not
    (``_suspects``), and only those go through the checks one by one, in
    revision order, so the problems come out as if every entry had.
    """
    check.entries = _entries(check)
    check.nodes = _first_revs(check.entries)
    for rev, chain_base in _suspects(check).items():
        e = check.entries[rev]
        _check_flags(check, e)
        _check_size(check, e)
        _check_base(check, e, chain_base)
        _check_parents(check, e)
        _check_link(check, e)
        _check_node(check, e)
    _check_offsets(check)
    _check_sizes(check)


def _entries(check: RevlogCheck) -> list[IndexEntry | None]:
    """Every decoded entry, None (reported) where one cannot be trusted at all."""
    rl = check.rl
    if rl.version == REVLOG_V0:  # parents stored as nodes: decoding may fail
        return [_entry(check, rev) for rev in range(len(rl))]
    return [None if e.node == NULL_NODE and _zeroed(check, e.rev) else e
            for e in rl.entries()]


def _first_revs(entries: list[IndexEntry | None]) -> dict[bytes, int]:
    """node -> the first revision that has it (the null node left out: it is reported,
    not looked up). Built from the last revision back, so the first one written wins."""
    return {e.node: e.rev for e in reversed(entries)
            if e is not None and e.node != NULL_NODE}


def _suspects(check: RevlogCheck) -> dict[int, int]:
    """The revisions one of the per-entry checks may report on, in order, each with the
    chain base a non-generaldelta revision must name there (``_check_base``).

    Every check's condition is tested inline, in one loop without a call per
    entry: this loop is what every revision of a verify pays.
    """
    rl, nodes = check.rl, check.nodes
    gd, changelog = rl.generaldelta, rl.kind == "changelog"
    linked = has_field(rl.version, "link_rev")
    limit = (1 << 62) if check.changelog_size is None else check.changelog_size
    unknown = ~KNOWN_REVISION_FLAGS
    found: dict[int, int] = {}
    chain_base = NULL_REV
    for e in check.entries:
        if e is None:
            continue
        rev, base, link, ulen = e.rev, e.base, e.link_rev, e.uncompressed_length
        full = base == rev or base == NULL_REV
        if (e.flags & unknown or (ulen is not None and ulen < 0)
                or not NULL_REV <= base <= rev
                or (not gd and not full and base != chain_base and rev > 0)
                or not NULL_REV <= e.p1 < rev or not NULL_REV <= e.p2 < rev
                or ((link != rev and linked) if changelog else not 0 <= link < limit)
                or nodes.get(e.node) != rev):
            found[rev] = chain_base
        if full:
            chain_base = rev
    return found


def _entry(check: RevlogCheck, rev: int) -> IndexEntry | None:
    """The decoded entry of a v0 revlog, or None (reported) when it cannot be trusted.

    v0 stores parents as nodes, resolved on decode: one missing from the
    revlog is reported as a bad parent. An entry whose node is not null holds
    a non-zero byte: only the others are looked at byte by byte."""
    rl = check.rl
    try:
        e = rl.entry(rev)
    except CorruptionError as err:
        if _zeroed(check, rev):
            return None
        check.skipped[rev] = check.report(
            "bad-parent", err.message, rev=rev, file=err.file, offset=err.offset,
            field_name="p1" if err.offset == rl.entry_offset(rev) + 16 else "p2",
            length=20)
        return None
    return None if e.node == NULL_NODE and _zeroed(check, rev) else e


def _zeroed(check: RevlogCheck, rev: int) -> bool:
    """True (and reported) when entry ``rev`` is all zero bytes."""
    rl = check.rl
    raw = rl.entry_bytes(rev)
    if raw.strip(b"\0"):
        return False
    check.skipped[rev] = check.report(
        "zeroed-entry", f"entry is {len(raw)} zero bytes", rev=rev,
        file=rl.index_path, offset=rl.entry_offset(rev), field_name="entry",
        length=len(raw), hint="a block of zeros: typical of a filesystem that lost "
                              "data after a crash")
    return True


def _check_flags(check: RevlogCheck, e: IndexEntry) -> None:
    unknown = e.flags & ~KNOWN_REVISION_FLAGS
    if unknown:
        check.report_field("bad-flags", e.rev, "flags", f"unknown revision flags {unknown:#06x}")


def _check_size(check: RevlogCheck, e: IndexEntry) -> None:
    """A negative text size is damage; reading would have no bound to hold to."""
    if e.uncompressed_length is not None and e.uncompressed_length < 0:
        check.skipped[e.rev] = check.report_field(
            "bad-size", e.rev, "uncompressed_length",
            f"the text size {e.uncompressed_length} is negative")


def _check_base(check: RevlogCheck, e: IndexEntry, chain_base: int) -> None:
    """Check the delta base (``chain_base``: the chain base a non-generaldelta revision
    must name, the last full text before it).

    A base that is no earlier revision goes into ``bad_bases``. In a
    generaldelta revlog the revision is also not read; without generaldelta
    the field is never read (Mercurial runs the chain back to the last full
    text), so the content pass reads it as Mercurial does.
    """
    rl, rev, base = check.rl, e.rev, e.base
    if rl.version == CHANGELOG_V2:
        return
    if not NULL_REV <= base <= rev:
        where = "past the revision" if base > rev else "not a revision"
        check.bad_bases[rev] = check.report_field(
            "bad-base", rev, "base", f"delta base {base} is {where}",
            hint="the delta chain cannot be followed from here")
        if rl.generaldelta:
            check.skipped[rev] = check.bad_bases[rev]
        return
    if base in (rev, NULL_REV):
        return
    if not rl.generaldelta and base != chain_base and rev > 0:
        check.report_field("bad-base", rev, "base",
                           f"delta base {base} is not where its chain starts "
                           f"(rev {chain_base})", severity=WARNING,
                           hint="non-generaldelta chains run back to the last full text; "
                                "Mercurial ignores this field there but other readers do not")


def _check_parents(check: RevlogCheck, e: IndexEntry) -> None:
    for name, p in (("p1", e.p1), ("p2", e.p2)):
        if not NULL_REV <= p < e.rev:
            where = "past the last revision" if p >= len(check.rl) else (
                "not an earlier revision" if p >= e.rev else "not a revision")
            problem = check.report_field(
                "bad-parent", e.rev, name, f"{name} is {p}, {where}",
                hint="Mercurial 7.2 aborts with a traceback on such an entry"
                if check.rl.kind == "changelog" else None)
            check.bad_parents.setdefault(e.rev, []).append(problem)


def _check_link(check: RevlogCheck, e: IndexEntry) -> None:
    rl, rev, link = check.rl, e.rev, e.link_rev
    if rl.kind == "changelog":
        if link != rev and has_field(rl.version, "link_rev"):
            check.report_field("bad-linkrev", rev, "link_rev",
                               f"changelog rev {rev} has link revision {link}, not itself")
        return
    limit = check.changelog_size
    if link < 0 or (limit is not None and link >= limit):
        check.report_field("bad-linkrev", rev, "link_rev",
                           f"rev {rev} points to nonexistent changeset {link}")


def _check_node(check: RevlogCheck, e: IndexEntry) -> None:
    if e.node == NULL_NODE:
        check.report_field("null-node", e.rev, "node", "node is the null id")
        return
    first = check.nodes.setdefault(e.node, e.rev)
    if first != e.rev:
        check.report_field("duplicate-node", e.rev, "node",
                           f"duplicate revision {e.rev} ({first}): both have node "
                           f"{e.node.hex()[:12]}")


def _check_offsets(check: RevlogCheck) -> None:
    """Chunks follow each other without gap or overlap, and stay inside their file."""
    rl = check.rl
    try:
        size: int | None = _data_file_size(check)
    except CorruptionError as err:
        size = None
        _data_unreadable(check, err)
    expected = 0
    esize = rl.entry_size if rl.inline else 0
    end = (1 << 62) if size is None else size  # None: the file is not read
    for rev, e in enumerate(check.entries):
        if e is None:
            continue
        start, clen = e.offset, e.compressed_length
        pos = start + (rev + 1) * esize  # where the chunk sits in its file
        if clen < 0:
            check.skipped[rev] = check.report_field("bad-length", rev, "compressed_length",
                                                    f"chunk length {clen} is negative")
            continue
        if start != expected and not (rev == 0 and rl.version == REVLOG_V1):
            if _misplaced(check, rev, start, expected) == "offset":
                expected += clen  # where the next chunk starts if only this offset is wrong
                if pos + clen > end:
                    _outside(check, rev, pos, clen, end)
                continue
        expected = start + clen
        if pos + clen > end:
            _outside(check, rev, pos, clen, end)


def _data_unreadable(check: RevlogCheck, err: CorruptionError) -> None:
    """One problem for a data file that is not read (a FIFO, a device): every revision
    with a chunk in it is skipped, for the same reason."""
    problem = check.report("unreadable", f"cannot read the data file: {err.message}",
                           file=err.file, field_name="data",
                           hint="no revision stored in it can be read")
    for e in check.entries:
        if e is not None and e.compressed_length:
            check.skipped.setdefault(e.rev, problem)


def _data_file_size(check: RevlogCheck) -> int:
    """Bytes really in the file holding the chunks (a v2 docket may promise more)."""
    rl = check.rl
    if rl.inline:
        return rl.data_size()
    try:
        actual = os.path.getsize(rl.data_path)
    except OSError:
        actual = 0
    return min(actual, rl.data_size())


def _misplaced(check: RevlogCheck, rev: int, start: int, expected: int) -> str:
    """Chunk ``rev`` does not start where the previous one ends: blame the field
    the next entry disagrees with, and say which ("offset" or "length")."""
    rl, entries = check.rl, check.entries
    nxt = rev + 1 < len(entries) and entries[rev + 1] is not None
    consistent_after = nxt and rl.start(rev + 1) == start + entries[rev].compressed_length
    if consistent_after and rev > 0 and entries[rev - 1] is not None:
        prev = entries[rev - 1]
        check.report_field(
            "bad-length", rev - 1, "compressed_length",
            f"chunk length {prev.compressed_length} ends at {expected}, but rev {rev} "
            f"starts at {start}")
        return "length"
    if start < expected:
        message = (f"chunk starts at {start}, inside the previous chunk (which ends at "
                   f"{expected})")
        kind = "overlapping-offsets"
    else:
        message = (f"chunk starts at {start}, {start - expected} bytes after the previous "
                   f"chunk ends ({expected})")
        kind = "offset-gap"
    check.bad_offsets[rev] = BadOffset(check.report_field(kind, rev, "offset", message), expected)
    return "offset"


def _outside(check: RevlogCheck, rev: int, pos: int, clen: int, size: int) -> None:
    """The chunk, at ``pos`` in its file, runs past its end (``size`` bytes): it is not
    read."""
    rl = check.rl
    name = os.path.basename(rl.data_path)
    check.skipped[rev] = check.report(
        "chunk-outside-file", f"chunk of {clen} bytes at {pos} runs past the end of {name} "
        f"({size} bytes)", rev=rev, file=rl.data_path, offset=min(pos, size),
        field_name="chunk", length=max(0, size - pos) if pos < size else 0,
        hint="the file was truncated (a crash, a full disk, a bad copy)")


def _check_hole(check: RevlogCheck, held: int) -> None:
    """The index file declares more bytes than it holds: past ``held`` it is a hole."""
    rl = check.rl
    try:
        size = os.path.getsize(rl.index_path)
    except OSError:
        return
    if rl.docket is not None:
        size = min(size, rl.docket.index_end)
    if size > held:
        check.report("sparse-file",
                     f"the index file is {size} bytes but holds data only up to byte {held}: "
                     f"the rest is a hole (a sparse file), read as no entries", file=rl.index_path,
                     offset=held, field_name="entry", length=size - held,
                     hint="a file extended without being written (truncate, a bad copy); "
                          "the entries before the hole are read")


def _check_sizes(check: RevlogCheck) -> None:
    """Bytes after the last entry, or after the last chunk (Mercurial's checksize)."""
    rl = check.rl
    held = rl.index_bytes
    trailing = rl.trailing_index_bytes
    if trailing:
        check.report("index-extra-bytes",
                     f"index contains {trailing} extra bytes (a partial entry for "
                     f"rev {len(rl)})", rev=len(rl), file=rl.index_path, offset=held - trailing,
                     field_name="entry", length=trailing,
                     hint="left by an interrupted write; hg recover (with the journal) "
                          "or truncating the file removes it")
    _check_hole(check, held)
    if rl.inline or not len(rl) or rl.docket is not None:
        return
    last = check.entries[-1]
    if last is None:
        return
    expected = rl.start(len(rl) - 1) + last.compressed_length
    try:
        actual = rl.data_size()
    except CorruptionError:
        return  # the data file is not read: reported by ``_check_offsets``
    if actual > expected:
        check.report("data-extra-bytes",
                     f"data length off by {actual - expected} bytes: the last chunk ends "
                     f"at {expected}", file=rl.data_path, offset=expected, field_name="data",
                     length=actual - expected,
                     hint="bytes appended by an interrupted transaction (or a lost index "
                          "entry)")
    elif actual < expected:
        check.report("data-short",
                     f"data length off by {actual - expected} bytes: the file ends at "
                     f"{actual}, the last chunk at {expected}", file=rl.data_path,
                     offset=actual, field_name="data", length=0)
