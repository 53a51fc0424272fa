"""Deliberate damage: each kind of fault a store meets in the wild, made on purpose.

Used to teach what damage looks like (the explorer's "inject a fault"
action, ``revlog-explorer break``) and to test that verify pinpoints it. A
fault is *planned* first from the intact revlog (which bytes, in which file,
and what they become), then *applied* once the revlog is closed, because an
index may be memory-mapped and must not change under its reader.

Kinds (``KINDS`` holds their one-line descriptions):

==================  =============================================================
flip-bit            one bit flipped in the middle of the revision's chunk
truncate-data       the file holding the chunk cut inside the revision's chunk
truncate-index      the index cut inside the revision's entry
zero-tail           everything from the revision's chunk (inline: entry) zeroed
wrong-node          the last byte of the revision's node changed
bad-compression     the chunk's compression header byte replaced by 0xfe
base-past-rev       the delta base set past the revision
parent-out-of-range p1 set past the last revision (v0: to a node not in the revlog)
overlap-offsets     the revision's data offset set to its predecessor's
lost-journal        a transaction killed mid-write: a partial revision appended and
                    the journal left behind
==================  =============================================================
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from ..errors import RevlogError
from ..format.constants import CHANGELOG_V2, REVLOG_V0
from ..format.fields import field, has_field
from ..format.reading import read_at
from ..revlog.revlog import Revlog
from ..transaction.journal import BACKUP_SUFFIX, BACKUP_VERSION, JOURNAL, format_entry

KINDS: dict[str, str] = {
    "flip-bit": "one bit flipped in the middle of the revision's chunk",
    "truncate-data": "the file holding the chunk cut inside the revision's chunk",
    "truncate-index": "the index cut inside the revision's entry",
    "zero-tail": "the data file zeroed from the revision's chunk (inline: entry) to its end",
    "wrong-node": "the last byte of the revision's node changed",
    "bad-compression": "the chunk's compression header byte replaced by 0xfe",
    "base-past-rev": "the delta base set past the revision",
    "parent-out-of-range": "p1 set past the last revision",
    "overlap-offsets": "the data offset set to the previous revision's",
    "lost-journal": "a partial revision appended and the journal left behind",
}

_INT = struct.Struct(">i")


class FaultError(RevlogError):
    """The fault asked for cannot be made on this revision or revlog."""


@dataclass(frozen=True)
class Edit:
    """One change to one file: write ``data`` at ``offset``, or cut the file there."""

    file: str
    offset: int
    data: bytes = b""
    truncate: bool = False
    create: bool = False  # write a new file holding ``data``


@dataclass(frozen=True)
class Fault:
    """A fault made (or planned): where it is and what it changed.

    ``file``/``offset`` name the first damaged byte (the new end of a cut
    file); ``field`` the index field or "chunk" it is in.
    """

    kind: str
    path: str
    file: str
    rev: int | None
    offset: int
    field: str | None
    description: str
    edits: tuple[Edit, ...] = ()


def plan(rl: Revlog, kind: str, rev: int, *, path: str | None = None,
         store_dir: str | None = None, bit: int = 2) -> Fault:
    """What ``kind`` of damage to revision ``rev`` of ``rl`` changes, without changing it.

    ``path`` is the revlog's unencoded store path (default: its name);
    ``store_dir`` is needed by ``lost-journal``, which writes a journal there.
    """
    if kind not in KINDS:
        raise FaultError(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
    if not len(rl):
        raise FaultError(f"{rl.name} has no revisions")
    if not 0 <= rev < len(rl):
        raise FaultError(f"{rl.name} has no revision {rev} (0..{len(rl) - 1})")
    path = path or rl.name
    planner = _PLANNERS[kind]
    if kind == "lost-journal":
        if store_dir is None:
            raise FaultError("lost-journal needs the store the revlog belongs to")
        return planner(rl, rev, path, store_dir)
    return planner(rl, rev, path, bit) if kind == "flip-bit" else planner(rl, rev, path)


def apply(fault: Fault) -> Fault:
    """Make the planned changes on disk (the revlog they came from must be closed); a
    file system that refuses them (read-only, no permission) is a ``FaultError``."""
    for edit in fault.edits:
        try:
            _apply(edit)
        except OSError as err:
            raise FaultError(f"cannot damage {edit.file}: {err.strerror}") from None
    return fault


def _apply(edit: Edit) -> None:
    if edit.create:
        with open(edit.file, "wb") as f:
            f.write(edit.data)
    elif edit.truncate:
        os.truncate(edit.file, edit.offset)
    else:
        with open(edit.file, "r+b") as f:
            f.seek(edit.offset)
            f.write(edit.data)


def inject(rl: Revlog, kind: str, rev: int, **options) -> Fault:
    """Plan ``kind`` on ``rl``, close ``rl`` and damage its files."""
    fault = plan(rl, kind, rev, **options)
    rl.close()
    return apply(fault)


# -- planners ------------------------------------------------------------------------


def _chunk(rl: Revlog, rev: int) -> tuple[int, int]:
    """(position, length) of the revision's chunk; refuses an empty one."""
    length = rl.length(rev)
    if length <= 0:
        raise FaultError(f"rev {rev} of {rl.name} has an empty chunk: choose another revision")
    return rl.chunk_offset(rev), length


