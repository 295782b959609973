"""The committee workbook and the results annex of a campaign, and their exports.

Refresh the stored results, gather the data, call the pure builders. Large
workbooks are built by :data:`report_export_task`, defined here next to the
service that enqueues it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from reports.builders.data import Report
from reports.builders.docx import annex_docx_bytes
from reports.builders.workbook import workbook_bytes
from reports.labels import report_labels
from reports.models import ReportExport
from reports.services.data import report_data
from survey.models import AuditEvent, Campaign
from survey.results.compute import campaign_results_refresh
from survey.services.audit import audit_record

logger = logging.getLogger(__name__)


def report_workbook_bytes(
    *,
    campaign: Campaign,
    lang: str = "vi",
    committee: bool = False,
    user=None,
    progress=None,
) -> bytes:
    """The steering committee workbook of ``campaign`` as .xlsx bytes, from results
    recomputed first unless they are frozen."""
    campaign_results_refresh(campaign=campaign)
    _step(progress, 10)
    report = report_data(
        campaign=campaign, lang=lang, free_text=not committee, analysis=True, user=user
    )
    _step(progress, 40)
    return workbook_bytes(report, report_labels(lang))


def report_annex_bytes(*, campaign: Campaign, lang: str = "vi", user=None) -> bytes:
    """The results annex of the approving decision as .docx bytes."""
    campaign_results_refresh(campaign=campaign)
    report: Report = report_data(
        campaign=campaign, lang=lang, leaves=False, free_text=False, user=user
    )
    return annex_docx_bytes(report, report_labels(lang))


def _step(progress, percent: int) -> None:
    if progress is not None:
        progress(percent)


def report_export_request(
    *,
    campaign: Campaign,
    kind: str,
    lang: str,
    committee: bool,
    user,
) -> ReportExport:
    """An export of ``campaign``: the kept one of a published campaign, or a new one.

    Small campaigns are built at once; larger workbooks go to the task queue.
    """
    if campaign.is_published:
        kept = (
            ReportExport.objects.filter(
                campaign=campaign,
                kind=kind,
                lang=lang,
                committee=committee,
                campaign_state_version=campaign.state_version,
            )
            .exclude(state=ReportExport.State.FAILED)
            .first()
        )
        if kept is not None:
            return kept
    export = ReportExport.objects.create(
        campaign=campaign,
        kind=kind,
        lang=lang,
        committee=committee,
        campaign_state_version=campaign.state_version,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORT,
        obj=export,
        after={"kind": kind, "lang": lang, "committee": committee},
    )
    if kind == ReportExport.Kind.ANNEX or _small(campaign):
        try:
            report_export_build(export_id=export.pk)
        except Exception:  # the export records the failure; the page shows it
            logger.exception("Report export %s failed", export.pk)
        export.refresh_from_db()
    else:
        report_export_task.enqueue(export_id=export.pk)
    return export


def _small(campaign: Campaign) -> bool:
    limit = getattr(settings, "REPORTS_SYNC_MAX_UNITS", 150)
    return campaign.assessments.count() <= limit


def report_export_build(*, export_id: int) -> ReportExport:
    """Build the file of one export, recording progress; a failure is kept."""
    export = ReportExport.objects.select_related("campaign", "created_by").get(
        pk=export_id
    )
    if export.is_done:
        return export
    _progress(export, 5, ReportExport.State.RUNNING)
    try:
        if export.kind == ReportExport.Kind.ANNEX:
            content = report_annex_bytes(
                campaign=export.campaign, lang=export.lang, user=export.created_by
            )
        else:
            content = report_workbook_bytes(
                campaign=export.campaign,
                lang=export.lang,
                committee=export.committee,
                user=export.created_by,
                progress=lambda p: _progress(export, p),
            )
    except Exception as error:  # kept on the export so that the page can say so
        export.state, export.error = ReportExport.State.FAILED, repr(error)[:2000]
        export.finished_at = timezone.now()
        export.save(update_fields=["state", "error", "finished_at"])
        raise
    export.file.save(export.filename, ContentFile(content), save=False)
    export.size, export.progress = len(content), 100
    export.state, export.finished_at = ReportExport.State.DONE, timezone.now()
    export.save(update_fields=["file", "size", "progress", "state", "finished_at"])
    return export


@task()
def report_export_task(*, export_id: int) -> int:
    """Build one report export in the background; returns the size of the file."""
    return report_export_build(export_id=export_id).size


def _progress(export: ReportExport, percent: int, state: str | None = None) -> None:
    export.progress = percent
    fields = ["progress"]
    if state:
        export.state = state
        fields.append("state")
    export.save(update_fields=fields)
