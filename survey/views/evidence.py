"""Evidence of the questionnaire: add, delete, confirm, carry forward, download.

The writing endpoints answer JSON to the questionnaire's script (the indicator's
list of evidence rendered again, or the errors per field) and redirect back to the
step for a browser without it. Downloads go only to people whose role may see the
unit's evidence (survey.permissions: ``download_evidence``)."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from survey.errors import PermissionRefused, SurveyError
from survey.forms.evidence import EvidenceForm
from survey.models import Answer, Assessment, AuditEvent, Evidence, Node
from survey.permissions import permission_require, user_roles
from survey.selectors.questionnaire import evidence_previous, questionnaire_steps
from survey.selectors.scope import assessments_for
from survey.services.answer_access import answer_editable, assessment_edit_refusal
from survey.services.answer_checks import AnswerInvalid
from survey.services.audit import audit_record, request_ip
from survey.services.evidence import (
    evidence_add_document,
    evidence_add_file,
    evidence_add_link,
    evidence_carry_forward,
    evidence_confirm,
    evidence_delete,
)
from survey.services.evidence_checks import EvidenceInvalid
from survey.views.autosave import json_login_required


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def evidence_login_required(view):
    """401 JSON for the script, the login page for a plain form."""
    json_view = json_login_required(view)

    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated or _wants_json(request):
            return json_view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    qs = assessments_for(user=request.user, action="view_assessment")
    return get_object_or_404(qs, pk=pk)


def _node(assessment: Assessment, raw: str | None) -> Node:
    try:
        pk = int(raw or "")
    except ValueError:
        raise Http404(_("Unknown indicator.")) from None
    return get_object_or_404(assessment.version.nodes, pk=pk, kind=Node.Kind.INDICATOR)


def _evidence(assessment: Assessment, evidence_pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("answer__node", "answer__assessment__unit"),
        pk=evidence_pk,
        answer__assessment=assessment,
    )


@never_cache
@require_POST
@evidence_login_required
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a document reference, a link or a file (``kind``) to an indicator."""
    assessment = _assessment(request, pk)
    node = _node(assessment, request.POST.get("node"))
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        return _refused(request, assessment, node, errors=errors)
    data = form.cleaned_data
    common = {"assessment": assessment, "node": node, "user": request.user}
    adders = {
        Evidence.Kind.DOCUMENT: lambda: evidence_add_document(
            **common,
            doc_number=data["doc_number"],
            doc_date=data["doc_date"],
            summary=data["summary"],
        ),
        Evidence.Kind.LINK: lambda: evidence_add_link(
            **common, url=data["url"], summary=data["link_summary"]
        ),
        Evidence.Kind.FILE: lambda: evidence_add_file(**common, upload=data["file"]),
    }
    return _run(request, assessment, node, adders[data["kind"]], _("Evidence added."))


