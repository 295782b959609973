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
``%(count)s`` (how many units; such messages have a singular and a plural form);
anything else comes from the code's ``detail`` (numbers written the way of the
active language) and reads "?" when the engine did not give it. A code raised
without the indicator or group its message names (the spec's top level, a level's
default rule) takes its message from :data:`NO_NODE_MESSAGES` instead.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from scoring.codes import EngineError
from scoring.composite import Diagnostic
from survey.numbers import format_number

UNITS_SHOWN = 5

# Keyed by the codes' plain strings, not the enums' members: a code that moves
# from diagnostic to error (or back) keeps its message.
ERROR_MESSAGES = {
    # the spec
    "no_indicators": _("The spec declares no indicator."),
    "duplicate_code": _("The code “%(node)s” is declared more than once."),
    "unknown_parent": _("The parent of “%(node)s” is not a declared group."),
    "parent_is_indicator": _(
        "The parent of “%(node)s” is an indicator; only groups can have children."
    ),
    "cycle": _("The group “%(group)s” is its own ancestor (a cycle)."),
    "empty_group": _("The group “%(group)s” has no children."),
    "bad_weight": _("The weight of “%(node)s” must be a finite number ≥ 0."),
    "zero_weight_group": _(
        "Every child of “%(node)s” weighs 0: at least one weight must be above 0."
    ),
    "bad_direction": _("The direction of “%(indicator)s” must be 1 or -1."),
    "bad_goalposts": _(
        "The goalposts of “%(indicator)s” must be two finite numbers, low < high."
    ),
    "bad_min_data": _(
        "The minimum-data rule of “%(group)s” is invalid: min_count must be ≥ 0 "
        "and min_share between 0 and 1."
    ),
    # the options
    "unknown_normalisation": _("Unknown normalisation method “%(method)s”."),
    "unknown_aggregation": _("Unknown aggregation method “%(method)s”."),
    "bad_feature_range": _(
        "The normalised range must be two numbers, the first below the second."
    ),
    "bad_mean_weights": _(
        "The weights of the children of “%(group)s” must be finite numbers ≥ 0."
    ),
    "bad_precision": _("The precision must be a whole number from 0 to 12."),
    "unknown_rank_method": _(
        "Unknown rank method “%(method)s”: use competition or dense."
    ),
    "bad_bands": _(
        "The band thresholds must be finite and strictly increasing, with one "
        "label more than thresholds when labels are given."
    ),
    "unknown_band_edges": _(
        "Unknown band edges “%(edges)s”: use upper_inclusive or lower_inclusive."
    ),
    # the data
    "bad_data_shape": _("The data do not have one column per indicator."),
    "not_numeric": _("A value of “%(indicator)s” cannot be read as a number."),
    "unknown_indicator": _("“%(indicator)s” is not an indicator of the spec."),
    "missing_indicator": _("The data have no column for indicator “%(indicator)s”."),
    "duplicate_unit": _("The unit “%(unit)s” appears more than once."),
    "bad_unit_ids": _("There must be exactly one unit id per row of data."),
    "bad_groups": _("There must be exactly one ranking group per row of data."),
    "missing_goalposts": _(
        "Goalpost normalisation needs goalposts for “%(indicator)s”."
    ),
    "missing_target": _(
        "Distance-to-target normalisation needs a target for “%(indicator)s”."
    ),
    "target_equals_worst": _(
        "The target of “%(indicator)s” equals its worst value: the distance to "
        "the target cannot be measured."
    ),
    "target_below_worst": _(
        "The target of “%(indicator)s” is worse than its worst value (the worse "
        "goalpost, or every unit's value when the normalisation has no cap): a "
        "distance to it would score the better units lower."
    ),
    "value_too_large": _(
        "The value %(value)s of “%(indicator)s” for unit “%(unit)s” is too large "
        "to compute with (beyond ±1e100)."
    ),
    "overflow": _(
        "The score of “%(node)s” for unit “%(unit)s” is too large to compute "
        "(the values it is computed from are too large)."
    ),
    "not_positive_for_mean": _(
        "The mean used for “%(group)s” needs values above 0, and some are 0 or "
        "below (unit “%(unit)s”); normalise to a range above 0, e.g. [1, 100]."
    ),
    "negative_for_mean": _(
        "The mean used for “%(group)s” needs values of 0 or more, and some are "
        "negative (unit “%(unit)s”)."
    ),
}

