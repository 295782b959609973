"""File feeds (coordinator, ``manage_feeds``): the sources and the mapping of
their exports, and the import of an export into a campaign: upload, preview
(nothing written), then import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from survey.errors import SurveyError
from survey.forms.feeds import (
    FeedFileForm,
    FeedSourceForm,
    mapping_rows,
    mapping_with_headers,
    posted_mapping,
    source_initial,
    source_mapping,
)
from survey.models import Campaign, FeedSource
from survey.numbers import DEFAULT_FILE_FORMAT, number_format_named
from survey.permissions import permission_require
from survey.selectors.feeds import (
    feed_batches_recent,
    feed_preview_rows,
    feed_sources,
    file_feed_sources,
)
from survey.services.campaigns import CampaignInvalid
from survey.services.feed_files import (
    feed_file_preview,
    feed_source_save,
    feed_upload_import,
    feed_upload_keep,
)
from survey.services.supply_reading import file_headers

MAPPING_ERRORS = ("unit_column", "columns", "file")


@login_required
def feed_source_list(request: HttpRequest) -> HttpResponse:
    """The feed sources and the last batches received, from files or the API."""
    permission_require(user=request.user, action="manage_feeds")
    context = {"sources": feed_sources(), "batches": feed_batches_recent()}
    return render(request, "survey/feeds/sources.html", context)


@login_required
def feed_source_edit(request: HttpRequest, source_pk: int | None = None):
    """Create or change a source; a sample export lists its columns, each then
    marked as the unit's code, an indicator or ignored."""
    permission_require(user=request.user, action="manage_feeds")
    source = get_object_or_404(FeedSource, pk=source_pk) if source_pk else None
    if request.method != "POST":
        form = FeedSourceForm(initial=source_initial(source))
        return _source_page(request, form, source, source_mapping(source), {})
    form = FeedSourceForm(request.POST, request.FILES)
    mapping, errors = posted_mapping(request.POST), {}
    if not form.is_valid():
        return _source_page(request, form, source, mapping, errors)
    sample = form.cleaned_data["sample"]
    if sample is not None:
        try:
            headers = file_headers(
                sample.read(),
                filename=sample.name,
                sheet=form.cleaned_data["sheet"],
                header_row=form.cleaned_data["header_row"],
            )
        except CampaignInvalid as invalid:
            errors = invalid.errors
        else:
            mapping = mapping_with_headers(mapping, headers)
        return _source_page(request, form, source, mapping, errors)
    try:
        feed_source_save(user=request.user, data=form.source_in(mapping), source=source)
    except CampaignInvalid as invalid:
        for name, message in invalid.errors.items():
            if name in form.fields:
                form.add_error(name, message)
            else:
                errors[name] = message
        return _source_page(request, form, source, mapping, errors)
    messages.success(request, _("The feed source was saved."))
    return redirect("survey:feed_sources")


def _source_page(request, form, source, mapping, errors) -> HttpResponse:
    context = {
        "form": form,
        "source": source,
        "mapping": mapping_rows(mapping),
        "mapping_errors": [errors[k] for k in MAPPING_ERRORS if k in errors],
    }
    status = 400 if errors or form.errors else 200
    return render(request, "survey/feeds/source_form.html", context, status=status)


