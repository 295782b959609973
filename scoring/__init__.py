"""The scoring engine: plain Python + numpy, no Django, no database.

Points mode (as the provinces score)::

    spec = build_spec(rows, precision=2, levels=[...], level_edges=...)
    population = population_from_records(spec, units=[...], answers=[...])
    results = score(spec, population)          # arrays (n_units, n_nodes)
    results.node("SO-TTTT", "TOTAL")           # NodeResult with None for n/a
    rows = result_rows(results)                # dicts to store
    explain(results, population, "SO-TTTT", "2.1")

One answer as it is saved: ``leaf_points(rule, params, max_points, Answer(...))``.
Importer: ``rule_params_errors(rule, params, max_points)``, ``RULE_ANSWER_TYPES``.
Codes returned instead of sentences: :mod:`scoring.codes`.
"""

from scoring.analysis import (
    Contributions,
    MonteCarlo,
    contributions,
    monte_carlo,
    path_to_next_level,
    points_lost,
    strengths_weaknesses,
)
from scoring.codes import (
    ANSWER_ERRORS,
    STATUSES,
    AnswerError,
    FrameworkError,
    LeafStatus,
    ParamError,
    SpecError,
)
from scoring.composite import (
    Aggregation,
    CompositeGroup,
    CompositeIndicator,
    CompositeResults,
    CompositeSpec,
    CompositeSpecError,
    MinMaxScaler,
    Normalisation,
    ZScoreScaler,
    composite_aggregate,
    composite_normalise,
    composite_scores,
    minmax_group_means,
    normalise_goalposts,
    normalise_min_max,
    normalise_percentile_rank,
    normalise_rank,
    normalise_target,
    normalise_z_score,
    relative_weights,
    weighted_arithmetic_mean,
    weighted_geometric_mean,
    weighted_harmonic_mean,
    weighted_power_mean,
)
from scoring.composite import effective_weights as composite_effective_weights
from scoring.explain import explain, result_rows
from scoring.population import population_from_records
from scoring.ranking import (
    YearOverYear,
    comparable_previous,
    rank_columns,
    rank_within_groups,
    year_over_year,
)
from scoring.rollup import assign_levels, best_holders, score
from scoring.rounding import round_half_away
from scoring.rules import (
    RULE_ANSWER_TYPES,
    RULES,
    leaf_points,
    leaves_points,
    rule_params_errors,
)
from scoring.tree import build_spec
from scoring.types import (
    LAO_CAI_LEVELS,
    ROOT_CODE,
    Answer,
    Answers,
    FrameworkSpec,
    LeafOutcome,
    Level,
    NodeResult,
    NodeSpec,
    Population,
    Results,
)

__all__ = [
    "Aggregation",
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
    "composite_effective_weights",
    "ANSWER_ERRORS",
    "LAO_CAI_LEVELS",
    "ROOT_CODE",
    "RULES",
    "RULE_ANSWER_TYPES",
    "STATUSES",
    "Answer",
    "AnswerError",
    "Answers",
    "Contributions",
    "FrameworkError",
    "FrameworkSpec",
    "LeafOutcome",
    "LeafStatus",
    "Level",
    "MonteCarlo",
    "NodeResult",
    "NodeSpec",
    "ParamError",
    "Population",
    "Results",
    "SpecError",
    "YearOverYear",
    "assign_levels",
    "best_holders",
    "build_spec",
    "comparable_previous",
    "contributions",
    "explain",
    "leaf_points",
    "leaves_points",
    "monte_carlo",
    "population_from_records",
    "path_to_next_level",
    "points_lost",
    "rank_columns",
    "rank_within_groups",
    "result_rows",
    "round_half_away",
    "rule_params_errors",
    "score",
    "strengths_weaknesses",
    "year_over_year",
]
