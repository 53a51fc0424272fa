"""Which bytes of a revision mean what, in words: the hex pane's field map.

For the selected revision the hex pane shows three runs of bytes: its index
entry, its chunk as stored, and (when compressed) the chunk decompressed.
Each run is cut into named spans, every span with a sentence explaining its
value. Where each entry field sits comes from the engine
(``explorer.engine.format.fields``); the sentences are presentation and live here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import NamedTuple

from explorer.engine import CorruptionError, IndexEntry, Revlog
from explorer.engine.format.compression import chunk_kind
from explorer.engine.format.constants import (
    COMP_MODE_DEFAULT,
    COMP_MODE_INLINE,
    COMP_MODE_NAMES,
    COMP_MODE_PLAIN,
    REVISION_FLAG_NAMES,
    VERSION_NAMES,
    header_flag_names,
    revision_flag_names,
)
from explorer.engine.format.fields import HEADER_FIELD, LAYOUTS, header_overlaid
from explorer.engine.format.mpatch import PatchError, parse_hunks
from explorer.views.revlog_view import RevlogView

SHOWN = 64 * 1024  # bytes of a chunk shown; the rest is summarised


class Span(NamedTuple):
    """Bytes ``start`` to ``end`` (exclusive) of a section: one field."""

    start: int
    end: int
    name: str
    explain: str


class Section(NamedTuple):
    """A run of bytes from ``file`` at ``offset`` (None: not on disk), cut into spans."""

    title: str
    file: str
    offset: int | None
    data: bytes
    spans: list[Span]
    total: int  # the run's full length (``data`` may be cut to SHOWN)


def sections(view: RevlogView, rev: int) -> list[Section]:
    """Entry, stored chunk and (when compressed) decompressed chunk of ``rev``.

    A chunk that cannot be read becomes a section saying why; the entry is
    always shown, as its bytes are what a damaged revision is judged by.
    """
    rl = view.revlog
    with view.lock:
        out = [entry_section(rl, rev)]
        try:
            raw = rl.raw_chunk(rev)
        except CorruptionError as err:
            return out + [Section(f"chunk: cannot be read ({err.message})", rl.data_path,
                                  err.offset, b"", [], 0)]
        out.append(chunk_section(rl, rev, raw))
        if _compressed(rl, rev, raw):
            try:
                out.append(payload_section(rl, rev, rl.chunk(rev), "chunk decompressed"))
            except CorruptionError as err:
                out.append(Section(f"chunk decompressed: fails ({err.message})", "", None,
                                   b"", [], 0))
    return out


# -- index entry ---------------------------------------------------------------------


def entry_section(rl: Revlog, rev: int) -> Section:
    data = rl.entry_bytes(rev)
    e = rl.entry(rev)
    spans = []
    for f in LAYOUTS[rl.version]:
        start, end = f.start, f.start + f.size
        if rev == 0 and header_overlaid(rl.version) and f.name == "offset":
            spans.append(Span(0, HEADER_FIELD.size, "header", _header(data)))
            start = HEADER_FIELD.size
        explain = _FIELD_WORDS.get(f.name, lambda rl, e, raw: "")(rl, e, data[start:end])
        spans.append(Span(start, end, f.name.replace("_", " "), explain))
    title = f"index entry of rev {rev}: {len(data)} bytes ({VERSION_NAMES[rl.version]})"
    return Section(title, rl.index_path, rl.entry_offset(rev), data, spans, len(data))


def _header(data: bytes) -> str:
    word = int.from_bytes(data[:4], "big")
    version = word & 0xFFFF
    flags = header_flag_names(word & ~0xFFFF) or ["none"]
    return (f"The revlog header, 0x{word:08x}: format {VERSION_NAMES.get(version, version)}, "
            f"flags {', '.join(flags)}. It overlays the first four bytes of rev 0's offset, "
            "which is always 0 and so needs no room.")


def _offset(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    where = (f"In this inline revlog the chunk follows the entry, at byte "
             f"{rl.chunk_offset(e.rev)} of the .i file."
             if rl.inline else f"It is the byte position in {_name(rl.data_path)}.")
    return (f"Offset {e.offset}: where the chunk starts, counted in the data alone "
            f"(without index entries). {where}")


def _flags(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    if not e.flags:
        return "Revision flags 0x0000: none set (an ordinary revision)."
    names = revision_flag_names(e.flags)
    words = [_FLAG_MEANING.get(name, name) for name in names]
    return f"Revision flags 0x{e.flags:04x}: " + "; ".join(words) + "."


_FLAG_MEANING = {
    "censored": "censored (the content was replaced by a tombstone)",
    "ellipsis": "ellipsis (narrow clone: the hash does not match the data)",
    "extstored": "extstored (the text lives elsewhere, e.g. largefiles/lfs)",
    "has-copies-info": "has-copies-info (copy data in sidedata)",
    "has-meta": "has-meta (the text starts with a \\1\\n metadata header)",
    "delta-is-snapshot": "delta-is-snapshot (the writer marked this a snapshot)",
    "delta-has-quality": "delta-has-quality (the next bits rate the delta)",
    "delta-good": "delta-good",
    "delta-p1-small": "delta-p1-small (p1 gave the smaller delta)",
    "delta-p2-small": "delta-p2-small (p2 gave the smaller delta)",
    "copy-delta": "copy-delta (a light-weight copy: the chunk is a delta against a "
                  "revision of another filelog, named at its start)",
}
assert set(_FLAG_MEANING) == set(REVISION_FLAG_NAMES.values())


def _compressed_length(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    if e.compressed_length == 0:
        return "Compressed length 0: an empty chunk, the text equals its base's."
    return (f"Compressed length {e.compressed_length}: the chunk's size on disk, its "
            "compression header byte included.")


def _uncompressed_length(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    return (f"Uncompressed length {e.uncompressed_length}: the size of the revision's full "
            "text, not of its delta.")


def _base(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    if e.base == e.rev:
        return f"Base {e.base}: the revision itself, so it is stored whole (a full text)."
    if rl.generaldelta:
        return (f"Base {e.base}: with generaldelta this is the delta parent; the chunk is a "
                f"delta against rev {e.base}.")
    return (f"Base {e.base}: without generaldelta this is where the chain starts; the chunk "
            f"is a delta against the previous revision, {e.rev - 1}.")


def _link_rev(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    if rl.kind == "changelog":
        return f"Link rev {e.link_rev}: a changeset links to itself."
    return f"Link rev {e.link_rev}: the changeset (changelog rev) that introduced this revision."


def _parent(which: str) -> Callable[[Revlog, IndexEntry, bytes], str]:
    def words(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
        rev = e.p1 if which == "1" else e.p2
        stored = f" (stored as node {raw.hex()[:12]}…)" if len(raw) == 20 else ""
        if rev == -1:
            return f"Parent {which}: -1, none{stored}."
        return f"Parent {which}: rev {rev}{stored}."
    return words


def _node(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    return (f"Node {e.node.hex()}: sha1 of the two parent nodes (smaller first) and the "
            "text. It names the revision everywhere.")


def _padding(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    if any(raw):
        return "Padding, but NOT zero: nothing should write here (damage?)."
    return "Padding: zeros, room left for longer hashes."


def _sidedata_offset(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    return f"Sidedata offset {e.sidedata_offset}: where this revision's sidedata starts (.sda)."


def _sidedata_length(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    if not e.sidedata_length:
        return "Sidedata length 0: no sidedata."
    return f"Sidedata length {e.sidedata_length} bytes."


def _compression_modes(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    data = COMP_MODE_NAMES.get(e.data_compression_mode, "?")
    side = COMP_MODE_NAMES.get(e.sidedata_compression_mode, "?")
    return (f"Compression modes: data {data} (bits 0-1), sidedata {side} (bits 2-3). "
            "plain = stored raw, default = the docket's engine, inline = first byte says.")


def _rank(rl: Revlog, e: IndexEntry, raw: bytes) -> str:
    return f"Rank {e.rank}: how many revisions are ancestors of this one, itself included."


_FIELD_WORDS: dict[str, Callable[[Revlog, IndexEntry, bytes], str]] = {
    "offset": _offset,
    "flags": _flags,
    "compressed_length": _compressed_length,
    "uncompressed_length": _uncompressed_length,
    "base": _base,
    "link_rev": _link_rev,
    "p1": _parent("1"),
    "p2": _parent("2"),
    "node": _node,
    "padding": _padding,
    "sidedata_offset": _sidedata_offset,
    "sidedata_length": _sidedata_length,
    "compression_modes": _compression_modes,
    "rank": _rank,
}


# -- chunk -----------------------------------------------------------------------------


def _mode(rl: Revlog, rev: int) -> int:
    return rl.entry(rev).data_compression_mode if rl.docket is not None else COMP_MODE_INLINE


def _compressed(rl: Revlog, rev: int, raw: bytes) -> bool:
    return rl.chunk_compression(rev, raw) in ("zlib", "zstd")


def chunk_section(rl: Revlog, rev: int, raw: bytes) -> Section:
    title = f"chunk of rev {rev} as stored: {len(raw)} bytes"
    shown = raw[:SHOWN]
    mode = _mode(rl, rev)
    if not raw:
        spans = []
    elif mode == COMP_MODE_PLAIN:
        spans = _payload_spans(rl, rev, raw, 0, "stored raw (compression mode plain): no header")
    elif mode == COMP_MODE_DEFAULT:
        spans = [Span(0, len(shown), "compressed data",
                      f"Compressed with the docket's default engine "
                      f"({rl.docket.default_compression!r}), whose first byte is kept.")]
    else:
        spans = _inline_chunk_spans(rl, rev, raw)
    spans = [s._replace(end=min(s.end, len(shown))) for s in spans if s.start < len(shown)]
    return Section(title, rl.data_path, rl.chunk_offset(rev), shown, spans, len(raw))


def _inline_chunk_spans(rl: Revlog, rev: int, raw: bytes) -> list[Span]:
    kind = chunk_kind(raw)
    if kind == "zlib":
        return [
            Span(0, 2, "zlib header", "zlib header (CMF, FLG). Its first byte 'x' (0x78) is "
                 "also the revlog's compression mark: the whole chunk goes to zlib."),
            Span(2, max(2, len(raw) - 4), "deflate data", "The deflate-compressed bytes."),
            Span(max(2, len(raw) - 4), len(raw), "adler-32",
                 "Adler-32 checksum of the decompressed bytes: zlib checks it."),
        ]
    if kind == "zstd":
        return [
            Span(0, 4, "zstd magic", "zstd frame magic 28 b5 2f fd. Its first byte '(' is "
                 "also the revlog's compression mark: the whole chunk goes to zstd."),
            Span(4, 5, "frame header", "zstd frame header descriptor: which optional fields "
                 "follow (window, dictionary, content size)."),
            Span(5, len(raw), "zstd blocks", "The compressed blocks of the frame."),
        ]
    if kind == "uncompressed":
        head = Span(0, 1, "'u' mark", "'u' (0x75): stored uncompressed; this byte is dropped "
                    "and the rest is the data (compressing did not make it smaller).")
        return [head] + _payload_spans(rl, rev, raw[1:], 1, "")
    if kind == "none":
        return _payload_spans(rl, rev, raw, 0, "starts with NUL, so it is stored as is, "
                              "with no mark (no header byte starts with NUL)")
    return [Span(0, 1, "unknown mark", f"{raw[:1].hex()}: not a compression mark Mercurial "
                 "knows ('x' zlib, '(' zstd, 'u' uncompressed, NUL raw): damage?")]


def payload_section(rl: Revlog, rev: int, data: bytes, title: str) -> Section:
    spans = _payload_spans(rl, rev, data, 0, "")
    shown = data[:SHOWN]
    spans = [s._replace(end=min(s.end, len(shown))) for s in spans if s.start < len(shown)]
    return Section(f"{title}: {len(data)} bytes", "", None, shown, spans, len(data))


def _payload_spans(rl: Revlog, rev: int, data: bytes, at: int, how: str) -> list[Span]:
    """The data of a chunk: a full text, or a delta cut into its hunks."""
    how = f" ({how})" if how else ""
    base = rl.delta_parent(rev)
    if base == -1:
        return [Span(at, at + len(data), "full text", f"The revision's whole text{how}.")]
    try:
        hunks = parse_hunks(data, rl.raw_size(base))
    except (PatchError, CorruptionError) as err:
        return [Span(at, at + len(data), "delta", f"A delta against rev {base}{how}, "
                     f"but its hunks do not parse: {err}.")]
    spans = []
    for i, (start, end, pos, length) in enumerate(hunks, 1):
        h = at + pos - 12
        spans += [
            Span(h, h + 4, f"hunk {i} start", f"Hunk {i} of {len(hunks)} (delta against rev "
                 f"{base}{how}): replace the base from byte {start}…"),
            Span(h + 4, h + 8, f"hunk {i} end", f"…up to byte {end} ({end - start} bytes "
                 "of the base go)…"),
            Span(h + 8, h + 12, f"hunk {i} length", f"…with the {length} bytes that follow."),
            Span(h + 12, h + 12 + length, f"hunk {i} data", f"The {length} new bytes of "
                 f"hunk {i}."),
        ]
    return [s for s in spans if s.end > s.start]


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def file_label(rl: Revlog, file: str) -> str:
    """``file`` (a path on disk) named as the store names it: the revlog's unencoded
    store path for its ``.i``, and a sibling (``.d``, a v2 ``-uid.idx``…) by the same
    name, so two ``core.py.i`` of different directories are told apart and nothing
    shown depends on where the repository sits."""
    index = rl.index_file
    if file == index:
        return rl.name
    stem, base = os.path.basename(index)[:-2], os.path.basename(file)
    if rl.name.endswith(".i") and os.path.dirname(file) == os.path.dirname(index) \
            and base[:len(stem) + 1] in (stem + ".", stem + "-"):
        return rl.name[:-2] + base[len(stem):]
    return base
