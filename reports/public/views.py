"""The public results of published campaigns: no login, nothing unpublished.

Anyone may read a published campaign's figures: they are published by the
province's decision. A campaign that is not published answers 404, as if it did
not exist. A campaign code without its province names one campaign only when a
single province has published one under it; otherwise the visitor chooses the
province (``reports/public/urls.py``).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from reports.services.open_results import (
    FORMATS,
    open_choices,
    open_download,
    open_list,
    open_page,
)
from survey.models import Campaign
from survey.selectors.published import published_campaign, published_with_code


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _published(province_code: str, code: str) -> Campaign:
    campaign = published_campaign(province_code=province_code, code=code)
    if campaign is None:
        raise Http404
    return campaign


def _with_code(code: str) -> list[Campaign]:
    found = published_with_code(code=code)
    if not found:
        raise Http404
    return found


def _choose(request: HttpRequest, found: list[Campaign], fmt: str | None = None):
    context = open_choices(campaigns=found, fmt=fmt)
    return render(request, "reports/public/choose.html", context)


@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/public/campaign_list.html", open_list())


@require_safe
def campaign(request: HttpRequest, code: str) -> HttpResponse:
    found = _with_code(code)
    if len(found) > 1:
        return _choose(request, found)
    return _page(request, found[0])


@require_safe
def province_campaign(request: HttpRequest, province_code: str, code: str):
    return _page(request, _published(province_code, code))


@require_safe
def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    found = _with_code(code)
    if len(found) > 1:
        return _choose(request, found, fmt)
    return _file(found[0], fmt)


@require_safe
def province_download(request: HttpRequest, province_code: str, code: str, fmt: str):
    return _file(_published(province_code, code), fmt)


def _page(request: HttpRequest, found: Campaign) -> HttpResponse:
    context = open_page(campaign=found, lang=_lang())
    context.update(campaign=found, formats=list(FORMATS))
    return render(request, "reports/public/campaign.html", context)


def _file(found: Campaign, fmt: str) -> HttpResponse:
    content, filename = open_download(campaign=found, fmt=fmt, lang=_lang())
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response
