"""The only place where Django meets the engine: score a campaign, store the results."""

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import transaction

import scoring
from common.figures import percent
from survey.errors import SurveyError
from survey.models import Assessment, Campaign, Node, UnitResult
from survey.selectors import campaign_population, framework_spec, stored_totals

A = Assessment.State
C = Campaign.State
NOT_SUBMITTED = {A.DRAFT, A.READY}
AFTER_DEADLINE = {C.CLOSED, C.PRELIMINARY, C.PUBLISHED, C.REOPENED}


class ResultsFrozen(SurveyError):
    pass


@transaction.atomic
def campaign_results_compute(*, campaign: Campaign, freeze: bool = False) -> int:
    """Score every assessment of ``campaign`` (one engine call per framework version)
    and store a ``UnitResult`` per assessment and node. Returns the rows written.

    A published campaign's frozen results are never recomputed: changing a rule or a
    framework afterwards does not change them; only reopening lifts the freeze.
    """
    frozen = UnitResult.objects.filter(assessment__campaign=campaign, frozen=True)
    if campaign.state != C.REOPENED and frozen.exists():
        raise ResultsFrozen(code="frozen")
    UnitResult.objects.filter(assessment__campaign=campaign).delete()
    written = 0
    for use in campaign.versions.select_related("version"):
        written += _score_version(campaign, use.version, freeze)
    return written


def campaign_results_refresh(*, campaign: Campaign) -> int:
    """Recompute after a change of state, unless the campaign's results are frozen."""
    try:
        return campaign_results_compute(campaign=campaign)
    except ResultsFrozen:
        return 0


def _score_version(campaign: Campaign, version, freeze: bool) -> int:
    spec = framework_spec(version=version)
    blank = _blank_assessments(campaign, version)
    assessments, population = campaign_population(
        campaign=campaign, version=version, spec=spec, blank_units=blank
    )
    if not assessments:
        return 0
    results = scoring.score(spec, population)
    node_ids = dict(version.nodes.values_list("code", "id"))
    rows = [
        _row(results, i, k, assessment, node_ids, freeze)
        for i, assessment in enumerate(assessments)
        for k in range(len(spec.nodes))
    ]
    UnitResult.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _blank_assessments(campaign: Campaign, version) -> list[int]:
    """Units that never submitted score 0 after the deadline under the default rule."""
    if campaign.state not in AFTER_DEADLINE:
        return []
    if campaign.non_submission != Campaign.NonSubmission.ZERO:
        return []
    return list(
        Assessment.objects.filter(
            campaign=campaign, version=version, state__in=NOT_SUBMITTED
        ).values_list("pk", flat=True)
    )


def _decimal(x: float, places: int) -> Decimal | None:
    if x is None or not np.isfinite(x):
        return None
    return Decimal(str(round(float(x), places)))


def _row(results, i, k, assessment, node_ids, freeze) -> UnitResult:
    spec = results.spec
    code = spec.nodes[k].code
    level = int(results.level[i, k])
    rank = int(results.rank[i, k])
    return UnitResult(
        assessment=assessment,
        node_id=None if code == scoring.ROOT_CODE else node_ids[code],
        self_points=_decimal(results.self_points[i, k], 2),
        verified_points=_decimal(results.verified_points[i, k], 2),
        final_points=_decimal(results.points[i, k], 2),
        applicable_max=_decimal(results.max[i, k], 2),
        value=_decimal(results.value[i, k], 6),
        level=spec.levels[level].code if level >= 0 else "",
        rank=rank or None,
        frozen=freeze,
    )


def unit_explanation(*, assessment: Assessment, node: Node | None = None) -> dict:
    """The inputs, rule and arithmetic behind one unit's number at ``node``."""
    spec = framework_spec(version=assessment.version)
    _assessments, population = campaign_population(
        campaign=assessment.campaign, version=assessment.version, spec=spec
    )
    results = scoring.score(spec, population)
    code = node.code if node is not None else scoring.ROOT_CODE
    return scoring.explain(results, population, str(assessment.pk), code)


# One unit's totals, wherever a page shows them --------------------------------------


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
    version on the answers as they are (only the given units unless a rule compares
    units); the result is the stored one, as reports read it.
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
            published=a.campaign.state == C.PUBLISHED,
            parts=own.get(a.pk, nothing)[1],
        )
        for a in assessments
    }


def _self_figures(batch: list[Assessment]) -> dict[int, tuple]:
    campaign, version = batch[0].campaign, batch[0].version
    spec = framework_spec(version=version)
    wanted = {a.pk for a in batch}
    compares = "relative_best" in spec.compiled.by_rule
    blank = [pk for pk in _blank_assessments(campaign, version) if pk not in wanted]
    _rows, population = campaign_population(
        campaign=campaign,
        version=version,
        spec=spec,
        blank_units=blank,
        only=None if compares else wanted,
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
