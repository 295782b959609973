from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from survey.errors import SurveyError
from survey.files.issues import ImportFailed
from survey.forms.frameworks import FrameworkCopyForm, FrameworkUploadForm
from survey.importers.framework import framework_import, read_framework_upload
from survey.models import FrameworkVersion
from survey.permissions import permission_require
from survey.selectors.frameworks import (
    framework_owners_shown,
    framework_version_nodes,
    framework_versions,
)
from survey.services.frameworks import (
    framework_copy,
    framework_copy_code,
    framework_owner,
    framework_version_copy,
)


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="manage_frameworks")
    context = {"versions": framework_versions(), "owners": framework_owners_shown()}
    return render(request, "survey/framework_list.html", context)


@login_required
def framework_version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's tree; for a province's coordinator, a national version offers
    a copy as the province's framework, and their own a new draft version."""
    permission_require(user=request.user, action="manage_frameworks")
    version = get_object_or_404(
        FrameworkVersion.objects.select_related("framework"), pk=pk
    )
    return _detail_page(request, version, None)


def _detail_page(request, version, form, status: int = 200) -> HttpResponse:
    province = framework_owner(user=request.user)
    national = version.framework.province_id is None
    can_copy = national and province is not None
    if form is None and can_copy:
        default = framework_copy_code(version=version, province=province)
        form = FrameworkCopyForm(initial={"code": default})
    context = {
        "version": version,
        "nodes": framework_version_nodes(version=version),
        "copy_form": form if can_copy else None,
        "own": version.framework.province_id == (province.pk if province else None),
    }
    return render(request, "survey/framework_version.html", context, status=status)


@login_required
@require_POST
def framework_version_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a national version as the province's framework (its own code)."""
    permission_require(user=request.user, action="manage_frameworks")
    version = get_object_or_404(FrameworkVersion, pk=pk)
    form = FrameworkCopyForm(request.POST)
    if form.is_valid():
        try:
            copy = framework_copy(
                version=version, user=request.user, code=form.cleaned_data["code"]
            )
        except SurveyError as refused:
            form.add_error("code", str(refused.message))
        else:
            messages.success(
                request,
                _("%(version)s is now your province's framework, as a draft.")
                % {"version": copy},
            )
            return redirect("survey:framework_version", pk=copy.pk)
    return _detail_page(request, version, form, status=400)


@login_required
@require_POST
def framework_version_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft version of one's own framework, copied from this one."""
    permission_require(user=request.user, action="manage_frameworks")
    version = get_object_or_404(FrameworkVersion, pk=pk)
    copy = framework_version_copy(version=version, user=request.user)
    messages.success(request, _("Draft %(version)s was made.") % {"version": copy})
    return redirect("survey:framework_version", pk=copy.pk)


@login_required
def framework_upload(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="manage_frameworks")
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    failure = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.pop("file")
        try:
            parsed = read_framework_upload(
                upload.read(), filename=upload.name, **form.cleaned_data
            )
            version = framework_import(parsed=parsed, user=request.user)
        except ImportFailed as refused:
            failure = refused
        else:
            messages.success(
                request,
                _("Imported %(version)s with %(count)s nodes.")
                % {"version": version, "count": len(parsed.nodes)},
            )
            return redirect("survey:framework_list")
    # The page lists the first problems only and counts the rest (ImportFailed).
    context = {
        "form": form,
        "issues": failure.shown if failure else [],
        "issue_count": len(failure.issues) if failure else 0,
        "more_issues": failure.hidden if failure else 0,
    }
    return render(request, "survey/framework_import.html", context)
