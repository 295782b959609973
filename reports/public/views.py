"""The public results of published campaigns: no login, nothing unpublished.

Anyone may read a published campaign's figures: they are published by the
province's decision. A campaign that is not published answers 404, as if it did
not exist.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from reports.services.open_results import FORMATS, open_download, open_page
from survey.models import Campaign
from survey.selectors.published import published_campaign, published_campaigns


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _published(code: str) -> Campaign:
    campaign = published_campaign(code=code)
    if campaign is None:
        raise Http404
    return campaign


@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/public/campaign_list.html",
        {"campaigns": published_campaigns()},
    )


@require_safe
def campaign(request: HttpRequest, code: str) -> HttpResponse:
    found = _published(code)
    context = open_page(campaign=found, lang=_lang())
    context.update(campaign=found, formats=list(FORMATS))
    return render(request, "reports/public/campaign.html", context)


@require_safe
def download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    found = _published(code)
    content = open_download(campaign=found, fmt=fmt, lang=_lang())
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"ket-qua-{found.code}.{fmt}"
    )
    return response
