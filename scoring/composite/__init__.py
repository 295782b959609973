"""Composite mode of the scoring engine, as DESI, EGDI and COINr compute it.

Normalisation (min-max on the sample, fixed goalposts, z-score, rank and
percentile rank, distance to target), weights relative within each group and
their effective weights, and weighted arithmetic, geometric, harmonic and
generalised means over a tree of any depth, with a minimum-data rule.
Plain Python and numpy, no Django; from the rest of ``scoring`` it uses only
the rounding, the ranking and the typed errors and diagnostics shared with
the points mode.
"""

from .aggregate import (
    Aggregation,
    weighted_arithmetic_mean,
    weighted_geometric_mean,
    weighted_harmonic_mean,
    weighted_power_mean,
)
from .diagnostics import (
    CompositeError,
    CompositeErrorCode,
    CompositeSpecError,
    Diagnostic,
    DiagnosticCode,
    Diagnostics,
)
from .normalise import (
    MinMaxScaler,
    ZScoreScaler,
    normalise_goalposts,
    normalise_min_max,
    normalise_percentile_rank,
    normalise_rank,
    normalise_target,
    normalise_z_score,
)
from .pipeline import (
    Normalisation,
    composite_aggregate,
    composite_normalise,
    composite_scores,
    minmax_group_means,
)
from .results import BAND_EDGES, Bands, CompositeResults, Reporting
from .spec import (
    CompositeGroup,
    CompositeIndicator,
    CompositeSpec,
    effective_weights,
    relative_weights,
)

__all__ = [
    "BAND_EDGES",
    "Aggregation",
    "Bands",
    "CompositeError",
    "CompositeErrorCode",
    "Diagnostic",
    "DiagnosticCode",
    "Diagnostics",
    "Reporting",
    "CompositeGroup",
    "CompositeIndicator",
    "CompositeResults",
    "CompositeSpec",
    "CompositeSpecError",
    "MinMaxScaler",
    "Normalisation",
    "ZScoreScaler",
    "composite_aggregate",
    "composite_normalise",
    "composite_scores",
    "effective_weights",
    "minmax_group_means",
    "normalise_goalposts",
    "normalise_min_max",
    "normalise_percentile_rank",
    "normalise_rank",
    "normalise_target",
    "normalise_z_score",
    "relative_weights",
    "weighted_arithmetic_mean",
    "weighted_geometric_mean",
    "weighted_harmonic_mean",
    "weighted_power_mean",
]
