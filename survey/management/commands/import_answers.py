from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from survey.files.issues import ImportFailed
from survey.files.tabular import read_file_bytes
from survey.importers.answers import answers_import, read_answer_workbook
from survey.models import Assessment


class Command(BaseCommand):
    help = (
        "Import a unit's filled answer workbook into its assessment of a campaign "
        "year (how provinces bring in past years). An invalid file writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--unit", required=True, help="Unit code")

    def handle(self, *args, file: Path, year: int, unit: str, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        assessment = (
            Assessment.objects.select_related("unit", "version")
            .filter(campaign__year=year, unit__code=unit)
            .first()
        )
        if assessment is None:
            raise CommandError(f"No assessment of {unit} in {year}")
        try:
            content = read_file_bytes(file)
            parsed = read_answer_workbook(content, assessment=assessment)
            count = answers_import(assessment=assessment, parsed=parsed)
        except OSError as error:  # unreadable (permissions) or gone meanwhile
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except ImportFailed as failure:
            raise CommandError(
                f"{file.name}: {len(failure.issues)} problem(s), nothing imported\n"
                + failure.report()
            ) from failure
        return f"Imported {count} answers of {unit} for {year}"
