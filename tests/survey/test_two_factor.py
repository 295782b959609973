"""Two-factor sign-in: setting it up, the code asked after the password, and the
coordinator's requirement for coordinators and reviewers."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from worlds import PASSWORD, VERIFICATION, build_world

from survey.models import AuditEvent, SecuritySettings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
HOME = reverse("survey:home")
CODE_PAGE = reverse("survey:two_factor_verify")
SETUP = reverse("survey:two_factor_setup")
REQUIREMENT = reverse("survey:two_factor_requirement")


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (or that many 30-second steps later)."""
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, device.step, t0, device.digits, device.drift):06d}"


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def log_in(client, user):
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


def not_throttled(device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )


def two_factor_events():
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCOUNT, after__has_key="two_factor"
    )


# The second step of logging in ----------------------------------------------------


def test_without_the_code_no_page_opens(client, world):
    device_for(world.coordinator)
    log_in(client, world.coordinator)
    for url in (HOME, reverse("survey:account_list"), reverse("survey:audit_search")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(CODE_PAGE + "?next=")
    assert client.get(CODE_PAGE).status_code == 200
    assert client.get("/favicon.ico").status_code == 200
    assert client.post(reverse("logout")).url == reverse("login")  # logging out works


def test_a_wrong_code_is_refused_and_further_codes_are_throttled(client, world):
    device = device_for(world.editor)
    log_in(client, world.editor)
    response = client.post(CODE_PAGE, {"code": "000000", "next": HOME})
    assert response.status_code == 200
    assert "The code is wrong" in response.content.decode()
    assert client.get(HOME).status_code == 302
    # Right after a wrong code even the right one is refused, for a while.
    response = client.post(CODE_PAGE, {"code": code(device), "next": HOME})
    assert response.status_code == 200
    assert client.get(HOME).status_code == 302
    not_throttled(device)
    response = client.post(CODE_PAGE, {"code": code(device), "next": HOME})
    assert response.status_code == 302
    assert response.url == HOME
    assert client.get(HOME).status_code == 200


def test_the_code_page_shows_no_menu_until_the_code_is_given(client, world):
    device = device_for(world.coordinator)
    log_in(client, world.coordinator)
    accounts = reverse("survey:account_list")
    page = client.get(CODE_PAGE).content.decode()
    assert f'href="{accounts}"' not in page
    assert f'href="{SETUP}"' not in page
    assert 'action="/logout/"' in page  # leaving stays possible
    client.post(CODE_PAGE, {"code": code(device)})
    page = client.get(HOME).content.decode()
    assert f'href="{accounts}"' in page and f'href="{SETUP}"' in page


def test_the_right_code_opens_the_page_asked_for(client, world):
    device = device_for(world.reviewer)
    log_in(client, world.reviewer)
    asked = reverse("survey:review_list")
    response = client.get(asked)
    assert response.url == f"{CODE_PAGE}?next={asked}"
    response = client.post(CODE_PAGE, {"code": code(device), "next": asked})
    assert response.url == asked
    assert client.get(asked).status_code == 200


def test_the_code_page_does_not_send_elsewhere(client, world):
    device = device_for(world.editor)
    log_in(client, world.editor)
    data = {"code": code(device), "next": "https://example.com/"}
    assert client.post(CODE_PAGE, data).url == HOME


def test_a_backup_code_works_once(client, world):
    device_for(world.editor)
    static = StaticDevice.objects.create(user=world.editor, name="backup")
    static.token_set.create(token="abcd2345")
    log_in(client, world.editor)
    assert client.post(CODE_PAGE, {"code": "ABCD 2345"}).status_code == 302
    assert client.get(HOME).status_code == 200
    client.post(reverse("logout"))
    log_in(client, world.editor)
    assert client.post(CODE_PAGE, {"code": "abcd2345"}).status_code == 200
    assert client.get(HOME).status_code == 302


def test_without_a_device_the_password_is_enough(client, world):
    log_in(client, world.editor)
    assert client.get(HOME).status_code == 200
    assert client.get(CODE_PAGE).url == HOME


# Turning it on and off ------------------------------------------------------------


def test_turning_it_on_shows_the_qr_code_the_key_and_backup_codes_once(client, world):
    client.force_login(world.editor)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "style=" not in page
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=world.editor, confirmed=False)
    assert client.get(SETUP).content.decode().count(secret) == 1  # the same key
    response = client.post(SETUP, {"code": "123"})
    assert "The code is wrong" in response.content.decode()
    not_throttled(device)
    response = client.post(SETUP, {"code": code(device)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert two_factor_events().get().after == {"two_factor": "enabled"}
    # This session gave the code; the page now says it is on, without the codes.
    page = client.get(SETUP).content.decode()
    assert "10 unused backup codes left" in page and codes[0] not in page
    assert client.get(HOME).status_code == 200


def test_turning_it_off_needs_a_code(client, world):
    device = device_for(world.editor)
    log_in(client, world.editor)
    client.post(CODE_PAGE, {"code": code(device)})
    client.post(reverse("survey:two_factor_off"), {"code": "999999"})
    assert TOTPDevice.objects.filter(user=world.editor).exists()
    # The wrong code holds the right one back for a moment here too.
    client.post(reverse("survey:two_factor_off"), {"code": code(device, 1)})
    assert TOTPDevice.objects.filter(user=world.editor).exists()
    not_throttled(device)
    client.post(reverse("survey:two_factor_off"), {"code": code(device, 1)})
    assert not TOTPDevice.objects.filter(user=world.editor).exists()
    assert two_factor_events().get().after == {"two_factor": "disabled"}


# The coordinator's requirement ----------------------------------------------------


def require(client, world, required=True):
    """The coordinator, in a browser of their own, sets the requirement."""
    coordinator = Client()
    coordinator.force_login(world.coordinator)
    data = {"required": "on"} if required else {}
    return coordinator.post(REQUIREMENT, data)


def test_the_requirement_sends_a_reviewer_to_the_setup_page(client, world):
    assert require(client, world).status_code == 302
    assert SecuritySettings.objects.get().two_factor_required
    event = AuditEvent.objects.get(after__two_factor_required=True)
    assert event.actor == world.coordinator
    log_in(client, world.reviewer)
    for url in (HOME, reverse("survey:review_list"), CODE_PAGE):
        response = client.get(url)
        assert response.url.startswith(SETUP + "?next=")
    page = client.get(SETUP).content.decode()
    assert "Your role requires a second factor" in page


def test_the_requirement_leaves_unit_accounts_free(client, world):
    require(client, world)
    log_in(client, world.editor)
    assert client.get(HOME).status_code == 200


def test_a_required_second_factor_cannot_be_turned_off(client, world):
    device = device_for(world.reviewer)
    require(client, world)
    log_in(client, world.reviewer)
    client.post(CODE_PAGE, {"code": code(device)})
    response = client.post(
        reverse("survey:two_factor_off"), {"code": code(device, 1)}, follow=True
    )
    assert "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.reviewer).exists()


def test_the_coordinator_is_bound_by_the_requirement_too(client, world):
    client.force_login(world.coordinator)
    client.post(REQUIREMENT, {"required": "on"})
    assert client.get(REQUIREMENT).url.startswith(SETUP + "?next=")


def test_lifting_the_requirement_is_recorded(client, world):
    require(client, world)
    device = device_for(world.coordinator)
    log_in(client, world.coordinator)
    client.post(CODE_PAGE, {"code": code(device)})
    assert client.post(REQUIREMENT, {}).url == REQUIREMENT
    assert not SecuritySettings.objects.get().two_factor_required
    assert AuditEvent.objects.filter(after__two_factor_required=False).exists()


@pytest.mark.parametrize("name", ["reviewer", "editor", "approver", "committee"])
def test_only_the_coordinator_sets_the_requirement(client, world, name):
    client.force_login(getattr(world, name))
    assert client.get(REQUIREMENT).status_code == 403
    assert client.post(REQUIREMENT, {"required": "on"}).status_code == 403
    assert not SecuritySettings.objects.filter(two_factor_required=True).exists()


def test_the_coordinator_sees_the_requirement_page(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("survey:account_list"))
    assert REQUIREMENT in response.content.decode()
    assert client.get(REQUIREMENT).status_code == 200
