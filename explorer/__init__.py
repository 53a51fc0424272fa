"""revlog-explorer: look inside Mercurial's revlog storage.

The format lives in :mod:`explorer.engine` (no UI imports). Above it:
:mod:`explorer.views` computes what the explorer shows, without any UI;
:mod:`explorer.reports` prints what Mercurial's debug commands print; the
front ends are the Textual TUI (:mod:`explorer.tui`), the command line
(:mod:`explorer.cli`) and the Jupyter display (:mod:`explorer.notebook`).
Each imports only what lies below it, but for the command line starting the
TUI (lazily, when it opens on a terminal).
"""

__version__ = "0.1.0"
