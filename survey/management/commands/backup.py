from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from survey.services.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write a backup of the database and the media files into a new folder, with "
        "manifest.json listing every file's SHA-256 (docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="A new or empty folder.")

    def handle(self, *args, folder: Path, **options):
        try:
            done = backup_write(folder=folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        return (
            f"Backup of the {done.vendor} database and media written to {done.folder}: "
            f"{done.files} files, {done.bytes} bytes; "
            f"manifest.json SHA-256 {done.manifest_sha256}"
        )
