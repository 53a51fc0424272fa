"""Verify: find everything wrong with a store, or with one revlog, as ``Problem`` records.

The API lives in ``run`` (``verify_store``, ``verify_revlog``, ``Report``) and
``problems`` (``Problem``, ``Collector``, ``Progress``, ``Cancelled``,
``Severity``, ``ERROR``, ``WARNING``); it is re-exported here. The other
modules are the checks, from the bottom up: ``diagnose`` (narrowing a bad
revision down to its bytes), ``revlog_check`` (the state one revlog's passes
share), ``revlog_structure``, ``sidefiles`` and ``revlog_contents`` (the
passes), ``revlog_passes`` (runs them in order), ``store_checks`` (the store
as a whole) and ``links`` (across revlogs).
"""

from .problems import ERROR, WARNING, Cancelled, Collector, Problem, Progress, Severity
from .run import Report, verify_revlog, verify_store

__all__ = ["Cancelled", "Collector", "ERROR", "Problem", "Progress", "Report", "Severity",
           "WARNING", "verify_revlog", "verify_store"]
