"""What the composite engine refuses (typed errors) and what it noticed (diagnostics).

Nothing here is a sentence meant for a person: every error and every diagnostic
carries a code (a plain string) and the indicator, group and unit it concerns,
so that the web layer can say it in the user's language. ``str(error)`` is an
English line for logs and the shell.

Errors (:class:`CompositeError`, a ``ValueError``) stop the computation. A
diagnostic is something a careful analyst wants to know about a result that was
computed all the same (a column dropped, weights renormalised, a value treated as
missing); with ``strict=True`` the first diagnostic is raised as a
:class:`CompositeError` with the same code instead. Which step raises or reports
what is stated in :mod:`.pipeline`, :mod:`.normalise`, :mod:`.aggregate` and
:mod:`.data`; every ``CompositeError`` is a ``ValueError``.
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
    """Why the engine refused to compute.

    The error names the culprit: ``indicator`` or ``group`` (a node of the spec),
    ``unit`` (the first offending unit, when the data are at fault) and
    ``detail`` (the offending value, the method, the whole list when several
    nodes are at fault).
    """

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
    """Goalposts not finite or not ``low < high`` (also from
    `normalise_goalposts`, with the column in ``detail``)."""
    BAD_MIN_DATA = "bad_min_data"
    # the options
    UNKNOWN_NORMALISATION = "unknown_normalisation"
    UNKNOWN_AGGREGATION = "unknown_aggregation"
    """An unknown aggregation method, or a power mean without a finite power."""
    BAD_FEATURE_RANGE = "bad_feature_range"
    """A feature range that is not two finite numbers ``l < u``."""
    BAD_MEAN_WEIGHTS = "bad_mean_weights"
    """Weights given to a weighted mean that are negative, not finite or not of
    the shape of the values."""
    BAD_PRECISION = "bad_precision"
    UNKNOWN_RANK_METHOD = "unknown_rank_method"
    BAD_BANDS = "bad_bands"
    UNKNOWN_BAND_EDGES = "unknown_band_edges"
    # the data
    BAD_DATA_SHAPE = "bad_data_shape"
    """Data that are not (n_units, n_indicators), or a mapping whose columns
    are not 1-D or differ in length (``indicator`` names the column)."""
    NOT_NUMERIC = "not_numeric"
    """A value that cannot be read as a number."""
    VALUE_TOO_LARGE = "value_too_large"
    """A finite value of ``indicator`` for ``unit`` whose magnitude exceeds
    1e100 (``detail``: the value): the arithmetic would overflow."""
    OVERFLOW = "overflow"
    """A normalised value (``indicator``) or an aggregate (``group``) of ``unit``
    came out infinite, e.g. a power mean with a large exponent."""
    TARGET_BELOW_WORST = "target_below_worst"
    """The target of ``indicator`` lies below its worst value (the worse
    goalpost, or the sample's worst without ``cap``): a distance to it would
    score the better units lower."""
    UNKNOWN_INDICATOR = "unknown_indicator"
    """Data as a mapping with a code the spec does not have."""
    MISSING_INDICATOR = "missing_indicator"
    """Data as a mapping without a column for an indicator of the spec."""
    DUPLICATE_UNIT = "duplicate_unit"
    BAD_UNIT_IDS = "bad_unit_ids"
    """Unit ids not one per row of the data."""
    BAD_GROUPS = "bad_groups"
    """Ranking groups not one per row of the data."""
    MISSING_GOALPOSTS = "missing_goalposts"
    """Goalpost normalisation with indicators without goalposts (the first is
    named, ``detail["indicators"]`` lists them all)."""
    MISSING_TARGET = "missing_target"
    """Distance to target with indicators without a target (as above)."""
    TARGET_EQUALS_WORST = "target_equals_worst"
    """A target equal to the worst value, which would score 0 and 100 at once."""
    NOT_POSITIVE_FOR_MEAN = "not_positive_for_mean"
    """A value <= 0 entering a geometric, harmonic or power (p <= 0) mean:
    ``group`` is the aggregate, ``indicator`` the child, ``unit`` the first
    unit concerned, ``detail`` the value and the method."""
    NEGATIVE_FOR_MEAN = "negative_for_mean"
    """A value < 0 entering a power mean with p > 0 (as above)."""
    ZERO_FROM_NORMALISATION = "zero_from_normalisation"
    """The normalisation gives values <= 0 (its lower bound is <= 0: the worst
    unit of min-max to [0, 100] gets 0) to an indicator whose aggregate needs
    values above 0 (geometric, harmonic, power p <= 0). Raised before
    aggregating, naming the indicator and the first unit; ``detail`` gives the
    ``feature_range``, the ``normalisation``, the mean's ``method`` and a
    ``suggested_feature_range`` starting at 1."""


class DiagnosticCode(StrEnum):
    """What the engine noticed about a result it computed all the same.

    ``Diagnostics.missing_share`` comes with every result besides these: for each
    indicator, the share of units without a usable value in the raw data.
    """

    ALL_MISSING = "all_missing"
    """An indicator with no usable value for any unit (``indicator``): it is
    left out and its siblings' weights are renormalised (which its parent also
    reports as ``weights_renormalised``)."""
    CONSTANT_COLUMN = "constant_column"
    """Under a normalisation on the sample (min-max, z-score, rank, percentile
    rank), every unit with a value has the same one (or only one unit has a
    value): the indicator cannot discriminate and is treated as missing (NaN
    for every unit). ``indicator``; ``detail["method"]`` is the
    normalisation."""
    SINGLE_UNIT = "single_unit"
    """One unit only, under a normalisation on the sample: it has nothing to be
    compared to (every indicator is then a ``constant_column`` too). Reported
    once."""
    INFINITE_VALUE = "infinite_value"
    """Infinite values of ``indicator`` for ``units``, treated as missing."""
    TOO_LITTLE_DATA = "too_little_data"
    """The aggregate ``group`` is missing for ``units`` under the minimum-data
    rule (too few children present, or the present ones all weigh zero)."""
    WEIGHTS_RENORMALISED = "weights_renormalised"
    """The aggregate ``group`` was computed for ``units`` over the children
    present only, their weights renormalised to sum to 1."""
    TARGET_REACHED_BY_ALL = "target_reached_by_all"
    """Every unit with a value of ``indicator`` is at or beyond its target,
    which lies below the sample's worst value: with ``cap`` each gets the full
    score (the indicator no longer discriminates)."""
    VALUES_CLIPPED = "values_clipped"
    """Values of ``indicator`` beyond the goalposts (with ``truncate``) or beyond
    the target (with ``cap``) were brought back to them, for ``units``."""


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
