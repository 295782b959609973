"""The home page: the assessments a person may see, a page at a time."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from survey.forms.lists import HomeFilter
from survey.offline import offline_copy
from survey.permissions import can
from survey.selectors.campaigns import campaign_years
from survey.selectors.home import home_assessments, home_groups, home_rows

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    form = HomeFilter(
        request.GET, years=campaign_years(), groups=home_groups(user=request.user)
    )
    assessments = form.selected(partial(home_assessments, user=request.user))
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = home_rows(user=request.user, assessments=list(page.object_list))
    context = {
        "rows": rows,
        "page": page,
        "form": form,
        "sort": form.order,
        "filter_error": form.error,
        "national": can(user=request.user, action="view_national_results"),
    }
    return offline_copy(request, render(request, "survey/home.html", context))