def _read(file: str, offset: int, size: int) -> bytes:
    """The bytes a fault replaces (a FIFO or device is refused, never waited on)."""
    return read_at(file, offset, size)


def _make(kind: str, rl: Revlog, rev: int | None, path: str, file: str, offset: int,
          where: str | None, description: str, *edits: Edit) -> Fault:
    return Fault(kind, path, file, rev, offset, where, description, tuple(edits))


def _flip_bit(rl: Revlog, rev: int, path: str, bit: int) -> Fault:
    pos, length = _chunk(rl, rev)
    at = pos + length // 2
    old = _read(rl.data_path, at, 1)[0]
    new = old ^ (1 << (bit % 8))
    return _make("flip-bit", rl, rev, path, rl.data_path, at, "chunk",
                 f"bit {bit % 8} of byte {at} flipped ({old:#04x} -> {new:#04x})",
                 Edit(rl.data_path, at, bytes([new])))


def _truncate_data(rl: Revlog, rev: int, path: str) -> Fault:
    pos, length = _chunk(rl, rev)
    cut = pos + max(1, length // 2)
    return _make("truncate-data", rl, rev, path, rl.data_path, cut, "chunk",
                 f"{os.path.basename(rl.data_path)} cut to {cut} bytes, inside rev {rev}'s chunk",
                 Edit(rl.data_path, cut, truncate=True))


def _truncate_index(rl: Revlog, rev: int, path: str) -> Fault:
    cut = rl.entry_offset(rev) + rl.entry_size // 2
    return _make("truncate-index", rl, rev, path, rl.index_path, cut, "entry",
                 f"{os.path.basename(rl.index_path)} cut to {cut} bytes, inside rev {rev}'s entry",
                 Edit(rl.index_path, cut, truncate=True))


def _zero_tail(rl: Revlog, rev: int, path: str) -> Fault:
    start = rl.entry_offset(rev) if rl.inline else _chunk(rl, rev)[0]
    size = os.path.getsize(rl.data_path)
    if size <= start:
        raise FaultError(f"nothing to zero after byte {start} of {rl.data_path}")
    return _make("zero-tail", rl, rev, path, rl.data_path, start, "entry" if rl.inline else "chunk",
                 f"bytes {start}..{size - 1} of {os.path.basename(rl.data_path)} zeroed",
                 Edit(rl.data_path, start, bytes(size - start)))


def _entry_field(rl: Revlog, rev: int, name: str) -> int:
    """Filesystem position of field ``name`` of entry ``rev``."""
    if not has_field(rl.version, name):
        raise FaultError(f"{rl.format_description()} entries have no {name} field")
    return rl.entry_offset(rev) + field(rl.version, name).start


def _wrong_node(rl: Revlog, rev: int, path: str) -> Fault:
    at = _entry_field(rl, rev, "node") + 19
    old = rl.node(rev)[19]
    return _make("wrong-node", rl, rev, path, rl.index_path, at, "node",
                 f"last byte of rev {rev}'s node changed ({old:#04x} -> {old ^ 0xFF:#04x})",
                 Edit(rl.index_path, at, bytes([old ^ 0xFF])))


def _bad_compression(rl: Revlog, rev: int, path: str) -> Fault:
    pos, _ = _chunk(rl, rev)
    return _make("bad-compression", rl, rev, path, rl.data_path, pos, "chunk",
                 f"compression header of rev {rev}'s chunk replaced by 0xfe",
                 Edit(rl.data_path, pos, b"\xfe"))


def _int_field(kind: str, rl: Revlog, rev: int, path: str, name: str, value: int,
               description: str) -> Fault:
    at = _entry_field(rl, rev, name)
    return _make(kind, rl, rev, path, rl.index_path, at, name, description,
                 Edit(rl.index_path, at, _INT.pack(value)))


def _base_past_rev(rl: Revlog, rev: int, path: str) -> Fault:
    if rl.version == CHANGELOG_V2:
        raise FaultError("changelog-v2 entries store no delta base")
    base = rev + 1
    return _int_field("base-past-rev", rl, rev, path, "base", base,
                      f"delta base of rev {rev} set to {base}")


def _parent_out_of_range(rl: Revlog, rev: int, path: str) -> Fault:
    if rl.version == REVLOG_V0:
        at = _entry_field(rl, rev, "p1")
        node = bytes(range(0xE0, 0xF4))
        return _make("parent-out-of-range", rl, rev, path, rl.index_path, at, "p1",
                     f"p1 of rev {rev} set to node {node.hex()}, which is in no entry",
                     Edit(rl.index_path, at, node))
    parent = len(rl) + 7
    return _int_field("parent-out-of-range", rl, rev, path, "p1", parent,
                      f"p1 of rev {rev} set to {parent}, past the last revision")


def _overlap_offsets(rl: Revlog, rev: int, path: str) -> Fault:
    if rev == 0:
        raise FaultError("rev 0 has no predecessor to overlap: choose rev 1 or later")
    start = rl.start(rev - 1)
    at = _entry_field(rl, rev, "offset")
    if rl.version == REVLOG_V0:
        data = _INT.pack(start)
    else:
        data = ((start << 16) | rl.flags(rev)).to_bytes(8, "big")  # flags kept
    return _make("overlap-offsets", rl, rev, path, rl.index_path, at, "offset",
                 f"data offset of rev {rev} set to {start}, rev {rev - 1}'s",
                 Edit(rl.index_path, at, data))


def _lost_journal(rl: Revlog, rev: int, path: str, store_dir: str) -> Fault:
    """The state a killed commit leaves: the data of a new revision appended, half of
    its entry written, and the journal that says how to undo it still there."""
    index_size = os.path.getsize(rl.index_path)
    half_entry = rl.entry_bytes(rev)[: rl.entry_size // 2]
    edits = [Edit(rl.index_path, index_size, half_entry)]
    journal = [format_entry(path, index_size)]
    if not rl.inline and rl.docket is None:
        data_size = os.path.getsize(rl.data_path)
        edits.insert(0, Edit(rl.data_path, data_size, rl.raw_chunk(rev)))
        journal.insert(0, format_entry(path[:-2] + ".d", data_size))
    edits.append(Edit(os.path.join(store_dir, JOURNAL), 0, b"".join(journal), create=True))
    edits.append(Edit(os.path.join(store_dir, JOURNAL + BACKUP_SUFFIX), 0,
                      b"%d\n" % BACKUP_VERSION, create=True))
    return _make("lost-journal", rl, None, path, rl.index_path, index_size, "entry",
                 f"half an entry appended to {os.path.basename(rl.index_path)} at byte "
                 f"{index_size} (a copy of rev {rev}'s) and the journal left behind",
                 *edits)


_PLANNERS = {
    "flip-bit": _flip_bit,
    "truncate-data": _truncate_data,
    "truncate-index": _truncate_index,
    "zero-tail": _zero_tail,
    "wrong-node": _wrong_node,
    "bad-compression": _bad_compression,
    "base-past-rev": _base_past_rev,
    "parent-out-of-range": _parent_out_of_range,
    "overlap-offsets": _overlap_offsets,
    "lost-journal": _lost_journal,
}
