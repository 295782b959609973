"""The home page: the assessments a person may see."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from survey.selectors.home import home_rows


@login_required
def home(request: HttpRequest) -> HttpResponse:
    rows = home_rows(user=request.user)
    return render(request, "survey/home.html", {"rows": rows})
