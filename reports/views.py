"""Dashboards and downloads for coordinators and committee viewers, and one unit's
scorecard and self-assessment report: thin views."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.models import ReportExport
from reports.services.dashboard import campaign_dashboard
from reports.services.dashboard import dashboard_chart as dashboard_chart_svg
from reports.services.exports import report_export_request
from reports.services.national import (
    NoPublishedYear,
    national_page,
    national_workbook,
)
from reports.services.planner import (
    plan_docx,
    plan_xlsx,
    planner_json,
    planner_page,
    planner_save,
    scorecard_planner,
)
from reports.services.unit import (
    unit_scorecard_page,
    unit_scorecard_xlsx,
    unit_self_report,
    unit_self_report_docx,
)
from survey.forms.questionnaire import posted_number_format
from survey.models import Assessment, AuditEvent, Campaign
from survey.numbers import page_number_format
from survey.permissions import can, permission_require
from survey.selectors.scope import action_scope, indicator_codes, results_visible
from survey.services.audit import audit_record
from survey.services.planner import PlanInvalid, PlanStale
from survey.views.autosave import json_login_required


def _full_version(request: HttpRequest) -> bool:
    """Whether the person may have the reports with free text; every other
    viewer of the dashboards gets the committee version."""
    permission_require(user=request.user, action="view_dashboard")
    return can(user=request.user, action="download_full_reports")


def _lang(request: HttpRequest) -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="view_dashboard")
    campaigns = Campaign.objects.order_by("-year", "-id")
    return render(request, "reports/campaign_list.html", {"campaigns": campaigns})


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    full_version = _full_version(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    context = campaign_dashboard(campaign=campaign, lang=_lang(request))
    context.update(
        campaign=campaign,
        full_version=full_version,
        kinds=ReportExport.Kind.choices,
    )
    return render(request, "reports/dashboard.html", context)


@login_required
def dashboard_chart(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """A dashboard chart too large for the page, as an SVG image; its ETag is
    the results version it was drawn from."""
    _full_version(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    lang = _lang(request)
    etag = f'"{campaign.results_version}-{lang}-{name}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        svg = dashboard_chart_svg(campaign=campaign, lang=lang, name=name)
        if svg is None:
            raise Http404
        response = HttpResponse(svg, content_type="image/svg+xml")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_POST
def export_create(request: HttpRequest, pk: int) -> HttpResponse:
    full_version = _full_version(request)
    campaign = get_object_or_404(Campaign, pk=pk)
    kind = request.POST.get("kind", ReportExport.Kind.WORKBOOK)
    if kind not in ReportExport.Kind.values:
        kind = ReportExport.Kind.WORKBOOK
    lang = (
        request.POST.get("lang")
        if request.POST.get("lang") in ("vi", "en")
        else _lang(request)
    )
    # Committee viewers never get free text; coordinators choose.
    committee = not full_version or bool(request.POST.get("committee"))
    export = report_export_request(
        campaign=campaign, kind=kind, lang=lang, committee=committee, user=request.user
    )
    return redirect("reports:export_detail", pk=export.pk)


def _export(request: HttpRequest, pk: int) -> ReportExport:
    full_version = _full_version(request)
    export = get_object_or_404(ReportExport.objects.select_related("campaign"), pk=pk)
    if not export.committee and not full_version:
        raise PermissionDenied
    return export


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export(request, pk)
    return render(request, "reports/export_detail.html", {"export": export})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export(request, pk)
    if not export.is_done:
        return redirect("reports:export_detail", pk=export.pk)
    audit_record(actor=request.user, action=AuditEvent.Action.DOWNLOAD, obj=export)
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.filename
    )


# The provinces compared ----------------------------------------------------------


@login_required
def national(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="view_national_results")
    year = request.GET.get("year", "")
    try:
        context = national_page(
            year=int(year) if year.isdigit() else None, lang=_lang(request)
        )
    except NoPublishedYear as error:
        raise Http404 from error
    return render(request, "reports/national.html", context)


@login_required
def national_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    permission_require(user=request.user, action="view_national_results")
    try:
        content = national_workbook(year=year, lang=_lang(request), actor=request.user)
    except NoPublishedYear as error:
        raise Http404 from error
    name = f"so-sanh-{year}.xlsx"
    disposition = content_disposition_header(as_attachment=True, filename=name)
    return HttpResponse(
        content, content_type=XLSX, headers={"Content-Disposition": disposition}
    )


# One unit's documents ----------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class UnitAccess:
    """What the signed-in person may read of one unit's documents."""

    assessment: Assessment
    free_text: bool  # comments, text answers, evidence summaries: not committee
    codes: set[str] | None  # the indicators they may see; None: all of them


