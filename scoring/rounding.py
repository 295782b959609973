"""Rounding of points and values: half away from zero, as Excel's ROUND."""

from __future__ import annotations

from typing import Any

import numpy as np


def round_half_away(x: Any, digits: int) -> np.ndarray:
    """Round half away from zero, as Excel's ROUND: ``sign(x)·⌊|x|·10ᵈ + ½⌋ / 10ᵈ``.

    A relative tolerance of 1e-12 absorbs binary artefacts, so that 2.675
    (stored as 2.67499999…) rounds to 2.68. NaN stays NaN.
    """
    x = np.asarray(x, dtype=float)
    scale = 10.0**digits
    y = np.abs(x) * scale
    return np.copysign(np.floor(y + 0.5 + y * 1e-12) / scale, x) + 0.0
