"""Graph queries over a revlog's parents, with Mercurial's meaning.

Every function takes the parents as two columns, ``p1`` and ``p2`` (``array('i')``
indexed by revision, each parent an earlier revision or -1: ``InnerRevlog``
checks that once when it reads them) and answers as Mercurial's revlog does
(``ancestor.py``, ``dagop.py``, the C index). The walks are iterative, and
what they remember about each revision is a byte (a ``bytearray`` over the
revisions, one slot past the end standing for the null revision, so that
``flags[-1]`` is the null revision's), never a set of ints: on 10^6
revisions that is 1 MB a query.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable, Iterator, Sequence

from ..format import walks
from ..format.constants import NULL_REV

Column = Sequence[int]

_ROOT, _SEEN, _REACHED = 1, 2, 4


def _flagged(flags: bytearray, value: int, count: int) -> list[int]:
    """Revisions whose byte in ``flags`` is ``value`` (the null revision first, when its
    slot, the one past ``count``, holds it)."""
    found = [NULL_REV] if flags[count] == value else []
    find = flags.find
    at = find(value, 0, count)
    while at >= 0:
        found.append(at)
        at = find(value, at + 1, count)
    return found


def heads(p1: Column, p2: Column) -> list[int]:
    """Revisions that are no revision's parent (hg's ``headrevs``), ascending;
    ``[-1]`` for an empty revlog, as hg answers."""
    count = len(p1)
    if not count:
        return [NULL_REV]
    parent = bytearray(count + 1)
    walks.mark_parents(p1, p2, parent)
    parent[NULL_REV] = 1  # the null revision is never a head
    return _flagged(parent, 0, count)


def heads_between(p1: Column, p2: Column, start: int = NULL_REV,
                  stops: Iterable[int] = ()) -> list[int]:
    """Heads of the descendants of ``start`` (itself included), each revision of
    ``stops`` taken as having no child: hg's ``dagop.headrevssubset``, ascending."""
    count = len(p1)
    reachable = bytearray(count + 1)
    head = bytearray(count + 1)
    stop = bytearray(count + 1)
    for r in stops:
        stop[r] = 1
    reachable[start] = head[start] = 1
    for rev in range(start + 1, count):
        for prev in (p1[rev], p2[rev]):
            if reachable[prev]:
                if not stop[rev]:
                    reachable[rev] = 1
                head[rev] = 1
            if head[prev] and not stop[prev]:
                head[prev] = 0
    return _flagged(head, 1, count)


def ancestors(p1: Column, p2: Column, revs: Iterable[int], stoprev: int = 0,
              inclusive: bool = False) -> Iterator[int]:
    """Ancestors of ``revs`` from the largest down, none below ``stoprev``, never the
    null revision; ``revs`` themselves only when ``inclusive``: hg's ``lazyancestors``
    order, a child always before its parents. Lazy: each step reads two parents."""
    count = len(p1)
    seen = bytearray(count + 1)
    seen[NULL_REV] = 1
    initial = [r for r in revs if r >= stoprev and r != NULL_REV]
    visit: list[int] = []
    if inclusive:
        for r in initial:
            if not seen[r]:
                seen[r] = 1
                visit.append(-r)
    else:
        for r in initial:
            for p in (p1[r], p2[r]):
                if not seen[p]:
                    seen[p] = 1
                    visit.append(-p)
    heapq.heapify(visit)
    return _walk_down(p1, p2, visit, seen, stoprev)


class LazyAncestors:
    """hg's ``lazyancestors``: the ancestors of some revisions, computed as asked.

    Iterating starts a new walk (largest first, as ``ancestors``); ``rev in``
    shares one walk between every test, taken only as far as the tested
    revision (the walk goes down, so once past it the answer is known), with
    a byte per revision for what it met.
    """

    def __init__(self, p1: Column, p2: Column, revs: list[int], stoprev: int,
                 inclusive: bool) -> None:
        self._args = (p1, p2, revs, stoprev, inclusive)
        self._walk: Iterator[int] | None = None
        self._met = bytearray()
        self._lowest = len(p1)  # the last revision the shared walk met

    def __iter__(self) -> Iterator[int]:
        return ancestors(*self._args)

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None

    def __contains__(self, rev: object) -> bool:
        if not isinstance(rev, int) or not 0 <= rev < len(self._args[0]):
            return False  # the null revision is never listed; nor is anything else
        if self._walk is None:
            self._walk = iter(self)
            self._met = bytearray(len(self._args[0]))
        if self._met[rev]:
            return True
        if rev > self._lowest:
            return False  # the walk went past it
        for found in self._walk:
            self._met[found] = 1
            self._lowest = found
            if found <= rev:
                return found == rev
        self._lowest = NULL_REV
        return False


