"""Score a campaign with the engine and store the results; explain one unit's number."""

import logging
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import F

import scoring
from survey.bulk import bulk_insert
from survey.errors import SurveyError
from survey.models import Assessment, Campaign, Node, ResultsAnalysis, UnitResult
from survey.results.arrays import scored_store
from survey.results.inputs import (
    blank_assessments,
    campaign_population,
    framework_spec,
)
from survey.results.stored import results_stored

C = Campaign.State
logger = logging.getLogger(__name__)


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
    _next_results_version(campaign)
    written = 0
    for use in campaign.versions.select_related("version"):
        written += _score_version(campaign, use.version, freeze)
    version = campaign.results_version
    transaction.on_commit(lambda: _announce(campaign=campaign, results_version=version))
    return written


def _announce(*, campaign: Campaign, results_version: int) -> None:
    # Preparing pages ahead is an optimisation: its failure fails nothing else.
    for receiver, outcome in results_stored.send_robust(
        sender=Campaign, campaign=campaign, results_version=results_version
    ):
        if isinstance(outcome, Exception):
            logger.error("After results were stored, %s failed: %r", receiver, outcome)


def _next_results_version(campaign: Campaign) -> None:
    """Raise the campaign's results version (what was derived from the results
    replaced goes with them)."""
    Campaign.objects.filter(pk=campaign.pk).update(
        results_version=F("results_version") + 1
    )
    campaign.refresh_from_db(fields=["results_version"])
    ResultsAnalysis.objects.filter(campaign=campaign).delete()


def campaign_results_refresh(*, campaign: Campaign) -> int:
    """Recompute after a change of state, unless the campaign's results are frozen."""
    try:
        return campaign_results_compute(campaign=campaign)
    except ResultsFrozen:
        return 0


def _score_version(campaign: Campaign, version, freeze: bool) -> int:
    spec = framework_spec(version=version)
    blank = blank_assessments(campaign=campaign, version=version)
    assessments, population = campaign_population(
        campaign=campaign, version=version, spec=spec, blank_units=blank
    )
    if not assessments:
        return 0
    results = scoring.score(spec, population)
    _log_diagnostics(campaign, version, results.diagnostics)
    node_ids = dict(version.nodes.values_list("code", "id"))
    rows = [
        _row(results, i, k, assessment, node_ids, freeze)
        for i, assessment in enumerate(assessments)
        for k in range(len(spec.nodes))
    ]
    bulk_insert(UnitResult, rows)
    scored_store(campaign=campaign, version=version, results=results)
    return len(rows)


def _log_diagnostics(campaign: Campaign, version, diagnostics) -> None:
    """What the engine noticed while scoring (an override brought back within
    its bounds, a relative indicator compared with nobody) goes to the log,
    for whoever looks into a figure that surprises."""
    for found in diagnostics:
        logger.warning(
            "Scoring %s (%s): %s at %s for %d unit(s) %s",
            campaign,
            version,
            found.code,
            found.indicator or found.group or "-",
            len(found.units),
            ", ".join(found.units[:5]),
            extra={"campaign": campaign.pk, "diagnostic": found.code},
        )


def _decimal(x: float, places: int) -> Decimal | None:
    if x is None or not np.isfinite(x):
        return None
    return Decimal(str(round(float(x), places)))


def _row(results, i, k, assessment, node_ids, freeze) -> dict:
    """One stored UnitResult, as a row for ``bulk_insert``."""
    spec = results.spec
    code = spec.nodes[k].code
    level = int(results.level[i, k])
    rank = int(results.rank[i, k])
    own_level = int(results.self_level[i, k])
    return dict(
        assessment_id=assessment.pk,
        node_id=None if code == scoring.ROOT_CODE else node_ids[code],
        self_points=_decimal(results.self_points[i, k], 2),
        verified_points=_decimal(results.verified_points[i, k], 2),
        final_points=_decimal(results.points[i, k], 2),
        applicable_max=_decimal(results.max[i, k], 2),
        value=_decimal(results.value[i, k], 6),
        level=spec.levels[level].code if level >= 0 else "",
        rank=rank or None,
        self_level=spec.levels[own_level].code if own_level >= 0 else "",
        self_rank=int(results.self_rank[i, k]) or None,
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
