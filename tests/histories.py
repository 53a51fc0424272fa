"""Histories written both by Mercurial (memctx) and by our engine, to compare stores.

``long_history`` has everything the write path must get right: a file with a
1000-revision delta chain, a file past 128 KiB (its filelog gets split), binary
files, empty files, exec and symlink flags, copies and renames, a file whose
text starts with the metadata marker, named branches, a closed branch, and
merges where files change on both sides (filelogs with two parents).

``apply_ours`` commits a ``History`` through ``Repo.commit``.
"""

from __future__ import annotations

import os

from explorer.engine.repo.repo import Repo
from tests.hgrepos import History, binary_blob, edit_line, text_lines


def long_history(chain: int = 1000) -> History:
    h = History()
    h.commit({
        "chain.txt": text_lines("chain", 0, 1000),  # big enough for a 1000-long chain
        "big.txt": text_lines("big", 0, 8000, width=48),  # ~300 KiB, ~150 KiB compressed
        "assets/logo.png": binary_blob("logo"),
        "src/main.py": text_lines("main", 0, 120),
        "src/util.py": text_lines("util", 0, 80),
        "docs/empty.txt": b"",
        "bin/run.sh": b"#!/bin/sh\necho run\n",
        "meta.txt": b"\x01\nnot metadata, but looks like it\n",
    }, flags={"bin/run.sh": "x"}, message="initial import")
    h.commit({"link": b"src/main.py"}, flags={"link": "l"}, message="a symlink")
    for i in range(2, chain):
        _step(h, i)
    return h


def _step(h: History, i: int) -> None:
    changes: dict[str, bytes | None] = {"chain.txt": edit_line(h.data("chain.txt"), i * 7, i)}
    copies = {}
    if i % 11 == 0:
        changes["src/main.py"] = edit_line(h.data("src/main.py"), i, f"main{i}")
    if i % 97 == 0:
        changes["big.txt"] = edit_line(h.data("big.txt"), i * 13, f"big{i}")
    if i % 131 == 0:
        changes["assets/logo.png"] = binary_blob(("logo", i))
    if i % 173 == 0:
        copies[f"src/copy{i}.py"] = "src/util.py"
        changes[f"src/copy{i}.py"] = h.data("src/util.py") + b"# copied\n"
    if i % 251 == 0:
        name = f"src/moved{i}.py"
        copies[name] = "src/util.py"
        changes[name] = h.data("src/util.py")
        changes["src/util.py"] = None
        h.commit(changes, copies=copies, message=f"rename util at {i}")
        h.commit({"src/util.py": text_lines("util", i, 80)}, message=f"new util at {i}")
        return
    if i % 61 == 0:
        _merge_round(h, i)
    h.commit(changes, copies=copies, message=f"change {i}")


def _merge_round(h: History, i: int) -> None:
    """A side branch changing shared files, merged back (two-parent filelogs)."""
    fork = h.tip
    h.commit({"src/main.py": edit_line(h.data("src/main.py"), 3, f"trunk{i}")},
             message=f"trunk side of {i}")
    trunk = h.tip
    h.commit({"src/main.py": edit_line(h.data("src/main.py", fork), 90, f"side{i}"),
              f"side/file{i}.txt": text_lines("side", i, 20)},
             parent=fork, branch="side", message=f"side branch {i}")
    side = h.tip
    if i % 122 == 0:
        h.commit({"side/closed.txt": b"closing\n"}, parent=side, branch="side", close=True,
                 message=f"close side {i}")
        side = h.tip
    # both sides edited main.py (different lines): the merge keeps both edits
    both = edit_line(h.data("src/main.py", trunk), 90, f"side{i}")
    h.merge(trunk, side, resolve={"src/main.py": both}, branch="default")


def apply_ours(history: History, path: str | os.PathLike, **fmt) -> list[str]:
    """Commit ``history`` into a new repository at ``path`` with our engine; hex nodes."""
    repo = Repo.init(path, **fmt)
    nodes = []
    with repo, repo.transaction():
        for c in history.commits:
            nodes.append(commit_one(repo, c).hex())
    return nodes


def commit_one(repo: Repo, c) -> bytes:
    """One ``tests.hgrepos.Commit`` through ``Repo.commit``."""
    def s(b: bytes) -> str:
        return b.decode("utf-8", "surrogateescape")

    files = {s(p): (None if v is None else v[0]) for p, v in c.files.items()}
    flags = {s(p): v[1] for p, v in c.files.items() if v is not None}
    parents = (-1 if c.p1 is None else c.p1, -1 if c.p2 is None else c.p2)
    return repo.commit(files, c.message, c.user, (c.date, 0), parents=parents,
                       copies={s(k): s(v) for k, v in c.copies.items()}, flags=flags,
                       branch=c.branch, extra=c.extra)
