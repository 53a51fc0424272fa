"""``debugnodemap``: the persistent nodemap of the changelog or a manifest, as on disk.

hg gives a persistent nodemap (``<radix>.n`` docket, ``<radix>-<uid>.nd`` trie) to
the changelog and the manifests of a ``persistent-nodemap`` store, never to a
filelog: for those every action but ``--dump-new`` prints nothing. Like hg, we
refuse a revlog named by path, and an empty one ("cannot give path to non-revlog":
hg finds no storage and may not fall back to a path for this command).
``--metadata`` prints the docket, ``--dump-disk`` the trie bytes the docket
covers, ``--dump-new`` the trie hg would write now, and ``--check`` compares the
trie with the index (counts on stdout, each problem on stderr, exit status 1).
"""

from __future__ import annotations

from collections.abc import Iterator

from explorer.engine.format.nodemap import PersistentNodemap, nodemap_data
from explorer.reports.errors import ReportError
from explorer.reports.target import Target

ACTIONS = ("dump_new", "dump_disk", "check", "metadata")
FAILED = 1


def nodemap_output(target: Target, action: str | None) -> Iterator[str | bytes]:
    """What ``hg debugnodemap --ACTION`` prints for ``target``."""
    rl = target.revlog
    if target.kind == "path" or len(rl) == 0:
        raise ReportError("cannot give path to non-revlog")
    if action is None:
        raise ReportError("no action specified", FAILED)
    if action == "dump_new":
        yield nodemap_data([rl.node(r) for r in range(len(rl))])
        return
    persisted = rl.persisted_nodemap() if target.nodemap else None
    if persisted is None:
        return
    docket, data = persisted
    if action == "dump_disk":
        yield data
    elif action == "metadata":
        yield from metadata_lines(docket)
    else:
        yield from check_lines(target, data)


def metadata_lines(docket) -> Iterator[str]:
    yield f"uid: {docket.uid.decode('ascii')}\n"
    yield f"tip-rev: {docket.tip_rev}\n"
    yield f"tip-node: {docket.tip_node.hex()}\n"
    yield f"data-length: {docket.data_length}\n"
    yield f"data-unused: {docket.data_unused}\n"
    if docket.data_length == 0:
        raise ReportError("the nodemap docket says its data is empty (hg divides by zero)")
    yield f"data-unused: {docket.data_unused * 100.0 / docket.data_length:2.3f}%\n"


def check_lines(target: Target, data: bytes) -> Iterator[str]:
    """hg's ``check_data``: every revision in the trie, under its own node's path."""
    rl = target.revlog
    trie = PersistentNodemap(data, rl.name)
    yield f"revisions in index:   {len(rl)}\n"
    found = set(trie.revisions())
    yield f"revisions in nodemap: {len(found)}\n"
    problems = []
    for rev in range(len(rl)):
        if rev not in found:
            problems.append(f"revision missing from nodemap: {rev}")
        found.discard(rev)
        hit = trie.leaf(rl.node(rev).hex())
        if hit is None:
            problems.append(f"revision node does not match any entries: {rev}")
        elif hit != rev:
            problems.append(f"revision node does not match the expected revision: "
                            f"{rev} != {hit}")
    problems += [f"extra revisions in  nodemap: {rev}" for rev in sorted(found)]
    if problems:
        raise ReportError(f"nodemap check failed ({len(problems)} problems): {problems[0]}",
                          FAILED)
