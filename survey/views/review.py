"""Verification screens: the reviewer's screen per assessment, verdicts, returns,
comment threads, evidence downloads and the inbox of notifications."""

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from survey import states
from survey.answer_types import answer_display
from survey.consequences import (
    agree_remaining_consequence,
    agree_remaining_count,
    return_consequence,
)
from survey.errors import SurveyError
from survey.forms.lists import ReviewFilter
from survey.forms.review import VerdictForm, audit_changes
from survey.models import Answer, Assessment, AuditEvent, Node
from survey.permissions import can, permission_require
from survey.selectors.campaigns import campaign_years
from survey.selectors.verification import (
    answer_history,
    assessment_indicators,
    assessments_to_review,
    comment_threads,
    notifications_for,
    returned_snapshots,
    review_scope_indicators,
    visible_indicators,
)
from survey.services.answers import answer_values
from survey.services.notifications import (
    notification_subject,
    notification_url,
    notifications_mark_read,
)
from survey.services.review import (
    VerdictInvalid,
    answer_comment_add,
    answer_verdict,
    answers_agree_remaining,
    answers_return,
)
from survey.text import storable
from survey.views.confirm import confirmation_page, is_confirmed

PAGE_SIZE = 50  # rows of the list to verify


@dataclass
class ReviewItem:
    node: Node
    answer: Answer | None
    form: VerdictForm
    history: list = field(default_factory=list)
    thread: list = field(default_factory=list)
    change: dict | None = None

    @property
    def name(self) -> str:
        return self.node.name_vi

    @property
    def value(self) -> str:
        return answer_display(
            self.node, answer_values(self.answer) if self.answer else None
        )

    @property
    def verified_value(self) -> str:
        if not self.answer or not self.answer.verified_value:
            return ""
        return answer_display(self.node, self.answer.verified_value)

    @property
    def status(self) -> str:
        return self.answer.review_status if self.answer else Answer.ReviewStatus.PENDING

    @property
    def outside_max(self) -> bool:
        return self.node.rule in (Node.Rule.BONUS, Node.Rule.PENALTY)


def _assessment(request: HttpRequest, pk: int, action: str) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("campaign", "unit", "version"), pk=pk
    )
    permission_require(user=request.user, action=action, unit=assessment.unit)
    return assessment


def _review_items(
    request, assessment: Assessment, forms_by_node=None
) -> list[ReviewItem]:
    nodes = review_scope_indicators(user=request.user, assessment=assessment)
    answers = {
        a.node_id: a
        for a in assessment.answers.filter(node__in=nodes)
        .select_related("updated_by")
        .prefetch_related("evidence")
    }
    history = (
        answer_history(answer_ids=[a.pk for a in answers.values()])
        if can(user=request.user, action="view_history", unit=assessment.unit)
        else {}
    )
    threads = comment_threads(assessment=assessment, node_ids=[n.pk for n in nodes])
    snapshots = returned_snapshots(assessment=assessment)
    items = []
    for node in nodes:
        answer = answers.get(node.pk)
        form = (forms_by_node or {}).get(node.pk) or VerdictForm(
            node=node, initial=_verdict_initial(answer)
        )
        item = ReviewItem(node, answer, form, thread=threads.get(node.pk, []))
        if answer is not None:
            item.history = [
                (event, audit_changes(node, event))
                for event in history.get(answer.pk, [])
            ]
            item.change = _change(node, answer, snapshots.get(answer.pk))
        items.append(item)
    return items


def _verdict_initial(answer: Answer | None) -> dict:
    if answer is None or answer.review_status not in states.VERDICT_GIVEN:
        return {}
    agreed = answer.review_status == Answer.ReviewStatus.AGREED
    initial: dict[str, Any] = {
        "verdict": "agree" if agreed else "disagree",
        "explanation": answer.reviewer_explanation,
    }
    if not agreed and not answer.verified_value:
        initial["points"] = answer.verified_points
    for name, value in (answer.verified_value or {}).items():
        initial[name] = _form_value(value)
    return initial


