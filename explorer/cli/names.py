"""The names of the subcommands, apart from the modules that implement them.

The entry point must tell ``revlog-explorer PATH`` (the explorer) from
``revlog-explorer COMMAND`` before it imports anything heavy: the explorer's
first frame should not wait for the reports, the writer and verify to load.
Each group is registered by the module of the same name (``reporting``,
``editing``, ``damage``); a test checks the two agree.
"""

from __future__ import annotations

REPORTING = ("index", "revlogindex", "deltachain", "stats", "data", "debugancestor",
             "debugindexdot", "debugnodemap", "debugsidedata", "debug-revlog-stats",
             "debug-delta-find", "debugdeltafind", "copies")
EDITING = ("init", "commit", "strip", "censor", "convert-copies")
DAMAGE = ("verify", "diff-store", "break", "journal")
COMMANDS = (*REPORTING, *EDITING, *DAMAGE)
