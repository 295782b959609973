from datetime import date

from django.core.management.base import BaseCommand, CommandError

from survey.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Mail the units of open campaigns that have not submitted: on the days before "
        "the deadline set in DTI_REMINDER_DAYS, and every day once overdue; at most "
        "once a day per unit, a reminder the coordinator sent from the board "
        "included. Run it daily (cron)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            help="Days before the deadline, comma-separated (default: settings).",
        )
        parser.add_argument("--today", help="Run as if on this date (yyyy-mm-dd).")

    def handle(self, *args, days=None, today=None, **options) -> str:
        try:
            days_before = [int(d) for d in days.split(",")] if days else None
            on = date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"Invalid option: {error}") from error
        summary = reminders_send(today=on, days_before=days_before)
        return (
            f"Reminded {summary.units} unit(s) ({summary.mails} mail(s)); "
            f"{summary.skipped} already reminded today."
        )
