"""A database made by an earlier release migrates forward with this code, losing
nothing: the demo province of each release in ``tests/data/releases`` is migrated
in a separate process, as an upgrade would do it, and its rows are counted.

Releases before provinces held one province without saying so: after the upgrade
the installation has exactly one province, named from ``DTI_PROVINCE_NAME``, and
everything that belongs to a province belongs to it, while the audit trail's hash
chain still holds."""

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
# Tables whose every row belongs to a province after the upgrade.
PROVINCE_TABLES = [
    "survey_unit",
    "survey_campaign",
    "survey_framework",
    "survey_feedsource",
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
    _assert_one_province(database)
    assert "OK" in _manage(database, "verify_audit")


def _assert_one_province(database: Path) -> None:
    """Every row that belongs to a province belongs to the one province made
    from the settings; so does every audit event."""
    with sqlite3.connect(database) as db:
        provinces = db.execute("SELECT id, name_vi FROM survey_province").fetchall()
        assert [name for _pk, name in provinces] == [settings.DTI_PROVINCE_NAME]
        (province,) = (pk for pk, _name in provinces)
        for table in PROVINCE_TABLES:
            total, mine = db.execute(
                f'SELECT COUNT(*), TOTAL(province_id = ?) FROM "{table}"', (province,)
            ).fetchone()
            assert mine == total, table
            assert total or table == "survey_feedsource", f"{table} is empty"
        total, mine, national = db.execute(
            "SELECT COUNT(*), SUM(province_id = ?), SUM(role = 'national') "
            "FROM survey_membership",
            (province,),
        ).fetchone()
        assert total and mine == total and national == 0
        total, mine = db.execute(
            "SELECT COUNT(*), SUM(province_id = ?) FROM survey_auditevent",
            (province,),
        ).fetchone()
        assert total and mine == total


def test_a_release_database_is_kept():
    assert RELEASES, "tests/data/releases holds at least the previous release"
