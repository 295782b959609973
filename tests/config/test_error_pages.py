"""Error pages speak the person's language, wear the site's layout and lead back home.

400, 403 and 404 extend the base layout; 500 stands alone, because Django renders it
with an empty context after something failed, perhaps the database itself.
"""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import bad_request, server_error

from survey.models import User

pytestmark = pytest.mark.django_db

FAILING_URLS = "tests.config.urls_failing"
TEXTS = {
    400: {"vi": "Yêu cầu không hợp lệ", "en": "Bad request"},
    403: {"vi": "Không có quyền truy cập", "en": "Access refused"},
    404: {"vi": "Không tìm thấy trang", "en": "Page not found"},
    500: {"vi": "Lỗi máy chủ", "en": "Server error"},
}


@pytest.fixture
def client_without_roles(client):
    client.force_login(User.objects.create_user("khach"))
    return client


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    return settings


def _in(language: str, client: Client, settings) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _page_of(client: Client, code: int) -> str:
    path = {
        400: "/test-suspicious/",
        403: reverse("survey:framework_list"),
        404: reverse("survey:assessment_review", args=[987654]),
        500: "/test-broken/",
    }[code]
    response = client.get(path)
    assert response.status_code == code
    return response.content.decode()


@pytest.mark.urls(FAILING_URLS)
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("code", [400, 403, 404, 500])
def test_each_error_page_speaks_the_language_and_leads_home(code, language, production):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("khach"))
    page = _page_of(_in(language, client, production), code)
    assert TEXTS[code][language] in page
    assert f'<html lang="{language}">' in page
    assert "css/app.css" in page
    assert 'href="/"' in page or f'href="{reverse("survey:home")}"' in page
    other = "en" if language == "vi" else "vi"
    assert TEXTS[code][other] not in page


@pytest.mark.urls(FAILING_URLS)
@pytest.mark.parametrize("code", [403, 404])
def test_refused_and_missing_pages_keep_the_menu(code, production):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("khach"))
    page = _page_of(client, code)
    assert 'aria-label="Menu chính"' in page
    assert "Đăng xuất" in page


@pytest.mark.urls(FAILING_URLS)
def test_the_server_error_page_hides_the_fault(production):
    client = Client(raise_request_exception=False)
    page = _page_of(client, 500)
    assert "a fault on the server" not in page
    assert "Traceback" not in page
    assert "Những gì bạn đã lưu trước đó vẫn còn" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_server_error_page_renders_without_request_or_database(
    language, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with translation.override(language), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert TEXTS[500][language] in response.content.decode()


def test_the_bad_request_page_keeps_a_working_language_menu():
    request = RequestFactory().get("/")
    with translation.override("vi"):
        response = bad_request(request, exception=None)
    page = response.content.decode()
    assert response.status_code == 400
    assert TEXTS[400]["vi"] in page
    assert 'action="/i18n/setlang/"' in page and "csrfmiddlewaretoken" in page


def test_a_refused_page_says_so_in_vietnamese_with_the_menu(client_without_roles):
    response = client_without_roles.get(reverse("survey:framework_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không có quyền truy cập" in page
    assert "Forbidden" not in page
    assert f'href="{reverse("survey:home")}"' in page
