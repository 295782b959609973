"""`manage.py check --deploy` passes with the production environment."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY_CHARACTERS = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    """Run manage.py with a clean environment plus ``environ``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DTI_")) and name != "DATABASE_URL"
    }
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": "".join(secrets.choice(KEY_CHARACTERS) for _ in range(60)),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "dti.example.gov.vn",
    }


def test_deploy_check_passes_in_production(production):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in output and "ERRORS" not in output


def test_production_turns_debug_off_without_being_told(production):
    del production["DJANGO_DEBUG"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_defaults_start():
    result = manage("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_flags_the_development_defaults():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on
    assert "security.W009" in result.stderr  # the insecure development key
