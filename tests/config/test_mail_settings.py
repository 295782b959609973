"""Mail and proxy settings read from the environment (``config/settings.py``)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({n: "
    "getattr(s, n) for n in ('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', "
    "'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', "
    "'EMAIL_TIMEOUT', 'DEFAULT_FROM_EMAIL', 'SERVER_EMAIL', 'DTI_MAIL_RETRIES', "
    "'DTI_MAIL_RETRY_DELAY', 'DTI_TRUSTED_PROXIES')}))"
)


def shell(**environ: str) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DTI_")) and name != "DATABASE_URL"
    }
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with(**environ: str) -> dict:
    result = shell(**environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_prints_mail_to_the_console_and_trusts_no_proxy():
    s = settings_with()
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["DTI_TRUSTED_PROXIES"] == []
    assert s["DTI_MAIL_RETRIES"] == 5
    assert s["EMAIL_TIMEOUT"] == 30


def test_a_mail_host_is_enough_to_send_through_smtp():
    s = settings_with(
        DJANGO_EMAIL_HOST="smtp.example.gov.vn",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_HOST_USER="dti",
        DJANGO_EMAIL_HOST_PASSWORD="bí mật",
        DJANGO_EMAIL_USE_TLS="1",
        DJANGO_EMAIL_TIMEOUT="10",
        DJANGO_DEFAULT_FROM_EMAIL="dti@example.gov.vn",
        DJANGO_SERVER_EMAIL="loi@example.gov.vn",
        DTI_MAIL_RETRIES="3",
        DTI_MAIL_RETRY_DELAY="120",
        DTI_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8",
    )
    assert s == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.gov.vn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "dti",
        "EMAIL_HOST_PASSWORD": "bí mật",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": "dti@example.gov.vn",
        "SERVER_EMAIL": "loi@example.gov.vn",
        "DTI_MAIL_RETRIES": 3,
        "DTI_MAIL_RETRY_DELAY": 120,
        "DTI_TRUSTED_PROXIES": ["127.0.0.1", "10.0.0.0/8"],
    }


def test_a_backend_named_wins_over_the_host():
    s = settings_with(
        DJANGO_EMAIL_HOST="smtp.example.gov.vn",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
    )
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"


def test_errors_go_out_from_the_sender_unless_told_otherwise():
    s = settings_with(DJANGO_DEFAULT_FROM_EMAIL="dti@example.gov.vn")
    assert s["SERVER_EMAIL"] == "dti@example.gov.vn"


def test_tls_and_ssl_together_are_refused():
    result = shell(DJANGO_EMAIL_USE_TLS="1", DJANGO_EMAIL_USE_SSL="1")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_EMAIL_USE_TLS" in result.stderr and "not both" in result.stderr


def test_a_proxy_that_is_not_an_address_is_refused():
    result = shell(DTI_TRUSTED_PROXIES="10.0.0.2, nginx.local")
    assert result.returncode != 0
    assert "DTI_TRUSTED_PROXIES" in result.stderr and "nginx.local" in result.stderr
