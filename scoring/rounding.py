"""Rounding of points and values: half away from zero, as Excel's ROUND."""

from __future__ import annotations

from typing import Any

import numpy as np

# Beyond this, x·10ᵈ has no fraction a float can hold exactly.
FULL_PRECISION = 2.0**49


def round_half_away(x: Any, digits: int) -> np.ndarray:
    """Round half away from zero, as Excel's ROUND: ``sign(x)·⌊|x|·10ᵈ + ½⌋ / 10ᵈ``.

    A relative tolerance of 1e-12 absorbs binary artefacts, so that 2.675
    (stored as 2.67499999…) rounds to 2.68; it never exceeds a thousandth of
    the last digit kept, so that at many digits (where 1e-12 of the value
    would reach that digit) nothing but binary noise is rounded away. NaN
    stays NaN; a value too large to scale is returned as it is.

    Where ``|x|·10ᵈ`` reaches 2⁴⁹ (about 15 significant digits asked, as
    many as a float holds), adding a half is no longer exact and ``x`` has no
    digit left to round away: it is returned as it is, so that 575461.282817
    rounded to 10 digits stays 575461.282817 rather than gaining a unit in its
    last place.
    """
    x = np.asarray(x, dtype=float)
    scale = 10.0**digits
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.abs(x) * scale
        rounded = np.floor(y + 0.5 + np.minimum(y * 1e-12, 1e-3)) / scale
    ax = np.abs(x)
    unchanged = (y >= FULL_PRECISION) & np.isfinite(x)
    rounded = np.where(unchanged, ax, rounded)
    return np.copysign(rounded, x) + 0.0
