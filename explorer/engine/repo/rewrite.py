"""Rewriting history: strip changesets, censor a file revision.

Both run inside the repository's transaction: every file is backed up in the
journal before it is truncated or replaced, so a failure rolls back.

* ``strip`` removes a changeset and every later one, with the manifest and
  file revisions they introduced: each revlog is cut at its first revision
  linked to a stripped changeset. Revlogs whose later revisions are linked
  to kept changesets cannot be cut that way (Mercurial re-adds those from a
  bundle); we refuse rather than lose them.
  What names changesets beside the revlogs follows: the phase roots lose the
  stripped ones (``phases.PhaseRoots.strip``), ``moved_bookmarks`` moves the
  bookmarks on them to the newest surviving parent.
* ``censor`` replaces one file revision's content with a tombstone, keeping
  its node (its hash no longer matches: it is flagged censored). The filelog
  is rebuilt revision by revision; no later revision is stored as a delta
  against the tombstone, as Mercurial requires.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from typing import NamedTuple

from ..errors import RevlogError
from ..format.constants import REVIDX_ISCENSORED, REVLOG_V1
from ..payloads.filetext import censor_tombstone
from ..revlog.revlog import Revlog
from ..transaction import fileops
from ..transaction.transaction import Transaction
from .bookmarks import read_named_nodes


def moved_bookmarks(data: bytes, stripped: set[bytes], target: bytes,
                    known: Callable[[bytes], bool]) -> bytes:
    """The bookmarks with those on a stripped changeset moved to ``target``, as hg's
    strip moves them; hg then writes every bookmark it read (``read_named_nodes``: a
    line it cannot read, a node ``known`` refuses, dropped), sorted by name. Unchanged
    when no bookmark moves."""
    marks = {name.encode("utf-8", "surrogateescape"): node
             for name, node in read_named_nodes(data, known).items()}
    if not any(node in stripped for node in marks.values()):
        return data
    return b"".join(b"%s %s\n" % ((target if node in stripped else node).hex().encode(), name)
                    for name, node in sorted(marks.items()))


def cut_point(rl: Revlog, first_stripped: int) -> int:
    """The first revision of ``rl`` linked to a changeset >= ``first_stripped``."""
    for rev in range(len(rl)):
        if rl.entry(rev).link_rev >= first_stripped:
            later = [r for r in range(rev, len(rl)) if rl.entry(r).link_rev < first_stripped]
            if later:
                raise RevlogError(
                    f"{rl.name}: revisions {later[:5]} belong to kept changesets but come "
                    f"after stripped ones; this store needs hg strip")
            return rev
    return len(rl)


def truncate(repo, rl: Revlog, keep: int, tr) -> None:
    """Cut ``rl`` down to its first ``keep`` revisions (to an empty file when none remain)."""
    name = rl.name
    radix = name[:-2]
    if rl.docket is not None:
        _truncate_v2(repo, rl, keep, tr)
        return
    files = [name] if rl.inline else [name, radix + ".d"]
    for f in files:
        tr.add_backup(f)
    if keep == 0 and rl.kind == "filelog":  # hg's strip leaves it empty, out of the fncache
        repo.forget_file(name, radix + ".d")
    if rl.inline:
        fileops.truncate(rl.index_file, rl.entry_offset(keep) if keep < len(rl) else
                         os.path.getsize(rl.index_file))
    else:
        fileops.truncate(rl.index_file, keep * rl.entry_size)
        fileops.truncate(rl.data_path, rl.start(keep) if keep < len(rl) else rl.data_size())


def _truncate_v2(repo, rl: Revlog, keep: int, tr) -> None:
    """Cut a v2 revlog: the docket's ends move back, and the files are cut to them (hg
    verify counts bytes past a docket's end as damage). Every file is backed up."""
    docket = rl.docket
    radix = rl.name[:-2]
    files = [radix + suffix for suffix in (docket.index_suffix(), docket.data_suffix(),
                                           docket.sidedata_suffix())]
    for name in [rl.name, *files]:
        tr.add_backup(name)
    docket.index_end = docket.pending_index_end = keep * rl.entry_size
    docket.data_end = docket.pending_data_end = rl.start(keep) if keep < len(rl) else \
        docket.data_end
    if keep < len(rl):
        sidedata = rl.entry(keep).sidedata_offset
        docket.sidedata_end = docket.pending_sidedata_end = min(docket.sidedata_end, sidedata) \
            if sidedata else docket.sidedata_end
    tr.replace_file(rl.name, docket.serialize())
    for name, end in zip(files, (docket.index_end, docket.data_end, docket.sidedata_end)):
        path = repo.store.fs_path(name)
        if os.path.exists(path) and os.path.getsize(path) > end:
            fileops.truncate(path, end)


