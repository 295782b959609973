from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from survey.exporters import answer_workbook_bytes, framework_files
from survey.models import FrameworkVersion, Unit


class Command(BaseCommand):
    help = (
        "Write a framework version in the import layout (.xlsx, or three .csv files), "
        "or with --unit a blank answer workbook for that unit."
    )

    def add_arguments(self, parser):
        parser.add_argument("framework_code")
        parser.add_argument("year", type=int)
        parser.add_argument("-o", "--output", type=Path, required=True)
        parser.add_argument(
            "--number", type=int, help="Version number of that year (default: latest)."
        )
        parser.add_argument(
            "--unit", help="Unit code: write its blank answer workbook."
        )

    def handle(
        self, *args, framework_code, year, output: Path, number, unit, **options
    ):
        versions = FrameworkVersion.objects.filter(
            framework__code=framework_code, year=year
        )
        if number:
            versions = versions.filter(number=number)
        version = versions.order_by("-number").first()
        if version is None:
            raise CommandError(f"No version of {framework_code} for {year}")
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent}: no such folder (create it first)")
        if unit:
            found = Unit.objects.filter(code=unit).first()
            if found is None:
                raise CommandError(f"No unit with code {unit}")
            _write(
                output, answer_workbook_bytes(version=version, unit=found, year=year)
            )
            return f"Wrote the answer workbook of {found.code} to {output}"
        files = framework_files(version, stem=str(output))
        for name, content in files.items():
            _write(Path(name), content)
        return f"Wrote {version} to {', '.join(files)}"


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror}") from error
