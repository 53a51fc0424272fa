"""What the text pane shows: a revision decoded for its kind, or the delta that made it.

Changesets are shown field by field, manifests entry by entry with their
flags, file revisions with their copy metadata and then the content (a hex
dump when it is binary). The delta view lists the hunks of the revision's
own delta: which bytes of its base they replace and with what. The lines
that name another revision carry its link (``explorer.views.links``): the
changeset that introduced a revision, a changeset's manifest and files, a
manifest's entries, a copy's source. Parsing is the engine's; this module
only lays the results out as styled lines (``explorer.views.document``: plain
data, drawn by the TUI).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from explorer.engine import CorruptionError, Revlog
from explorer.engine.format.constants import REVIDX_ISCENSORED
from explorer.engine.format.mpatch import HUNK_HEADER_SIZE, PatchError, parse_hunks
from explorer.engine.payloads.filetext import copy_source, parse_meta, renamed
from explorer.engine.payloads.manifest import parse_manifest
from explorer.views.document import Block, Document, Line, message, ready, styled
from explorer.views.links import (
    NULL_NODE,
    Link,
    changed_file_link,
    changeset_link,
    copy_link,
    entry_link,
    manifest_link,
)
from explorer.views.revlog_view import RevlogView

LABEL = "bold cyan"
MUTED = "dim"
BAD = "bold red"
LINK = "underline"  # a run that leads somewhere: a click (or l) follows it
HUNK_LINES = 40  # lines shown of each side of a hunk before "… more"
FLAG_WORDS = {"": " ", "x": "x", "l": "l", "t": "t"}


def revision_document(view: RevlogView, rev: int) -> Document:
    """Revision ``rev`` decoded for the kind of its revlog, under a line about its hash."""
    rl = view.revlog
    with view.lock:
        text = rl.revision(rev)
        status = rl.hash_status(rev)
        e = rl.entry(rev)
    head = _hash_lines(rev, e.node.hex(), len(text), status)
    if view.ref.kind != "changelog":
        head.append(styled(("introduced by ", MUTED), (f"changeset {e.link_rev}", LINK),
                           ("  (its link rev)", MUTED), link=changeset_link(e.link_rev)))
    head.append(styled(""))
    if e.flags & REVIDX_ISCENSORED:
        return Document([ready(head + [styled("censored: the content was replaced by a "
                                              "tombstone", style=BAD)]), hexdump(text)])
    try:
        if view.ref.kind == "changelog":
            body = changeset_blocks(text)
        elif view.ref.kind == "manifest":
            body = manifest_blocks(text, view.name)
        else:
            body = file_blocks(text, p1_is_null=e.p1 == -1, flags=e.flags,
                               filelog_meta=rl.filelog_meta)
    except CorruptionError as err:
        body = [ready([styled(f"cannot decode this {view.ref.kind} text: {err.message}"
                              + (f" (at byte {err.offset})" if err.offset is not None else ""),
                              style=BAD), styled("")]), hexdump(text)]
    return Document([ready(head), *body])


def _hash_lines(rev: int, node: str, size: int, status: str) -> list[Line]:
    head = styled((f"rev {rev}", LABEL), f"  {size} bytes  node {node}")
    if status == "ok":
        check = styled(("hash ok: the node is sha1(parents + text)", "green"))
    elif status == "mismatch":
        check = styled(("hash MISMATCH: the node is not sha1(parents + text)", BAD))
    else:
        check = styled((f"hash not checkable ({status})", "yellow"))
    return [head, check]


# -- changesets --------------------------------------------------------------------


def changeset_blocks(text: bytes) -> list[Block]:
    from explorer.engine.payloads.changeset import parse_changeset  # not at start-up

    cs = parse_changeset(text)
    rows = [
        _field("manifest", cs.manifest.hex(), None if cs.manifest == NULL_NODE
               else manifest_link(cs.manifest)),
        _field("user", cs.user),
        _field("date", format_date(*cs.date)),
        _field("branch", cs.branch + ("  (closes its head)" if cs.closed else "")),
    ]
    rows += [_field("extra", f"{key}={value}") for key, value in sorted(cs.extra.items())
             if key not in ("branch", "close")]
    rows.append(_field("files", f"{len(cs.files)} touched"))
    rows += [styled("  ", (name, LINK), link=changed_file_link(name, cs.manifest))
             for name in cs.files]
    rows += [styled(""), styled("description", style=LABEL)]
    rows += [styled("  " + line) for line in cs.description.split("\n")]
    return [ready(rows)]


def _field(name: str, value: str, link: Link | None = None) -> Line:
    return styled((f"{name:<10}", LABEL), (value, LINK if link else ""), link=link)


def format_date(when: float, offset: int) -> str:
    """Like hg: local time of the committer, then the stored numbers."""
    local = time.gmtime(when - offset)
    sign = "-" if offset > 0 else "+"
    zone = f"{sign}{abs(offset) // 3600:02d}{abs(offset) % 3600 // 60:02d}"
    return f"{time.strftime('%Y-%m-%d %H:%M:%S', local)} {zone}  ({when} {offset})"


# -- manifests ---------------------------------------------------------------------


def manifest_blocks(text: bytes, path: str = "00manifest.i") -> list[Block]:
    """The entries of a manifest revision of the revlog at ``path`` (the root manifest
    or a directory's), each leading to the revision it names."""
    entries = list(parse_manifest(text))
    head = [styled((f"{len(entries)} entries", LABEL),
                   ("   flag: x executable, l symlink, t directory "
                    "(tree manifest); node: the file revision's, short", MUTED))]

    def line(i: int) -> Line:
        entry = entries[i]
        return styled((FLAG_WORDS.get(entry.flags, "?") + " ", "bold yellow"),
                      (entry.node.hex()[:12] + " ", MUTED),
                      (entry.path + ("/" if entry.is_tree else ""), LINK),
                      link=entry_link(path, entry))

    return [ready(head), Block(len(entries), line)]


# -- file revisions ----------------------------------------------------------------


def file_blocks(text: bytes, *, p1_is_null: bool, flags: int, filelog_meta: bool
                ) -> list[Block]:
    meta, start = parse_meta(text)
    head: list[Line] = []
    if meta is not None:
        head.append(styled(("metadata", LABEL), (f"  {start} bytes between two \\1\\n "
                                                 "markers, hashed with the text", MUTED)))
        head += [styled(("  " + key + ": ", "bold"), value) for key, value in meta.items()]
        if not meta:
            head.append(styled("  (empty: it escapes content that itself starts with \\1\\n)",
                               style=MUTED))
        source = renamed(text, p1_is_null=p1_is_null, flags=flags, filelog_meta=filelog_meta)
        recorded = copy_source(meta)
        if source is not None:
            head.append(styled("  copied from ", (source[0], LINK),
                               f" (its revision {source[1].hex()[:12]})", style="green",
                               link=copy_link(*source)))
        elif recorded is not None:
            head.append(styled("  copy recorded, but p1 is set: Mercurial does not report it",
                               style="yellow"))
        head.append(styled(""))
    content = text[start:]
    if is_binary(content):
        head.append(styled(("content", LABEL), (f"  {len(content)} bytes, binary", MUTED)))
        return [ready(head), hexdump(content)]
    lines = content.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    head.append(styled(("content", LABEL),
                       (f"  {len(content)} bytes, {len(lines)} lines"
                        + ("" if content.endswith(b"\n") or not content
                           else ", no newline at the end"), MUTED)))
    gutter = len(str(len(lines)))

    def line(i: int) -> Line:
        return styled((f"{i + 1:>{gutter}} ", MUTED), show_bytes(lines[i]))

    return [ready(head), Block(len(lines), line)]


def is_binary(data: bytes) -> bool:
    """Mercurial's rule of thumb: a NUL byte makes a file binary."""
    return b"\0" in data


def show_bytes(data: bytes) -> str:
    """Bytes as text: UTF-8 where it decodes, tabs expanded, controls made visible."""
    text = data.decode("utf-8", "backslashreplace").expandtabs(4)
    return "".join(c if c >= " " or c == "\t" else f"\\x{ord(c):02x}" for c in text)


def hexdump(data: bytes, width: int = 16) -> Block:
    def line(i: int) -> Line:
        chunk = data[i * width : (i + 1) * width]
        hexes = " ".join(f"{b:02x}" for b in chunk).ljust(3 * width - 1)
        ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        return styled((f"{i * width:08x}  ", MUTED), hexes, "  ", (ascii_, "cyan"))

    return Block((len(data) + width - 1) // width, line)


# -- deltas ------------------------------------------------------------------------


def delta_document(view: RevlogView, rev: int) -> Document:
    """The hunks of ``rev``'s own delta, each with the base bytes it replaces.

    The hunks are the delta's own bytes: they show even when the base text
    cannot be rebuilt (its side of each hunk is then unknown), and a delta
    damaged part way shows its hunks up to the damage."""
    rl = view.revlog
    with view.lock:
        base = rl.delta_parent(rev)
        if base == -1:
            size = len(rl.chunk(rev))
            return message(
                styled((f"rev {rev}", LABEL), " is stored whole: a full snapshot."),
                styled(f"Its chunk decompresses to the {size}-byte text itself; there is no "
                       "delta to apply."))
        delta = rl.chunk(rev)
        base_text, base_problem = _base_text(rl, base)
    base_length = len(base_text) if base_text is not None else _declared_size(rl, base)
    hunks, damage = _intact_hunks(delta, base_length)
    lines = [styled((f"rev {rev}", LABEL), f" = rev {base} + a delta of {len(hunks)} "
                    f"{'intact ' if damage else ''}hunk{'s' if len(hunks) != 1 else ''} "
                    f"({len(delta)} bytes)")]
    if base_problem is not None:
        lines.append(styled(f"The base, rev {base}, {base_problem}", style=BAD))
    if base_text is not None:
        removed = sum(end - start for start, end, _, _ in hunks)
        added = sum(length for *_, length in hunks)
        lines.append(styled(f"It replaces {removed} bytes of the {len(base_text)}-byte base "
                            f"with {added} new bytes.", style=MUTED))
    lines += [styled(f"Each hunk is a {HUNK_HEADER_SIZE}-byte header (start, end, length), "
                     "then its data.", style=MUTED), styled("")]
    for i, (start, end, at, length) in enumerate(hunks):
        lines.append(styled(
            (f"hunk {i + 1}", "bold yellow"),
            f"  at delta byte {at - HUNK_HEADER_SIZE}: base[{start}:{end}] "
            f"({end - start} bytes) becomes {length} bytes"))
        if base_text is not None:
            lines += _side("-", base_text[start:end], "red")
        lines += _side("+", delta[at : at + length], "green")
    if damage is not None:
        lines.append(styled((f"hunk {len(hunks) + 1}", BAD),
                            f"  at delta byte {damage.position}: damaged, {damage}; the "
                            f"{len(delta) - damage.position} bytes from there are not shown",
                            style=BAD))
    return Document([ready(lines)])


def _base_text(rl: Revlog, base: int) -> tuple[bytes | None, str | None]:
    """The base's text, and what is wrong with it: it cannot be rebuilt (no text), or it
    does not hash to its node (then the base bytes shown may be wrong)."""
    try:
        text = rl.revision(base)
        status = rl.hash_status(base)
    except (CorruptionError, PatchError) as err:
        why = err.message if isinstance(err, CorruptionError) else str(err)
        return None, f"cannot be rebuilt ({why}): the bytes each hunk replaces are unknown."
    if status == "mismatch":
        return text, ("does not hash to its node: the bytes shown as replaced may not be "
                      "the ones the delta was made against.")
    return text, None


def _declared_size(rl: Revlog, rev: int) -> int:
    """The size the index declares for a text (unbounded where the entry does not say)."""
    size = rl.entry(rev).uncompressed_length
    return size if size is not None and size >= 0 else sys.maxsize


def _intact_hunks(delta: bytes, base_length: int) -> tuple[list, PatchError | None]:
    """The hunks of ``delta`` up to the first damaged one, and that damage (or None)."""
    try:
        return parse_hunks(delta, base_length), None
    except PatchError as err:
        return parse_hunks(delta[: err.position], base_length), err


def _side(sign: str, data: bytes, style: str) -> Sequence[Line]:
    if not data:
        return []
    if is_binary(data):
        return [styled(f"{sign} {len(data)} binary bytes: {data[:24].hex(' ')}"
                       + (" …" if len(data) > 24 else ""), style=style)]
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    shown = [styled(f"{sign} {show_bytes(line)}", style=style) for line in lines[:HUNK_LINES]]
    if len(lines) > HUNK_LINES:
        shown.append(styled(f"  … {len(lines) - HUNK_LINES} more lines", style=MUTED))
    return shown