def _form_value(value: Any) -> Any:
    """A stored verified value as the verdict form's field takes it: yes/no as the
    choice's text, lists (ticked criteria) as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _change(node: Node, answer: Answer, snapshot: AuditEvent | None) -> dict | None:
    """What the unit changed since the item was returned (old → new, who, when)."""
    if snapshot is None:
        return None
    old = snapshot.after.get("values") or {}
    new = answer_values(answer)
    if old == new:
        return {"unchanged": True, "returned_at": snapshot.at}
    return {
        "old": answer_display(node, old),
        "new": answer_display(node, new),
        "old_comment": old.get("comment", ""),
        "new_comment": new.get("comment", ""),
        "by": answer.updated_by,
        "at": answer.updated_at,
        "returned_at": snapshot.at,
    }


@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's screen: each indicator in their scope, with its verdict form."""
    assessment = _assessment(request, pk, "review_answer")
    return _render_verify(request, assessment)


def _render_verify(request, assessment, forms_by_node=None, status=200) -> HttpResponse:
    items = _review_items(request, assessment, forms_by_node)
    total = len(assessment_indicators(assessment=assessment))
    done = assessment.answers.filter(review_status__in=states.VERDICT_GIVEN).count()
    pending = Answer.ReviewStatus.PENDING
    mine_pending = sum(item.status == pending for item in items)
    context = {
        "assessment": assessment,
        "items": items,
        "total": total,
        "done": done,
        "mine_pending": mine_pending,
        "agree_consequence": agree_remaining_consequence(count=mine_pending),
        "reviewable": assessment.state in states.REVIEWABLE,
    }
    return render(request, "survey/review/verify.html", context, status=status)


@login_required
@require_POST
def verdict(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, "view_assessment")
    node = get_object_or_404(Node, pk=node_pk, version=assessment.version)
    permission_require(
        user=request.user, action="review_answer", unit=assessment.unit, node=node
    )
    form = VerdictForm(request.POST, node=node)
    if form.is_valid():
        try:
            answer_verdict(
                assessment=assessment,
                node=node,
                user=request.user,
                verdict=form.cleaned_data["verdict"],
                explanation=form.cleaned_data["explanation"],
                values=form.values(),
                points=form.cleaned_data["points"],
            )
        except VerdictInvalid as invalid:
            for name, message in invalid.errors.items():
                form.add_error(name if name in form.fields else None, str(message))
        except SurveyError as error:
            messages.error(request, str(error.message))
            return redirect(_anchor("survey:verify", assessment, node))
        else:
            messages.success(
                request, _("Verdict saved for %(code)s.") % {"code": node.code}
            )
            return redirect(_anchor("survey:verify", assessment, node))
    messages.error(
        request, _("The verdict for %(code)s was not saved.") % {"code": node.code}
    )
    return _render_verify(request, assessment, {node.pk: form}, status=400)


def _anchor(name: str, assessment: Assessment, node: Node | None = None) -> str:
    url = reverse(name, args=[assessment.pk])
    return f"{url}#ind-{node.pk}" if node is not None else url


