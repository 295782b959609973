"""`manage.py backup` and `manage.py restore`: the demo province with uploaded evidence
comes back whole in an empty database and media folder; a backup whose files do not
match its manifest is refused before anything changes.

Restores run in a separate process pointed at another database (a new SQLite file,
or a second PostgreSQL database), as an operator would run them.
"""

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from survey.models import Answer, Evidence

pytestmark = pytest.mark.django_db(transaction=True)

COUNT_TABLES = """
import json
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in connection.introspection.table_names(cursor):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def target(tmp_path):
    """An empty database of the same kind as the tests', and its URL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    if not (_which("pg_dump") and _which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    server = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    yield f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _which(program: str) -> bool:
    from shutil import which

    return which(program) is not None


def _manage(
    database_url: str, media_root: Path, *args: str
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _counts_of(database_url: str, media_root: Path) -> dict[str, int]:
    done = _manage(database_url, media_root, "shell", "-v", "0", "-c", COUNT_TABLES)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _add_evidence_files() -> None:
    answers = Answer.objects.order_by("id")[:2]
    for number, answer in enumerate(answers):
        content = f"%PDF-1.4 quyết định số {number}".encode()
        evidence = Evidence(
            answer=answer,
            kind=Evidence.Kind.FILE,
            original_name=f"quyet-dinh-{number}.pdf",
            content_type="application/pdf",
            size=len(content),
        )
        evidence.file.save(f"quyet-dinh-{number}.pdf", ContentFile(content))


def test_the_demo_comes_back_whole_in_an_empty_database_and_folder(
    media, target, tmp_path
):
    call_command("seed_demo")
    _add_evidence_files()
    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert len([n for n in manifest["files"] if n.startswith("media/evidence/")]) == 2
    assert "0001_initial" in manifest["migrations"]["survey"]
    restored_media = tmp_path / "restored-media"

    done = _manage(target, restored_media, "restore", str(tmp_path / "backup"))

    assert done.returncode == 0, done.stderr
    before = _counts_here()
    assert before["survey_answer"] > 10_000
    assert before["survey_evidence"] > 2
    assert _counts_of(target, restored_media) == before
    assert _checksums(restored_media) == _checksums(media)
    assert len(_checksums(media)) == 2

    # A second restore would overwrite what is there now: refused unless forced.
    again = _manage(target, restored_media, "restore", str(tmp_path / "backup"))
    assert again.returncode != 0
    assert "The database holds data" in again.stderr
    forced = _manage(
        target, restored_media, "restore", "--force", str(tmp_path / "backup")
    )
    assert forced.returncode == 0, forced.stderr
    assert _counts_of(target, restored_media) == before


@pytest.fixture
def small_backup(media, tmp_path) -> Path:
    """A backup of the (empty) test database with two media files."""
    (media / "evidence" / "2025").mkdir(parents=True)
    (media / "evidence" / "2025" / "a.pdf").write_bytes(b"%PDF-1.4 a")
    (media / "evidence" / "2025" / "b.pdf").write_bytes(b"%PDF-1.4 b")
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    call_command("restore", str(folder), check=True)
    return folder


def _rewrite_manifest(folder: Path, change) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _flip_first_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[0] ^= 1
    path.write_bytes(bytes(data))


TAMPERINGS = {
    "changed media file": (
        lambda f: _flip_first_byte(f / "media/evidence/2025/a.pdf"),
        "media/evidence/2025/a.pdf: checksum differs",
    ),
    "changed database": (
        lambda f: _flip_first_byte(next(f.glob("database.*"))),
        "database.",
    ),
    "missing file": (
        lambda f: (f / "media/evidence/2025/b.pdf").unlink(),
        "media/evidence/2025/b.pdf: missing",
    ),
    "extra file": (
        lambda f: (f / "media/evidence/2025/c.pdf").write_bytes(b"%PDF-1.4 c"),
        "media/evidence/2025/c.pdf: not in the manifest",
    ),
    "edited manifest": (
        lambda f: _rewrite_manifest(
            f,
            lambda m: m["files"]["media/evidence/2025/a.pdf"].update(sha256="0" * 64),
        ),
        "media/evidence/2025/a.pdf: checksum differs",
    ),
    "path outside the backup": (
        lambda f: _rewrite_manifest(
            f,
            lambda m: m["files"].update(
                {"../escape.pdf": m["files"]["media/evidence/2025/a.pdf"]}
            ),
        ),
        "../escape.pdf: not a path inside the backup",
    ),
    "no manifest": (
        lambda f: (f / "manifest.json").unlink(),
        "manifest.json: missing",
    ),
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_a_backup_that_does_not_match_its_manifest_is_refused_naming_the_file(
    small_backup, tampering
):
    tamper, message = TAMPERINGS[tampering]
    tamper(small_backup)
    with pytest.raises(CommandError, match="does not match its manifest") as refused:
        call_command("restore", str(small_backup), check=True)
    assert message in str(refused.value)


def test_a_refused_restore_changes_nothing(small_backup, target, tmp_path):
    _flip_first_byte(small_backup / "media/evidence/2025/a.pdf")
    restored_media = tmp_path / "restored-media"
    done = _manage(target, restored_media, "restore", str(small_backup))
    assert done.returncode != 0
    assert "media/evidence/2025/a.pdf: checksum differs" in done.stderr
    assert not restored_media.exists()
    assert _counts_of(target, restored_media) == {}


def test_only_the_account_that_made_a_backup_can_open_it(small_backup):
    # It holds password hashes and second-factor keys: nobody else may enter it,
    # whatever the umask of the shell that ran it.
    assert stat.S_IMODE(small_backup.stat().st_mode) == 0o700


def test_a_backup_is_not_written_over_another(small_backup):
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(small_backup))


def test_a_backup_by_newer_code_is_refused(small_backup, target, tmp_path):
    def add_future_migration(manifest):
        manifest["migrations"]["survey"].append("9999_from_the_future")

    _rewrite_manifest(small_backup, add_future_migration)
    # The manifest's own checksum is not in it: only its content is checked.
    done = _manage(target, tmp_path / "m", "restore", str(small_backup))
    assert done.returncode != 0
    assert "survey.9999_from_the_future" in done.stderr


def test_the_manifests_own_checksum_is_printed_to_keep_apart(media, tmp_path):
    folder = tmp_path / "backup"
    written = io.StringIO()
    call_command("backup", str(folder), stdout=written)
    checked = io.StringIO()
    call_command("restore", str(folder), check=True, stdout=checked)
    digest = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    assert f"manifest.json SHA-256 {digest}" in written.getvalue()
    assert f"manifest.json SHA-256 {digest}" in checked.getvalue()
