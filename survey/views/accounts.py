"""Account screens (coordinator): list, bulk import, deactivation, reviewer
assignment; and the password reset pages (Django's views, our templates)."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from survey.errors import SurveyError
from survey.files.issues import MAX_SHOWN
from survey.forms.accounts import AssignForm
from survey.forms.lists import BoardFilter
from survey.models import Campaign, Membership
from survey.permissions import permission_require
from survey.selectors.accounts import province_accounts
from survey.selectors.campaigns import (
    campaign_groups,
    campaign_units,
    reviewer_assignments,
)
from survey.services.accounts import (
    ACCOUNT_FILE_LIMITS,
    AccountsInvalid,
    account_set_active,
    accounts_create,
    read_accounts_file,
    reviewer_assign,
    reviewer_unassign,
)
from survey.services.audit import (
    password_reset_record,
    password_reset_request_record,
    request_ip,
)
from survey.services.mail import PasswordResetMailForm
from survey.services.throttle import (
    password_reset_ip_allowed,
    password_reset_mail_allowed,
)
from survey.text import UNSTORABLE, storable

PAGE_SIZE = 50  # units, and assignments, shown at once
MEMBERSHIPS_SHOWN = 10  # per account on the list of accounts
THROTTLED_TEMPLATE = "survey/accounts/throttled.html"


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="manage_accounts")
    q = request.GET.get("q", "").strip()
    # A reviewer of the whole province has thousands of memberships: the first
    # few are listed, with their count.
    memberships = Membership.objects.select_related("unit").order_by("role", "pk")
    users = (
        province_accounts()
        .annotate(membership_count=Count("memberships", distinct=True))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=memberships[:MEMBERSHIPS_SHOWN],
                to_attr="memberships_shown",
            )
        )
        .order_by("username")
    )
    q_error = "" if storable(q) else UNSTORABLE
    if q_error:
        # Searched text that no account can hold: no results, and say why.
        users, q = users.none(), ""
    elif q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(memberships__unit__code__icontains=q)
        ).distinct()
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "q_error": q_error}
    return render(request, "survey/accounts/list.html", context)


@login_required
def account_import(request: HttpRequest) -> HttpResponse:
    """Accounts in bulk from a spreadsheet; all rows valid or nothing created."""
    permission_require(user=request.user, action="manage_accounts")
    errors = []
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            # One byte past the limit is enough to refuse a file that is too large.
            content = upload.read(ACCOUNT_FILE_LIMITS.max_bytes + 1)
            rows = read_accounts_file(content, filename=upload.name)
            created = accounts_create(rows=rows, user=request.user, request=request)
        except AccountsInvalid as invalid:
            errors = invalid.errors
            messages.error(request, str(invalid.message))
        else:
            messages.success(
                request,
                _("%(count)s account(s) created; each got a mail to choose a password.")
                % {"count": len(created)},
            )
            return redirect("survey:account_list")
    context = {"errors": errors[:MAX_SHOWN], "hidden": max(len(errors) - MAX_SHOWN, 0)}
    return render(request, "survey/accounts/import.html", context)


@login_required
@require_POST
def account_active(request: HttpRequest, pk: int) -> HttpResponse:
    permission_require(user=request.user, action="manage_accounts")
    account = get_object_or_404(province_accounts(), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        account_set_active(
            account=account,
            active=active,
            user=request.user,
            reason=request.POST.get("reason", ""),
        )
    except SurveyError as error:
        messages.error(request, str(error.message))
    else:
        message = (
            _("%(user)s can log in again.") if active else _("%(user)s is deactivated.")
        )
        messages.success(request, message % {"user": account})
    return redirect("survey:account_list")


@login_required
def reviewer_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign a reviewer to units of the campaign, and to indicators if given: the
    units ticked on a page of the filtered list, or every unit the filter finds.
    The filter (in the query string, kept by the form's POST) also narrows the
    assignments listed below it, a page at a time."""
    permission_require(user=request.user, action="manage_accounts")
    campaign = get_object_or_404(Campaign, pk=pk)
    unit_filter = BoardFilter(
        request.GET,
        groups=campaign_groups(campaign=campaign),
        group_name=campaign.ranking_group_name,
    )
    units = unit_filter.selected(partial(campaign_units, campaign=campaign))
    form = AssignForm(request.POST or None, campaign=campaign, filtered=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = reviewer_assign(
                reviewer=data["reviewer"],
                units=list(data["units"]),
                indicators=list(data["indicators"]),
                user=request.user,
            )
        except SurveyError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(user)s now reviews %(count)s unit(s).")
                % {"user": data["reviewer"], "count": count},
            )
            return redirect(request.get_full_path())
    unit_page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    assignments = Paginator(
        reviewer_assignments(campaign=campaign, units=units), PAGE_SIZE
    ).get_page(request.GET.get("apage"))
    context = {
        "campaign": campaign,
        "form": form,
        "unit_filter": unit_filter,
        "filter_error": unit_filter.error,
        "unit_page": unit_page,
        "checked": {str(v) for v in form["units"].value() or ()},
        "assignments": assignments,
    }
    return render(request, "survey/accounts/reviewers.html", context)


@login_required
@require_POST
def reviewer_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    permission_require(user=request.user, action="manage_accounts")
    campaign = get_object_or_404(Campaign, pk=pk)
    membership = get_object_or_404(Membership, pk=membership_pk)
    try:
        reviewer_unassign(membership=membership, user=request.user)
    except SurveyError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The assignment was removed."))
    return redirect("survey:reviewer_assign", pk=campaign.pk)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, throttled: too many requests from one address answer 429;
    beyond a few mails to one address within the hour the page answers as
    always but sends none (it must not tell which addresses have an account)."""

    def post(self, request, *args, **kwargs):
        if not password_reset_ip_allowed(ip=request_ip(request)):
            context = {"minutes": settings.DTI_RESET_WINDOW_MINUTES}
            return render(request, THROTTLED_TEMPLATE, context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        allowed = password_reset_mail_allowed(email=email)
        password_reset_request_record(
            email=email,
            users=list(form.get_users(email)),
            ip=request_ip(self.request),
            throttled=not allowed,
        )
        if not allowed:
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_record(user=form.user, ip=request_ip(self.request))
        return response


password_reset = PasswordResetView.as_view(
    form_class=PasswordResetMailForm,
    template_name="survey/accounts/password_reset_form.html",
    email_template_name="survey/accounts/password_reset_email.txt",
    subject_template_name="survey/accounts/password_reset_subject.txt",
    success_url=reverse_lazy("survey:password_reset_done"),
)


password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="survey/accounts/password_reset_done.html"
)


password_reset_confirm = PasswordResetConfirmView.as_view(
    template_name="survey/accounts/password_reset_confirm.html",
    success_url=reverse_lazy("survey:password_reset_complete"),
)


password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="survey/accounts/password_reset_complete.html"
)
