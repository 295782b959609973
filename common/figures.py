"""The percentage every screen and file shows, computed and rounded in one place.

A percentage is ``points ÷ maximum × 100`` from the stored points and applicable
maximum (decimals with the framework's precision), computed exactly (fractions,
no binary floating point) and rounded once, half away from zero (Decimal's
``ROUND_HALF_UP``, as Excel's ROUND), to two decimals::

    percent(135.97, 200)   -> Decimal("67.99")    # exactly 67.985
    percent(118.99, 200)   -> Decimal("59.50")    # exactly 59.495

A float is read as the shortest decimal that gives it back (``repr``), which is
the decimal it was stored as: ``0.67985`` is 0.67985, not the binary number just
below it. Rounding an already rounded figure again (``round(value, 4)`` and then
two decimals of its percentage) is what made files and pages disagree by 0.01.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

PLACES = 2


def exact(number: Decimal | float | int | str | None) -> Fraction | None:
    """``number`` as an exact fraction; None for None, NaN and infinities."""
    if number is None:
        return None
    if isinstance(number, float):
        if not math.isfinite(number):
            return None
        return Fraction(Decimal(repr(number)))
    if isinstance(number, Decimal) and not number.is_finite():
        return None
    return Fraction(Decimal(str(number)))


def round_half_up(number: Fraction, places: int = PLACES) -> Decimal:
    """``number`` rounded once to ``places`` decimals, halves away from zero."""
    scaled = abs(number) * 10**places
    digits = math.floor(scaled + Fraction(1, 2))
    sign = "-" if number < 0 and digits else ""
    return Decimal(f"{sign}{digits}").scaleb(-places)


def percent(
    points: Decimal | float | int | None,
    maximum: Decimal | float | int | None,
    *,
    places: int = PLACES,
) -> Decimal | None:
    """``points ÷ maximum × 100`` rounded once (see the module); None when either
    is missing or the maximum is not positive."""
    p, m = exact(points), exact(maximum)
    if p is None or m is None or m <= 0:
        return None
    return round_half_up(p * 100 / m, places)


def percent_of_value(
    value: Decimal | float | int | None, *, places: int = PLACES
) -> Decimal | None:
    """``value × 100`` (a stored value, 0–1) rounded once; for figures that have no
    points behind them, such as a change since last year or a group mean."""
    v = exact(value)
    return None if v is None else round_half_up(v * 100, places)
