"""Background tasks (django-tasks; the database backend's worker runs them).

Each task is defined next to the service that enqueues it; this module names
them all, and a task queued under this module's path still runs.
"""

from reports.services.exports import report_export_task

__all__ = ["report_export_task"]
