"""In the browser: a person turns on two-factor sign-in with the QR page's key,
keeps the backup codes, and the next login asks for the app's code."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from survey.models import Membership, Unit, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-dai-2025"


@pytest.fixture
def editor():
    unit = Unit.objects.create(
        code="X-TANPHU", name_vi="Xã Tân Phú", unit_type="commune"
    )
    user = User.objects.create_user("xa-cv", password=PASSWORD)
    Membership.objects.create(user=user, unit=unit, role=Membership.Role.EDITOR)
    return user


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the page."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, step=30, t0=-30 * steps_ahead, digits=6):06d}"


def log_in(page, url):
    page.goto(f"{url}/login/")
    page.get_by_label("Tên đăng nhập").fill("xa-cv")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_turning_on_two_factor_and_logging_in_with_a_code(live_server, page, editor):
    log_in(page, live_server.url)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Xác thực hai yếu tố").click()
    assert page.locator(".qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_role("textbox", name="Mã").fill(app_code(secret))
    page.get_by_role("button", name="Bật").click()
    assert page.get_by_role("heading", name="Đã bật xác thực hai yếu tố").is_visible()
    assert page.locator("#backup-codes li").count() == 10
    page.get_by_role("link", name="Tiếp tục").click()
    page.wait_for_url(f"{live_server.url}/")
    with page.expect_navigation():  # after clearing what the browser kept
        page.get_by_role("button", name="Đăng xuất").click()

    log_in(page, live_server.url)
    page.wait_for_url(f"{live_server.url}/two-factor/code/**")
    page.goto(f"{live_server.url}/")  # no page opens before the code
    assert page.url.startswith(f"{live_server.url}/two-factor/code/")
    page.get_by_role("textbox", name="Mã").fill("000000")
    page.get_by_role("button", name="Tiếp tục").click()
    assert page.get_by_role("alert").is_visible()
    page.wait_for_timeout(2100)  # the wrong code holds the next one back a moment
    page.get_by_role("textbox", name="Mã").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="Xác thực hai yếu tố").is_visible()
