"""One vocabulary for sizes, shared by every pane, the notebook and the widget.

Three different byte counts describe a revision, and a learner comparing panes
must see the same name and the same number for the same thing: ``stored`` is
what the chunk takes in the data file (compressed; hg's ``chunk-size``),
``full`` the length of the revision's full text (hg's ``full-size``), ``delta``
the length of the uncompressed delta a chunk holds. ``disk`` is a revlog's
files, index and data together. Exact counts are shown wherever they fit; only
where a column is too narrow does a count become ``12K``.
"""

from __future__ import annotations

STORED = "stored"
FULL = "full"
DELTA = "delta"
ON_DISK = "disk"

#: (term, meaning) in the order a help screen lists them.
TERMS = [
    (STORED, "bytes the chunk takes in the data file, compressed (hg: chunk-size)"),
    (FULL, "length of the revision's full text (hg: full-size)"),
    (DELTA, "length of the uncompressed delta the chunk holds"),
    (ON_DISK, "a revlog's files, .i and .d together"),
]


def human_size(n: int) -> str:
    """A byte count in five characters or fewer: 812B, 12K, 3.4M."""
    if n < 1024:
        return f"{n}B"
    power = min(5, (n.bit_length() - 1) // 10)  # 1024 ** power <= n, up to P
    value, unit = n / 1024 ** power, " KMGTP"[power]
    return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"


def fit_bytes(n: int, width: int) -> str:
    """``n`` exactly when its digits fit in ``width`` cells, else ``human_size``: the
    index and chain panes then agree on every count a learner can compare."""
    exact = str(n)
    return exact if len(exact) <= width else human_size(n)