def censor(repo, path: str, rev: int, tombstone: bytes, tr) -> None:
    """Rebuild filelog ``path`` with revision ``rev``'s content replaced by a tombstone."""
    rl = repo.revlog(f"data/{path}.i")
    if rl.version != REVLOG_V1:
        raise RevlogError(f"{rl.name}: censoring is supported for revlog v1 filelogs")
    text = censor_tombstone(tombstone.decode("utf-8", "surrogateescape"))
    rows = []
    for r in range(len(rl)):
        e = rl.entry(r)
        raw = text if r == rev else rl.revision(r)
        flags = e.flags | REVIDX_ISCENSORED if r == rev else e.flags
        rows.append(Row(raw, e.node, e.p1, e.p2, e.link_rev, flags))
    replace_filelog(repo, rl, rows, tr)


class Row(NamedTuple):
    """One revision of a rebuilt filelog; ``copy_payload`` stores it as a light-weight
    copy (``format/copydelta.py``)."""

    raw: bytes
    node: bytes
    p1: int
    p2: int
    link: int
    flags: int
    copy_payload: bytes | None = None


def replace_filelog(repo, rl: Revlog, rows: list[Row], tr) -> None:
    """Replace v1 filelog ``rl`` whole with one holding ``rows``, inside ``tr``."""
    # rebuilt outside the store: a crash leaves nothing there for recover to explain
    with tempfile.TemporaryDirectory(prefix="revlog-explorer-rebuild-") as tmp:
        built = _rebuild(rl, rows, tmp, repo.store.copy_bases)
        names = (rl.name, rl.name[:-2] + ".d")
        for name in names:
            tr.add_backup(name)  # a .d that did not exist is removed on rollback
        for name, new in zip(names, built):
            real = repo.store.fs_path(name)
            if os.path.exists(new):
                fileops.copy(new, real)
            else:  # the rebuilt revlog is inline: no data file
                fileops.unlink(real)
        if os.path.exists(built[1]) and rl.inline:
            # the rebuilt revlog got too big to stay inline: register its data file
            repo.note_new_file(names[1])
        elif not os.path.exists(built[1]) and not rl.inline:
            repo.forget_file(names[1])  # it became inline: the data file is gone
    repo.forget_revlog(rl.name)


def _rebuild(rl: Revlog, rows: list[Row], tmp: str, copy_bases) -> tuple[str, str]:
    """Write ``rows`` as a new revlog under ``tmp``; ``copy_bases`` reads the bases of the
    light-weight copies among them (the writer's delta search may read their texts)."""
    index, data = os.path.join(tmp, "r.i"), os.path.join(tmp, "r.d")
    new = Revlog.open(index, data_path=data, name="r.i", kind="filelog", sparse=rl.sparse)
    new.use_copy_bases(copy_bases)
    new.write_config = dataclasses.replace(rl.write_config, on_new_file=None)
    with Transaction(tmp, lambda p: os.path.join(tmp, p), undo=False) as tr:
        for row in rows:
            new.add_revision(row.raw, row.p1, row.p2, row.link, tr, row.flags, node=row.node,
                             copy_payload=row.copy_payload)
    new.close()
    return index, data
