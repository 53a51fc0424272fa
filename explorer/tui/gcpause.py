"""Python's cyclic garbage collector paused while the explorer starts.

Start-up allocates tens of thousands of objects that all live on (imported classes,
widgets, their styles and rules) and frees almost none, so every collection those
allocations trigger walks the growing heap and finds nothing to free. The collector
is paused from the start (before the imports when the command starts the TUI) until
the first frame is on screen. Then what start-up made is frozen (``gc.freeze``: left
out of every later collection, or switching the collector on again would walk it all
at once, and every full collection after it again) and the collector runs as before.
When the app ends, the frozen objects are handed back to the collector
(``gc.unfreeze``), so an app's garbage is freed when many run in one process (the tests).
"""

from __future__ import annotations

import gc

_paused = False
_froze = False


def pause() -> None:
    """Pause the collector, if it runs, until ``resume``."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what start-up made and run the collector again, if ``pause`` stopped it
    (a second call does nothing)."""
    global _paused, _froze
    if _paused:
        _paused = False
        _froze = True
        gc.freeze()
        gc.enable()


def release() -> None:
    """Resume if still paused, and let the collector free what ``resume`` froze."""
    global _froze
    resume()
    if _froze:
        _froze = False
        gc.unfreeze()
