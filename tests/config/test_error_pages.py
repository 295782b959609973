"""Refused and missing pages speak the person's language and lead back home."""

import pytest
from django.urls import reverse

from survey.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_without_roles(client):
    client.force_login(User.objects.create_user("khach"))
    return client


def test_a_refused_page_says_so_in_vietnamese_with_the_menu(client_without_roles):
    response = client_without_roles.get(reverse("survey:framework_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không có quyền truy cập" in page
    assert "Forbidden" not in page
    assert f'href="{reverse("survey:home")}"' in page
    assert 'aria-label="Menu chính"' in page or "<nav" in page


def test_a_missing_page_says_so_in_vietnamese(client_without_roles):
    response = client_without_roles.get(
        reverse("survey:assessment_review", args=[987654])
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page
    assert f'href="{reverse("survey:home")}"' in page


def test_the_english_page_is_in_english(client_without_roles, settings):
    client_without_roles.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client_without_roles.get(reverse("survey:framework_list"))
    assert response.status_code == 403
    assert "Access refused" in response.content.decode()
