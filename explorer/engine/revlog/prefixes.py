"""The shortest hex prefix that names a node, with Mercurial's rules on top of
uniqueness (``revlog.shortest`` and ``scmutil.shortesthexnodeidprefix``).

Uniqueness among the nodes is the index's business (``NodeIndex.shortest``);
what remains are two readings a prefix must not have: the working directory's
pseudo-node (all ``f``), and a revision number (a prefix of decimal digits,
without a leading zero unless it is ``0``, below the revlog's length, would be
read as that revision by ``hg log -r``).
"""

from __future__ import annotations

#: How a prefix that reads as a revision number is told apart.
REV_NUMBER_RULES = ("lengthen", "x", "ignore")


def may_be_rev_number(prefix: str, count: int) -> bool:
    """scmutil's ``mayberevnum``: ``prefix`` would be read as a revision number."""
    if not prefix.isdigit():
        return False
    return not (prefix != "0" and prefix.startswith("0")) and int(prefix) < count


def shortest_prefix(hexnode: str, unique: int, min_length: int, count: int,
                    rev_numbers: str = "lengthen") -> str:
    """The prefix hg prints for ``hexnode``, whose first ``unique`` digits tell it from
    every other node, in a revlog of ``count`` revisions.

    ``rev_numbers``: 'lengthen' (hg's default, more digits until the prefix
    is no revision number), 'x' (``experimental.revisions.prefixhexnode``: an
    ``x`` before such a prefix), 'ignore' (``revlog.shortest``: the revlog alone).
    """
    if rev_numbers not in REV_NUMBER_RULES:
        raise ValueError(f"rev_numbers must be one of {REV_NUMBER_RULES}, not {rev_numbers!r}")
    length = max(unique, min_length, 1)
    while length < len(hexnode) and set(hexnode[:length]) == {"f"}:
        length += 1  # all f: the working directory's pseudo-node
    prefix = hexnode[:length]
    if rev_numbers == "x":
        return "x" + prefix if may_be_rev_number(prefix, count) else prefix
    if rev_numbers == "lengthen":
        while length < len(hexnode) and may_be_rev_number(hexnode[:length], count):
            length += 1
        prefix = hexnode[:length]
    return prefix
