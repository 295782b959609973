"""Commands that find a campaign by year ask which province when several have one."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from survey.models import Campaign, Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces():
    first = Province.objects.create(code="mot", name_vi="tỉnh Một")
    second = Province.objects.create(code="hai", name_vi="tỉnh Hai")
    for province in (first, second):
        Campaign.objects.create(
            province=province,
            year=2031,
            name=f"DTI 2031 {province.code}",
            opens_on=date(2031, 1, 1),
            deadline=date(2031, 3, 1),
        )
    return first, second


def test_compute_results_by_year_names_the_province_when_several_have_one(
    two_provinces,
):
    with pytest.raises(CommandError, match="--province"):
        call_command("compute_results", "2031")
    done = call_command("compute_results", "2031", "--province", "hai")
    assert "DTI 2031 hai" in done


def test_export_report_by_year_names_the_province_when_several_have_one(
    two_provinces, tmp_path
):
    with pytest.raises(CommandError, match="--province"):
        call_command("export_report", "--campaign", "2031", "-o", tmp_path / "a.xlsx")
    with pytest.raises(CommandError, match="No campaign"):
        call_command(
            "export_report",
            "--campaign",
            "2030",
            "--province",
            "mot",
            "-o",
            tmp_path / "a.xlsx",
        )
