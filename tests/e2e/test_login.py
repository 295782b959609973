import pytest

from survey.models import Assessment, Campaign, Membership, Unit, User
from survey.models.frameworks import Framework, FrameworkVersion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator():
    user = User.objects.create_user("dieuphoi", password="mat-khau-dai-2025")
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR)
    framework = Framework.objects.create(code="DTI-XA", name_vi="Bộ chỉ số cấp xã")
    version = FrameworkVersion.objects.create(
        framework=framework, year=2025, unit_type="commune"
    )
    campaign = Campaign.objects.create(
        year=2025,
        name="Đánh giá DTI năm 2025",
        opens_on="2026-01-15",
        deadline="2026-03-15",
    )
    unit = Unit.objects.create(
        code="X-TANPHU", name_vi="Xã Tân Phú", unit_type="commune"
    )
    Assessment.objects.create(campaign=campaign, unit=unit, version=version)
    return user


def test_login_page_is_vietnamese_and_leads_to_the_assessments(
    live_server, page, coordinator
):
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()

    page.get_by_label("Tên đăng nhập").fill("dieuphoi")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").is_visible()

    page.get_by_label("Mật khẩu").fill("mat-khau-dai-2025")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("cell", name="Xã Tân Phú").is_visible()