@login_required
def campaign_feeds(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's file feeds: each source's import, and the batches received."""
    permission_require(user=request.user, action="manage_feeds")
    campaign = get_object_or_404(Campaign, pk=pk)
    context = {
        "campaign": campaign,
        "sources": file_feed_sources(),
        "batches": feed_batches_recent(campaign=campaign),
    }
    return render(request, "survey/feeds/campaign.html", context)


@login_required
def feed_import(request: HttpRequest, pk: int, source_pk: int) -> HttpResponse:
    """Upload an export of a source and see what it would store (nothing is
    written); the file waits on the server for :func:`feed_import_confirm`."""
    permission_require(user=request.user, action="manage_feeds")
    campaign = get_object_or_404(Campaign, pk=pk)
    source = get_object_or_404(FeedSource, pk=source_pk)
    form = FeedFileForm(request.POST or None, request.FILES or None)
    context = {"campaign": campaign, "source": source, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content, number_format = upload.read(), form.chosen_format()
        try:
            preview = feed_file_preview(
                user=request.user,
                campaign=campaign,
                source=source,
                content=content,
                filename=upload.name,
                number_format=number_format,
            )
        except CampaignInvalid as invalid:
            form.add_error("file", invalid.errors.get("file", str(invalid.message)))
        except SurveyError as error:
            form.add_error(None, str(error.message))
        else:
            context |= _preview_context(request, campaign, preview, number_format)
            if preview.can_import:
                context["upload"] = feed_upload_keep(
                    user=request.user, content=content, filename=upload.name
                )
    return render(request, "survey/feeds/import.html", context)


def _preview_context(request, campaign, preview, number_format) -> dict:
    rows = feed_preview_rows(
        campaign=campaign, preview=preview, number_format=number_format
    )
    return {
        "preview": preview,
        "rows": rows,
        "columns": preview.file.columns,
        "number_format": number_format,
        "error_count": len(preview.check.errors),
        "value_count": len(preview.check.parsed),
    }


@require_POST
@login_required
def feed_import_confirm(request: HttpRequest, pk: int, source_pk: int):
    """Import the file previewed, kept on the server under ``upload``."""
    permission_require(user=request.user, action="manage_feeds")
    campaign = get_object_or_404(Campaign, pk=pk)
    source = get_object_or_404(FeedSource, pk=source_pk)
    number_format = (
        number_format_named(request.POST.get("number_format")) or DEFAULT_FILE_FORMAT
    )
    back = redirect("survey:feed_import", pk=campaign.pk, source_pk=source.pk)
    try:
        outcome = feed_upload_import(
            user=request.user,
            campaign=campaign,
            source=source,
            upload_id=request.POST.get("upload", ""),
            number_format=number_format,
        )
    except (CampaignInvalid, SurveyError) as error:
        messages.error(request, _file_error(error))
        return back
    _import_messages(request, outcome)
    if outcome.kind in ("refused", "conflict"):
        return back
    return redirect("survey:campaign_feeds", pk=campaign.pk)


def _file_error(error: SurveyError) -> str:
    if isinstance(error, CampaignInvalid):
        return str(error.errors.get("file", error.message))
    return str(error.message)


def _import_messages(request, outcome) -> None:
    reply = outcome.reply
    if outcome.kind == "replayed":
        when = timezone.localtime(outcome.batch.created_at)
        messages.info(
            request,
            _("This file was already imported on %(date)s; nothing was written.")
            % {"date": formats.date_format(when, "SHORT_DATETIME_FORMAT")},
        )
    elif outcome.kind == "conflict":
        messages.error(
            request,
            _(
                "This file was already imported with another mapping or into "
                "another campaign; nothing was written."
            ),
        )
    elif outcome.kind == "refused":
        messages.error(
            request,
            reply.get("message")
            or _("Nothing was written: %(count)s value(s) are refused.")
            % {"count": len(reply["errors"])},
        )
    else:
        _accepted_messages(request, reply)


def _accepted_messages(request, reply: dict) -> None:
    messages.success(
        request,
        _("%(saved)s value(s) saved, %(unchanged)s unchanged.")
        % {"saved": reply["saved"], "unchanged": reply["unchanged"]},
    )
    if reply["reopened"]:
        messages.warning(
            request,
            _(
                "%(count)s verdict(s) given on the old value were withdrawn; the "
                "reviewers were told."
            )
            % {"count": reply["reopened"]},
        )
    if reply["skipped"]:
        messages.warning(
            request,
            _(
                "%(count)s value(s) skipped: their assessments are verified or "
                "published."
            )
            % {"count": len(reply["skipped"])},
        )
