"""The engine's inputs, built from the database: a framework version's spec and a
campaign's population of units and answers."""

from typing import Any

from django.db.models import Q

import scoring
from survey.models import Answer, Assessment, Campaign
from survey.states import AFTER_DEADLINE, NOT_SUBMITTED


def framework_spec(*, version) -> scoring.FrameworkSpec:
    """The engine's view of a framework version (one query)."""
    rows = [
        {
            "code": node.code,
            "parent_code": node.parent.code if node.parent_id else "",
            "kind": node.kind,
            "max_points": float(node.max_points)
            if node.max_points is not None
            else None,
            "capped": node.capped,
            "rule": node.rule,
            "rule_params": node.rule_params,
            "answer_type": node.answer_type,
            "na_allowed": node.na_allowed,
            "applies_to": node.applies_to,
            "requires_procedures": node.requires_procedures,
        }
        for node in version.nodes.select_related("parent").order_by("order", "id")
    ]
    levels = [
        scoring.Level(lv["code"], float(lv["min_value"])) for lv in version.levels
    ]
    return scoring.build_spec(
        rows,
        precision=version.precision,
        levels=levels,
        level_edges=version.level_edges,
    )


ANSWER_VALUE_FIELDS = ("yes", "number", "denominator", "choice", "checks", "is_na")


def campaign_population(
    *, campaign, version, spec, blank_units=(), only=None, compared=(), others=None
) -> tuple:
    """``(assessments, population)`` of ``campaign``'s units scored on ``version``.

    Two queries whatever the number of units: assessments, then answers.
    ``blank_units``: assessment ids scored as if nothing was answered (units that
    never submitted, under the campaign's rule). ``only``: assessment ids to keep
    (None: all), for rules that never look at other units. ``compared``: with
    ``only``, codes of the indicators whose rule compares units: the other units
    of their ranking groups are kept with their answers to these alone, which is
    all the figures of ``only`` depend on. ``others``: with ``compared``, the
    assessment ids of those other units to keep, when the caller knows which
    matter (the holders of their groups' best, ``scoring.best_holders``).
    """
    chosen = Assessment.objects.filter(campaign=campaign, version=version)
    read = Q()
    if only is not None and compared:
        if others is not None:
            chosen = chosen.filter(pk__in=[*only, *others])
        else:
            # the best is judged within a ranking group: other groups play no part
            groups = chosen.filter(pk__in=list(only)).values("ranking_group")
            chosen = chosen.filter(ranking_group__in=groups)
        read = Q(assessment_id__in=list(only)) | Q(node__code__in=list(compared))
    elif only is not None:
        chosen = chosen.filter(pk__in=list(only))
    assessments = list(chosen.select_related("unit").order_by("pk"))
    units = [
        {
            "id": str(a.pk),
            "group": a.ranking_group,
            "ranked": a.ranked,
            "unit_type": a.unit.unit_type,
            "procedures": a.provides_procedures,
        }
        for a in assessments
    ]
    rows = (
        Answer.objects.filter(assessment__in=chosen)
        .filter(read)
        .exclude(assessment_id__in=list(blank_units))
        .values(
            "assessment_id",
            "node__code",
            "node__answer_type",
            "node__rule",
            "verified_value",
            "verified_points",
            "review_status",
            "self_points",
            *ANSWER_VALUE_FIELDS,
        )
        .iterator(chunk_size=5000)
    )
    answers = (_answer_record(row) for row in rows)
    population = scoring.population_from_records(spec, units=units, answers=answers)
    return assessments, population


def _answer_record(row: dict) -> dict:
    """One answer as the engine reads it: the unit's, and the reviewer's if any.

    Points without a typed value (imported from a published year, or set by a
    reviewer) reach the engine as ``override`` and replace the rule's result.
    """
    node_type, rule = row["node__answer_type"], row["node__rule"]
    own = engine_answer_fields(answer_type=node_type, rule=rule, values=row)
    if not _has_value(own) and row["self_points"] is not None and not row["is_na"]:
        own["override"] = float(row["self_points"])
    record = {"unit": str(row["assessment_id"]), "code": row["node__code"], **own}
    status = row["review_status"]
    if status == Answer.ReviewStatus.AGREED:
        record["verified"] = own
    elif status == Answer.ReviewStatus.DISAGREED and row["verified_value"]:
        verified = {**row["verified_value"], "is_na": row["is_na"]}
        record["verified"] = engine_answer_fields(
            answer_type=node_type, rule=rule, values=verified
        )
    elif status == Answer.ReviewStatus.DISAGREED and row["verified_points"] is not None:
        record["verified"] = {**own, "override": float(row["verified_points"])}
    else:
        record["verified"] = None
    return record


def _has_value(fields: dict) -> bool:
    keys = ("value", "points", "denominator", "choice", "checks", "yes")
    return any(fields[key] is not None for key in keys)


def _float(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def engine_answer_fields(*, answer_type: str, rule: str, values: dict) -> dict:
    """Fields of :class:`scoring.Answer` from an answer's typed values.

    ``values`` is keyed like the Answer model (``yes``, ``number``, ``denominator``,
    ``choice``, ``checks``, ``is_na``); Decimals and strings become floats here.
    """
    number = _float(values.get("number"))
    is_points = answer_type == "points"
    checks = values.get("checks")
    return {
        "value": None if is_points else number,
        "points": number if is_points else None,
        "denominator": _float(values.get("denominator")),
        "choice": values.get("choice") or None,
        "checks": tuple(checks) if checks is not None and rule == "checks" else None,
        "yes": values.get("yes"),
        "na": bool(values.get("is_na")),
    }


def blank_assessments(*, campaign: Campaign, version) -> list[int]:
    """Assessments scored as if nothing was answered: units that never submitted
    score 0 after the deadline under the default rule. One query, none when the
    rule does not apply; every engine pass over a campaign asks this."""
    if campaign.state not in AFTER_DEADLINE:
        return []
    if campaign.non_submission != Campaign.NonSubmission.ZERO:
        return []
    return list(
        Assessment.objects.filter(
            campaign=campaign, version=version, state__in=NOT_SUBMITTED
        ).values_list("pk", flat=True)
    )
