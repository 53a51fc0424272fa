"""Copies in a store, and light-weight copies written and undone.

A copy is a filelog revision whose metadata names a source (``copy`` and
``copyrev``), by Mercurial's rule (``payloads.filetext.renamed``: with a null
p1, or the ``REVIDX_HASMETA`` flag). ``find_copies`` lists them. A store may
also record copies in its changesets (``exp-copies-sidedata-changeset``: the
``FILES`` sidedata block, beside the filelog metadata hg 7.2 still writes;
``experimental.copies.write-to=changeset-only``: extras, and no filelog
metadata at all): ``changeset_copies`` reads those, ``all_copies`` merges both.
The conversions below go by filelog metadata only.

A light-weight copy (``format/copydelta.py``) stores such a revision as a delta
against its source's. ``light_payload`` decides: only when the payload is no
longer than the text and its compressed chunk is smaller than the full
text's. ``Repo.open(path, lightweight_copies=True)`` writes new copies that
way; ``convert`` rewrites a store's filelogs either way, each revision
keeping its node and text, and adds or removes the requirement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..errors import RevlogError
from ..format import bdiff
from ..format.compression import Compressor
from ..format.constants import NULL_REV, RAWTEXT_CHANGING_FLAGS, REVIDX_COPY_DELTA, REVLOG_V1
from ..format.copydelta import REQUIREMENT, pack_payload
from ..payloads.changeset import decode_changed_files, parse_changeset
from ..payloads.filetext import renamed
from ..payloads.manifest import Manifest, parse_manifest
from ..payloads.sidedata import SidedataKey, decode_sidedata
from ..revlog.revlog import Revlog
from ..store.files import StoreFiles
from .formats import split_requirements, write_config
from .rewrite import Row, replace_filelog

CHANGELOG_COPY_REQUIREMENTS = ("exp-copies-sidedata-changeset",)

# Called with (filelogs searched, filelogs to search) after each filelog: a long search
# shows how far it got, and a callback that raises stops it (a view closed meanwhile).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Copy:
    """Revision ``rev`` of filelog ``path`` copies ``source`` at ``source_node``."""

    path: str
    rev: int
    source: str
    source_node: bytes


def copy_source(rl: Revlog, rev: int) -> tuple[str, bytes] | None:
    """``(source, source node)`` when revision ``rev`` of filelog ``rl`` is a copy."""
    e = rl.entry(rev)
    if e.p1 != NULL_REV and not rl.filelog_meta:
        return None  # cannot carry copy metadata: no need to read the text
    return renamed(rl.revision(rev), p1_is_null=e.p1 == NULL_REV, flags=e.flags,
                   filelog_meta=rl.filelog_meta)


def filelog_paths(store: StoreFiles) -> list[str]:
    """The tracked paths of the store's filelogs, sorted."""
    return sorted(path[len("data/"):-2] for kind, path in store.revlog_paths()
                  if kind == "filelog")


def find_copies(store: StoreFiles, paths: list[str] | None = None,
                unreadable: list[tuple[str, int, RevlogError]] | None = None,
                progress: Progress | None = None) -> Iterator[Copy]:
    """Every copy recorded in the filelogs of ``store`` (of ``paths``: all by default).

    A revision that cannot be read (damage) raises, or with ``unreadable`` given is
    added to it as (path, rev, error) and the search goes on: whether it is a copy
    cannot be told. ``progress`` hears of each filelog searched."""
    paths = filelog_paths(store) if paths is None else paths
    for done, path in enumerate(paths):
        if progress is not None:
            progress(done, len(paths))
        with store.filelog(path) as rl:
            for rev in range(len(rl)):
                try:
                    found = copy_source(rl, rev)
                except RevlogError as exc:
                    if unreadable is None:
                        raise
                    unreadable.append((path, rev, exc))
                    continue
                if found is not None:
                    yield Copy(path, rev, found[0], found[1])


def changeset_copies_kept(store: StoreFiles) -> list[str]:
    """Why this store may record copies in its changesets (a requirement, hg's
    configuration), or nothing when it does not."""
    kept = [r for r in CHANGELOG_COPY_REQUIREMENTS if r in store.requirements]
    write_to = store.config.get("experimental", "copies.write-to")
    if write_to in ("changeset-only", "compatibility"):
        kept.append(f"experimental.copies.write-to={write_to}")
    return kept


def changelog_copies_note(store: StoreFiles) -> str | None:
    """What the copy list says of the copies this store may keep in its changesets, or
    None when it keeps none there."""
    kept = changeset_copies_kept(store)
    if not kept:
        return None
    if "treemanifest" in store.requirements:
        return (f"this store may record copies in its changesets ({', '.join(kept)}); with "
                "tree manifests those are not listed, only copies in filelog metadata are")
    return (f"this store may record copies in its changesets ({', '.join(kept)}): those are "
            "listed with the copies recorded in filelog metadata")


