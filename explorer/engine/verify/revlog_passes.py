"""One revlog checked on its own: its passes, run in order over one ``RevlogCheck``.

1. ``revlog_structure``: every entry decoded and checked against the index's
   promises and the file sizes, without reading data;
2. ``sidefiles``: the v2 docket and the persistent nodemap against what they
   describe;
3. ``revlog_contents``: every revision rebuilt, sized and hashed, each
   failure narrowed down to its bytes; good texts go to ``visit``.

The order matters: each pass reads what the earlier ones left in the check
(a chunk outside its file is not read; a damaged base is read around). This
module only sequences them, so the passes need not know each other.
"""

from __future__ import annotations

from .revlog_check import RevlogCheck
from .revlog_contents import Visitor, Vouch, check_contents
from .revlog_structure import check_structure
from .sidefiles import check_docket, check_nodemap


def check_revlog(check: RevlogCheck, *, nodemap: bool = True, visit: Visitor | None = None,
                 vouch: Vouch | None = None, salvage: Visitor | None = None) -> None:
    """Run every pass over ``check``; problems go to ``check.out``.

    ``nodemap``: look for a persistent nodemap (stores say whether they keep
    one). ``visit``, ``vouch`` and ``salvage`` are the content pass's hooks for
    the cross-revlog checks (see ``ContentPass.run``).
    """
    check_structure(check)
    check_docket(check)
    if nodemap:
        check_nodemap(check)
    check_contents(check, visit, vouch, salvage)
