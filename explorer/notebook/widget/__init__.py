"""The explorer as a notebook widget (anywidget): ``explore(store_or_revlog_or_path)``.

``explorer`` holds the widget (state and the answers to the front end's
window requests), ``payloads`` turns the views' data into JSON, ``revlogs``
lists a store's revlogs by window; ``static/`` is the front end, a
hand-written ES module and its CSS shipped with the package (nothing is
loaded from the network).
"""

from explorer.notebook.widget.explorer import Explorer, explore

__all__ = ["Explorer", "explore"]