def changeset_copies(store: StoreFiles) -> Iterator[Copy]:
    """The copies the changesets record (the ``FILES`` sidedata block, else the
    ``p1copies``/``p2copies`` extras), each as the filelog revision the changeset's
    manifest gives the destination, its source's node from the parent's manifest.
    Flat manifests only (``changelog_copies_note`` says so for tree manifests)."""
    cl, ml = store.changelog, store.manifest
    for rev in range(len(cl)):
        text = cl.revision(rev)
        recorded = _recorded_copies(cl, rev, text)
        if not any(recorded):
            continue
        here = _manifest_of(cl, ml, rev, text)
        for copies, parent in zip(recorded, cl.parents(rev)):
            there = _manifest_of(cl, ml, parent) if copies else None
            for dest, source in sorted((copies or {}).items()):
                d, src = here.find(dest), there.find(source) if there is not None else None
                if d is None or src is None:
                    continue  # hg records it, but the manifests do not hold both files
                with store.filelog(dest) as rl:
                    yield Copy(dest, rl.rev(d.node), source, src.node)


def _recorded_copies(cl: Revlog, rev: int, text: bytes):
    """(p1 copies, p2 copies) a changeset records: sidedata first, then extras."""
    blob = cl.sidedata(rev)
    if blob:
        files = decode_sidedata(blob).get(SidedataKey.FILES)
        if files is not None:
            changed = decode_changed_files(files)
            return changed.p1_copies, changed.p2_copies
    entry = parse_changeset(text)
    return entry.p1copies, entry.p2copies


def _manifest_of(cl: Revlog, ml: Revlog, rev: int, text: bytes | None = None) -> Manifest:
    if rev == NULL_REV:
        return parse_manifest(b"")
    entry = parse_changeset(cl.revision(rev) if text is None else text)
    return parse_manifest(ml.revision(ml.rev(entry.manifest)))


def all_copies(store: StoreFiles, unreadable: list | None = None,
               progress: Progress | None = None) -> list[Copy]:
    """The copies of filelog metadata and, where the store may keep them there (flat
    manifests), of the changesets: each filelog revision once, in path then rev order.
    ``progress`` hears of the filelogs searched (``find_copies``)."""
    found = {(c.path, c.rev): c
             for c in find_copies(store, unreadable=unreadable, progress=progress)}
    if changeset_copies_kept(store) and "treemanifest" not in store.requirements:
        for c in changeset_copies(store):
            found.setdefault((c.path, c.rev), c)
    return [found[key] for key in sorted(found)]


def light_payload(text: bytes, source: str, source_node: bytes, source_text: bytes,
                  compressor: Compressor) -> bytes | None:
    """The payload storing ``text`` as a light-weight copy, or None when a full text is
    as small (or the payload longer than the text: the reader's size bound)."""
    payload = pack_payload(source, source_node, bdiff.diff(source_text, text))
    if len(payload) > len(text):
        return None
    if chunk_size(compressor, payload) >= chunk_size(compressor, text):
        return None
    return payload


def chunk_size(compressor: Compressor, data: bytes) -> int:
    """Bytes of the chunk storing ``data`` (header included)."""
    header, packed = compressor.compress(data)
    return len(header) + len(packed)


def store_compressor(store: StoreFiles, rl: Revlog | None = None) -> Compressor:
    """A compressor as the store would use for a new chunk of filelog ``rl`` (the one a
    ``Repo`` set up for it, else the store's own for filelogs)."""
    cfg = rl.write_config if rl is not None else None
    if cfg is None:
        cfg = write_config(store.requirements, "filelog", config=store.config)
    return Compressor(cfg.compression, cfg.level)


def lightweight_size(store: StoreFiles, copy: Copy, text: bytes, compressor: Compressor) -> int:
    """Bytes the chunk of ``copy`` (raw text ``text``) takes as a light-weight copy."""
    source_text = store.copy_bases.source_text(copy.source, copy.source_node)
    payload = pack_payload(copy.source, copy.source_node, bdiff.diff(source_text, text))
    return chunk_size(compressor, payload)


# -- conversions --------------------------------------------------------------------------

@dataclass
class Conversion:
    """What ``convert`` rewrote: revisions (path, rev) and the bytes their chunks took
    before and after."""

    revisions: list[tuple[str, int]]
    bytes_before: int = 0
    bytes_after: int = 0


