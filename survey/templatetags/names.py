"""Names shown in the active language: ``{% load names %}``."""

from django import template

from survey.models import Campaign

register = template.Library()


@register.filter
def group_name(group: str, campaign: Campaign | None) -> str:
    """A ranking group of ``campaign`` in the active language:
    ``{{ assessment.ranking_group|group_name:campaign }}``."""
    if campaign is None:
        return group
    return campaign.ranking_group_name(group)
