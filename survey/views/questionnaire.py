"""The questionnaire's small endpoints: autosave (JSON), CSRF token, review, actions.

The step pages themselves are :class:`survey.wizard.QuestionnaireWizard`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from survey import states
from survey.consequences import unit_action_consequence
from survey.errors import PermissionRefused, SurveyError
from survey.models import Assessment
from survey.offline import offline_copy
from survey.permissions import permission_require, user_roles
from survey.selectors.questionnaire import assessment_review, review_totals
from survey.selectors.scope import assessments_for
from survey.services.submission import (
    assessment_completeness,
    assessment_gaps,
    assessment_submission_check,
)
from survey.services.transitions import UNIT_ACTIONS, assessment_transition
from survey.views.confirm import confirmation_page, is_confirmed

UNIT_ACTION_LABELS = {
    "submit": gettext_lazy("Submit to the province"),
    "resubmit": gettext_lazy("Submit the corrections"),
}


def _visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    qs = assessments_for(user=request.user, action="open_questionnaire")
    return get_object_or_404(qs, pk=pk)


@never_cache  # Back never shows counts and points older than the answers
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Completeness, missing answers and points per step, and the unit's actions."""
    assessment = _visible_assessment(request, pk)
    roles = user_roles(user=request.user, unit=assessment.unit)
    actions = [
        t
        for t in states.actions_from(
            machine=states.ASSESSMENT, source=assessment.state, roles=roles
        )
        if t.action in UNIT_ACTIONS
    ]
    totals = review_totals(assessment=assessment)
    steps = assessment_review(assessment=assessment, totals=totals)
    completeness = assessment_completeness(assessment=assessment, steps=steps)
    context = {
        "assessment": assessment,
        "steps": steps,
        "gaps": assessment_gaps(completeness=completeness, steps=steps),
        "actions": actions,
        "action_rows": [
            (t, unit_action_consequence(assessment=assessment, action=t.action))
            for t in actions
        ],
        "completeness": completeness,
        "missing": completeness.missing,
        "totals": totals,
    }
    response = render(request, "survey/questionnaire/review.html", context)
    return offline_copy(request, response)


@login_required
@require_POST
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark ready, submit…: through ``assessment_transition``; 403 when the role
    may never take this action (an editor submitting). Submitting asks first (see
    :mod:`survey.views.confirm`)."""
    assessment = _visible_assessment(request, pk)
    name = request.POST.get("action", "")
    if name not in UNIT_ACTIONS:
        raise PermissionDenied
    permission_require(
        user=request.user, action=UNIT_ACTIONS[name], unit=assessment.unit
    )
    try:
        warning = assessment_submission_check(assessment=assessment, action=name)
        if _needs_confirmation(request, assessment, name):
            return confirmation_page(
                request,
                message=unit_action_consequence(assessment=assessment, action=name),
                button=str(UNIT_ACTION_LABELS[name]),
                cancel_url=resolve_url("survey:assessment_review", pk=assessment.pk),
            )
        assessment_transition(assessment=assessment, action=name, user=request.user)
    except PermissionRefused as refused:
        raise PermissionDenied from refused
    except SurveyError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The assessment is now: %(state)s.")
            % {"state": assessment.get_state_display()},
        )
        if warning:
            messages.warning(request, warning)
    return redirect("survey:assessment_review", pk=assessment.pk)


def _needs_confirmation(request: HttpRequest, assessment: Assessment, name: str):
    # Asked only when the move is possible now; otherwise the transition refuses.
    possible = states.find_transition(
        machine=states.ASSESSMENT, action=name, source=assessment.state
    )
    return name in UNIT_ACTION_LABELS and possible and not is_confirmed(request)
