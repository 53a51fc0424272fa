"""``indexdot``: a revlog's DAG as a graphviz dot file, as ``hg debugindexdot`` prints it.

Without revisions, every edge parent -> child, the null revision included
(``-1 -> 0``). With ``-r``, only those revisions: solid edges between a
revision and its parents among them, dashed ones from each of them that is
an ancestor by another path; ``--common`` adds the common ancestors of every
pair (again and again, until no new one appears), filled. Revisions are
listed in the order of a Python set, as hg lists them: the same operations
on the same set give the same order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from explorer.engine import NULL_REV, Revlog
from explorer.engine.revlog import graph
from explorer.reports.target import Target


def common_closure(rl: Revlog, revs: set[int]) -> set[int]:
    """``revs`` closed under ``ancestor`` of every pair (hg's ``_commonancestorclosure``)."""
    revs = set(revs)
    seen = set()
    while True:
        new = set()
        for pair in itertools.combinations(revs, 2):
            if pair in seen:
                continue
            seen.add(pair)
            found = rl.ancestor(*pair)
            if found != NULL_REV and found not in revs:
                new.add(found)
        if not new:
            return revs
        revs.update(new)


def indexdot_text(target: Target, revs: Iterable[int] = (), *, common: bool = False,
                  include: Iterable[str] = ()) -> Iterator[str]:
    """The lines of ``hg debugindexdot``; ``revs`` as looked up, in the order given."""
    rl = target.revlog
    chosen = original = set(revs)
    if common:
        chosen = common_closure(rl, chosen)
    yield "digraph G {\n"
    for statement in include:
        yield f"\t{statement}\n"
    if chosen:
        yield from _chosen_graph(target, chosen, original)
    else:
        for rev in rl:
            p1, p2 = target.parents(rev)
            yield f"\t{p1} -> {rev}\n"
            if p2 != NULL_REV:
                yield f"\t{p2} -> {rev}\n"
    yield "}\n"


def _chosen_graph(target: Target, chosen: set[int], original: set[int]) -> Iterator[str]:
    """The revisions of ``chosen``, then their edges, solid and dashed."""
    for rev in chosen:
        yield f"\t{rev}\n" if rev in original else f"\t{rev} [style=filled]\n"
    # The chosen revisions have no parents for the dashed edges: in A -> B -> C, no
    # dashed edge from A to C unless another path leads there.
    p1, p2 = target.revlog.parent_columns()
    for rev in chosen:
        p1[rev] = p2[rev] = NULL_REV
    stoprev = min(chosen)
    for rev in chosen:
        parents = set(target.parents(rev)) - {NULL_REV}
        for p in parents:
            if p in chosen:
                yield f"\t{p} -> {rev}\n"
        for a in graph.ancestors(p1, p2, parents, stoprev):
            if a in chosen:
                yield f"\t{a} -> {rev} [style=dashed]\n"
