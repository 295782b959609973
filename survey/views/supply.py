"""Province-supplied values of a campaign: typed on a page or read from a file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from survey.errors import SurveyError
from survey.models import (
    Campaign,
    Node,
)
from survey.numbers import (
    DEFAULT_FILE_FORMAT,
    NUMBER_FORMATS,
    NumberFormat,
    number_format_named,
    page_number_format,
)
from survey.permissions import permission_require
from survey.selectors.campaigns import (
    unit_names_in_campaign,
)
from survey.selectors.scope import action_scope
from survey.services.campaigns import (
    CampaignInvalid,
)
from survey.services.supply import (
    province_values_supply,
    supply_indicators,
    supply_refusal,
)
from survey.services.supply_reading import read_supply_file


@login_required
def supply(request: HttpRequest, pk: int) -> HttpResponse:
    """One indicator's values for every unit at once: typed in, or imported from a
    spreadsheet exported by a provincial system; marked as supplied by the province.

    Open to the coordinator and to reviewers (``supply_values``); a reviewer sees
    and supplies only the units and indicators they review, which the service
    checks again row by row."""
    permission_require(user=request.user, action="supply_values")
    scope = action_scope(user=request.user, action="supply_values")
    campaign = get_object_or_404(Campaign, pk=pk)
    indicators = supply_indicators(campaign=campaign, scope=scope)
    selected = request.POST.get("node") or request.GET.get("node") or ""
    node = next((n for n in indicators if str(n.pk) == selected), None)
    errors: dict = {}
    if request.method == "POST" and node is not None:
        try:
            result = province_values_supply(
                campaign=campaign,
                node=node,
                rows=_supply_rows(request, campaign),
                user=request.user,
                number_format=_supply_number_format(request),
            )
        except CampaignInvalid as invalid:
            errors = invalid.errors
            messages.error(request, _("Nothing was saved; correct the rows marked."))
        except SurveyError as error:
            messages.error(request, str(error.message))
        else:
            _supply_messages(request, campaign, result)
            return redirect(f"{request.path}?node={node.pk}")
    units = _supply_units(campaign, node, request, errors, scope)
    context = {
        "campaign": campaign,
        "indicators": indicators,
        "node": node,
        "units": units,
        "errors": errors,
        "error_list": _supply_error_list(campaign, errors),
        "is_ratio": node is not None and node.answer_type == Node.AnswerType.RATIO,
        "number_format": _supply_page_format(request),
        "number_formats": NUMBER_FORMATS.values(),
        "default_file_format": DEFAULT_FILE_FORMAT,
    }
    return render(request, "survey/campaigns/supply.html", context)


def _supply_page_format(request: HttpRequest) -> NumberFormat:
    """Values typed and refused are shown again in the format they were typed in."""
    posted = number_format_named(request.POST.get("number_format"))
    return posted if posted and "file" not in request.FILES else page_number_format()


def _supply_messages(request: HttpRequest, campaign: Campaign, result) -> None:
    messages.success(request, _("%(count)s value(s) saved.") % {"count": result.saved})
    if result.reopened:
        messages.warning(
            request,
            _(
                "%(count)s verdict(s) given on the old value were withdrawn; the "
                "reviewers were told."
            )
            % {"count": result.reopened},
        )
    names = unit_names_in_campaign(campaign=campaign, codes=result.skipped)
    for code, reason in result.skipped.items():
        messages.warning(
            request,
            _("%(unit)s: skipped. %(reason)s")
            % {"unit": names.get(code, code), "reason": reason},
        )


def _supply_error_list(campaign: Campaign, errors: dict) -> list[tuple[str, str]]:
    """Errors with the unit's name beside its code (file errors keep their key)."""
    names = unit_names_in_campaign(campaign=campaign, codes=errors)
    return [(names.get(key, key), message) for key, message in errors.items()]


def _supply_number_format(request: HttpRequest) -> NumberFormat | None:
    """The format the page showed its numbers in; for a file, the one chosen for
    its text cells (Vietnamese unless stated)."""
    if "file" in request.FILES:
        chosen = number_format_named(request.POST.get("file_number_format"))
        return chosen or DEFAULT_FILE_FORMAT
    return number_format_named(request.POST.get("number_format"))


def _supply_rows(request: HttpRequest, campaign: Campaign) -> dict:
    upload = request.FILES.get("file")
    if upload is not None:
        return read_supply_file(upload.read(), filename=upload.name)
    rows = {}
    for key, value in request.POST.items():
        if key.startswith("value:"):
            code = key.removeprefix("value:")
            rows[code] = {
                "value": value,
                "denominator": request.POST.get(f"denominator:{code}", ""),
            }
    return rows


def _supply_units(campaign, node, request, errors, scope) -> list:
    if node is None:
        return []
    assessments = campaign.assessments.filter(version=node.version).select_related(
        "unit"
    )
    answers = {
        a.assessment_id: a for a in node.answers.filter(assessment__campaign=campaign)
    }
    rows = []
    for a in assessments.order_by("unit__name_vi"):
        if not node.applies_to_unit(
            unit_type=a.unit.unit_type, provides_procedures=a.provides_procedures
        ):
            continue
        if not scope.allows(unit_id=a.unit_id, code=node.code):
            continue
        code = a.unit.code
        rows.append(
            {
                "unit": a.unit,
                "answer": answers.get(a.pk),
                "value": request.POST.get(f"value:{code}", ""),
                "denominator": request.POST.get(f"denominator:{code}", ""),
                "error": errors.get(code, ""),
                "refusal": supply_refusal(a),
            }
        )
    return rows
