"""Keeping a persistent nodemap current, as hg keeps it (``persistent-nodemap`` stores).

hg saves the node → revision trie of the changelog and the root manifest once
they are split from their index (an inline revlog is too small to need one).
Each transaction that changes such a revlog writes a whole new trie under a new
random name, ``<radix>-<uid>.nd``, then the docket ``<radix>.n`` naming it and
the tip it covers; the old data file goes once the transaction has committed.
(hg's C index writes the whole trie every time; only its Rust one appends.)
The trie's bytes are hg's; the uid is random, in hg too.
"""

from __future__ import annotations

import os
import re

from ..format.nodemap import NodemapDocket, nodemap_data, parse_nodemap_docket
from ..store.discovery import read_optional
from ..transaction import fileops
from ..transaction.transaction import Transaction

REQUIREMENT = "persistent-nodemap"
WITH_NODEMAP = ("00changelog", "00manifest")  # the radixes hg gives a nodemap


def persist(repo, radix: str, tr: Transaction) -> str | None:
    """Write a new trie and docket for revlog ``radix`` when it is split and the docket
    does not describe its tip; return the new data file's store path (None: nothing
    written)."""
    with repo.store.open_revlog(f"{radix}.i") as rl:  # as written, strips included
        if rl.inline or len(rl) == 0 or _is_current(repo, radix, rl):
            return None
        nodes = [rl.node(r) for r in range(len(rl))]
    data = nodemap_data(nodes)
    uid = os.urandom(4).hex().encode()
    name = f"{radix}-{uid.decode()}.nd"
    tr.add(name, 0)  # new: a rollback removes it
    fileops.write_file(repo.store.fs_path(name), data)
    docket = NodemapDocket(uid, len(nodes) - 1, len(data), 0, nodes[-1])
    tr.replace_file(f"{radix}.n", docket.serialize())
    return name


def remove_others(repo, radix: str, kept: str) -> None:
    """After the commit: every other data file of ``radix``'s nodemap (hg's cleanup)."""
    directory = os.path.dirname(repo.store.fs_path(kept))
    pattern = re.compile(rf"{re.escape(os.path.basename(radix))}-[0-9a-f]+\.nd")
    for name in os.listdir(directory):
        if pattern.fullmatch(name) and name != os.path.basename(kept):
            fileops.unlink(os.path.join(directory, name))


def _is_current(repo, radix: str, rl) -> bool:
    path = repo.store.fs_path(f"{radix}.n")
    raw = read_optional(path)
    docket = parse_nodemap_docket(raw, path) if raw else None
    tip = len(rl) - 1
    return docket is not None and docket.tip_rev == tip and docket.tip_node == rl.node(tip)
