from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from survey.results.totals import assessment_totals
from survey.selectors.questionnaire import assessment_progress
from survey.selectors.scope import (
    RESULTS_SHARED_STATES,
    assessment_list_for_user,
    staff_unit_ids,
    user_role_names,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assessments = list(
        assessment_list_for_user(user=request.user).order_by(
            "-campaign__year", "unit__name_vi"
        )[:200]
    )
    progress = assessment_progress(assessments=assessments)
    totals = assessment_totals(assessments=assessments)
    staff = staff_unit_ids(user=request.user)
    rows = [(a, progress[a.pk], a.unit_id in staff, totals[a.pk]) for a in assessments]
    return render(
        request,
        "survey/home.html",
        {
            "rows": rows,
            "roles": user_role_names(user=request.user),
            "shared_states": RESULTS_SHARED_STATES,
        },
    )
