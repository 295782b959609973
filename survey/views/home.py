"""The home page: the assessments a person may see, a page at a time."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from survey.forms.lists import HomeFilter
from survey.models import Assessment
from survey.selectors.campaigns import campaign_years
from survey.selectors.home import home_assessments, home_rows
from survey.text import UNSTORABLE

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    form = HomeFilter(request.GET, years=campaign_years())
    if form.unstorable:
        assessments = Assessment.objects.none()
    else:
        assessments = home_assessments(user=request.user, **form.filters())
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = home_rows(user=request.user, assessments=list(page.object_list))
    context = {
        "rows": rows,
        "page": page,
        "form": form,
        "filter_error": UNSTORABLE if form.unstorable else "",
    }
    return render(request, "survey/home.html", context)
