"""Codes the engine returns instead of sentences.

Every code is a plain string (``StrEnum``), so that the web layer can map it to a
translated message and store it as is.

Answer errors (:class:`AnswerError`), raised per leaf and unit, never as NaN and
never as a silent zero:

=============================== ====================================================
``value_not_finite``            a number that is NaN or infinite
``negative_value``              a count, number, amount, ratio part or points < 0
``numerator_above_denominator`` ratio answer with a > b
``percentage_above_100``        percentage answer above 100
``zero_denominator``            b = 0 with ``zero_denominator`` = ``error`` (default)
``denominator_missing``         ratio answer with a numerator and no denominator
``unknown_level``               level code not among the rule's levels
``unknown_check``               check code not among the rule's checks
``points_above_max``            direct points above the indicator's maximum
``na_not_allowed``              N/A answered where the indicator does not allow it
=============================== ====================================================

Leaf statuses (:class:`LeafStatus`): ``scored``, ``missing`` (no answer: 0 points,
counts in the maximum), ``na`` and ``not_applicable`` (out of the maximum),
``unscored`` (rule ``none``), ``error``, ``needs_population`` (``relative_best``
scored alone without the group's best value).

Parameter errors (:class:`ParamError`) are returned by
:func:`scoring.rules.rule_params_errors` for the importer.

Framework errors (:class:`SpecError`), raised by :func:`scoring.tree.build_spec`
as one :class:`FrameworkError` listing them all:

================================= ==================================================
``duplicate_code``                two rows with the same code
``unknown_parent``                a parent code that is no row of the framework
``cycle``                         a code that is its own ancestor
``unknown_kind``                  a kind other than indicator, pillar, component,
                                  bonus_group, penalty_group
``empty_group``                   a group (pillar, component, bonus or penalty
                                  group) without any child
``indicator_has_children``        an indicator with children
``capped_without_max``            a capped group without maximum points
``bonus_outside_bonus_group``     a ``bonus`` indicator outside a bonus group
``penalty_outside_penalty_group`` a ``penalty`` indicator outside a penalty group
``levels_not_increasing``         level bounds not starting at 0 and increasing
``unknown_level_edges``           a ``level_edges`` setting not known
(a :class:`ParamError` code)      an indicator's rule parameters do not fit its
                                  rule (``rule_params`` itself is not raised)
================================= ==================================================

Population errors (:class:`PopulationErrorCode`), raised by
:func:`scoring.population.population_from_records` as :class:`PopulationError`:

===================== ============================================================
``unknown_unit``      an answer for a unit id not among the units
``unknown_indicator`` an answer for a code that is no node of the framework
``not_an_indicator``  an answer for a code that is a group, not an indicator
``duplicate_unit``    two units with the same id
``duplicate_answer``  two answers for the same unit and indicator
===================== ============================================================

Diagnostics of the points mode (:class:`PointsDiagnostic`), in
``Results.diagnostics``; ``score(..., strict=True)`` raises the first as a
:class:`PointsError` of the same code instead:

======================= ==========================================================
``override_clipped``    points set without a value (``override``) outside
                        ``[0, max]`` (``[-max, 0]`` for a penalty), brought back
                        to the nearer bound
``relative_best_alone`` a ``relative_best`` indicator whose unit is the only one
                        of its ranking group with a valid value: it is its own
                        best (full marks unless the value is 0), compared with
                        nobody
======================= ==========================================================
"""

from collections.abc import Mapping
from enum import StrEnum


class AnswerError(StrEnum):
    VALUE_NOT_FINITE = "value_not_finite"
    NEGATIVE_VALUE = "negative_value"
    NUMERATOR_ABOVE_DENOMINATOR = "numerator_above_denominator"
    PERCENTAGE_ABOVE_100 = "percentage_above_100"
    ZERO_DENOMINATOR = "zero_denominator"
    DENOMINATOR_MISSING = "denominator_missing"
    UNKNOWN_LEVEL = "unknown_level"
    UNKNOWN_CHECK = "unknown_check"
    POINTS_ABOVE_MAX = "points_above_max"
    NA_NOT_ALLOWED = "na_not_allowed"


class LeafStatus(StrEnum):
    SCORED = "scored"
    MISSING = "missing"
    NA = "na"
    NOT_APPLICABLE = "not_applicable"
    UNSCORED = "unscored"
    ERROR = "error"
    NEEDS_POPULATION = "needs_population"


