"""Repositories, written by hg, whose delta searches take every path ``debug-delta-find``
can print: parents (one, or both of a merge), snapshot searches with intermediate
levels refined down and up, the previous revision (generaldelta off, or no
sparse-revlog), deltas too big for their chain, span or depth, texts stored whole.

Each is small (a few dozen revisions per revlog) so that every revision can be
compared with hg under every ``--source``. They use zlib: the ``zstandard``
package bundles another zstd release than hg's, whose output may differ by a
byte. Revlogs are kept inline or split as hg leaves them; ``with_data_files``
gives hg an empty ``.d`` beside each inline index, without which hg 7.2.4
aborts (see ``explorer/reports/deltafind.py``).
"""

from __future__ import annotations

from pathlib import Path

from tests.hgrepos import History, binary_blob, edit_line, hg, text_lines

ZLIB = {"format.revlog-compression": "zlib"}

#: name -> (format options at init, options in .hg/hgrc that the search reads)
FORMATS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "sparse": (ZLIB, {}),
    "sparse-maxchainlen": (ZLIB, {"format.maxchainlen": "4"}),
    # a filelog delta expected not to compress at all: snapshots discarded on their size
    "sparse-ratio-1": (ZLIB, {"storage.filelog.expected-max-compression-ratio": "1"}),
    "tree-manifest": ({**ZLIB, "experimental.treemanifest": "yes"}, {}),
    "no-sparse-span": ({**ZLIB, "format.sparse-revlog": "no"},
                       {"experimental.maxdeltachainspan": "3000"}),
    "no-generaldelta": ({**ZLIB, "format.sparse-revlog": "no",
                         "format.usegeneraldelta": "no", "format.generaldelta": "no"}, {}),
}


def _rewrite(data: bytes, tag: str, every: int) -> bytes:
    """Every ``every``-th line of ``data`` replaced: an edit spread over the whole text."""
    for i in range(0, data.count(b"\n"), every):
        data = edit_line(data, i, f"{tag}.{i}")
    return data


def history() -> History:
    """Linear edits, a branch merged back twice, a file whose chain outgrows
    its text (snapshots, intermediate levels), a binary rewritten whole, a
    compressible text replaced by noise."""
    h = History()
    h.commit({"small.txt": text_lines("small", 0, 20), "wide.txt": text_lines("wide", 0, 300),
              "blob.bin": binary_blob("blob0", 3000)})
    for n in range(1, 13):
        changes = {"small.txt": edit_line(h.data("small.txt"), n, f"s{n}"),
                   f"sub/dir/f{n % 3}.txt": text_lines(f"f{n}", n, 5 + n),
                   "wide.txt": _rewrite(h.data("wide.txt"), f"w{n}", 7 + n % 5)}
        if n % 4 == 0:
            changes["blob.bin"] = binary_blob(f"blob{n}", 3000)
        h.commit(changes)
    default = side = h.tip
    for n in range(6):  # a named branch beside default, merged into it twice
        h.commit({"wide.txt": _rewrite(h.data("wide.txt", side), f"b{n}", 5 + n)},
                 parent=side, branch="side")
        side = h.tip
        h.commit({"wide.txt": edit_line(h.data("wide.txt", default), 3 * n, f"d{n}"),
                  "small.txt": edit_line(h.data("small.txt", default), n, f"d{n}")},
                 parent=default)
        default = h.tip
        if n in (2, 5):  # resolved by taking the side's text, edited: no repeated lines
            merged = edit_line(h.data("wide.txt", side), 1, f"m{n}")
            default = h.merge(default, side, resolve={"wide.txt": merged})
    # a text that compresses to almost nothing, edited, then replaced by noise: the
    # delta against its snapshot is discarded, the snapshot being too small for it
    h.commit({"flat.txt": b"A" * 20000})
    h.commit({"flat.txt": b"B" + b"A" * 20000})
    h.commit({"flat.txt": binary_blob("noise", 20000)})
    for n in range(13, 25):
        h.commit({"wide.txt": _rewrite(h.data("wide.txt"), f"w{n}", 3 + n % 7),
                  "small.txt": edit_line(h.data("small.txt"), n, f"s{n}")})
    return h


def build(root: Path, name: str) -> Path:
    """Repository ``name`` of ``FORMATS`` under ``root``, written by hg."""
    init, hgrc = FORMATS[name]
    path = root / name
    hg(root, "init", name, config=init)
    if hgrc:
        with open(path / ".hg" / "hgrc", "a") as f:
            for key, value in hgrc.items():
                section, name = key.split(".", 1)
                f.write(f"[{section}]\n{name} = {value}\n")
    history().apply(path, hgrc)
    return path


def with_data_files(repo: Path) -> None:
    """An empty ``.d`` beside every inline ``.i`` that has none (hg's command opens it)."""
    for index in (repo / ".hg" / "store").rglob("*.i"):
        data = index.with_suffix(".d")
        if not data.exists():
            data.touch()
