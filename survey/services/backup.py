"""Backups of the database and the uploaded files, and their restore.

A backup is a folder::

    manifest.json        what the folder holds: every file's SHA-256 and size, the
                         migrations applied, the Django version, the time
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    database.dump        PostgreSQL: `pg_dump -Fc` (custom format)
    media/...            the files under MEDIA_ROOT

The database is copied first, then the files: a file uploaded meanwhile may be in
the backup without its row, never a row without its file unless a file was deleted
meanwhile. A restore first checks every file against the manifest and refuses a
folder with a missing, extra or changed file, and refuses to overwrite a database
or a media folder that holds data unless forced.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# Filled by `migrate` itself: a freshly migrated database with only these is empty.
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    folder: Path
    files: int
    bytes: int
    vendor: str
    # The manifest's own SHA-256: kept apart from the backup (the journal, a ticket),
    # it shows that the manifest itself was not rewritten.
    manifest_sha256: str


# Writing -------------------------------------------------------------------------


def backup_write(*, folder: Path) -> BackupSummary:
    """Write a backup of the database and MEDIA_ROOT into ``folder`` (new or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; give a new folder for each backup.")
    folder.mkdir(parents=True, exist_ok=True)
    # The copy holds password hashes, second-factor keys and sessions: only the
    # account that makes backups may read it (the files inside are reached
    # through the folder only).
    folder.chmod(0o700)
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups of a {vendor} database are not supported.")
    migrations = _applied_migrations()
    database_file = folder / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        _sqlite_copy(
            source=Path(connection.settings_dict["NAME"]), target=database_file
        )
    else:
        _run(_pg_command("pg_dump", ["--format=custom", f"--file={database_file}"]))
    _media_copy(source=Path(settings.MEDIA_ROOT), target=folder / MEDIA)
    files = {
        name: {
            "sha256": file_sha256(folder / name),
            "size": (folder / name).stat().st_size,
        }
        for name in _listing(folder)
    }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "django_version": django.get_version(),
        "database": {"vendor": vendor, "file": DATABASE_FILES[vendor]},
        "migrations": migrations,
        "files": files,
    }
    partial = folder / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True), "utf-8")
    partial.rename(folder / MANIFEST)
    return BackupSummary(
        folder=folder,
        files=len(files),
        bytes=sum(entry["size"] for entry in files.values()),
        vendor=vendor,
        manifest_sha256=file_sha256(folder / MANIFEST),
    )


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _sqlite_copy(*, source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while the application writes."""
    with (
        closing(sqlite3.connect(source)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        # One self-contained file, whatever journal the source uses.
        dst.execute("PRAGMA journal_mode=DELETE")


def _media_copy(*, source: Path, target: Path) -> None:
    target.mkdir()
    if not source.is_dir():
        return
    for name in _listing(source):
        if (source / name).is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, destination)


# Checking ------------------------------------------------------------------------


def backup_problems(*, folder: Path) -> tuple[dict, list[str]]:
    """The manifest of ``folder`` and what is wrong with the folder (nothing when
    every listed file is there with its checksum and size, and no other file)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        listed = manifest["files"]
        manifest["database"]["file"]
    except FileNotFoundError:
        return {}, [f"{MANIFEST}: missing; {folder} is not a finished backup"]
    except (ValueError, KeyError, TypeError) as error:
        return {}, [f"{MANIFEST}: unreadable ({error})"]
    problems = []
    present = set(_listing(folder)) - {MANIFEST}
    for name in sorted(listed):
        if not _is_plain_relative(name):
            problems.append(f"{name}: not a path inside the backup")
        elif name not in present:
            problems.append(f"{name}: missing")
        elif (folder / name).stat().st_size != listed[name].get("size"):
            problems.append(f"{name}: size differs from the manifest")
        elif file_sha256(folder / name) != listed[name].get("sha256"):
            problems.append(f"{name}: checksum differs from the manifest")
    problems += [
        f"{name}: not in the manifest" for name in sorted(present - set(listed))
    ]
    if manifest["database"]["file"] not in listed:
        problems.append(f"{manifest['database']['file']}: missing")
    return manifest, problems


# Restoring -----------------------------------------------------------------------


def backup_restore(*, folder: Path, force: bool = False) -> BackupSummary:
    """Restore the backup in ``folder`` into the configured database and MEDIA_ROOT.

    Refuses, before changing anything, a folder that fails :func:`backup_problems`, a
    backup of another kind of database or made by newer code, and a database or media
    folder that holds data unless ``force``.
    """
    folder = Path(folder)
    manifest, problems = backup_problems(folder=folder)
    if problems:
        raise BackupError(
            "The backup does not match its manifest:\n  " + "\n  ".join(problems)
        )
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup holds a {vendor} database; this site uses {connection.vendor}."
        )
    unknown = _unknown_migrations(manifest["migrations"])
    if unknown:
        raise BackupError(
            "The backup was made by a newer release (migrations this code does not "
            "have: " + ", ".join(unknown[:5]) + "); install that release first."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        if _database_holds_data():
            raise BackupError(
                "The database holds data; restore into an empty database, or use "
                "--force to replace it."
            )
        if media_root.is_dir() and any(media_root.iterdir()):
            raise BackupError(
                f"The media folder {media_root} is not empty; "
                "use --force to replace it."
            )
    database_file = folder / manifest["database"]["file"]
    connections.close_all()
    if vendor == "sqlite":
        _sqlite_restore(source=database_file)
    else:
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run(_pg_command("pg_restore", [*options, "-d"], trailing=[database_file]))
    _media_restore(source=folder / MEDIA, target=media_root)
    listed = manifest["files"]
    return BackupSummary(
        folder=folder,
        files=len(listed),
        bytes=sum(entry["size"] for entry in listed.values()),
        vendor=vendor,
        manifest_sha256=file_sha256(folder / MANIFEST),
    )


def _unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(applied.items())
        for name in names
        if (app, name) not in known
    ]


def _database_holds_data() -> bool:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES or table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone():
                return True
    return False


def _sqlite_restore(*, source: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(source)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _media_restore(*, source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in target.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for name in _listing(source):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, destination)


# Helpers -------------------------------------------------------------------------


def _listing(folder: Path) -> list[str]:
    """Every file under ``folder`` as a relative POSIX path; links are not followed
    and count as files, so that a checksum never reads outside the folder."""
    names = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        names += [(here / name).relative_to(folder).as_posix() for name in files]
        names += [
            (here / name).relative_to(folder).as_posix()
            for name in dirs
            if (here / name).is_symlink()
        ]
    return sorted(names)


def _is_plain_relative(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == str(path)


def file_sha256(path: Path) -> str:
    if path.is_symlink() or not path.is_file():
        return "not a regular file"
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_command(
    program: str, parameters: list[str], trailing: list[Path] = ()
) -> tuple[list[str], dict]:
    """``program`` with the connection's options (``-U``, ``-h``, ``-p``, then the
    database name after ``parameters``) and its password in the environment."""
    args, env = connection.client.settings_to_cmd_args_env(
        connection.settings_dict, parameters
    )
    return [program, *args[1:], *map(str, trailing)], {**os.environ, **(env or {})}


def _run(command: tuple[list[str], dict]) -> None:
    args, env = command
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(
            f"{args[0]} is not installed; install the PostgreSQL client of the "
            "server's major version (Debian: postgresql-client)."
        ) from error
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")
