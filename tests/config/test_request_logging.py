"""Every request has an id, returned in ``X-Request-ID`` and carried by each log
record made while it runs; logs are text or JSON lines; server errors can be mailed."""

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
import uuid
from datetime import datetime

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from config.log import admins_from, logging_config

FAILING_URLS = "tests.config.urls_failing"


@pytest.fixture
def log_lines():
    """Configure logging as the settings would, and read what the console wrote."""
    streams = []

    def configure(**options) -> io.StringIO:
        logging.config.dictConfig(
            logging_config(level="INFO", **{"mail_admins": False, **options})
        )
        (console,) = logging.getLogger().handlers
        stream = io.StringIO()
        console.setStream(stream)
        streams.append(stream)
        return stream

    yield configure
    logging.config.dictConfig(django_settings.LOGGING)


def test_a_request_gets_a_new_id_in_the_response(client):
    response = client.get("/login/")
    assert uuid.UUID(response["X-Request-ID"]).version == 4
    assert client.get("/login/")["X-Request-ID"] != response["X-Request-ID"]


def test_the_proxys_well_formed_id_is_kept(client):
    response = client.get("/login/", headers={"X-Request-ID": "nginx-4f2a.9b:1"})
    assert response["X-Request-ID"] == "nginx-4f2a.9b:1"


@pytest.mark.parametrize(
    "forged",
    ['abc"} {"level": "CRITICAL', "a b", "x" * 129, "line\\nbreak", "ý"],
)
def test_an_ill_formed_incoming_id_is_replaced(client, forged):
    response = client.get("/login/", headers={"X-Request-ID": forged})
    assert uuid.UUID(response["X-Request-ID"]).version == 4


@pytest.mark.django_db
def test_json_lines_carry_time_level_logger_message_and_the_request_id(
    client, log_lines
):
    stream = log_lines(log_format="json")
    response = client.get("/no-such-page/", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 404
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    (not_found,) = [r for r in records if r["logger"] == "django.request"]
    assert not_found["level"] == "WARNING"
    assert not_found["message"] == "Not Found: /no-such-page/"
    assert not_found["request_id"] == "req-42"
    assert datetime.fromisoformat(not_found["time"]).tzinfo is not None
    assert "request" not in not_found


@pytest.mark.django_db
def test_records_outside_a_request_say_so(client, log_lines):
    stream = log_lines(log_format="json")
    client.get("/login/", headers={"X-Request-ID": "req-done"})
    stream.truncate(0)
    stream.seek(0)
    logging.getLogger("survey").warning("from a command")
    (record,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert record["request_id"] == "-"
    assert record["message"] == "from a command"


@pytest.mark.django_db
def test_text_is_the_default_and_shows_the_request_id(client, log_lines):
    stream = log_lines(log_format="text")
    client.get("/no-such-page/", headers={"X-Request-ID": "req-43"})
    line = stream.getvalue().strip().splitlines()[-1]
    assert " WARNING django.request [req-43] Not Found: /no-such-page/" in line
    assert not line.startswith("{")


def test_admins_are_read_with_or_without_names():
    assert admins_from("Trần An <an@so.gov.vn>, it@so.gov.vn") == [
        ("Trần An", "an@so.gov.vn"),
        ("it@so.gov.vn", "it@so.gov.vn"),
    ]
    assert admins_from("") == []


def _settings_with(env: dict) -> dict:
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'admins': settings.ADMINS, "
        "'handlers': sorted(settings.LOGGING['handlers']), "
        "'formatter': settings.LOGGING['handlers']['console']['formatter']}))"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_the_environment_chooses_the_format_and_the_admins():
    plain = _settings_with({})
    assert plain == {"admins": [], "handlers": ["console"], "formatter": "text"}
    chosen = _settings_with(
        {"DJANGO_LOG_FORMAT": "json", "DJANGO_ADMINS": "An <an@so.gov.vn>"}
    )
    assert chosen == {
        "admins": [["An", "an@so.gov.vn"]],
        "handlers": ["console", "mail_admins"],
        "formatter": "json",
    }


@pytest.mark.django_db
@pytest.mark.urls(FAILING_URLS)
@pytest.mark.parametrize("mail_admins", [True, False])
def test_a_server_error_is_mailed_to_the_admins_only_when_asked(
    settings, log_lines, mail_admins
):
    settings.DEBUG = False
    settings.ADMINS = [("An", "an@so.gov.vn")]
    log_lines(log_format="text", mail_admins=mail_admins)
    response = Client(raise_request_exception=False).get(
        "/test-broken/", headers={"X-Request-ID": "req-500"}
    )
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-500"
    if mail_admins:
        (message,) = mail.outbox
        assert message.to == ["an@so.gov.vn"]
        assert "/test-broken/" in message.subject
        assert "a fault on the server" in message.body
    else:
        assert mail.outbox == []
