"""A small history of copies and renames made by hg's own commands: renames on two
branches, a copy inside the merge that joins them, a rename of that copy with an edit,
and a copy of a copy's source that is itself a copy (a chain of copies)."""

from __future__ import annotations

import shutil
from pathlib import Path

from explorer.engine import Store
from tests.hgrepos import hg, text_lines

#: An hgrc making hg record copies in the changesets' extras only, not in filelogs.
CHANGESET_ONLY = ("[experimental]\ncopies.write-to = changeset-only\n"
                  "copies.read-from = changeset-only\n")


def build_renames(dest: Path, hgrc: str = "") -> Path:
    """Build the repository at ``dest`` with hg (``hgrc``: its .hg/hgrc); return its path."""
    hg(dest.parent, "init", dest.name)
    (dest / ".hg" / "hgrc").write_text(hgrc)

    def write(name: str, data: bytes) -> None:
        (dest / name).write_bytes(data)

    def run(*args: str) -> None:
        hg(dest, *args)

    write("a.txt", text_lines("a.txt", 1, 500))
    write("b.txt", text_lines("b.txt", 1, 300))
    write("small.txt", b"tiny\n")
    run("commit", "-A", "-m", "base", "-d", "0 0")
    run("mv", "a.txt", "a2.txt")
    run("commit", "-m", "rename on default", "-d", "1 0")
    run("update", "0")
    run("branch", "side")
    run("cp", "b.txt", "b2.txt")
    run("cp", "small.txt", "small2.txt")
    run("commit", "-m", "copies on side", "-d", "2 0")
    run("mv", "b.txt", "b3.txt")
    write("b3.txt", (dest / "b3.txt").read_bytes() + b"edited after the rename\n")
    run("commit", "-m", "rename on side, with an edit", "-d", "3 0")
    run("update", "default")
    run("merge", "side")
    run("cp", "a2.txt", "a3.txt")
    run("commit", "-m", "merge, with a copy", "-d", "4 0")
    run("mv", "a3.txt", "a4.txt")
    write("a4.txt", (dest / "a4.txt").read_bytes() + b"edited\n")
    run("cp", "b2.txt", "b5.txt")
    run("commit", "-m", "rename the copy; copy a copy", "-d", "5 0")
    return dest


def damaged_copy(renames: Path, dest: Path) -> Path:
    """A copy of the renames repository at ``dest`` with 50 bytes overwritten in the
    middle of ``a.txt``'s only chunk (the source of copies)."""
    shutil.copytree(renames, dest, symlinks=True)
    with Store.open(dest) as store, store.filelog("a.txt") as rl:
        at, index = rl.chunk_offset(0) + 20, rl.index_file
    with open(index, "r+b") as f:
        f.seek(at)
        f.write(b"\xff" * 50)
    return dest
