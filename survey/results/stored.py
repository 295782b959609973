"""Reads of stored results (``UnitResult``) and of what is derived from them
(``ResultsAnalysis``)."""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.dispatch import Signal

from survey.models import Campaign, ResultsAnalysis, UnitResult

# Sent once a campaign's results are stored and committed, with ``campaign`` and
# its new ``results_version``: the pages built from them may be prepared ahead.
results_stored = Signal()


def stored_totals(*, assessment_ids) -> dict:
    """The stored whole-framework result of each assessment (``UnitResult`` with no
    node), keyed by assessment id; one query."""
    rows = UnitResult.objects.filter(
        assessment_id__in=list(assessment_ids), node__isnull=True
    )
    return {row.assessment_id: row for row in rows}


def analysis_stored(
    *,
    campaign: Campaign,
    kind: str,
    build: Callable[[], tuple[dict, bytes]],
) -> ResultsAnalysis:
    """The ``kind`` of analysis of the campaign's current results version: read
    back (one query), or built once by ``build`` (its payload and content) and
    kept. Two requests building it at once keep the first one stored."""
    version = campaign.results_version
    found = ResultsAnalysis.objects.filter(
        campaign=campaign, results_version=version, kind=kind
    ).first()
    if found is not None:
        return found
    payload, content = build()
    try:
        with transaction.atomic():
            return ResultsAnalysis.objects.create(
                campaign=campaign,
                results_version=version,
                kind=kind,
                payload=payload,
                content=content,
            )
    except IntegrityError:
        return ResultsAnalysis.objects.get(
            campaign=campaign, results_version=version, kind=kind
        )
