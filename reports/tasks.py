"""Background tasks (django-tasks; the database backend's worker runs them)."""

from django_tasks import task


@task()
def report_export_task(*, export_id: int) -> int:
    """Build one report export; returns the size of the file."""
    from reports.services import report_export_build

    return report_export_build(export_id=export_id).size
