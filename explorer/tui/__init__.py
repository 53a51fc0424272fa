"""The terminal explorer: a Textual app of panes over a store or one revlog.

``app`` wires the panes (``widgets``, one module per pane) and runs long work
in thread workers; ``store_actions`` runs verify and the editing keys, whose
effect on the store is in ``edits``; ``headless`` drives the app without a
terminal for the tests, the screenshot script and the benchmarks. What the
panes show is computed in ``explorer.views``.
"""
