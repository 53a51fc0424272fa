"""What the explorer shows, computed without any UI: shared by the TUI and the notebook.

``source`` opens what the user names (a store, one revlog file, the built-in
``demo`` store); ``revlog_view`` keeps what the panes learn about the open
revlog; ``dag_layout``, ``chain_links``, ``anatomy`` and ``revision_text``
compute what the DAG, delta chain, hex and text panes show, as plain data
(even styled text is runs of text and style names, ``document``);
``printable`` shows names and messages from a store as the bytes they are. Nothing
here imports Textual or rich, nor any part of the explorer but the engine:
the front ends build on these modules, never the reverse.
"""
