"""Units and ranking groups are named in the page's language, Vietnamese by default."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from survey.demo.names import commune_name_en
from survey.demo.seed import GROUP_COMMUNE
from survey.models import Campaign, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return Campaign.objects.create(
        year=2025,
        name="Đánh giá DTI năm 2025",
        opens_on=date(2026, 1, 15),
        deadline=date(2026, 3, 15),
        ranking_group_names_en={"Xã, phường": "Communes and wards"},
    )


def test_a_unit_is_named_in_the_active_language():
    unit = Unit(code="SYT", name_vi="Sở Y tế", name_en="Department of Health")
    with translation.override("vi"):
        assert str(unit) == "Sở Y tế"
    with translation.override("en"):
        assert str(unit) == "Department of Health"
        assert unit.name == "Department of Health"


def test_a_unit_without_an_english_name_keeps_its_vietnamese_one():
    with translation.override("en"):
        assert str(Unit(code="X-1", name_vi="Xã Số 1")) == "Xã Số 1"


def test_a_template_shows_the_unit_in_the_page_language():
    template = Template("{{ unit }}")
    unit = Unit(code="SYT", name_vi="Sở Y tế", name_en="Department of Health")
    with translation.override("en"):
        assert template.render(Context({"unit": unit})) == "Department of Health"
    with translation.override("vi"):
        assert template.render(Context({"unit": unit})) == "Sở Y tế"


@pytest.mark.parametrize(
    ("language", "group", "shown"),
    [
        ("vi", "Xã, phường", "Xã, phường"),
        ("en", "Xã, phường", "Communes and wards"),
        ("en", "Nhóm khác", "Nhóm khác"),  # no English name: the Vietnamese one
        ("vi", "Nhóm khác", "Nhóm khác"),
    ],
)
def test_the_group_filter_names_the_group_in_the_language(
    campaign, language, group, shown
):
    template = Template("{% load names %}{{ group|group_name:campaign }}")
    with translation.override(language):
        page = template.render(Context({"group": group, "campaign": campaign}))
    assert page == shown


def test_the_group_filter_without_a_campaign_shows_the_group():
    template = Template("{% load names %}{{ group|group_name:campaign }}")
    with translation.override("en"):
        page = template.render(Context({"group": "Xã, phường", "campaign": None}))
    assert page == "Xã, phường"


def test_english_names_of_groups_must_be_text(campaign):
    campaign.ranking_group_names_en = {"Xã, phường": 3}
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "ranking_group_names_en" in refused.value.message_dict
    campaign.ranking_group_names_en = ["Communes"]
    with pytest.raises(ValidationError):
        campaign.full_clean()


def test_the_demo_names_its_units_and_groups_in_english():
    from django.core.management import call_command

    call_command("seed_demo")
    assert not Unit.objects.filter(name_en="").exists()
    with translation.override("en"):
        assert str(Unit.objects.get(code="SYT")) == "Department of Health"
        assert str(Unit.objects.get(code="XA-LONGTHUAN")) == "Long Thuận Commune"
        for campaign in Campaign.objects.all():
            groups = set(campaign.assessments.values_list("ranking_group", flat=True))
            assert groups <= set(campaign.ranking_group_names_en)
            assert campaign.ranking_group_name(GROUP_COMMUNE) == "Communes and wards"


def test_a_new_campaign_keeps_the_english_names_of_the_last_one(campaign):
    following = Campaign.objects.create(
        year=2026,
        name="Đánh giá DTI năm 2026",
        opens_on=date(2027, 1, 15),
        deadline=date(2027, 3, 15),
    )
    assert following.ranking_group_names_en == {"Xã, phường": "Communes and wards"}
    with translation.override("en"):
        assert following.ranking_group_name("Xã, phường") == "Communes and wards"


def test_a_new_campaign_with_its_own_names_keeps_them(campaign):
    own = {"Sở, ban, ngành": "Departments"}
    following = Campaign.objects.create(
        year=2026,
        name="2026",
        opens_on=date(2027, 1, 15),
        deadline=date(2027, 3, 15),
        ranking_group_names_en=own,
    )
    assert following.ranking_group_names_en == own


@pytest.mark.parametrize(
    ("name_vi", "name_en"),
    [
        ("Xã An Bình", "An Bình Commune"),
        ("Phường Tân An", "Tân An Ward"),
        ("Xã Số 42", "Commune No. 42"),
        ("Sở Y tế", ""),
    ],
)
def test_the_demo_names_a_commune_in_english(name_vi, name_en):
    assert commune_name_en(name_vi) == name_en
