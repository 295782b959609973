from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from survey.files.issues import ImportFailed
from survey.forms.frameworks import FrameworkUploadForm
from survey.importers.framework import framework_import, read_framework_upload
from survey.models import FrameworkVersion
from survey.permissions import permission_require


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="manage_frameworks")
    versions = FrameworkVersion.objects.select_related("framework").order_by(
        "framework__code", "-year", "-number"
    )
    return render(request, "survey/framework_list.html", {"versions": versions})


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
