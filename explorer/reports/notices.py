"""What a report says beside its output, for the command line to put on stderr.

A store naming a requirement the explorer does not know would be refused by
hg; the reports read it all the same (that is what they are for) and say
so, through the ``warn`` callback their caller gives, so that what they
print stays exactly what hg would print.
"""

from __future__ import annotations

from collections.abc import Callable

from explorer.engine.store.files import StoreFiles
from explorer.engine.store.requirements import read_warning

Warn = Callable[[str], None]


def check_requirements(store: StoreFiles, warn: Warn | None) -> None:
    """``warn`` about requirements of ``store`` the explorer does not know."""
    message = read_warning(store.requirements)
    if message is not None and warn is not None:
        warn(message)
