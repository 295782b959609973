"""The data given to the composite mode, checked against the spec.

Every check raises a `CompositeError` naming what is wrong (the indicator, the
unit), never a bare ``KeyError`` or ``ValueError`` from numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .diagnostics import CompositeError, CompositeErrorCode
from .spec import CompositeSpec

__all__ = ["checked_unit_groups", "checked_unit_ids", "data_matrix", "float_array"]

E = CompositeErrorCode


def float_array(X, ndims: tuple[int, ...] = (1, 2)) -> np.ndarray:
    """``X`` as a float array of one of ``ndims`` dimensions; raises
    `CompositeError` ``not_numeric`` or ``bad_data_shape``."""
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise CompositeError(E.NOT_NUMERIC) from None
    if arr.ndim not in ndims:
        raise CompositeError(E.BAD_DATA_SHAPE, detail={"ndim": arr.ndim})
    return arr


def data_matrix(spec: CompositeSpec, data) -> np.ndarray:
    """``data`` as a float array (n_units, n_indicators) in ``spec.codes`` order.

    ``data`` is such an array, or a mapping of indicator code to column. Raises
    `CompositeError` ``bad_data_shape`` (no rows, wrong shape, columns of
    different lengths), ``not_numeric``, ``unknown_indicator`` (a code not in
    the spec) or ``missing_indicator`` (the first, ``detail`` lists all).
    """
    if isinstance(data, Mapping):
        return _mapping_matrix(spec, data)
    try:
        arr = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise CompositeError(E.NOT_NUMERIC) from None
    if arr.ndim != 2 or arr.shape[1] != len(spec.codes) or arr.shape[0] == 0:
        raise CompositeError(
            E.BAD_DATA_SHAPE,
            detail={"shape": list(arr.shape), "columns": len(spec.codes)},
        )
    return arr


def _mapping_matrix(spec: CompositeSpec, data: Mapping) -> np.ndarray:
    known = set(spec.codes)
    unknown = [str(code) for code in data if code not in known]
    if unknown:
        raise CompositeError(
            E.UNKNOWN_INDICATOR, indicator=unknown[0], detail={"codes": unknown}
        )
    missing = [code for code in spec.codes if code not in data]
    if missing:
        raise CompositeError(
            E.MISSING_INDICATOR, indicator=missing[0], detail={"codes": missing}
        )
    columns = []
    for code in spec.codes:
        try:
            column = np.asarray(data[code], dtype=float)
        except (TypeError, ValueError):
            raise CompositeError(E.NOT_NUMERIC, indicator=code) from None
        rows = len(columns[0]) if columns else None
        if column.ndim != 1 or column.size == 0 or rows not in (None, column.size):
            raise CompositeError(
                E.BAD_DATA_SHAPE, indicator=code, detail={"shape": list(column.shape)}
            )
        columns.append(column)
    return np.column_stack(columns)


def checked_unit_ids(n: int, units: Sequence[str] | None) -> tuple[str, ...]:
    """The ids of ``n`` units: ``units`` as strings, or 1, 2, ... by default.

    Raises `CompositeError` ``bad_unit_ids`` (not ``n`` of them) or
    ``duplicate_unit`` (naming the first repeated id).
    """
    if units is None:
        return tuple(map(str, range(1, n + 1)))
    ids = tuple(map(str, units))
    if len(ids) != n:
        raise CompositeError(E.BAD_UNIT_IDS, detail={"rows": n, "units": len(ids)})
    if len(set(ids)) != n:
        seen: set[str] = set()
        duplicate = next(u for u in ids if u in seen or seen.add(u))
        raise CompositeError(E.DUPLICATE_UNIT, unit=duplicate)
    return ids


def checked_unit_groups(n: int, groups: Sequence[str] | None) -> tuple[str, ...]:
    """The ranking group of ``n`` units (all "" by default); ``bad_groups`` unless
    there are ``n``."""
    if groups is None:
        return ("",) * n
    labels = tuple(map(str, groups))
    if len(labels) != n:
        raise CompositeError(E.BAD_GROUPS, detail={"rows": n, "groups": len(labels)})
    return labels