def _walk_down(p1: Column, p2: Column, visit: list[int], seen: bytearray,
               stoprev: int) -> Iterator[int]:
    """hg's ``_lazyancestorsiter`` loop: pop the largest, queue its unseen parents."""
    heappush, heappop, heapreplace = heapq.heappush, heapq.heappop, heapq.heapreplace
    while visit:
        current = -visit[0]
        if current < stoprev:
            return
        yield current
        a, b = p1[current], p2[current]
        if not seen[a]:
            seen[a] = 1
            if current - a == 1:
                visit[0] = -a  # still the largest: no heap operation needed
            else:
                heapreplace(visit, -a)
        else:
            heappop(visit)
        if not seen[b]:
            seen[b] = 1
            heappush(visit, -b)


def descendants(p1: Column, p2: Column, revs: Iterable[int]) -> Iterator[int]:
    """Descendants of ``revs`` in ascending order, a rev of ``revs`` only when it
    descends from another (hg's ``dagop.descendantrevs``; every revision when
    ``revs`` holds the null revision)."""
    revs = list(revs)
    if not revs:
        return
    count = len(p1)
    first = min(revs)
    if first == NULL_REV:
        yield from range(count)
        return
    seen = bytearray(count + 1)
    for r in revs:
        seen[r] = 1
    for rev in range(first + 1, count):
        if seen[p1[rev]] or seen[p2[rev]]:
            seen[rev] = 1
            yield rev


def _bitmasks(size: int, bits: int) -> bytearray | array | list[int]:
    """``size`` zeroed words of at least ``bits`` bits, as compact as that allows."""
    if bits <= 8:
        return bytearray(size)
    if bits <= 64:
        return array("Q", bytes(8 * size))
    return [0] * size


def common_ancestor_heads(p1: Column, p2: Column, *revs: int) -> list[int]:
    """Heads of the revisions that are ancestors of every one of ``revs`` (each its own
    ancestor): hg's ``commonancestorsheads``, ascending; empty when one is null.

    One pass down from the largest rev: each rev carries a bit per input that
    reaches it; a rev reached by all is a head, and its ancestors are
    *poisoned* so that no head below it is reported. The walk ends when no
    unpoisoned rev is left to visit.
    """
    nodes = list(dict.fromkeys(revs))
    if NULL_REV in nodes:
        return []
    if len(nodes) <= 1:
        return nodes
    allseen = (1 << len(nodes)) - 1
    poison = 1 << len(nodes)
    seen = _bitmasks(max(nodes) + 1, len(nodes) + 1)
    for i, n in enumerate(nodes):
        seen[n] = 1 << i
    gca: list[int] = []
    interesting = len(nodes)
    for v in range(len(seen) - 1, -1, -1):
        if not interesting:
            break
        sv = seen[v]
        if not sv:
            continue
        if sv < poison:
            interesting -= 1
            if sv == allseen:
                gca.append(v)
                sv |= poison
                if v in nodes:
                    return [v]  # history is linear
        for p in (p1[v], p2[v]):
            if p == NULL_REV:
                continue
            sp = seen[p]
            if sv < poison:
                if sp == 0:
                    seen[p] = sv
                    interesting += 1
                elif sp != sv:
                    seen[p] = sp | sv
            else:
                if sp and sp < poison:
                    interesting -= 1
                seen[p] = sv
    return sorted(gca)


def deepest_common_ancestors(p1: Column, p2: Column, *revs: int) -> list[int]:
    """The heads of the common ancestors that are furthest from a root (longest
    path): hg's ``ancestor.ancestors``, which ``revlog.ancestor`` picks from."""
    gca = common_ancestor_heads(p1, p2, *revs)
    if len(gca) <= 1:
        return gca
    return _deepest(p1, p2, gca)


