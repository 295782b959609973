"""Rounding half away from zero, as Excel's ROUND, at every precision."""

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.rounding import round_half_away


@pytest.mark.parametrize(
    "x, digits, expected",
    [
        (2.675, 2, 2.68),  # stored as 2.67499999…: binary noise is absorbed
        (1.005, 2, 1.01),
        (0.125, 2, 0.13),
        (-2.5, 0, -3.0),
        (-0.0001, 2, 0.0),  # no negative zero
        (2.674999, 2, 2.67),
        (66.66666666666667, 12, 66.666666666667),
        (12345.678901234, 9, 12345.678901234),
        (1e307, 2, 1e307),  # too large to scale: kept as it is
    ],
)
def test_round_half_away(x, digits, expected):
    assert round_half_away(x, digits) == expected


def test_nan_stays_nan():
    assert np.isnan(round_half_away(np.nan, 2))


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False).filter(
        lambda d: d.is_finite()
    ),
    st.integers(0, 12),
)
def test_agrees_with_decimal_half_up_on_decimal_inputs(value, digits):
    """A number written with at most 6 decimals rounds as the decimal it is
    written as, at any precision up to 12, however it is stored in binary."""
    expected = float(value.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))
    assert round_half_away(float(value), digits) == expected


@pytest.mark.parametrize(
    ("value", "digits"),
    [(-575461.282817, 10), (808134.194418, 10), (35423.411138, 11), (999999.5, 12)],
)
def test_a_value_with_fewer_digits_than_asked_comes_back_as_it_is(value, digits):
    """Scaling by 10ᵈ is inexact near 2⁵²: the value must not gain a unit in its
    last place."""
    assert round_half_away(value, digits) == value
