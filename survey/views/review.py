"""Verification screens: returns, agreeing with the remaining items, comment
threads, the inbox of notifications and the list to verify (the verify page and its
verdicts are in :mod:`survey.views.verify`)."""

from functools import partial

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
from survey.consequences import (
    agree_remaining_consequence,
    agree_remaining_count,
    return_consequence,
)
from survey.errors import SurveyError
from survey.forms.lists import ReviewFilter
from survey.models import Answer, Node
from survey.permissions import can, permission_require
from survey.selectors.campaigns import campaign_years
from survey.selectors.verification import (
    assessments_to_review,
    comment_threads,
    notifications_for,
    review_scope_indicators,
    visible_indicators,
)
from survey.services.notifications import (
    notification_subject,
    notification_url,
    notifications_mark_read,
)
from survey.services.review import (
    VerdictInvalid,
    answer_comment_add,
    answers_agree_remaining,
    answers_return,
)
from survey.text import storable
from survey.views.confirm import confirmation_page, is_confirmed
from survey.views.verify import anchor, assessment_for

PAGE_SIZE = 50  # rows of the list to verify


@login_required
@require_POST
def return_items(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the ticked indicators to the unit with one comment."""
    assessment = assessment_for(request, pk, "return_answer")
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
    assessment = assessment_for(request, pk, "review_answer")
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
    assessment = assessment_for(request, pk, "read_free_text")
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
    assessment = assessment_for(request, pk, "view_assessment")
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
        target = anchor("survey:threads", assessment, node)
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
