"""The audit trail's search screen (coordinator only)."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from survey.forms.audit import AuditFilter
from survey.permissions import permission_require
from survey.selectors.audit import audit_rows, audit_search

PAGE_SIZE = 50


@login_required
def audit_search_view(request: HttpRequest) -> HttpResponse:
    """Events found by the filters that can be read (the others are said at their
    field), a page at a time, as people read them."""
    permission_require(user=request.user, action="view_audit")
    form = AuditFilter(request.GET)
    events = form.selected(partial(audit_search, user=request.user))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": audit_rows(events=list(page.object_list)),
        "filter_error": form.error,
    }
    return render(request, "survey/audit/search.html", context)
