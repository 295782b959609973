"""A unit's answers, verdicts and evidence metadata, for those allowed to see
them."""

from ninja import Router

router = Router(tags=["assessments"])
