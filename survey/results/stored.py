"""Reads of stored results (``UnitResult``)."""

from survey.models import (
    UnitResult,
)


def stored_totals(*, assessment_ids) -> dict:
    """The stored whole-framework result of each assessment (``UnitResult`` with no
    node), keyed by assessment id; one query."""
    rows = UnitResult.objects.filter(
        assessment_id__in=list(assessment_ids), node__isnull=True
    )
    return {row.assessment_id: row for row in rows}
