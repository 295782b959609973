"""``{{ campaign|public_url }}``: the canonical address of a published
campaign's public page (:func:`reports.services.open_results.public_url`)."""

from django import template

from reports.services.open_results import public_url as _public_url

register = template.Library()


@register.filter
def public_url(campaign) -> str:
    return _public_url(campaign)