@login_required
@require_POST
def return_items(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the ticked indicators to the unit with one comment."""
    assessment = _assessment(request, pk, "return_answer")
    ids = [int(i) for i in request.POST.getlist("nodes") if i.isdigit()]
    nodes = list(assessment.version.nodes.filter(pk__in=ids, kind=Node.Kind.INDICATOR))
    for node in nodes:
        permission_require(
            user=request.user, action="return_answer", unit=assessment.unit, node=node
        )
    comment = request.POST.get("comment", "")
    # Without items, or without a comment it can store, the service refuses
    # before changing anything: it says why instead of asking.
    valid = nodes and comment.strip() and storable(comment)
    if valid and not is_confirmed(request):
        return confirmation_page(
            request,
            message=return_consequence(count=len(nodes)),
            button=_("Return to the unit"),
            cancel_url=reverse("survey:verify", args=[assessment.pk]),
            items=[f"{node.code} {node.name_vi}" for node in nodes],
        )
    try:
        count = answers_return(
            assessment=assessment,
            nodes=nodes,
            user=request.user,
            comment=comment,
        )
    except VerdictInvalid as invalid:
        for message in invalid.errors.values():
            messages.error(request, str(message))
    except SurveyError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(count)s item(s) returned to the unit.") % {"count": count},
        )
    return redirect("survey:verify", pk=assessment.pk)


@login_required
@require_POST
def agree_remaining(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, "review_answer")
    nodes = review_scope_indicators(user=request.user, assessment=assessment)
    count = agree_remaining_count(assessment=assessment, nodes=nodes)
    # Asked only when it would judge something; otherwise the service says why not.
    if count and assessment.state in states.REVIEWABLE and not is_confirmed(request):
        return confirmation_page(
            request,
            message=agree_remaining_consequence(count=count),
            button=_("Agree with the remaining indicators"),
            cancel_url=reverse("survey:verify", args=[assessment.pk]),
        )
    try:
        count = answers_agree_remaining(
            assessment=assessment, user=request.user, nodes=nodes
        )
    except SurveyError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Agreed with %(count)s remaining item(s).") % {"count": count}
        )
    return redirect("survey:verify", pk=assessment.pk)


# Comment threads, seen by the unit and the reviewers ---------------------------------


@login_required
def threads(request: HttpRequest, pk: int) -> HttpResponse:
    """Returned items and comment threads of an assessment, for its unit and its
    reviewers (each reviewer sees the indicators in their scope); never for
    committee viewers, who read no free text."""
    assessment = _assessment(request, pk, "read_free_text")
    nodes = visible_indicators(user=request.user, assessment=assessment)
    by_node = comment_threads(assessment=assessment, node_ids=[n.pk for n in nodes])
    answers = {a.node_id: a for a in assessment.answers.filter(node__in=nodes)}
    rows = [
        (node, answers.get(node.pk), by_node.get(node.pk, []))
        for node in nodes
        if node.pk in by_node
        or (
            answers.get(node.pk)
            and answers[node.pk].review_status != Answer.ReviewStatus.PENDING
        )
    ]
    context = {
        "assessment": assessment,
        "rows": rows,
        "can_comment": can(user=request.user, action="comment", unit=assessment.unit),
        "can_verify": can(
            user=request.user, action="review_answer", unit=assessment.unit
        ),
        "unit_staff": can(
            user=request.user, action="open_questionnaire", unit=assessment.unit
        ),
        "nodes": nodes,
    }
    return render(request, "survey/review/threads.html", context)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int, node_pk: int | None = None):
    assessment = _assessment(request, pk, "view_assessment")
    if node_pk is None:
        node_pk = request.POST.get("node", "")
        if not str(node_pk).isdigit():
            raise Http404
    node = get_object_or_404(Node, pk=node_pk, version=assessment.version)
    permission_require(
        user=request.user, action="comment", unit=assessment.unit, node=node
    )
    try:
        answer_comment_add(
            assessment=assessment,
            node=node,
            user=request.user,
            body=request.POST.get("body", ""),
        )
    except VerdictInvalid as invalid:
        for message in invalid.errors.values():
            messages.error(request, str(message))
    except SurveyError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Comment sent."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = _anchor("survey:threads", assessment, node)
    return redirect(target)


# Evidence, inbox, the reviewer's list -----------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("survey:notifications")
    rows = [
        (n, notification_subject(n), notification_url(n))
        for n in notifications_for(user=request.user)[:200]
    ]
    return render(request, "survey/review/notifications.html", {"rows": rows})


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    """Assessments waiting for the signed-in reviewer (or coordinator)."""
    permission_require(user=request.user, action="view_review_list")
    form = ReviewFilter(request.GET, years=campaign_years())
    assessments = form.selected(partial(assessments_to_review, user=request.user))
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "assessments": page.object_list,
        "page": page,
        "form": form,
        "filter_error": form.error,
    }
    return render(request, "survey/review/list.html", context)
