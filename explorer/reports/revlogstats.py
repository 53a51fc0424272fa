"""``debug-revlog-stats``: one line per revlog of the store, as hg lists them.

hg walks the store and sorts by kind (changelog, manifests, filelogs), then by
target (a manifest's directory, a filelog's path, as bytes). Each line is the
revision count, the data size (where the last revision's data ends; for a
revlog-v2 docket, the data end it records), whether the revlog is inline, its
kind and target. ``-c``, ``-m``, ``-f`` keep only those kinds (all without any).
"""

from __future__ import annotations

from collections.abc import Iterator

from explorer.engine import Revlog, Store
from explorer.engine.store.pathencode import to_bytes

HEADER = "rev-count   data-size inl type      target \n"
_KINDS = {"changelog": (0, "changelog"), "manifest": (1, "manifest"), "filelog": (2, "file")}


def stats_lines(store: Store, kinds: set[str] | None = None) -> Iterator[str | bytes]:
    """The header, then a line per revlog of one of ``kinds`` (None: every kind)."""
    yield HEADER
    rows = []
    for kind, path in store.revlog_paths():
        if kinds is None or kind in kinds:
            rows.append((_KINDS[kind][0], to_bytes(_target(kind, path)), kind, path))
    for _order, target, kind, path in sorted(rows):
        rl = store.open_revlog(path, kind)
        try:
            yield b"%9d%12d %-3s %-9s %s\n" % (len(rl), data_size(rl),
                                               b"yes" if rl.inline else b"no",
                                               _KINDS[kind][1].encode(), target)
        finally:
            if rl is not store.changelog and rl is not store.manifest:
                rl.close()


def data_size(rl: Revlog) -> int:
    """hg's ``_get_data_offset`` of the tip: the docket's data end, else the tip's end."""
    if rl.docket is not None:
        return rl.docket.data_end
    return rl.end(len(rl) - 1) if len(rl) else 0


def _target(kind: str, path: str) -> str:
    """hg's target id: "" for the changelog, the directory ("dir/", "" for the root)
    of a manifest, the tracked path of a filelog."""
    if kind == "changelog":
        return ""
    if kind == "manifest":
        return path[len("meta/"):-len("00manifest.i")] if path.startswith("meta/") else ""
    return path[len("data/"):-len(".i")]
