"""What the composite engine refuses (typed errors) and what it noticed (diagnostics).

Nothing here is a sentence meant for a person: every error and every diagnostic
carries a code (a plain string) and the indicator, group and unit it concerns,
so that the web layer can say it in the user's language. ``str(error)`` is an
English line for logs and the shell.

Errors (:class:`CompositeError`, a ``ValueError``) stop the computation. A
diagnostic is something a careful analyst wants to know about a result that was
computed all the same (a column dropped, weights renormalised, a value treated as
missing); with ``strict=True`` the first diagnostic is raised as a
:class:`CompositeError` with the same code instead.
"""

from __future__ import annotations

from enum import StrEnum

from scoring.codes import EngineError
from scoring.diagnostics import Diagnostic, Diagnostics, DiagnosticsCollector

__all__ = [
    "CompositeError",
    "CompositeErrorCode",
    "CompositeSpecError",
    "Diagnostic",
    "DiagnosticCode",
    "Diagnostics",
    "DiagnosticsCollector",
]


class CompositeErrorCode(StrEnum):
    """Why the engine refused to compute."""

    # the spec (raised when a CompositeSpec is created)
    NO_INDICATORS = "no_indicators"
    DUPLICATE_CODE = "duplicate_code"
    UNKNOWN_PARENT = "unknown_parent"
    PARENT_IS_INDICATOR = "parent_is_indicator"
    CYCLE = "cycle"
    EMPTY_GROUP = "empty_group"
    BAD_WEIGHT = "bad_weight"
    ZERO_WEIGHT_GROUP = "zero_weight_group"
    BAD_DIRECTION = "bad_direction"
    BAD_GOALPOSTS = "bad_goalposts"
    BAD_MIN_DATA = "bad_min_data"
    # the options
    UNKNOWN_NORMALISATION = "unknown_normalisation"
    UNKNOWN_AGGREGATION = "unknown_aggregation"
    BAD_FEATURE_RANGE = "bad_feature_range"
    BAD_PRECISION = "bad_precision"
    UNKNOWN_RANK_METHOD = "unknown_rank_method"
    BAD_BANDS = "bad_bands"
    UNKNOWN_BAND_EDGES = "unknown_band_edges"
    # the data
    BAD_DATA_SHAPE = "bad_data_shape"
    UNKNOWN_INDICATOR = "unknown_indicator"
    MISSING_INDICATOR = "missing_indicator"
    DUPLICATE_UNIT = "duplicate_unit"
    BAD_UNIT_IDS = "bad_unit_ids"
    BAD_GROUPS = "bad_groups"
    MISSING_GOALPOSTS = "missing_goalposts"
    MISSING_TARGET = "missing_target"
    TARGET_EQUALS_WORST = "target_equals_worst"
    NOT_POSITIVE_FOR_MEAN = "not_positive_for_mean"
    NEGATIVE_FOR_MEAN = "negative_for_mean"


class DiagnosticCode(StrEnum):
    """What the engine noticed about a result it computed all the same."""

    ALL_MISSING = "all_missing"
    """An indicator with no value for any unit: dropped, siblings reweighted."""
    CONSTANT_COLUMN = "constant_column"
    """Every unit with a value has the same one (or only one unit has a value):
    the indicator cannot discriminate and is treated as missing."""
    SINGLE_UNIT = "single_unit"
    """One unit only: a normalisation on the sample has nothing to compare to."""
    INFINITE_VALUE = "infinite_value"
    """An infinite value, treated as missing."""
    TOO_LITTLE_DATA = "too_little_data"
    """A unit's aggregate is missing under the minimum-data rule."""
    WEIGHTS_RENORMALISED = "weights_renormalised"
    """A unit's aggregate was computed over the children present only."""
    VALUES_CLIPPED = "values_clipped"
    """Values beyond the goalposts or the target were brought back to them."""
    ZERO_FROM_NORMALISATION = "zero_from_normalisation"
    """The normalisation gives 0 to some units and the level's mean needs values
    above 0 (e.g. min-max to [0, 100] then a geometric mean)."""


class CompositeError(EngineError):
    """The composite engine refused to compute; ``code`` (a
    :class:`CompositeErrorCode`) says why, and ``indicator``, ``group``,
    ``unit`` and ``detail`` what it concerns (see :class:`scoring.codes.EngineError`).
    """


class CompositeSpecError(CompositeError):
    """An invalid spec; ``node`` is the code of the culprit (an indicator or a
    group, also given as ``indicator`` or ``group``)."""

    def __init__(self, code: str, node: str | None = None, *, is_group=None):
        kind = {} if node is None else {"group" if is_group else "indicator": node}
        super().__init__(code, **kind)
        self.node = node
