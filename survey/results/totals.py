"""One unit's totals, wherever a page shows them."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Sum

import scoring
from common.figures import percent
from survey.models import Answer, Assessment, Campaign, UnitResult
from survey.results.compute import _decimal, blank_assessments
from survey.results.inputs import campaign_population, framework_spec
from survey.results.stored import stored_totals

# Rules whose points depend on other units' answers (the best in the group).
COMPARING_RULES = ("relative_best",)
# How long the holders of a group's best are kept in the cache; their key changes
# with every change that could move them, this only bounds the memory.
HOLDERS_KEPT_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Figure:
    """A total over the applicable maximum, as the engine rolls it up (caps, N/A,
    bonus and penalty groups outside the maximum); ``level`` is a level code."""

    points: Decimal | None
    maximum: Decimal | None
    level: str = ""

    @property
    def percent(self) -> Decimal | None:
        return percent(self.points, self.maximum)


@dataclass(frozen=True)
class UnitTotals:
    """``self_assessed``: what the unit's answers earn now, ``parts`` the same for
    each top-level node (pillar, bonus or penalty group). ``result``: the stored
    result (verified points where verified, else self-assessed), None before the
    first computation; ``published``: final rather than provisional."""

    self_assessed: Figure
    result: Figure | None
    published: bool
    parts: dict[str, Figure] = field(default_factory=dict)  # self-assessed, by code


def assessment_totals(*, assessments: list[Assessment]) -> dict[int, UnitTotals]:
    """The totals of each of ``assessments``, keyed by id: the one definition of a
    unit's points and applicable maximum that pages show.

    The self-assessed figure comes from one engine pass per campaign and framework
    version on the answers as they are (the given units', and the others' answers
    to the indicators whose rule compares units); the result is the stored one, as
    reports read it.
    """
    own: dict[int, tuple[Figure, dict[str, Figure]]] = {}
    batches: dict[tuple[int, int], list[Assessment]] = {}
    for assessment in assessments:
        key = (assessment.campaign_id, assessment.version_id)
        batches.setdefault(key, []).append(assessment)
    for batch in batches.values():
        own.update(_self_figures(batch))
    stored = stored_totals(assessment_ids=[a.pk for a in assessments])
    nothing = (Figure(None, None), {})
    return {
        a.pk: UnitTotals(
            self_assessed=own.get(a.pk, nothing)[0],
            result=_stored_figure(stored.get(a.pk)),
            published=a.campaign.state == Campaign.State.PUBLISHED,
            parts=own.get(a.pk, nothing)[1],
        )
        for a in assessments
    }


def _self_figures(batch: list[Assessment]) -> dict[int, tuple]:
    campaign, version = batch[0].campaign, batch[0].version
    spec = framework_spec(version=version)
    wanted = {a.pk for a in batch}
    # A rule that compares units reads the others' answers to its indicators only.
    compared = [
        spec.leaf_codes[col]
        for rule in COMPARING_RULES
        for col in spec.compiled.by_rule.get(rule, ((), None))[0]
    ]
    never_submitted = sorted(blank_assessments(campaign=campaign, version=version))
    blank = [pk for pk in never_submitted if pk not in wanted]
    _rows, population = campaign_population(
        campaign=campaign,
        version=version,
        spec=spec,
        blank_units=blank,
        only=wanted,
        compared=compared,
        others=_best_holders(campaign, version, spec, wanted, compared, never_submitted)
        if compared
        else None,
    )
    results = scoring.score(spec, population)
    levels = scoring.assign_levels(spec, results.self_value)
    tops = spec.children[0]
    figures = {}
    for pk in wanted:
        i = results.unit_index.get(str(pk))
        if i is not None:
            figures[pk] = (
                _self_figure(results, levels, i, 0),
                {spec.nodes[k].code: _self_figure(results, levels, i, k) for k in tops},
            )
    return figures


def _best_holders(
    campaign, version, spec, wanted: set[int], compared, blank: list[int]
) -> list[int]:
    """The assessments holding their group's best answer to an indicator that
    compares units, within the groups of ``wanted``. Scoring ``wanted`` with these
    alone gives the points that scoring the whole groups gives (the best is all
    that the rule reads of the others), so a page of units does not read every
    answer of its groups; they are found by one scoring of the groups and kept
    until an answer to those indicators, an assessment or the units that never
    submitted (``blank``, sorted) change."""
    chosen = Assessment.objects.filter(campaign=campaign, version=version)
    groups = sorted(
        set(chosen.filter(pk__in=wanted).values_list("ranking_group", flat=True))
    )
    chosen = chosen.filter(ranking_group__in=groups)
    answers = Answer.objects.filter(
        assessment__in=chosen, node__version=version, node__code__in=list(compared)
    ).aggregate(n=Count("pk"), last=Max("updated_at"), edits=Sum("version"))
    units = chosen.aggregate(n=Count("pk"), last=Max("updated_at"))
    fingerprint = repr((groups, blank, sorted(answers.items()), sorted(units.items())))
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    key = f"best-holders:{campaign.pk}:{version.pk}:{digest}"
    holders = cache.get(key)
    if holders is None:
        _rows, population = campaign_population(
            campaign=campaign,
            version=version,
            spec=spec,
            blank_units=blank,
            only=wanted,
            compared=compared,
        )
        holders = [int(pk) for pk in scoring.best_holders(spec, population)]
        cache.set(key, holders, timeout=HOLDERS_KEPT_SECONDS)
    return holders


def _self_figure(results: scoring.Results, levels: np.ndarray, i: int, k: int):
    level = int(levels[i, k])
    return Figure(
        points=_decimal(results.self_points[i, k], 2),
        maximum=_decimal(results.self_max[i, k], 2),
        level=results.spec.levels[level].code if level >= 0 else "",
    )


def _stored_figure(row: UnitResult | None) -> Figure | None:
    if row is None:
        return None
    return Figure(row.final_points, row.applicable_max, row.level)