DIAGNOSTIC_MESSAGES = {
    "all_missing": _(
        "Indicator “%(indicator)s” has no value for any unit: it was left out and "
        "the weights of its siblings were scaled up."
    ),
    "constant_column": _(
        "Indicator “%(indicator)s” has the same value for every unit that has "
        "one: it cannot tell units apart and was treated as missing."
    ),
    "single_unit": _(
        "There is only one unit: a normalisation on the sample has nothing to "
        "compare it with."
    ),
    "infinite_value": _(
        "Indicator “%(indicator)s” has an infinite value (units %(units)s): it "
        "was treated as missing."
    ),
    "too_little_data": ngettext_lazy(
        "“%(group)s” has too few children with data for %(count)s unit "
        "(%(units)s): its score there is missing.",
        "“%(group)s” has too few children with data for %(count)s units "
        "(%(units)s): their score there is missing.",
        "count",
    ),
    "weights_renormalised": ngettext_lazy(
        "“%(group)s” was computed over the children present only for %(count)s "
        "unit (%(units)s): the weights of the missing ones went to the others.",
        "“%(group)s” was computed over the children present only for %(count)s "
        "units (%(units)s): the weights of the missing ones went to the others.",
        "count",
    ),
    "target_reached_by_all": _(
        "Every unit already reaches the target of “%(indicator)s”: all get the "
        "full score for it."
    ),
    "values_clipped": _(
        "Values of “%(indicator)s” beyond its goalposts or target were brought "
        "back to them (units %(units)s)."
    ),
    "zero_from_normalisation": _(
        "The normalisation gives 0 or less to “%(indicator)s” for units "
        "%(units)s, and the mean of the level above needs values above 0; "
        "normalise to a range above 0, e.g. [1, 100]."
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
        "Points entered for “%(indicator)s” were brought back within %(low)s and "
        "%(high)s (units %(units)s)."
    ),
    "relative_best_alone": _(
        "“%(indicator)s” is scored against the best unit of the ranking group "
        "“%(group)s”, but was scored without the group (units %(units)s); the "
        "points are provisional."
    ),
}

# A code raised without the node its message names: the spec's top level, or a
# level's default rule (aggregation) rather than one group's.
NO_NODE_MESSAGES = {
    "zero_weight_group": _(
        "Every top-level group weighs 0: at least one weight must be above 0."
    ),
    "bad_min_data": _(
        "The level's default minimum-data rule is invalid: min_count must be ≥ 0 "
        "and min_share between 0 and 1."
    ),
}
NODE_KEYS = ("indicator", "group", "node")

MESSAGES = {**ERROR_MESSAGES, **DIAGNOSTIC_MESSAGES, **POINTS_MESSAGES}
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


class _Count(int):
    """A count that writes itself as its placeholder (see `message_template`)."""

    def __str__(self) -> str:
        return "%(count)s"


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return f"%({key})s"


def message_template(code: str, count: int = 2, *, node: bool = True) -> str:
    """The message of ``code`` in the active language, placeholders left in (the
    form for ``count`` units when it has a singular and a plural; with ``node``
    false, the message for when the engine names no node)."""
    template = MESSAGES[code] if node else NO_NODE_MESSAGES[code]
    return template % _Keep(count=_Count(count))


def _template(code: str, params: dict):
    template = MESSAGES[code]
    if code in NO_NODE_MESSAGES:
        text = str(template)
        if any(f"%({k})s" in text and params.get(k) is None for k in NODE_KEYS):
            return NO_NODE_MESSAGES[code]
    return template


def _say(code: str, params: dict) -> str:
    if code not in MESSAGES:
        return str(UNKNOWN) % {"code": code}
    given = {key: value for key, value in params.items() if value is not None}
    return _template(code, params) % _Params(given)


def _detail_text(value):
    if isinstance(value, list):
        return _units_text(value)
    if isinstance(value, float) and math.isfinite(value):
        plain = value == 0 or 1e-6 <= abs(value) < 1e15
        return format_number(value) if plain else f"{value:.6g}"
    if isinstance(value, float):
        return str(value)
    return value


def _params(code, indicator, group, units, detail) -> dict:
    named = {key: value for key, value in (detail or {}).items() if value is not None}
    units = list(units)
    params = {
        **{key: _detail_text(v) for key, v in named.items()},
        "code": code,
        "indicator": indicator,
        "group": group,
        "node": indicator or group,
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
