from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from survey.questionnaire_data import assessment_progress
from survey.selectors import assessment_list_for_user, user_roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assessments = list(
        assessment_list_for_user(user=request.user).order_by(
            "-campaign__year", "unit__name_vi"
        )[:200]
    )
    progress = assessment_progress(assessments=assessments)
    rows = [(assessment, progress[assessment.pk]) for assessment in assessments]
    return render(
        request,
        "survey/home.html",
        {"rows": rows, "roles": user_roles(user=request.user)},
    )
