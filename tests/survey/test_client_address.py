"""Behind the trusted proxies of DTI_TRUSTED_PROXIES, the audit trail and the login
throttling see the client's address, not the proxy's (``request_ip``)."""

import json
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from worlds import PASSWORD, VERIFICATION, build_world

from survey.models import AuditEvent
from survey.services.audit import request_ip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "fast_hasher")]

PROXY = "10.0.0.2"
ALICE = "203.0.113.7"
BOB = "198.51.100.20"


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


@pytest.fixture
def behind_nginx(settings):
    settings.DTI_TRUSTED_PROXIES = [PROXY]


def via_proxy(client_ip: str) -> dict:
    """What nginx sends: its own address as the peer, the client's appended."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}


def login(client, password, **meta):
    return client.post(
        reverse("login"), {"username": "stc-cv", "password": password}, **meta
    )


def test_request_ip_reads_the_setting(settings):
    request = RequestFactory().get("/", **via_proxy(ALICE))
    assert request_ip(request) == PROXY  # nothing trusted by default
    settings.DTI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert request_ip(request) == ALICE
    settings.DTI_TRUSTED_PROXIES = ["fd00::/8"]
    assert request_ip(request) == PROXY


def test_the_login_event_records_the_client_behind_the_proxy(
    client, world, behind_nginx
):
    assert login(client, PASSWORD, **via_proxy(ALICE)).status_code == 302
    assert AuditEvent.objects.get(action="login").ip == ALICE


def test_events_written_by_services_record_the_client_too(client, world, behind_nginx):
    client.force_login(world.editor)
    item = {"node": world.nodes["2.1"].pk, "version": 0, "values": {"yes": "true"}}
    saved = client.post(
        reverse("survey:answers_autosave", args=[world.assessment.pk]),
        json.dumps({"answers": [item]}),
        content_type="application/json",
        **via_proxy(ALICE),
    )
    assert saved.status_code == 200, saved.content
    assert AuditEvent.objects.get(action="answer_change").ip == ALICE


def test_a_forwarded_address_from_an_untrusted_client_is_not_believed(
    client, world, behind_nginx
):
    login(client, PASSWORD, REMOTE_ADDR=BOB, HTTP_X_FORWARDED_FOR=ALICE)
    assert AuditEvent.objects.get(action="login").ip == BOB


def test_the_lockout_hits_one_client_behind_the_proxy_not_the_other(
    client, world, behind_nginx
):
    for _ in range(5):
        login(client, "sai", **via_proxy(ALICE))
    assert login(client, PASSWORD, **via_proxy(ALICE)).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ALICE}

    assert login(client, PASSWORD, **via_proxy(BOB)).status_code == 302


def test_without_trusted_proxies_everyone_behind_the_proxy_shares_one_lock(
    client, world
):
    for _ in range(5):
        login(client, "sai", **via_proxy(ALICE))
    assert login(client, PASSWORD, **via_proxy(BOB)).status_code == 429


def test_a_locked_client_cannot_escape_by_making_up_a_forwarded_address(
    client, world, behind_nginx
):
    for _ in range(5):
        login(client, "sai", REMOTE_ADDR=BOB)
    response = login(client, PASSWORD, REMOTE_ADDR=BOB, HTTP_X_FORWARDED_FOR=ALICE)
    assert response.status_code == 429
    # Through the proxy, the made-up address stays left of the one nginx appends.
    response = login(client, PASSWORD, **via_proxy(f"{ALICE}, {BOB}"))
    assert response.status_code == 429


def test_no_other_module_reads_the_peers_address():
    root = Path(__file__).resolve().parents[2]
    found = {
        str(path.relative_to(root))
        for package in ("survey", "reports", "config", "common")
        for path in (root / package).rglob("*.py")
        if re.search(r"[\"']REMOTE_ADDR|HTTP_X_FORWARDED_FOR", path.read_text("utf-8"))
    }
    assert found == {"survey/services/audit.py"}
