"""The report names the province whose campaign it is, in the report's language."""

import pytest
from django.conf import settings

from reports.services.data import report_data
from survey.models import Province, Unit
from survey.province_scope import province_scope
from tests.reports.conftest import make_campaign

pytestmark = pytest.mark.django_db


def test_the_report_names_the_campaigns_province(version):
    first = make_campaign(version, 3)
    second = Province.objects.create(
        code="son-ha", name_vi="tỉnh Sơn Hà", name_en="Son Ha province"
    )
    with province_scope(second.pk):
        units = Unit.objects.bulk_create(
            Unit(code=f"SH-{u}", name_vi=f"Xã SH {u}", unit_type="commune")
            for u in range(3)
        )
        other = make_campaign(version, 3, units=units)
    assert other.province_id == second.pk != first.province_id

    assert report_data(campaign=first).province == settings.DTI_PROVINCE_NAME
    # A province without an English name keeps its Vietnamese one in English.
    assert report_data(campaign=first, lang="en").province == (
        settings.DTI_PROVINCE_NAME
    )
    assert report_data(campaign=other).province == "tỉnh Sơn Hà"
    assert report_data(campaign=other, lang="en").province == "Son Ha province"