@never_cache
@require_POST
@evidence_login_required
def evidence_carry(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy last year's evidence of an indicator, to be confirmed."""
    assessment = _assessment(request, pk)
    node = _node(assessment, request.POST.get("node"))
    return _run(
        request,
        assessment,
        node,
        lambda: evidence_carry_forward(
            assessment=assessment, node=node, user=request.user
        ),
        _("Last year's evidence was carried forward: confirm each item."),
    )


@never_cache
@require_POST
@evidence_login_required
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    evidence = _evidence(assessment, evidence_pk)
    return _run(
        request,
        assessment,
        evidence.answer.node,
        lambda: evidence_delete(evidence=evidence, user=request.user),
        _("Evidence removed."),
    )


@never_cache
@require_POST
@evidence_login_required
def evidence_still_valid(
    request: HttpRequest, pk: int, evidence_pk: int
) -> HttpResponse:
    assessment = _assessment(request, pk)
    evidence = _evidence(assessment, evidence_pk)
    return _run(
        request,
        assessment,
        evidence.answer.node,
        lambda: evidence_confirm(evidence=evidence, user=request.user),
        _("Confirmed as still valid."),
    )


def _run(request, assessment: Assessment, node: Node, call, done: str):
    try:
        call()
    except (EvidenceInvalid, AnswerInvalid) as invalid:
        errors = {k: [str(m) for _c, m in v] for k, v in invalid.errors.items()}
        return _refused(request, assessment, node, errors=errors)
    except PermissionRefused as refused:
        return _refused(request, assessment, node, message=refused.message, status=403)
    except SurveyError as error:
        return _refused(request, assessment, node, message=error.message)
    if not _wants_json(request):
        messages.success(request, done)
        return redirect(_step_anchor(assessment, node))
    return JsonResponse(
        {
            "node": node.pk,
            "message": done,
            "html": _list_html(request, assessment, node),
        }
    )


def _refused(request, assessment, node, *, errors=None, message=None, status=400):
    errors = errors or {"__all__": [str(message or _("This action is not allowed."))]}
    if not _wants_json(request):
        for items in errors.values():
            for text in items:
                messages.error(request, text)
        return redirect(_step_anchor(assessment, node))
    return JsonResponse({"node": node.pk, "errors": errors}, status=status)


def _step_anchor(assessment: Assessment, node: Node) -> str:
    for step in questionnaire_steps(assessment=assessment):
        if node in step.indicators:
            url = reverse("survey:questionnaire_step", args=[assessment.pk, step.name])
            return f"{url}#ind-{node.pk}"
    return reverse("survey:questionnaire", args=[assessment.pk])


def _list_html(request: HttpRequest, assessment: Assessment, node: Node) -> str:
    """The indicator's evidence list as the step shows it."""
    answer = (
        Answer.objects.filter(assessment=assessment, node=node)
        .prefetch_related("evidence")
        .first()
    )
    items = list(answer.evidence.all()) if answer else []
    refusal = assessment_edit_refusal(
        assessment=assessment, roles=user_roles(user=request.user, unit=assessment.unit)
    )
    editable = answer_editable(assessment=assessment, answer=answer, refusal=refusal)
    previous = []
    if editable:
        carried = {item.carried_from_id for item in items if item.carried_from_id}
        found = evidence_previous(assessment=assessment, nodes=[node], carried=carried)
        previous = found.get(node.pk, [])
    context = {
        "assessment": assessment,
        "node_pk": node.pk,
        "items": items,
        "previous": previous,
        "editable": editable,
    }
    return render_to_string(
        "survey/questionnaire/evidence_list.html", context, request=request
    )


@never_cache
@require_GET
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Stream an evidence file as an attachment to those who may see it (404
    outside their scope, 403 for a role that may not download), and record it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    evidence = get_object_or_404(
        Evidence.objects.select_related("answer__node", "answer__assessment__unit"),
        pk=evidence_pk,
        answer__assessment_id=pk,
    )
    answer = evidence.answer
    permission_require(
        user=request.user,
        action="download_evidence",
        unit=answer.assessment.unit,
        node=answer.node,
    )
    if not evidence.file:
        raise Http404(_("This evidence has no file."))
    accel_prefix = settings.DTI_EVIDENCE_ACCEL_REDIRECT
    stored = evidence.file.name
    if accel_prefix:
        accel_path = evidence_accel_path(accel_prefix, stored)
        if accel_path is None or not evidence.file.storage.exists(stored):
            raise Http404(_("The file is missing from the file store."))
    else:
        try:
            stream = evidence.file.open("rb")
        except OSError:
            raise Http404(_("The file is missing from the file store.")) from None
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.DOWNLOAD,
        obj=evidence,
        assessment_id=answer.assessment_id,
        after={"file": evidence.original_name or stored},
        ip=request_ip(request),
    )
    filename = evidence.original_name or stored.rsplit("/", 1)[-1]
    content_type = evidence.content_type or "application/octet-stream"
    if accel_prefix:
        # nginx sends the file from its internal location, with these headers.
        response = HttpResponse(b"", content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Accel-Redirect"] = accel_path
    else:
        response = FileResponse(
            stream, as_attachment=True, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def evidence_accel_path(prefix: str, stored: str) -> str | None:
    """The internal URI nginx serves a stored file from: ``prefix`` + the stored name,
    URL-quoted. None for a name that could leave the media folder (absolute, ``..``,
    backslashes, control characters): stored names are generated, never such."""
    parts = stored.split("/")
    if (
        not stored
        or stored.startswith("/")
        or "\\" in stored
        or any(part in ("", ".", "..") for part in parts)
        or any(ord(char) < 32 or ord(char) == 127 for char in stored)
    ):
        return None
    return "/" + prefix.strip("/") + "/" + quote(stored, safe="/")