def convert(repo, lightweight: bool) -> Conversion:
    """Rewrite every v1 filelog of ``repo`` holding copies: as light-weight copies
    where it saves bytes (``lightweight``), or back to full texts; then name the
    requirement (only when a copy was rewritten) or drop it. One transaction: a failure
    leaves the store as it was. The repository is closed afterwards."""
    done = Conversion([])
    recorded = _changeset_recorded(repo.store) if lightweight else {}
    with repo.transaction("convert-copies") as tr:
        for path in filelog_paths(repo.store):
            rl = repo.revlog(f"data/{path}.i")
            plan = _plan(repo, rl, path, lightweight, recorded)
            if not plan:
                continue
            before = sum(rl.length(rev) for rev in plan)
            replace_filelog(repo, rl, _rows(rl, plan), tr)
            after = repo.revlog(f"data/{path}.i")
            done.bytes_before += before
            done.bytes_after += sum(after.length(rev) for rev in plan)
            done.revisions.extend((path, rev) for rev in sorted(plan))
        if done.revisions or not lightweight:  # nothing light-weight: hg may keep reading it
            _set_requirement(repo, tr, lightweight)
    repo.close()
    return done


def _changeset_recorded(store: StoreFiles) -> dict[tuple[str, int], tuple[str, bytes]]:
    """(path, rev) -> (source, source node) of the copies only the changesets record
    (``experimental.copies.write-to=changeset-only`` leaves the filelogs no metadata):
    a light-weight copy names its source in its own chunk, so these convert too."""
    if not changeset_copies_kept(store) or "treemanifest" in store.requirements:
        return {}
    return {(c.path, c.rev): (c.source, c.source_node) for c in changeset_copies(store)}


def _plan(repo, rl: Revlog, path: str, lightweight: bool,
          recorded: dict[tuple[str, int], tuple[str, bytes]]) -> dict[int, bytes | None]:
    """The revisions of ``rl`` to rewrite, each with its payload (None: a full text);
    ``recorded``: the copies the changesets record (``_changeset_recorded``)."""
    if not lightweight:
        return {rev: None for rev in range(len(rl)) if rl.flags(rev) & REVIDX_COPY_DELTA}
    if rl.version != REVLOG_V1:
        return {}
    plan: dict[int, bytes | None] = {}
    compressor = store_compressor(repo.store, rl)
    for rev in range(len(rl)):
        if rl.delta_parent(rev) != NULL_REV or rl.flags(rev) & (
                RAWTEXT_CHANGING_FLAGS | REVIDX_COPY_DELTA):
            continue  # a copy stored as a delta already, or not a text of its own
        found = copy_source(rl, rev) or recorded.get((path, rev))
        if found is None:
            continue
        source_text = repo.store.copy_bases.source_text(*found)
        payload = light_payload(rl.revision(rev), *found, source_text, compressor)
        if payload is not None:
            plan[rev] = payload
    return plan


def _rows(rl: Revlog, plan: dict[int, bytes | None]) -> list[Row]:
    rows = []
    for rev in range(len(rl)):
        e = rl.entry(rev)
        rows.append(Row(rl.revision(rev), e.node, e.p1, e.p2, e.link_rev,
                        e.flags & ~REVIDX_COPY_DELTA, plan.get(rev)))
    return rows


def commit_payload(repo, flog: Revlog, text: bytes, source: str, source_node: bytes,
                   tr) -> bytes | None:
    """The payload storing a copy being committed as a light-weight copy (None: store it
    as usual); when there is one, the store is made to name the requirement in ``tr``."""
    if flog.version != REVLOG_V1:
        return None
    source_text = repo.store.copy_bases.source_text(source, source_node)
    compressor = store_compressor(repo.store, flog)
    payload = light_payload(text, source, source_node, source_text, compressor)
    if payload is not None:
        flog.use_copy_bases(repo.store.copy_bases)  # its delta search may read it back
        _set_requirement(repo, tr, True)
    return payload


def _set_requirement(repo, tr, present: bool) -> None:
    """Add or drop the requirement, in the file that holds the store's formats. The
    files are read again: a rolled-back transaction may have added it in memory only."""
    reqs = set(StoreFiles.open(repo.store.root).requirements)
    if (REQUIREMENT in reqs) == present:
        return
    if present:
        reqs.add(REQUIREMENT)
    else:
        reqs.discard(REQUIREMENT)
    working, in_store = split_requirements(reqs)
    if "share-safe" in reqs:
        tr.replace_file("requires", _lines(in_store))
    else:
        tr.replace_file("requires", _lines(working), "plain")


def _lines(reqs: set[str]) -> bytes:
    return "".join(f"{r}\n" for r in sorted(reqs)).encode()
