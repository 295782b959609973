"""The reviewer's verify page: each indicator in their scope, grouped by pillar in
the framework's order, with filters, last year's answer beside this year's, and
the verdict form, which the page's script sends without a reload (JSON reply)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from survey import states
from survey.answer_types import answer_display
from survey.consequences import agree_remaining_consequence, agree_remaining_count
from survey.errors import SurveyError
from survey.forms.review import VerdictForm, VerifyFilter
from survey.models import Answer, Assessment, Node
from survey.numbers import format_number
from survey.permissions import permission_require
from survey.selectors.verification import (
    assessment_indicators,
    review_scope_indicators,
)
from survey.services.answers import answer_values
from survey.services.review import VerdictInvalid, VerdictStale, answer_verdict
from survey.views.verify_items import (
    filter_links,
    item_pillar,
    pillar_groups,
    review_items,
)

R = Answer.ReviewStatus


def assessment_for(request: HttpRequest, pk: int, action: str) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("campaign", "unit", "version"), pk=pk
    )
    permission_require(user=request.user, action=action, unit=assessment.unit)
    return assessment


def anchor(name: str, assessment: Assessment, node: Node | None = None) -> str:
    url = reverse(name, args=[assessment.pk])
    return f"{url}#ind-{node.pk}" if node is not None else url


@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's screen: each indicator in their scope, with its verdict form."""
    assessment = assessment_for(request, pk, "review_answer")
    return _render_verify(request, assessment)


