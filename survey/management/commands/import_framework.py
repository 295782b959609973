from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from survey.files.issues import ImportFailed
from survey.importers.framework import framework_import, read_framework_path
from survey.models import Province


class Command(BaseCommand):
    help = (
        "Import a framework version from an .xlsx file or a .csv file (with its "
        "siblings NAME.framework.csv and NAME.levels.csv). An invalid file writes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--framework-code", dest="framework_code")
        parser.add_argument("--name", dest="framework_name_vi")
        parser.add_argument("--year", type=int)
        parser.add_argument("--unit-type", dest="unit_type")
        parser.add_argument("--check", action="store_true", help="Validate only.")
        owner = parser.add_mutually_exclusive_group()
        owner.add_argument(
            "--province",
            help="Code of the province whose framework this is (a new framework: "
            "by default the installation's only province).",
        )
        owner.add_argument(
            "--national",
            action="store_true",
            help="A national framework, which every province may use or copy.",
        )

    def handle(self, *args, file: Path, check: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        owner = {"province": None} if options["national"] else {}
        if options["province"]:
            province = Province.objects.filter(code=options["province"]).first()
            if province is None:
                raise CommandError(f"No province has the code {options['province']}")
            owner = {"province": province}
        overrides = {
            key: options[key]
            for key in ("framework_code", "framework_name_vi", "year", "unit_type")
            if options.get(key)
        }
        try:
            parsed = read_framework_path(file, **overrides)
            if check:
                return f"{file.name}: valid, {len(parsed.nodes)} nodes"
            version = framework_import(parsed=parsed, **owner)
        except OSError as error:  # unreadable (permissions) or gone meanwhile
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except ImportFailed as failure:
            raise CommandError(
                f"{file.name}: {len(failure.issues)} problem(s), nothing imported\n"
                + failure.report()
            ) from failure
        leaves = version.nodes.filter(kind="indicator").count()
        return f"Imported {version} ({leaves} indicators, {len(parsed.nodes)} nodes)"
