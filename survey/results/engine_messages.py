"""What the engine's codes mean, in the user's language.

The engine speaks in codes (:class:`scoring.codes.EngineError` and its
subclasses, :class:`scoring.diagnostics.Diagnostic`); this module turns each code
into a translated sentence that names the indicator, group and unit concerned.
Every code of :class:`~scoring.composite.CompositeErrorCode` and
:class:`~scoring.composite.DiagnosticCode` has a message (a test checks it), and
so do the points mode's errors and diagnostics. In strict mode a diagnostic is
raised as an error of the same code, so one table serves both.

Placeholders: ``%(indicator)s``, ``%(group)s``, ``%(unit)s``, ``%(node)s`` (the
indicator or the group), ``%(units)s`` (the units concerned, the first few) and
``%(count)s`` (how many units); anything else comes from the code's ``detail``
and reads "?" when the engine did not give it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from scoring.codes import EngineError
from scoring.composite import CompositeErrorCode, Diagnostic, DiagnosticCode

E = CompositeErrorCode
D = DiagnosticCode
UNITS_SHOWN = 5

ERROR_MESSAGES = {
    # the spec
    E.NO_INDICATORS: _("The spec declares no indicator."),
    E.DUPLICATE_CODE: _("The code “%(node)s” is declared more than once."),
    E.UNKNOWN_PARENT: _("The parent of “%(node)s” is not a declared group."),
    E.PARENT_IS_INDICATOR: _(
        "The parent of “%(node)s” is an indicator; only groups can have children."
    ),
    E.CYCLE: _("The group “%(group)s” is its own ancestor (a cycle)."),
    E.EMPTY_GROUP: _("The group “%(group)s” has no children."),
    E.BAD_WEIGHT: _("The weight of “%(node)s” must be a finite number ≥ 0."),
    E.ZERO_WEIGHT_GROUP: _(
        "Every child of “%(node)s” weighs 0: at least one weight must be above 0."
    ),
    E.BAD_DIRECTION: _("The direction of “%(indicator)s” must be 1 or -1."),
    E.BAD_GOALPOSTS: _(
        "The goalposts of “%(indicator)s” must be two finite numbers, low < high."
    ),
    E.BAD_MIN_DATA: _(
        "The minimum-data rule of “%(group)s” is invalid: min_count must be ≥ 0 "
        "and min_share between 0 and 1."
    ),
    # the options
    E.UNKNOWN_NORMALISATION: _("Unknown normalisation method “%(method)s”."),
    E.UNKNOWN_AGGREGATION: _("Unknown aggregation method “%(method)s”."),
    E.BAD_FEATURE_RANGE: _(
        "The normalised range must be two numbers, the first below the second."
    ),
    E.BAD_PRECISION: _("The precision must be a whole number from 0 to 12."),
    E.UNKNOWN_RANK_METHOD: _(
        "Unknown rank method “%(method)s”: use competition or dense."
    ),
    E.BAD_BANDS: _(
        "The band thresholds must be finite and strictly increasing, with one "
        "label more than thresholds when labels are given."
    ),
    E.UNKNOWN_BAND_EDGES: _(
        "Unknown band edges “%(edges)s”: use upper_inclusive or lower_inclusive."
    ),
    # the data
    E.BAD_DATA_SHAPE: _("The data do not have one column per indicator."),
    E.UNKNOWN_INDICATOR: _("“%(indicator)s” is not an indicator of the spec."),
    E.MISSING_INDICATOR: _("The data have no column for indicator “%(indicator)s”."),
    E.DUPLICATE_UNIT: _("The unit “%(unit)s” appears more than once."),
    E.BAD_UNIT_IDS: _("There must be exactly one unit id per row of data."),
    E.BAD_GROUPS: _("There must be exactly one ranking group per row of data."),
    E.MISSING_GOALPOSTS: _(
        "Goalpost normalisation needs goalposts for “%(indicator)s”."
    ),
    E.MISSING_TARGET: _(
        "Distance-to-target normalisation needs a target for “%(indicator)s”."
    ),
    E.TARGET_EQUALS_WORST: _(
        "The target of “%(indicator)s” equals its worst value: the distance to "
        "the target cannot be measured."
    ),
    E.NOT_POSITIVE_FOR_MEAN: _(
        "The mean used for “%(group)s” needs values above 0, and some are 0 or "
        "below (unit “%(unit)s”); normalise to a range above 0, e.g. [1, 100]."
    ),
    E.NEGATIVE_FOR_MEAN: _(
        "The mean used for “%(group)s” needs values of 0 or more, and some are "
        "negative (unit “%(unit)s”)."
    ),
}

DIAGNOSTIC_MESSAGES = {
    D.ALL_MISSING: _(
        "Indicator “%(indicator)s” has no value for any unit: it was left out and "
        "the weights of its siblings were scaled up."
    ),
    D.CONSTANT_COLUMN: _(
        "Indicator “%(indicator)s” has the same value for every unit that has "
        "one: it cannot tell units apart and was treated as missing."
    ),
    D.SINGLE_UNIT: _(
        "There is only one unit: a normalisation on the sample has nothing to "
        "compare it with."
    ),
    D.INFINITE_VALUE: _(
        "Indicator “%(indicator)s” has an infinite value (units %(units)s): it "
        "was treated as missing."
    ),
    D.TOO_LITTLE_DATA: _(
        "“%(group)s” has too few children with data for %(count)s units "
        "(%(units)s): their score there is missing."
    ),
    D.WEIGHTS_RENORMALISED: _(
        "“%(group)s” was computed over the children present only for %(count)s "
        "units (%(units)s): the weights of the missing ones went to the others."
    ),
    D.VALUES_CLIPPED: _(
        "Values of “%(indicator)s” beyond its goalposts or target were brought "
        "back to them (units %(units)s)."
    ),
    D.ZERO_FROM_NORMALISATION: _(
        "The normalisation gives 0 to some units for “%(indicator)s” (units "
        "%(units)s) and the mean of the level above needs values above 0."
    ),
}

# The points mode's codes (scoring.rollup and scoring.population).
POINTS_MESSAGES = {
    "unknown_unit": _("The unit “%(unit)s” is not part of this scoring."),
    "not_an_indicator": _("“%(node)s” is a group, not an indicator."),
    "duplicate_answer": _(
        "Unit “%(unit)s” has more than one answer to “%(indicator)s”."
    ),
    "override_clipped": _(
        "Points entered for “%(indicator)s” were brought back within 0 and the "
        "indicator's maximum (units %(units)s)."
    ),
    "relative_best_alone": _(
        "“%(indicator)s” is scored against the best unit of the group, but was "
        "scored without the group (units %(units)s); the points are provisional."
    ),
}

MESSAGES = {
    **{str(code): text for code, text in ERROR_MESSAGES.items()},
    **{str(code): text for code, text in DIAGNOSTIC_MESSAGES.items()},
    **POINTS_MESSAGES,
}
UNKNOWN = _("The scoring engine refused to compute (%(code)s).")


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _units_text(units) -> str:
    units = [str(u) for u in units]
    shown = ", ".join(units[:UNITS_SHOWN])
    return shown + (
        f", … (+{len(units) - UNITS_SHOWN})" if len(units) > UNITS_SHOWN else ""
    )


def _say(code: str, params: dict) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return str(UNKNOWN) % {"code": code}
    return str(template) % _Params(params)


def _params(code, indicator, group, units, detail) -> dict:
    named = {key: value for key, value in (detail or {}).items() if value is not None}
    units = list(units)
    params = {
        **{
            key: _units_text(v) if isinstance(v, list) else v
            for key, v in named.items()
        },
        "code": code,
        "indicator": indicator or "?",
        "group": group or "?",
        "node": indicator or group or "?",
        "units": _units_text(units) if units else "?",
        "count": len(units),
    }
    if len(units) == 1:
        params["unit"] = units[0]
    return params


def engine_error_message(error: EngineError) -> str:
    """``error`` as one sentence in the active language."""
    units = error.detail.get("units") or ([error.unit] if error.unit else [])
    params = _params(error.code, error.indicator, error.group, units, error.detail)
    if error.unit:
        params["unit"] = error.unit
    return _say(error.code, params)


def diagnostic_message(diagnostic: Diagnostic) -> str:
    """``diagnostic`` as one sentence in the active language."""
    params = _params(
        diagnostic.code,
        diagnostic.indicator,
        diagnostic.group,
        diagnostic.units,
        diagnostic.detail,
    )
    return _say(diagnostic.code, params)
