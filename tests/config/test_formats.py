"""Vietnamese formats (config/formats/vi) and the Vietnamese default language."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.utils import formats, translation


@pytest.fixture
def vi():
    with translation.override("vi"):
        yield


def test_settings_default_to_vietnamese_and_the_province_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_I18N and settings.USE_TZ


@pytest.mark.parametrize(
    ("text", "expected"),
    [("05/11/2025", date(2025, 11, 5)), ("5/11/25", date(2025, 11, 5))],
)
def test_date_field_reads_day_first(vi, text, expected):
    assert forms.DateField().clean(text) == expected


def test_english_screens_keep_day_first_dates():
    # config/formats/en: the province's documents are day-first in either language.
    with translation.override("en"):
        assert forms.DateField().clean("05/11/2025") == date(2025, 11, 5)
        assert formats.date_format(date(2025, 11, 5), "SHORT_DATE_FORMAT") == (
            "05/11/2025"
        )


def test_decimal_field_reads_dots_as_thousands(vi):
    field = forms.DecimalField(localize=True)
    assert field.clean("1.250.000") == Decimal("1250000")
    assert field.clean("1.250.000,75") == Decimal("1250000.75")


def test_decimal_field_reads_comma_as_decimal_separator(vi):
    field = forms.DecimalField(localize=True)
    assert field.clean("12,5") == Decimal("12.5")
    assert field.clean("0,25") == Decimal("0.25")


def test_number_format_groups_with_dots_and_uses_a_decimal_comma(vi):
    value = formats.number_format(Decimal("1250000.5"), 1, force_grouping=True)
    assert value == "1.250.000,5"


def test_localize_groups_thousands_without_being_forced(vi):
    assert formats.localize(Decimal("1250000.5")) == "1.250.000,5"


def test_short_date_format_is_day_month_year(vi):
    assert formats.date_format(date(2025, 11, 5), "SHORT_DATE_FORMAT") == "05/11/2025"
    assert formats.date_format(date(2025, 11, 5)) == "05/11/2025"


def test_english_keeps_english_separators():
    with translation.override("en"):
        value = formats.number_format(Decimal("1250000.5"), 1, force_grouping=True)
    assert value == "1,250,000.5"


@pytest.mark.django_db
def test_login_page_is_in_vietnamese_by_default(client):
    response = client.get("/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    # Both strings come from Django's own catalogues (admin, auth); the project's
    # locale/vi has no django.po yet, so its own strings still show in English.
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html


@pytest.mark.django_db
def test_login_page_follows_accept_language(client):
    response = client.get("/login/", headers={"accept-language": "en"})

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Đăng nhập" not in html