def _deepest(p1: Column, p2: Column, nodes: list[int]) -> list[int]:
    """hg's ``deepest``: walk down from ``nodes`` keeping, for each rev, its longest
    distance to one of them and which of them are that far; the ones left
    standing when a single group remains are the deepest."""
    count = max(nodes) + 1
    depth = array("q", bytes(8 * count))
    seen = _bitmasks(count, len(nodes))
    interesting: dict[int, int] = {}
    mapping = []
    for i, n in enumerate(sorted(nodes)):
        depth[n] = 1
        seen[n] = 1 << i
        interesting[1 << i] = 1
        mapping.append((1 << i, n))
    v = count - 1
    while v >= 0 and len(interesting) > 1:
        dv = depth[v]
        if dv:
            _deepen(p1[v], p2[v], v, dv, depth, seen, interesting)
        v -= 1
    if len(interesting) != 1:
        return []
    k = 0
    for i in interesting:
        k |= i
    return [n for (i, n) in mapping if k & i]


def _deepen(a: int, b: int, v: int, dv: int, depth: array, seen, interesting: dict) -> None:
    """One step of ``_deepest``: pass rev ``v``'s depth and group to its parents."""
    sv = seen[v]
    for p in (a, b):
        if p == NULL_REV:
            continue
        dp, sp = depth[p], seen[p]
        if dp <= dv:
            depth[p] = dv + 1
            if sp != sv:
                interesting[sv] += 1
                seen[p] = sv
                if sp:
                    _drop(interesting, sp)
        elif dv == dp - 1:
            nsp = sp | sv
            if nsp == sp:
                continue
            seen[p] = nsp
            interesting[nsp] = interesting.get(nsp, 0) + 1
            _drop(interesting, sp)
    _drop(interesting, sv)


def _drop(interesting: dict[int, int], group: int) -> None:
    interesting[group] -= 1
    if not interesting[group]:
        del interesting[group]


def reachable_roots(p1: Column, p2: Column, minroot: int, heads_: Iterable[int],
                    roots: Iterable[int], include_path: bool = False) -> list[int]:
    """hg's ``reachableroots``, ascending: the ``roots`` found walking down from
    ``heads_`` through revisions no lower than ``minroot`` (the walk stops at a
    root); with ``include_path``, every revision on a path from a root up to a
    head (``roots::heads``) instead."""
    roots = list(roots)
    if not roots:
        return []
    count = len(p1)
    state = bytearray(count + 1)
    for r in roots:
        state[r] |= _ROOT
    heads_ = list(heads_)
    visit = []
    for h in heads_:
        if not state[h] & _SEEN:
            state[h] |= _SEEN
            visit.append(h)
    reached = []
    low = count
    pop, push = visit.pop, visit.append
    while visit:
        rev = pop()
        while True:  # down the first parents without stack operations
            if rev < low:
                low = rev
            if state[rev] & _ROOT:
                state[rev] |= _REACHED
                reached.append(rev)
                if not include_path:
                    break
            if rev == NULL_REV:
                break
            x, y = p1[rev], p2[rev]
            if y >= minroot and y != NULL_REV and not state[y] & _SEEN:
                state[y] |= _SEEN
                push(y)
            if x < minroot or x == NULL_REV or state[x] & _SEEN:
                break
            state[x] |= _SEEN
            rev = x
    if include_path and reached:
        reached.extend(_on_paths(p1, p2, state, max(low, 0), max(heads_) + 1))
    return sorted(set(reached))


def _on_paths(p1: Column, p2: Column, state: bytearray, low: int,
              end: int) -> Iterator[int]:
    """Walked revisions below ``end`` with a reached parent, marked reached in turn,
    upwards: those on a path from a root to a head."""
    for rev in range(low, end):
        if (state[rev] & (_SEEN | _REACHED) == _SEEN
                and (state[p1[rev]] & _REACHED or state[p2[rev]] & _REACHED)):
            state[rev] |= _REACHED
            yield rev


def is_ancestor(p1: Column, p2: Column, a: int, b: int) -> bool:
    """True when ``a`` is an ancestor of ``b``, a revision being its own (hg's
    ``isancestorrev``; the null revision is everyone's).

    hg asks ``reachableroots(a, [b], [a])``; the answer is the same, but this
    walk stops as soon as it meets ``a``, and follows first parents in an
    inner loop (no stack operation on a linear stretch), skipping anything
    below ``a``.
    """
    if a == NULL_REV or a == b:
        return True
    if a > b:
        return False
    seen = bytearray(len(p1) + 1)
    stack = [b]
    pop, push = stack.pop, stack.append
    while stack:
        rev = pop()
        while True:
            x, y = p1[rev], p2[rev]
            if y >= a and not seen[y]:
                if y == a:
                    return True
                seen[y] = 1
                push(y)
            if x < a or seen[x]:
                break
            if x == a:
                return True
            seen[x] = 1
            rev = x
    return False
