"""Campaigns: creation, participation, state changes, progress board, supplied
values."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from worlds import VERIFICATION, build_world, make_user

from survey.errors import PermissionRefused, TransitionRefused
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    FrameworkVersion,
    Unit,
    UnitResult,
    UnitType,
)
from survey.services.campaigns import (
    CampaignInvalid,
    Participation,
    assessment_participation_update,
    campaign_change,
    campaign_create,
    default_participants,
)
from survey.services.supply import province_values_supply
from survey.services.supply_reading import read_supply_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
C = Campaign.State


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def new_campaign(world, **changes):
    args = {
        "user": world.coordinator,
        "year": 2026,
        "name": "Đánh giá DTI năm 2026",
        "opens_on": date(2027, 1, 15),
        "deadline": date(2027, 3, 15),
        "versions": {"department": world.version},
        "participants": default_participants(unit_types=["department"], year=2026),
    }
    return campaign_create(**{**args, **changes})


def test_creating_a_campaign_takes_last_years_groups_and_flags(world):
    world.assessment.ranking_group = "Sở có TTHC"
    world.assessment.provides_procedures = False
    world.assessment.save()
    Unit.objects.create(code="S-MOI", name_vi="Sở Mới", unit_type="department")
    Unit.objects.create(
        code="S-CU", name_vi="Sở Cũ", unit_type="department", active_to=2024
    )
    Unit.objects.create(code="X-A", name_vi="Xã A", unit_type="commune")
    campaign = new_campaign(world)
    assert campaign.state == C.DRAFT
    rows = {a.unit.code: a for a in campaign.assessments.select_related("unit")}
    assert set(rows) == {"S-TC", "S-YT", "S-MOI"}
    assert rows["S-TC"].ranking_group == "Sở có TTHC"
    assert rows["S-TC"].provides_procedures is False
    assert rows["S-MOI"].ranking_group == str(UnitType.DEPARTMENT.label)
    assert {a.version for a in rows.values()} == {world.version}
    assert campaign.versions.get().version == world.version


def test_a_campaign_needs_a_version_for_every_participants_type(world):
    commune = Unit.objects.create(code="X-A", name_vi="Xã A", unit_type="commune")
    with pytest.raises(CampaignInvalid) as caught:
        new_campaign(world, participants=[Participation(unit=commune)])
    assert "participants" in caught.value.errors
    with pytest.raises(CampaignInvalid) as caught:
        new_campaign(world, deadline=date(2027, 1, 1))
    assert "deadline" in caught.value.errors
    assert Campaign.objects.count() == 1


def test_only_the_coordinator_creates_campaigns(world):
    for user in (world.reviewer, world.committee, world.approver):
        with pytest.raises(PermissionRefused):
            new_campaign(world, user=user)


def test_opening_freezes_versions_and_publishing_needs_the_decision(world):
    campaign = new_campaign(world)
    campaign = campaign_change(campaign=campaign, action="open", user=world.coordinator)
    assert FrameworkVersion.objects.get(pk=world.version.pk).is_frozen
    campaign = campaign_change(
        campaign=campaign, action="close", user=world.coordinator
    )
    campaign = campaign_change(
        campaign=campaign, action="share_preliminary", user=world.coordinator
    )
    with pytest.raises(CampaignInvalid):
        campaign_change(campaign=campaign, action="publish", user=world.coordinator)
    campaign = campaign_change(
        campaign=campaign,
        action="publish",
        user=world.coordinator,
        decision_number="684/QĐ-UBND",
        decision_date=date(2027, 4, 3),
    )
    assert (campaign.state, campaign.decision_number) == (C.PUBLISHED, "684/QĐ-UBND")
    assert campaign.decision_date == date(2027, 4, 3)
    with pytest.raises(TransitionRefused):
        campaign_change(campaign=campaign, action="reopen", user=world.coordinator)
    campaign = campaign_change(
        campaign=campaign, action="reopen", user=world.coordinator, reason="Sai số liệu"
    )
    assert campaign.state == C.REOPENED
    event = AuditEvent.objects.filter(after__action="reopen").get()
    assert event.reason == "Sai số liệu"


def test_participation_and_extensions(world):
    extension = timezone.localdate() + timedelta(days=40)
    assessment_participation_update(
        assessment=world.assessment,
        user=world.coordinator,
        ranking_group="Nhóm A",
        ranked=False,
        provides_procedures=False,
        extended_until=extension,
    )
    world.assessment.refresh_from_db()
    assert (world.assessment.ranking_group, world.assessment.ranked) == (
        "Nhóm A",
        False,
    )
    assert world.assessment.extended_until == extension
    event = AuditEvent.objects.get(after__action="participation")
    assert event.after["extended_until"] == extension.isoformat()
    with pytest.raises(PermissionRefused):
        assessment_participation_update(
            assessment=world.assessment,
            user=world.reviewer,
            ranking_group="",
            ranked=True,
            provides_procedures=True,
            extended_until=None,
        )


def test_a_participation_change_rescores_the_campaign(world):
    assessment_participation_update(
        assessment=world.assessment,
        user=world.coordinator,
        ranking_group="Nhóm B",
        ranked=False,
        provides_procedures=world.assessment.provides_procedures,
        extended_until=None,
    )
    total = UnitResult.objects.get(assessment=world.assessment, node__isnull=True)
    assert total.rank is None  # no longer ranked: the stored results follow


# The progress board ------------------------------------------------------------


def board(client, world, **params):
    client.force_login(world.coordinator)
    return client.get(
        reverse("survey:campaign_board", args=[world.campaign.pk]), params
    )


def test_the_board_counts_match_the_database_and_filters_work(client, world):
    world.fill()
    world.submit()
    response = board(client, world)
    counts = {value: n for value, _l, n in response.context["counts"]}
    for state in Assessment.State.values:
        assert (
            counts[state]
            == Assessment.objects.filter(campaign=world.campaign, state=state).count()
        )
    assert counts["submitted"] == 1 and counts["draft"] == 1
    rows = response.context["rows"]
    row = next(r for r in rows if r.assessment.unit == world.unit)
    assert row.progress.percent == 100
    assert row.days_left == 30
    assert row.last_saved is not None  # answers saved, then submitted
    assert {u.username for u, _codes, _pk in row.reviewers} == {"thamdinh", "congan"}
    police = next(codes for u, codes, _pk in row.reviewers if u.username == "congan")
    assert police == ["2.1", "2.2"]
    only = board(client, world, state="draft").context["rows"]
    assert [r.assessment.unit.code for r in only] == ["S-YT"]
    world.other_assessment.ranking_group = "Xã"
    world.other_assessment.save()
    only = board(client, world, group="Xã").context["rows"]
    assert [r.assessment.unit.code for r in only] == ["S-YT"]


def test_the_board_makes_a_fixed_number_of_queries(client, world):
    client.force_login(world.coordinator)
    url = reverse("survey:campaign_board", args=[world.campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        unit = Unit.objects.create(
            code=f"S-{i}", name_vi=f"Sở {i}", unit_type="department"
        )
        Assessment.objects.create(
            campaign=world.campaign, unit=unit, version=world.version
        )
        make_user(f"tdv-{i}", "reviewer", unit)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 10
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("committee", 200), ("reviewer", 403), ("editor", 403)],
)
def test_who_sees_the_board(client, world, who, status):
    client.force_login(getattr(world, who))
    url = reverse("survey:campaign_board", args=[world.campaign.pk])
    assert client.get(url).status_code == status


def test_the_campaign_screens_through_the_client(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("survey:campaign_new"),
        {
            "year": "2026",
            "name": "DTI 2026",
            "opens_on": "15/01/2027",
            "deadline": "15/03/2027",
            "non_submission": "zero",
            "version_department": world.version.pk,
        },
    )
    campaign = Campaign.objects.get(name="DTI 2026")
    assert response.url == reverse("survey:campaign_board", args=[campaign.pk])
    assert campaign.deadline == date(2027, 3, 15)
    action = reverse("survey:campaign_action", args=[campaign.pk])
    client.post(action, {"action": "open", "confirmed": "1"})
    assert Campaign.objects.get(pk=campaign.pk).state == C.OPEN
    response = client.post(action, {"action": "publish"}, follow=True)
    assert Campaign.objects.get(pk=campaign.pk).state == C.OPEN
    assert response.status_code == 200
    client.post(
        reverse("survey:campaign_settings", args=[campaign.pk]),
        {"name": "DTI 2026 (sửa)", "deadline": "20/03/2027", "non_submission": "self"},
    )
    campaign.refresh_from_db()
    assert (campaign.name, campaign.deadline) == ("DTI 2026 (sửa)", date(2027, 3, 20))
    assessment = campaign.assessments.first()
    client.post(
        reverse("survey:participation", args=[campaign.pk, assessment.pk]),
        {"ranking_group": "Nhóm B", "ranked": "on", "extended_until": "31/03/2027"},
    )
    assessment.refresh_from_db()
    assert assessment.extended_until == date(2027, 3, 31)
    assert assessment.provides_procedures is False


def test_a_reviewer_cannot_change_a_campaign(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        reverse("survey:campaign_action", args=[world.campaign.pk]), {"action": "close"}
    )
    assert response.status_code == 403
    assert Campaign.objects.get(pk=world.campaign.pk).state == C.OPEN


# Province-supplied values ------------------------------------------------------


def test_the_province_supplies_one_indicators_values_for_every_unit(world):
    node = world.nodes["1.2"]
    result = province_values_supply(
        campaign=world.campaign,
        node=node,
        rows={
            "S-TC": {"value": "1.250", "denominator": "2.500"},
            "S-YT": {"value": "10", "denominator": "40"},
        },
        user=world.coordinator,
    )
    assert result.saved == 2
    answers = {a.assessment.unit.code: a for a in Answer.objects.filter(node=node)}
    assert answers["S-TC"].number == Decimal(1250)
    assert answers["S-TC"].self_points == Decimal("5.00")
    assert answers["S-YT"].self_points == Decimal("2.50")
    assert all(a.supplied_by_province for a in answers.values())
    event = AuditEvent.objects.filter(action="answer_change").first()
    assert event.after["supplied_by_province"] is True


def test_supplied_values_are_all_or_nothing(world):
    with pytest.raises(CampaignInvalid) as caught:
        province_values_supply(
            campaign=world.campaign,
            node=world.nodes["1.2"],
            rows={
                "S-TC": {"value": "3", "denominator": "4"},
                "S-YT": {"value": "abc"},
                "S-KHONG": {"value": "1", "denominator": "2"},
            },
            user=world.coordinator,
        )
    assert set(caught.value.errors) == {"S-YT", "S-KHONG"}
    assert not Answer.objects.exists()


def test_a_reviewer_supplies_values_only_in_scope(world):
    with pytest.raises(CampaignInvalid) as caught:
        province_values_supply(
            campaign=world.campaign,
            node=world.nodes["2.1"],
            rows={"S-TC": {"value": "có"}, "S-YT": {"value": "có"}},
            user=world.police,
        )
    assert set(caught.value.errors) == {"S-YT"}
    province_values_supply(
        campaign=world.campaign,
        node=world.nodes["2.1"],
        rows={"S-TC": {"value": "có"}},
        user=world.police,
    )
    assert Answer.objects.get(node=world.nodes["2.1"]).yes is True


def _xlsx(rows) -> bytes:
    import io

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_supplied_values_from_a_spreadsheet(client, world):
    content = _xlsx([["unit_code", "value"], ["S-TC", 3], ["S-YT", 5]])
    assert read_supply_file(content, filename="dvc.xlsx") == {
        "S-TC": {"value": "3", "denominator": ""},
        "S-YT": {"value": "5", "denominator": ""},
    }
    client.force_login(world.coordinator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    node = world.nodes["2.2"]
    response = client.post(
        reverse("survey:supply", args=[world.campaign.pk]),
        {"node": node.pk, "file": SimpleUploadedFile("dvc.xlsx", content)},
    )
    assert response.status_code == 302
    points = dict(
        Answer.objects.filter(node=node).values_list(
            "assessment__unit__code", "self_points"
        )
    )
    assert points == {"S-TC": Decimal("15.00"), "S-YT": Decimal("20.00")}


def test_a_spreadsheet_without_the_columns_is_refused():
    with pytest.raises(CampaignInvalid):
        read_supply_file(_xlsx([["ma", "gia_tri"], ["S-TC", 3]]), filename="x.xlsx")
    with pytest.raises(CampaignInvalid):
        read_supply_file(b"not a workbook", filename="x.xlsx")


def test_the_supply_form(client, world):
    client.force_login(world.coordinator)
    node = world.nodes["2.2"]
    url = reverse("survey:supply", args=[world.campaign.pk])
    response = client.get(url, {"node": node.pk})
    assert [row["unit"].code for row in response.context["units"]] == ["S-TC", "S-YT"]
    response = client.post(
        url, {"node": node.pk, "value:S-TC": "4", "value:S-YT": "-1"}
    )
    assert response.status_code == 200
    assert "not negative" in response.content.decode()
    assert not Answer.objects.exists()
    client.post(url, {"node": node.pk, "value:S-TC": "4", "value:S-YT": ""})
    assert Answer.objects.get(node=node).self_points == Decimal("20.00")
    client.force_login(world.editor)
    assert client.get(url).status_code == 403


def test_the_board_names_the_groups_in_the_pages_language(client, world, settings):
    world.campaign.ranking_group_names_en = {"Xã": "Communes"}
    world.campaign.save()
    world.other_assessment.ranking_group = "Xã"
    world.other_assessment.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    vietnamese = board(client, world).content.decode()
    assert '<option value="Xã">Xã</option>' in vietnamese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = board(client, world).content.decode()
    assert '<option value="Xã">Communes</option>' in english
    assert ">Communes</td>" in english and ">Xã</td>" not in english
