from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from survey.services.backup import (
    MANIFEST,
    BackupError,
    backup_problems,
    backup_restore,
    file_sha256,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the configured database and media "
        "folder, after checking every file against its manifest (docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup's folder.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the backup against its manifest; change nothing.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database and a media folder that hold data.",
        )

    def handle(self, *args, folder: Path, check: bool, force: bool, **options):
        if check:
            manifest, problems = backup_problems(folder=folder)
            if problems:
                raise CommandError(
                    "The backup does not match its manifest:\n  "
                    + "\n  ".join(problems)
                )
            return (
                f"{folder}: {len(manifest['files'])} files match the manifest "
                f"(made {manifest['created_at']}; manifest.json SHA-256 "
                f"{file_sha256(folder / MANIFEST)})"
            )
        try:
            done = backup_restore(folder=folder, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        return (
            f"Restored the {done.vendor} database and media from {done.folder} "
            f"({done.files} files); run `migrate` if this release is newer."
        )
