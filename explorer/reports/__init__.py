"""Scriptable reports on revlogs, printed exactly as Mercurial's debug commands print them.

=============  ==============================================================
module         holds
=============  ==============================================================
target         which revlog the arguments (-R, -c, -m, --dir, FILE) name
index          ``hg debugindex``
revlogindex    ``hg debugrevlogindex``
deltachain     ``hg debugdeltachain`` (with ``slicing`` for sparse reads)
stats          ``hg debugrevlog`` and its ``--dump``
data           ``hg debugdata``
deltafind      ``hg debug-delta-find``: the writer's delta search replayed, traced
revids         revision ids (numbers, nodes, prefixes) looked up as hg does
chains         delta-chain facts in Mercurial's terms, memoized
formats        node ids, Mercurial's ``-T json``, our ``--json``
summary        the short store summary of ``revlog-explorer PATH``
=============  ==============================================================

Each report yields its text piece by piece, so the CLI streams it; none of
these modules imports Textual or Rich.
"""
