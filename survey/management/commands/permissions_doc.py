from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from survey.permissions import permissions_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "Write docs/permissions.md from the role × action table in the code."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check that the file matches the code (exit 1 if not).",
        )

    def handle(self, *args, check: bool = False, **options) -> str:
        text = permissions_markdown()
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{DOC} is out of date: run manage.py permissions_doc"
                )
            return f"{DOC.name} matches the code."
        DOC.write_text(text, encoding="utf-8")
        return f"Wrote {DOC.name}."
