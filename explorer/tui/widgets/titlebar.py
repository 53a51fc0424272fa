"""The top line: the app's title and what is open.

Textual's ``Header`` is four widgets (an icon, the title, a clock's space and
their box) and lays the whole screen out again whenever the title changes; the
explorer needs one line of text, which this is: one widget, drawn as the Header
draws it (app.tcss gives it the same place, colours and margins).
"""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    """The app's title and sub-title, centred, as ``App.format_title`` writes them."""

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._retitle)
        self.watch(self.app, "sub_title", self._retitle)

    def _retitle(self) -> None:
        app = self.app
        self.update(app.format_title(app.title, app.sub_title), layout=False)