class ParamError(StrEnum):
    UNKNOWN_RULE = "unknown_rule"
    PARAMS_NOT_OBJECT = "params_not_object"
    PARAMS_UNEXPECTED_KEY = "params_unexpected_key"
    PARAM_NOT_NUMBER = "param_not_number"
    MAX_POINTS_MISSING = "max_points_missing"
    MAX_POINTS_NOT_POSITIVE = "max_points_not_positive"
    ZERO_DENOMINATOR_INVALID = "zero_denominator_invalid"
    TIERS_MISSING = "tiers_missing"
    TIER_NOT_PAIR = "tier_not_pair"
    TIERS_NOT_INCREASING = "tiers_not_increasing"
    TIER_POINTS_NEGATIVE = "tier_points_negative"
    TIER_POINTS_ABOVE_MAX = "tier_points_above_max"
    LEVELS_MISSING = "levels_missing"
    LEVEL_CODE_MISSING = "level_code_missing"
    LEVEL_CODE_DUPLICATE = "level_code_duplicate"
    LEVEL_FACTOR_OUT_OF_RANGE = "level_factor_out_of_range"
    TARGET_MISSING = "target_missing"
    TARGET_NOT_POSITIVE = "target_not_positive"
    CHECKS_MISSING = "checks_missing"
    CHECKS_TOO_MANY = "checks_too_many"
    CHECK_CODE_MISSING = "check_code_missing"
    CHECK_CODE_DUPLICATE = "check_code_duplicate"
    CHECK_POINTS_NEGATIVE = "check_points_negative"
    PER_ITEM_NOT_POSITIVE = "per_item_not_positive"
    ITEM_MAX_MISSING = "item_max_missing"
    ITEM_MAX_NOT_POSITIVE = "item_max_not_positive"


class SpecError(StrEnum):
    """Errors in a framework tree, raised as :class:`FrameworkError`."""

    DUPLICATE_CODE = "duplicate_code"
    UNKNOWN_PARENT = "unknown_parent"
    CYCLE = "cycle"
    UNKNOWN_KIND = "unknown_kind"
    EMPTY_GROUP = "empty_group"
    INDICATOR_HAS_CHILDREN = "indicator_has_children"
    CAPPED_WITHOUT_MAX = "capped_without_max"
    BONUS_OUTSIDE_BONUS_GROUP = "bonus_outside_bonus_group"
    PENALTY_OUTSIDE_PENALTY_GROUP = "penalty_outside_penalty_group"
    LEVELS_NOT_INCREASING = "levels_not_increasing"
    UNKNOWN_LEVEL_EDGES = "unknown_level_edges"
    RULE_PARAMS = "rule_params"


class EngineError(ValueError):
    """The engine refused to compute; ``code`` says why.

    ``indicator``, ``group`` and ``unit`` name what the error concerns (None
    when it concerns no single one); ``detail`` holds any further facts, e.g.
    the offending value or the method. ``str(error)`` is an English line for
    logs and the shell; the web layer says it in the user's language from the
    code and these fields.
    """

    def __init__(
        self,
        code: str,
        *,
        indicator: str | None = None,
        group: str | None = None,
        unit: str | None = None,
        detail: dict | None = None,
    ) -> None:
        self.code = str(code)
        self.indicator = indicator
        self.group = group
        self.unit = unit
        self.detail = dict(detail or {})
        super().__init__(self._line())

    def _line(self) -> str:
        named = [
            f"{key} {value!r}"
            for key, value in (
                ("indicator", self.indicator),
                ("group", self.group),
                ("unit", self.unit),
            )
            if value is not None
        ]
        named += [f"{key}={value!r}" for key, value in self.detail.items()]
        return f"{self.code}: {', '.join(named)}" if named else self.code


class PopulationErrorCode(StrEnum):
    """Rows that cannot make a population, raised as :class:`PopulationError`."""

    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_INDICATOR = "unknown_indicator"
    NOT_AN_INDICATOR = "not_an_indicator"
    DUPLICATE_UNIT = "duplicate_unit"
    DUPLICATE_ANSWER = "duplicate_answer"


class PointsDiagnostic(StrEnum):
    """What the points mode noticed about results it computed all the same."""

    OVERRIDE_CLIPPED = "override_clipped"
    RELATIVE_BEST_ALONE = "relative_best_alone"


class FrameworkError(EngineError):
    """A framework tree the engine cannot score.

    ``errors`` lists every problem found as ``(node code, error code)`` (node
    code "" for a setting of the version). ``code`` is the first error's code,
    and ``indicator`` or ``group`` its node when that node is one (``kinds``
    maps node codes to their kind); ``detail["errors"]`` repeats ``errors``.
    """

    def __init__(
        self, errors: list[tuple[str, str]], kinds: Mapping[str, str] | None = None
    ) -> None:
        self.errors = list(errors)
        node, code = self.errors[0] if self.errors else ("", "")
        kind = (kinds or {}).get(node)
        super().__init__(
            code,
            indicator=node if kind == "indicator" else None,
            group=node if kind is not None and kind != "indicator" else None,
            detail={"errors": [list(e) for e in self.errors]},
        )


class PopulationError(EngineError):
    """Rows that cannot make a population; ``code`` is a
    :class:`PopulationErrorCode`, ``unit`` and ``indicator`` name the culprit."""


class PointsError(EngineError):
    """A diagnostic of the points mode raised in strict mode (same code)."""


ANSWER_ERRORS: tuple[str, ...] = ("",) + tuple(e.value for e in AnswerError)
"""Index 0 = no error; the engine stores errors as indices into this tuple."""

STATUSES: tuple[str, ...] = tuple(s.value for s in LeafStatus)


def error_index(code: AnswerError) -> int:
    return ANSWER_ERRORS.index(code.value)


def status_index(code: LeafStatus) -> int:
    return STATUSES.index(code.value)
