"""Two-factor sign-in: one's own setup, the code asked after the password, and
the coordinator's requirement for coordinators and reviewers."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from survey.errors import SurveyError
from survey.forms.two_factor import CodeForm, RequirementForm
from survey.permissions import permission_require
from survey.selectors.security import (
    security_settings,
    security_settings_editable,
    two_factor_enabled,
    two_factor_required,
)
from survey.services.two_factor import (
    backup_codes_left,
    totp_qr_svg,
    totp_secret_text,
    totp_setup_device,
    two_factor_disable,
    two_factor_enable,
    two_factor_requirement_set,
    two_factor_verify,
)


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn on the second factor (QR code, secret, a code to confirm; the backup
    codes shown once), or see that it is on."""
    user = request.user
    if two_factor_enabled(user=user):
        context = {
            "form": CodeForm(),
            "codes_left": backup_codes_left(user=user),
            "required": two_factor_required(user=user),
        }
        return render(request, "survey/two_factor/enabled.html", context)
    device = totp_setup_device(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_enable(
                user=user, device=device, token=form.cleaned_data["code"]
            )
        except SurveyError as error:
            form.add_error("code", str(error.message))
        else:
            otp_login(request, device)
            context = {"codes": codes, "next": _safe_next(request)}
            return render(request, "survey/two_factor/backup_codes.html", context)
    context = {
        "form": form,
        "qr_svg": totp_qr_svg(device=device),
        "secret": totp_secret_text(device=device),
        "required": two_factor_required(user=user),
    }
    return render(request, "survey/two_factor/setup.html", context)


@login_required
def two_factor_off(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_disable(user=request.user, token=form.cleaned_data["code"])
        except SurveyError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Two-factor sign-in is turned off."))
    return redirect("survey:two_factor_setup")


@login_required
def two_factor_code(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: the code of the person's app, or a backup
    code."""
    next_url = _safe_next(request)
    if request.user.is_verified() or not two_factor_enabled(user=request.user):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_verify(
                user=request.user, token=form.cleaned_data["code"]
            )
        except SurveyError as error:
            form.add_error("code", str(error.message))
        else:
            otp_login(request, device)
            return redirect(next_url)
    context = {"form": form, "next": next_url}
    return render(request, "survey/two_factor/verify.html", context)


@login_required
def two_factor_requirement(request: HttpRequest) -> HttpResponse:
    """The coordinator requires (or not) a second factor of coordinators and
    reviewers. The setting binds the whole site: with several provinces, only
    the installation's administrator changes it; coordinators read it."""
    if not request.user.is_superuser:
        permission_require(user=request.user, action="manage_accounts")
    editable = security_settings_editable(user=request.user)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    current = security_settings().two_factor_required
    data = request.POST if request.method == "POST" else None  # unticked: empty
    form = RequirementForm(data, initial={"required": current})
    if not editable:
        form.fields["required"].disabled = True
    if request.method == "POST" and form.is_valid():
        required = form.cleaned_data["required"]
        if two_factor_requirement_set(required=required, user=request.user):
            messages.success(
                request,
                _("Coordinators and reviewers must now sign in with a second factor.")
                if required
                else _("A second factor is now optional for everyone."),
            )
        return redirect("survey:two_factor_requirement")
    context = {"form": form, "editable": editable}
    return render(request, "survey/two_factor/requirement.html", context)


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)
