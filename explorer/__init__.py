"""revlog-explorer: look inside Mercurial's revlog storage.

The format lives in :mod:`explorer.engine` (no UI imports); the TUI, CLI and
notebook display are built on top of it.
"""

__version__ = "0.1.0"
