"""A database made by an earlier release migrates forward with this code, losing
nothing: the demo province of each release in ``tests/data/releases`` is migrated
in a separate process, as an upgrade would do it, and its rows are counted."""

import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

RELEASES = sorted((Path(__file__).parents[1] / "data" / "releases").glob("*.xz"))
KEY_TABLES = [
    "survey_unit",
    "survey_user",
    "survey_assessment",
    "survey_answer",
    "survey_evidence",
    "survey_membership",
    "survey_auditevent",
]


def _manage(database: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in KEY_TABLES
        }


@pytest.mark.parametrize("release", RELEASES, ids=[r.name for r in RELEASES])
def test_the_release_demo_database_migrates_forward_losing_nothing(release, tmp_path):
    database = tmp_path / "upgrade.sqlite3"
    with lzma.open(release) as packed, open(database, "wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    before = _counts(database)
    assert before["survey_answer"] > 10_000, "the file is the demo province"

    _manage(database, "migrate", "--noinput")

    assert _counts(database) == before
    plan = _manage(database, "showmigrations", "--plan").splitlines()
    assert plan
    assert [line for line in plan if not line.startswith("[X]")] == []


def test_a_release_database_is_kept():
    assert RELEASES, "tests/data/releases holds at least the previous release"
