"""The audit trail's search screen (coordinator only)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from survey.forms.audit import AuditFilter
from survey.models import AuditEvent
from survey.permissions import permission_require
from survey.selectors.audit import audit_search

PAGE_SIZE = 50


@login_required
def audit_search_view(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="view_audit")
    form = AuditFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter that cannot be read matches nothing: the page says why at the
        # field rather than listing every event as if it had been applied.
        events = AuditEvent.objects.none()
    else:
        filters = form.cleaned_data if form.is_bound else {}
        events = audit_search(**{k: v for k, v in filters.items() if v})
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "survey/audit/search.html", context)
