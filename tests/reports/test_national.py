"""The national comparison: the provinces' published figures side by side, for
the national coordinator only, and nothing of a campaign that is not
published."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from statistics import median

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from common.figures import round_half_up
from survey.importers.framework import framework_import, read_framework_path
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    CampaignVersion,
    Membership,
    Node,
    Province,
    Unit,
    UnitResult,
    User,
)
from survey.results.compute import campaign_results_compute
from survey.results.points import answer_points
from survey.selectors.national import ProvinceFigures, _ranked, national_comparison
from tests.reports.conftest import sample_values

pytestmark = pytest.mark.django_db

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
PUBLISHED = Campaign.State.PUBLISHED
HIDDEN = "Tỉnh Chưa Công Bố"
XLSX_URL = "reports:national_xlsx"


@pytest.fixture
def versions():
    return {
        "commune": framework_import(
            parsed=read_framework_path(FRAMEWORKS / "commune-2025.csv")
        ),
        "department": framework_import(
            parsed=read_framework_path(FRAMEWORKS / "department-2024.csv")
        ),
    }


def publish(province, versions, *, year, n=3, state=PUBLISHED, departments=2):
    """A campaign of ``province`` in ``year``: ``n`` communes and ``departments``
    departments (the same units from year to year), scored by the engine."""
    campaign = Campaign.objects.create(
        province=province,
        year=year,
        name=f"DTI {province.code} {year}",
        opens_on=date(year + 1, 1, 1),
        deadline=date(year + 1, 3, 1),
        state=state,
        decision_number=f"{province.pk}/QĐ-UBND" if state == PUBLISHED else "",
        decision_date=date(year + 1, 4, 1) if state == PUBLISHED else None,
    )
    wanted = [("commune", k) for k in range(n)]
    wanted += [("department", k) for k in range(departments)]
    units = []
    for kind, k in wanted:
        unit, _new = Unit.unscoped.get_or_create(
            code=f"{province.code}-{kind[0]}{k}",
            defaults={
                "province": province,
                "name_vi": f"Đơn vị {province.code} {kind} {k}",
                "unit_type": kind,
            },
        )
        units.append(unit)
    for kind, version in versions.items():
        CampaignVersion.objects.create(
            campaign=campaign, unit_type=kind, version=version
        )
    answers = []
    for u, unit in enumerate(units):
        version = versions[unit.unit_type]
        assessment = Assessment.objects.create(
            campaign=campaign,
            unit=unit,
            version=version,
            ranking_group="Xã" if unit.unit_type == "commune" else "Sở",
            ranked=True,
            state=Assessment.State.SUBMITTED,
        )
        leaves = version.nodes.filter(kind="indicator").order_by("order", "id")
        for j, node in enumerate(leaves):
            share = (u * 7 + j * 3 + year + province.pk) % 5 / 4
            if state != PUBLISHED:  # figures unlike any published one
                share = (u * 5 + j * 2 + 1) % 7 / 6
            values = sample_values(node, share)
            points, _error = answer_points(node=node, values=values, is_na=False)
            answers.append(
                Answer(assessment=assessment, node=node, self_points=points, **values)
            )
    Answer.objects.bulk_create(answers)
    campaign_results_compute(campaign=campaign, freeze=state == PUBLISHED)
    return campaign


@pytest.fixture
def world(versions):
    """Three provinces publish 2024 and 2025; one more has only an open campaign,
    and the first has a 2026 campaign still open."""
    a = Province.objects.create(code="tinh-a", name_vi="Tỉnh An", name_en="An")
    b = Province.objects.create(code="tinh-b", name_vi="Tỉnh Bình", name_en="Binh")
    c = Province.objects.create(code="tinh-c", name_vi="Tỉnh Cao", name_en="Cao")
    d = Province.objects.create(code="tinh-d", name_vi=HIDDEN, name_en="Hidden")
    for province in (a, b, c):
        publish(province, versions, year=2024)
        publish(province, versions, year=2025, n=4 if province is b else 3)
    publish(d, versions, year=2025, state=Campaign.State.OPEN)
    publish(a, versions, year=2026, state=Campaign.State.OPEN)
    # The third province's framework has no pillar "3" (a copy without it).
    UnitResult.objects.filter(
        assessment__campaign__province=c, node__parent__isnull=True, node__code="3"
    ).delete()
    return a, b, c, d


def user_with(role, **fields) -> User:
    user = User.objects.create_user(f"u-{role}", password="x")
    Membership.objects.create(user=user, role=role, **fields)
    return user


@pytest.fixture
def national():
    return user_with(Membership.Role.NATIONAL, province=None)


def by_hand(province, kind, year=2025, state=PUBLISHED):
    """Units, mean and median % of a province's ranked units of ``kind``, from
    the stored results."""
    rows = UnitResult.objects.filter(
        node__isnull=True,
        assessment__campaign__province=province,
        assessment__campaign__year=year,
        assessment__campaign__state=state,
        assessment__ranked=True,
        assessment__unit__unit_type=kind,
    ).values_list("final_points", "applicable_max")
    shares = [Fraction(p) / Fraction(m) for p, m in rows]
    mean = round_half_up(sum(shares) / len(shares) * 100)
    return len(shares), mean, round_half_up(Fraction(median(shares)) * 100)


def test_figures_equal_those_computed_by_hand(world):
    a, b, c, _d = world
    comparison = national_comparison()
    assert comparison.year == 2025
    assert comparison.years == (2025, 2024)
    assert {s.province.code for s in comparison.sources} == {
        "tinh-a",
        "tinh-b",
        "tinh-c",
    }
    assert [t.unit_type for t in comparison.unit_types] == ["department", "commune"]
    for section in comparison.unit_types:
        assert len(section.provinces) == 3
        for found in section.provinces:
            province = Province.objects.get(pk=found.province.id)
            units, mean, middle = by_hand(province, section.unit_type)
            assert (found.units, found.mean, found.median) == (units, mean, middle)
            assert sum(found.level_counts) == units
            assert section.trends[found.province.id][2025] == mean
        means = [f.mean for f in section.provinces]
        assert means == sorted(means, reverse=True)
        assert [f.rank for f in section.provinces][0] == 1
    communes = comparison.unit_types[1]
    assert {f.province.code: f.units for f in communes.provinces} == {
        "tinh-a": 3,
        "tinh-b": 4,
        "tinh-c": 3,
    }


def test_pillars_are_matched_by_code_and_missing_ones_left_out(world):
    a, b, c, _d = world
    communes = national_comparison().unit_types[1]
    pillars = {p.code: p for p in communes.pillars}
    assert [p.code for p in communes.pillars][:3] == ["1", "2", "3"]
    assert c.pk not in pillars["3"].means
    assert {a.pk, b.pk} <= set(pillars["3"].means)
    rows = UnitResult.objects.filter(
        node__code="1",
        node__parent__isnull=True,
        assessment__campaign__province=a,
        assessment__campaign__year=2025,
        assessment__unit__unit_type="commune",
    ).values_list("final_points", "applicable_max")
    shares = [Fraction(p) / Fraction(m) for p, m in rows]
    assert abs(pillars["1"].means[a.pk] - round_half_up(sum(shares) / 3 * 100)) <= (
        Decimal("0.01")
    )


def test_equal_means_share_a_rank():
    def figures(name, mean):
        province = type("P", (), {"name_vi": name})()
        return ProvinceFigures(province, 1, Decimal(mean), None, None, (), ())

    ranked = _ranked([figures("B", "50"), figures("A", "70"), figures("C", "70")])
    assert [(f.province.name_vi, f.rank) for f in ranked] == [
        ("A", 1),
        ("C", 1),
        ("B", 3),
    ]


def test_the_page_shows_the_published_figures_only(client, world, national):
    a, b, c, _d = world
    client.force_login(national)
    response = client.get(reverse("reports:national"))
    assert response.status_code == 200
    text = response.content.decode()
    for province in (a, b, c):
        assert province.name_vi in text
    assert HIDDEN not in text
    assert "DTI tinh-a 2026" not in text
    assert 'value="2026"' not in text
    _units, mean, _middle = by_hand(b, "commune")
    assert f"{mean:.2f}".replace(".", ",") in text
    assert "So sánh các tỉnh" in text
    assert '<td class="num">–</td>' in text  # province C has no pillar 3


def test_the_year_picker(client, world, national):
    client.force_login(national)
    response = client.get(reverse("reports:national"), {"year": 2024})
    assert response.status_code == 200
    assert response.context["year"] == 2024
    assert client.get(reverse("reports:national"), {"year": 2026}).status_code == 404
    assert client.get(reverse(XLSX_URL, args=[2026])).status_code == 404


def test_english_page(client, world, national):
    client.force_login(national)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(reverse("reports:national")).content.decode()
    assert "Provinces compared" in text
    assert "Binh" in text


def test_no_published_year(client, national):
    client.force_login(national)
    response = client.get(reverse("reports:national"))
    assert response.status_code == 200
    assert response.context["year"] is None


@pytest.mark.parametrize(
    "role", ["coordinator", "committee", "reviewer", "editor", "approver"]
)
def test_other_roles_are_refused(client, world, role):
    a = world[0]
    fields = {"province": a}
    if role in ("editor", "approver", "reviewer"):
        fields["unit"] = Unit.unscoped.filter(province=a).first()
    client.force_login(user_with(role, **fields))
    assert client.get(reverse("reports:national")).status_code == 403
    assert client.get(reverse(XLSX_URL, args=[2025])).status_code == 403
    home = client.get(reverse("survey:home")).content.decode()
    assert reverse("reports:national") not in home


def test_visitors_sign_in_first(client, world):
    for url in (reverse("reports:national"), reverse(XLSX_URL, args=[2025])):
        response = client.get(url)
        assert response.status_code == 302
        assert settings.LOGIN_URL in response["Location"]


def test_menu_and_home_lead_there(client, national):
    client.force_login(national)
    text = client.get(reverse("survey:home")).content.decode()
    assert text.count(reverse("reports:national")) == 2  # the menu and the card
    assert "So sánh các tỉnh" in text


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:national")).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_units(client, versions, national):
    """Two provinces of 2 units each, then two more of 20 units each and a
    second year."""
    for k in range(2):
        province = Province.objects.create(code=f"q{k}", name_vi=f"Tỉnh Q{k}")
        publish(province, versions, year=2025, n=2, departments=1)
    client.force_login(national)
    small = page_queries(client)
    for k in range(2):
        province = Province.objects.create(code=f"r{k}", name_vi=f"Tỉnh R{k}")
        publish(province, versions, year=2025, n=20, departments=3)
        publish(province, versions, year=2024, n=20, departments=3)
    assert page_queries(client) == small


def cells(sheet) -> list:
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_the_workbook(client, world, national):
    a, b, c, _d = world
    client.force_login(national)
    response = client.get(reverse(XLSX_URL, args=[2025]))
    assert response.status_code == 200
    assert 'filename="so-sanh-2025.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Giới thiệu", "Xếp hạng tỉnh", "Trụ cột", "Xu hướng"]
    texts = " ".join(str(c.value) for s in book for c in cells(s))
    assert HIDDEN not in texts
    assert "DTI tinh-a 2026" not in texts
    assert f"{b.pk}/QĐ-UBND" in texts
    ranking = book["Xếp hạng tỉnh"]
    assert ranking.freeze_panes == "A2"
    assert book["Trụ cột"].freeze_panes == "A2"
    assert book["Xu hướng"].freeze_panes == "A2"
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6  # three provinces, two unit types
    for kind, rank, name, units, mean, middle, *_shares in rows:
        assert isinstance(rank, int)
        province = Province.objects.get(name_vi=name)
        code = "department" if kind == "Sở, ban, ngành" else "commune"
        hand = by_hand(province, code)
        assert units == hand[0]
        assert mean == pytest.approx(float(hand[1]) / 100)
        assert middle == pytest.approx(float(hand[2]) / 100)
    assert ranking.cell(row=2, column=5).number_format == "0.00%"
    assert len(ranking._charts) == 2
    assert len(book["Xu hướng"]._charts) == 2
    trend_head = [c.value for c in book["Xu hướng"][1]]
    assert trend_head[2:] == ["2024", "2025"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == national
    assert event.object_id == "2025"


def test_the_pillar_sheet_leaves_a_missing_pillar_empty(client, world, national):
    a, b, c, _d = world
    client.force_login(national)
    book = load_workbook(io.BytesIO(client.get(reverse(XLSX_URL, args=[2025])).content))
    sheet = book["Trụ cột"]
    head = [cell.value for cell in sheet[1]]
    column = head.index(c.name_vi)
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] == "Xã, phường, đặc khu" and row[1] == "3":
            assert row[column] is None
            assert isinstance(row[head.index(a.name_vi)], float)
            break
    else:
        pytest.fail("no pillar 3 of communes")


def test_nothing_of_a_campaign_that_is_not_published(world):
    comparison = national_comparison(year=2025)
    hidden = Province.objects.get(name_vi=HIDDEN)
    assert hidden.pk not in {p.id for p in comparison.provinces}
    for section in comparison.unit_types:
        assert hidden.pk not in section.trends
        for pillar in section.pillars:
            assert hidden.pk not in pillar.means
    assert Node.objects.exists()


def test_the_page_follows_a_publication(client, world, national):
    """The page is kept, and built anew once a campaign is published."""
    client.force_login(national)
    assert HIDDEN not in client.get(reverse("reports:national")).content.decode()
    Campaign.unscoped.filter(province__name_vi=HIDDEN).update(state=PUBLISHED)
    assert HIDDEN in client.get(reverse("reports:national")).content.decode()


def hidden_figures(world) -> set[Decimal]:
    """The means and medians of the campaigns that are not published."""
    a, _b, _c, d = world
    found = set()
    for province, year in ((d, 2025), (a, 2026)):
        for kind in ("commune", "department"):
            _units, mean, middle = by_hand(province, kind, year, Campaign.State.OPEN)
            found |= {mean, middle}
    return found


def test_no_figure_of_an_unpublished_campaign(client, world, national):
    hidden = hidden_figures(world)
    shown = set()
    for section in national_comparison().unit_types:
        shown |= {f.mean for f in section.provinces}
        shown |= {f.median for f in section.provinces}
    assert not hidden & shown
    client.force_login(national)
    text = client.get(reverse("reports:national")).content.decode()
    for figure in hidden:
        assert f">{figure:.2f}<".replace(".", ",") not in text
    book = load_workbook(io.BytesIO(client.get(reverse(XLSX_URL, args=[2025])).content))
    numbers = {
        round(Decimal(str(c.value)) * 100, 2)
        for sheet in book
        for c in cells(sheet)
        if isinstance(c.value, float)
    }
    assert not hidden & numbers


def test_the_workbook_in_english(client, world, national):
    client.force_login(national)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    book = load_workbook(io.BytesIO(client.get(reverse(XLSX_URL, args=[2025])).content))
    assert book.sheetnames == ["Introduction", "Province ranking", "Pillars", "Trends"]
    kinds = {
        row[0]
        for row in book["Province ranking"].iter_rows(min_row=2, values_only=True)
    }
    assert kinds == {"Department, board or agency", "Commune, ward or special zone"}


def test_a_unit_type_with_figures_in_other_years_only(client, versions, national):
    province = Province.objects.create(code="tinh-e", name_vi="Tỉnh Én")
    publish(province, versions, year=2024, departments=2)
    publish(province, versions, year=2025, departments=0)
    client.force_login(national)
    response = client.get(reverse("reports:national"))
    assert response.status_code == 200
    department = response.context["sections"][0]
    assert department["rows"] == []
    assert department["trend_table"]["rows"][0][0] == "Tỉnh Én"
    assert client.get(reverse(XLSX_URL, args=[2025])).status_code == 200