def _render_verify(request, assessment, forms_by_node=None, status=200) -> HttpResponse:
    items = review_items(
        user=request.user, assessment=assessment, forms_by_node=forms_by_node
    )
    pillars = list({item_pillar(i): i.pillar for i in items if i.pillar}.values())
    chosen = VerifyFilter(request.GET, pillars=pillars)
    show, pillar_id = chosen.chosen()
    links = filter_links(items, show, pillar_id)
    shown = [
        item
        for item in items
        if (not show or show in item.flags)
        and (pillar_id is None or item_pillar(item) == pillar_id)
    ]
    mine_pending = sum(item.status == R.PENDING for item in items)
    context = {
        "assessment": assessment,
        "items": shown,
        "all_items": items,
        "groups": pillar_groups(shown),
        "filtered": len(shown) != len(items),
        "show": show,
        **links,
        "total": len(assessment_indicators(assessment=assessment)),
        "done": assessment.answers.filter(
            review_status__in=states.VERDICT_GIVEN
        ).count(),
        "mine_pending": mine_pending,
        "agree_consequence": agree_remaining_consequence(count=mine_pending),
        "reviewable": assessment.state in states.REVIEWABLE,
    }
    return render(request, "survey/review/verify.html", context, status=status)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def verdict(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    """Save one verdict. The page's script asks for JSON (the item's new state, or
    the errors at its fields, or what changed meanwhile with 409); a plain form
    post is redirected back to the item, or shown again with its errors."""
    assessment = assessment_for(request, pk, "view_assessment")
    node = get_object_or_404(Node, pk=node_pk, version=assessment.version)
    permission_require(
        user=request.user, action="review_answer", unit=assessment.unit, node=node
    )
    form = VerdictForm(request.POST, node=node)
    wants_json = _wants_json(request)
    status = 400
    if form.is_valid():
        try:
            answer = answer_verdict(
                assessment=assessment,
                node=node,
                user=request.user,
                verdict=form.cleaned_data["verdict"],
                explanation=form.cleaned_data["explanation"],
                values=form.values(),
                points=form.cleaned_data["points"],
                expected_version=form.cleaned_data["version"],
            )
        except VerdictInvalid as invalid:
            for name, message in invalid.errors.items():
                form.add_error(name if name in form.fields else None, str(message))
        except VerdictStale as stale:
            return _stale(request, assessment, node, stale.answer, wants_json)
        except SurveyError as error:
            if wants_json:
                return JsonResponse({"error": str(error.message)}, status=400)
            messages.error(request, str(error.message))
            return redirect(anchor("survey:verify", assessment, node))
        else:
            if wants_json:
                return JsonResponse(
                    _saved(assessment, node, answer)
                    | _remaining(request.user, assessment)
                )
            messages.success(
                request, _("Verdict saved for %(code)s.") % {"code": node.code}
            )
            return redirect(anchor("survey:verify", assessment, node))
    if wants_json:
        errors = {
            (form.add_prefix(name) if name != "__all__" else name): list(messages_)
            for name, messages_ in form.errors.items()
        }
        return JsonResponse(
            {"error": _verdict_not_saved(node), "errors": errors}, status=status
        )
    messages.error(request, _verdict_not_saved(node))
    return _render_verify(request, assessment, {node.pk: form}, status=status)


def _verdict_not_saved(node: Node) -> str:
    return _("The verdict for %(code)s was not saved.") % {"code": node.code}


def _points(value) -> str:
    return format_number(value) if value is not None else "—"


def _saved(assessment: Assessment, node: Node, answer: Answer) -> dict:
    """The item's state after a verdict, as the page shows it."""
    assessment.refresh_from_db(fields=["state", "state_version"])
    return {
        "status": answer.review_status,
        "status_display": str(answer.get_review_status_display()),
        "verified_points": _points(answer.verified_points),
        "verified_value": answer_display(node, answer.verified_value)
        if answer.verified_value
        else "",
        "explanation": answer.reviewer_explanation,
        "version": answer.version,
        "saved_at": _("Saved at %(time)s")
        % {"time": formats.time_format(timezone.localtime(), "H:i:s")},
        "state": assessment.state,
        "state_display": str(assessment.get_state_display()),
        # False once this verdict verified the assessment: the page closes its forms.
        "reviewable": assessment.state in states.REVIEWABLE,
        "progress": _("%(done)s of %(total)s indicators have a verdict.")
        % {
            "done": assessment.answers.filter(
                review_status__in=states.VERDICT_GIVEN
            ).count(),
            "total": len(assessment_indicators(assessment=assessment)),
        },
    }


def _remaining(user, assessment: Assessment) -> dict:
    """The button that agrees with the remaining items, counted again."""
    nodes = review_scope_indicators(user=user, assessment=assessment)
    count = agree_remaining_count(assessment=assessment, nodes=nodes)
    button = ngettext(
        "Agree with the %(counter)s pending item in my scope",
        "Agree with the %(counter)s pending items in my scope",
        count,
    )
    return {
        "remaining": count,
        "remaining_button": button % {"counter": count},
        "remaining_consequence": agree_remaining_consequence(count=count),
    }


def _stale(request, assessment, node, answer: Answer, wants_json: bool):
    """409: the answer as it is now, instead of overwriting it. The reply carries
    its version, so that saving again is a choice made after seeing it."""
    current = [
        (_("Unit's answer"), answer_display(node, answer_values(answer))),
        (_("Review status"), str(answer.get_review_status_display())),
        (_("Verified points"), _points(answer.verified_points)),
    ]
    if answer.reviewer_explanation:
        current.append((_("Explanation"), answer.reviewer_explanation))
    message = _(
        "This answer changed since the page was shown (the unit corrected it, or "
        "another reviewer gave a verdict). Your verdict was not saved: check the "
        "answer as it is now, then save again to replace it."
    )
    if wants_json:
        return JsonResponse(
            {
                "error": message,
                "conflict": True,
                "current": current,
                "version": answer.version,
                **{
                    k: v
                    for k, v in _saved(assessment, node, answer).items()
                    if k in ("status", "status_display", "verified_points")
                },
            },
            status=409,
        )
    data = request.POST.copy()
    form = VerdictForm(data, node=node)
    data[form.add_prefix("version")] = str(answer.version)
    form.is_valid()
    form.add_error(None, message + " " + "; ".join(f"{k}: {v}" for k, v in current))
    messages.error(request, _verdict_not_saved(node))
    return _render_verify(request, assessment, {node.pk: form}, status=409)
