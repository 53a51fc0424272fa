"""Sizes: exact where they fit, and ``human_size`` never wider than a narrow column."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from explorer.views.sizes import fit_bytes, human_size


@given(st.integers(min_value=0, max_value=2**60))
def test_human_size_fits_five_cells_and_rounds_to_the_count(n):
    shown = human_size(n)
    assert len(shown) <= 5
    if n < 1024:
        assert shown == f"{n}B"
    else:
        unit = 1024 ** (" KMGTP".index(shown[-1]))
        assert abs(float(shown[:-1]) * unit - n) <= 0.05 * n + unit


@given(st.integers(min_value=0, max_value=2**40), st.integers(min_value=1, max_value=12))
def test_fit_bytes_is_exact_whenever_the_digits_fit(n, width):
    shown = fit_bytes(n, width)
    if len(str(n)) <= width:
        assert shown == str(n)  # exact: the index and chain panes agree digit for digit
    else:
        assert shown[-1] in "BKMGTP" and len(shown) <= 5  # a count with its unit
        value = float(shown[:-1]) * 1024 ** "BKMGTP".index(shown[-1])
        assert abs(value - n) <= 0.05 * n
