"""The scoring engine: plain Python + numpy, no Django, no database.

Points mode (as the provinces score)::

    spec = build_spec(rows, precision=2, levels=[...], level_edges=...)
    population = population_from_records(spec, units=[...], answers=[...])
    results = score(spec, population)          # arrays (n_units, n_nodes)
    results.node("SO-TTTT", "TOTAL")           # NodeResult with None for n/a
    rows = result_rows(results)                # dicts to store
    explain(results, population, "SO-TTTT", "2.1")
    results.diagnostics                        # what was noticed (see below)

One answer as it is saved: ``leaf_points(rule, params, max_points, Answer(...))``.
Importer: ``rule_params_errors(rule, params, max_points)``, ``RULE_ANSWER_TYPES``.

Composite mode (as DESI, EGDI and COINr compute an index)::

    spec = CompositeSpec(indicators=[CompositeIndicator("1a", "D1", ...)],
                         groups=[CompositeGroup("D1", "DESI"), CompositeGroup("DESI")])
    results = composite_scores(
        spec, data,                    # (n_units, n_indicators) or {code: column}
        Normalisation("goalposts"),            # minmax, zscore, rank, target, identity…
        {2: "arithmetic", 3: Aggregation("geometric")},   # per level of the tree
        units=[...], groups=[...],             # unit ids, ranking groups
        reporting=Reporting(precision=1, rank_method="competition",
                            bands=Bands((25, 50, 75), labels=(...))),
        strict=False,
    )
    results["DESI"]                            # scores of one node for every unit
    results.rounded, results.rank, results.band   # (n_units, n_codes), as data
    results.rows()                             # one dict per unit and node
    results.diagnostics                        # what was noticed (see below)

Conventions shared by both modes:

* Per-unit results are arrays with one row per unit; facts about a framework or
  a spec (relative and effective weights) are mappings keyed by node code.
* Ranks: 1 is the best, 0 means no rank; ``competition`` (1, 2, 2, 4) or
  ``dense`` (1, 2, 2, 3), within ranking groups, on values rounded to a stated
  precision (half away from zero, as Excel's ROUND), so that values printed
  equal tie. Normalisations, by contrast, always give the best value the
  highest number (``normalise_rank``: the best of n units gets n).
* Errors are typed: every one is an :class:`EngineError` (a ``ValueError``)
  with a ``code`` and the ``indicator``, ``group`` and ``unit`` it concerns,
  never a bare ``KeyError`` or a sentence; the web layer translates the code.
  Codes: :mod:`scoring.codes` (points mode),
  :class:`~scoring.composite.CompositeErrorCode` (composite mode).
* Diagnostics are data, not printed warnings: a
  :class:`~scoring.diagnostics.Diagnostics` returned with every result lists
  what a careful analyst wants to know about a result computed all the same
  (a column dropped, weights renormalised, a value clipped…). ``strict=True``
  raises the first one as an error with the same code instead.
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
    EngineError,
    FrameworkError,
    LeafStatus,
    ParamError,
    PointsDiagnostic,
    PointsError,
    PopulationError,
    PopulationErrorCode,
    SpecError,
)
from scoring.composite import (
    Aggregation,
    Bands,
    CompositeError,
    CompositeErrorCode,
    CompositeGroup,
    CompositeIndicator,
    CompositeResults,
    CompositeSpec,
    CompositeSpecError,
    DiagnosticCode,
    MinMaxScaler,
    Normalisation,
    Reporting,
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
from scoring.diagnostics import Diagnostic, Diagnostics
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
    "Bands",
    "CompositeError",
    "CompositeErrorCode",
    "Diagnostic",
    "DiagnosticCode",
    "Diagnostics",
    "EngineError",
    "PointsDiagnostic",
    "PointsError",
    "PopulationError",
    "PopulationErrorCode",
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