def _assessment(request: HttpRequest, pk: int) -> UnitAccess:
    """The assessment if the user may see its unit (404 outside their scope),
    whether they may read the unit's free text, and which indicators they see (a
    reviewer scoped to some indicators sees only those)."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("campaign", "unit", "version"), pk=pk
    )
    unit = assessment.unit
    permission_require(user=request.user, action="view_assessment", unit=unit)
    return UnitAccess(
        assessment,
        free_text=can(user=request.user, action="read_free_text", unit=unit),
        codes=indicator_codes(user=request.user, action="view_assessment", unit=unit),
    )


def _results_access(request: HttpRequest, pk: int) -> UnitAccess:
    """As :func:`_assessment`, and the unit sees its rank and its group's figures
    only once the preliminary results are shared."""
    access = _assessment(request, pk)
    if not _results_shared(request, access.assessment):
        raise PermissionDenied(
            _("The results are shared with the units with the preliminary results.")
        )
    return access


def _results_shared(request: HttpRequest, assessment: Assessment) -> bool:
    early = action_scope(
        user=request.user, action="view_unshared_results", unit=assessment.unit
    )
    return results_visible(assessment=assessment, early=early)


def _file(request, assessment, content: bytes, kind: str, extension: str, mime: str):
    lang = _lang(request)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=assessment,
        assessment_id=assessment.pk,
        after={"kind": kind, "lang": lang},
    )
    name = f"dti-{assessment.campaign.year}-{kind}-{assessment.unit.code}.{extension}"
    disposition = content_disposition_header(as_attachment=True, filename=name)
    return HttpResponse(
        content, content_type=mime, headers={"Content-Disposition": disposition}
    )


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    access = _results_access(request, pk)
    assessment = access.assessment
    try:
        context = unit_scorecard_page(
            assessment=assessment, lang=_lang(request), codes=access.codes
        )
    except LookupError as error:  # its framework version is not the campaign's
        raise Http404 from error
    can_plan = can(user=request.user, action="plan_improvements", unit=assessment.unit)
    context.update(
        scorecard_planner(assessment=assessment, can_plan=can_plan, codes=access.codes)
    )
    context.update(assessment=assessment)
    return render(request, "reports/scorecard.html", context)


@login_required
def scorecard_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    access = _results_access(request, pk)
    assessment = access.assessment
    try:
        content = unit_scorecard_xlsx(
            assessment=assessment, lang=_lang(request), codes=access.codes
        )
    except LookupError as error:
        raise Http404 from error
    return _file(request, assessment, content, "scorecard", "xlsx", XLSX)


@login_required
def self_report(request: HttpRequest, pk: int) -> HttpResponse:
    access = _assessment(request, pk)
    assessment = access.assessment
    report = unit_self_report(
        assessment=assessment,
        lang=_lang(request),
        free_text=access.free_text,
        codes=access.codes,
    )
    return render(
        request,
        "reports/self_report.html",
        {
            "assessment": assessment,
            "report": report,
            "results_shared": _results_shared(request, assessment),
        },
    )


@login_required
def self_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    access = _assessment(request, pk)
    assessment = access.assessment
    content = unit_self_report_docx(
        assessment=assessment,
        lang=_lang(request),
        free_text=access.free_text,
        codes=access.codes,
    )
    return _file(request, assessment, content, "self-report", "docx", DOCX)


# The planner: what-if, cheapest path, plan for next year -------------------------


def _planner_access(request: HttpRequest, pk: int) -> UnitAccess:
    """As :func:`_results_access`, for those who may plan the unit's improvements."""
    access = _results_access(request, pk)
    permission_require(
        user=request.user, action="plan_improvements", unit=access.assessment.unit
    )
    return access


@login_required
def planner(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _planner_access(request, pk).assessment
    data = request.POST if request.method == "POST" else None
    number_format = posted_number_format(data) or page_number_format()
    errors, stale = None, False
    if data is not None and data.get("action") == "save":
        try:
            planner_save(
                assessment=assessment,
                actor=request.user,
                data=data,
                number_format=number_format,
            )
        except PlanStale as error:
            messages.error(request, error.message)
            stale = True
        except PlanInvalid as error:
            messages.error(request, error.message)
            errors = error.errors
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("reports:planner", pk=assessment.pk)
    context = planner_page(
        assessment=assessment,
        data=data,
        number_format=number_format,
        errors=errors,
        stale=stale,
    )
    context.update(assessment=assessment)
    return render(request, "reports/planner.html", context)


@json_login_required
@require_POST
def what_if(request: HttpRequest, pk: int) -> JsonResponse:
    assessment = _planner_access(request, pk).assessment
    number_format = posted_number_format(request.POST) or page_number_format()
    return JsonResponse(
        planner_json(
            assessment=assessment, data=request.POST, number_format=number_format
        )
    )


@login_required
def plan_xlsx_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _planner_access(request, pk).assessment
    content = plan_xlsx(assessment=assessment, lang=_lang(request))
    return _file(request, assessment, content, "plan", "xlsx", XLSX)


@login_required
def plan_docx_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _planner_access(request, pk).assessment
    content = plan_docx(assessment=assessment, lang=_lang(request))
    return _file(request, assessment, content, "plan", "docx", DOCX)
