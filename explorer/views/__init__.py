"""What the explorer shows, computed without any UI: shared by the TUI and the notebook.

``source`` opens what the user names (a store, one revlog file, the built-in
``demo`` store); ``revlog_view`` keeps what the panes learn about the open
revlog; ``dag_layout``, ``chain_links``, ``anatomy`` and ``revision_text``
compute what the DAG, delta chain, hex and text panes show.
Nothing here imports Textual, nor any other part of the explorer
than the engine: the front ends build on these modules, never the reverse.
"""
