"""The public results and the results API show the published figures and nothing
else: no self-assessed points, free text, evidence, people, nor anything of a
campaign that is not published."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from common.figures import percent
from survey.models import (
    Answer,
    Assessment,
    Campaign,
    Evidence,
    Membership,
    Node,
    Unit,
    UnitLineage,
    UnitResult,
    User,
)
from survey.selectors.published import published_results
from survey.services.api_tokens import api_token_create
from tests.reports.conftest import make_campaign

pytestmark = pytest.mark.django_db

PUBLISHED = Campaign.State.PUBLISHED
SECRETS = (
    "Ý kiến riêng của xã",
    "Giải trình riêng của thẩm định",
    "bao-cao-noi-bo.pdf",
    "Tóm tắt chứng cứ riêng",
    "99/BM-NB",
    "Nguyễn Văn Riêng",
    "rieng@example.vn",
    "donvi@example.vn",
    "Đợt chưa công bố",
    "Xã Bí Mật",
    "SECRET01",
    "dieuphoi",
    "self_points",
    "verified",
    "comment",
    "explanation",
    "evidence",
)


@pytest.fixture
def world(version):
    """2024 and 2025 published, 2026 still open; free text, evidence and people
    everywhere."""
    older = make_campaign(version, 8, year=2024, state=PUBLISHED)
    units = list(Unit.objects.order_by("code"))
    Unit.objects.filter(pk=units[0].pk).update(email="donvi@example.vn")
    current = make_campaign(version, 0, year=2025, state=PUBLISHED, units=units)
    secret = Unit.objects.create(
        code="SECRET01", name_vi="Xã Bí Mật", unit_type="commune"
    )
    hidden = make_campaign(version, 0, year=2026, units=[*units, secret])
    Campaign.objects.filter(pk=hidden.pk).update(name="Đợt chưa công bố")
    Answer.objects.update(
        comment="Ý kiến riêng của xã",
        reviewer_explanation="Giải trình riêng của thẩm định",
    )
    person = User.objects.create_user(
        "dieuphoi",
        password="x",
        full_name="Nguyễn Văn Riêng",
        email="rieng@example.vn",
    )
    Membership.objects.create(user=person, role=Membership.Role.COORDINATOR)
    for answer in Answer.objects.filter(assessment__campaign__in=[older, current])[:5]:
        Evidence.objects.create(
            answer=answer,
            kind=Evidence.Kind.FILE,
            original_name="bao-cao-noi-bo.pdf",
            summary="Tóm tắt chứng cứ riêng",
            doc_number="99/BM-NB",
            created_by=person,
        )
    return current, hidden, person


def stored_totals(campaign: Campaign) -> dict[str, UnitResult]:
    rows = UnitResult.objects.filter(
        assessment__campaign=campaign, assessment__ranked=True, node__isnull=True
    ).select_related("assessment__unit")
    return {row.assessment.unit.code: row for row in rows}


def self_only_figures(campaign: Campaign) -> set[str]:
    """Self-assessed totals that differ from every published figure, as text."""
    rows = UnitResult.objects.filter(assessment__campaign=campaign)
    published = set()
    for row in rows:
        for value in (row.final_points, row.applicable_max):
            if value is not None:
                published.add(f"{value:.2f}")
        shown = percent(row.final_points, row.applicable_max)
        if shown is not None:
            published.add(f"{shown:.2f}")
    own = {
        f"{row.self_points:.2f}"
        for row in rows
        if row.node_id is None and row.self_points is not None
    }
    return {figure for figure in own - published if float(figure) > 10}


def assert_nothing_private(text: str, campaign: Campaign) -> None:
    for secret in SECRETS:
        assert secret.casefold() not in text.casefold(), secret
    for figure in self_only_figures(campaign):
        assert figure not in text
        assert figure.replace(".", ",") not in text


def walk(value, out: list) -> list:
    """Every key and value of a JSON document, as text."""
    if isinstance(value, dict):
        for key, item in value.items():
            out.append(str(key))
            walk(item, out)
    elif isinstance(value, list):
        for item in value:
            walk(item, out)
    else:
        out.append(str(value))
    return out


def test_the_page_shows_the_published_figures_and_nothing_private(client, world):
    current, _hidden, _person = world
    assert self_only_figures(current)  # the world has self points to hide
    for lang in ("vi", "en"):
        client.cookies["django_language"] = lang
        response = client.get(reverse("open:campaign", args=[current.code]))
        assert response.status_code == 200
        html = response.content.decode()
        assert_nothing_private(html, current)
        assert "12/QĐ-UBND" in html
        assert "Creative Commons" in html
        for code, row in stored_totals(current).items():
            unit = row.assessment.unit
            assert (unit.name_en if lang == "en" else unit.name_vi) in html
            shown = percent(row.final_points, row.applicable_max)
            text = f"{shown:.2f}"
            assert (text if lang == "en" else text.replace(".", ",")) in html, code
    client.cookies["django_language"] = "vi"
    html = client.get(reverse("open:campaign", args=[current.code])).content.decode()
    assert "Quyết định số 12/QĐ-UBND ngày 01/04/2026" in html


def test_the_csv_carries_the_stored_final_figures_only(client, world):
    current, _hidden, _person = world
    response = client.get(reverse("open:download", args=[current.code, "csv"]))
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert_nothing_private(text, current)
    rows = list(csv.DictReader(io.StringIO(text)))
    stored = stored_totals(current)
    assert {row["unit_code"] for row in rows} == set(stored)
    for row in rows:
        result = stored[row["unit_code"]]
        assert Decimal(row["points"]) == result.final_points
        assert Decimal(row["max_points"]) == result.applicable_max
        assert row["level_code"] == result.level
        assert int(row["rank"]) == result.rank
        assert row["decision_number"] == "12/QĐ-UBND"
        assert row["decision_date"] == "2026-04-01"
        assert row["licence"].startswith("Creative Commons")
        assert row["previous_year"] == "2024"
    assert not any("self" in key or "verified" in key for key in rows[0])


def test_the_workbook_carries_the_stored_final_figures_only(client, world):
    current, _hidden, _person = world
    response = client.get(reverse("open:download", args=[current.code, "xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    cells = [
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert_nothing_private("\n".join(cells), current)
    about = dict(book.worksheets[0].iter_rows(values_only=True))
    assert "12/QĐ-UBND" in about.values()
    results = list(book.worksheets[1].iter_rows(values_only=True))
    stored = stored_totals(current)
    assert len(results) == len(stored) + 1
    for row in results[1:]:
        assert Decimal(str(row[5])) == stored[row[0]].final_points


def test_the_json_carries_the_stored_final_figures_only(client, world):
    current, _hidden, _person = world
    response = client.get(reverse("open:download", args=[current.code, "json"]))
    document = json.loads(response.content)
    assert_nothing_private("\n".join(walk(document, [])), current)
    assert document["meta"]["decision_number"] == "12/QĐ-UBND"
    assert document["meta"]["decision_date"] == "2026-04-01"
    assert document["meta"]["licence"].startswith("Creative Commons")
    stored = stored_totals(current)
    pillars = {
        (row.assessment.unit.code, row.node.code): row
        for row in UnitResult.objects.filter(
            assessment__campaign=current,
            node__parent__isnull=True,
            node__kind=Node.Kind.PILLAR,
        ).select_related("assessment__unit", "node")
    }
    assert len(document["units"]) == len(stored)
    for unit in document["units"]:
        result = stored[unit["unit_code"]]
        assert Decimal(str(unit["points"])) == result.final_points
        assert unit["rank"] == result.rank
        for pillar in unit["pillars"]:
            row = pillars[(unit["unit_code"], pillar["code"])]
            assert Decimal(str(pillar["points"])) == row.final_points


def test_formula_like_names_stay_text(client, version):
    campaign = make_campaign(
        version, 3, state=PUBLISHED, names=["=1+1", "@SUM(A1)", "+84 Xã"]
    )
    text = client.get(
        reverse("open:download", args=[campaign.code, "csv"])
    ).content.decode("utf-8-sig")
    assert "'=1+1" in text and "'@SUM(A1)" in text
    response = client.get(reverse("open:download", args=[campaign.code, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    for row in sheet.iter_rows(min_row=2):
        assert row[1].data_type == "s"


def api_get(client, user, path: str):
    _token, text = api_token_create(actor=user, owner=user, name="t", days=5)
    return client.get(path, headers={"authorization": f"Bearer {text}"})


def test_the_api_gives_the_published_figures_and_nothing_private(client, world):
    current, hidden, _person = world
    nobody = User.objects.create_user("khach", password="x")  # no role at all
    response = api_get(client, nobody, f"/api/campaigns/{current.code}/results")
    assert response.status_code == 200
    listing = response.json()
    assert_nothing_private("\n".join(walk(listing, [])), current)
    stored = stored_totals(current)
    assert listing["count"] == len(stored)
    for item in listing["items"]:
        assert Decimal(str(item["points"])) == stored[item["unit_code"]].final_points
    code = next(iter(stored))
    detail = api_get(client, nobody, f"/api/campaigns/{current.code}/results/{code}")
    body = detail.json()
    assert_nothing_private("\n".join(walk(body, [])), current)
    assert body["rank"] == stored[code].rank
    assert [p["code"] for p in body["pillars"]]
    for path in (
        f"/api/campaigns/{hidden.code}/results",
        f"/api/campaigns/{hidden.code}/results/{code}",
        "/api/campaigns/1999/results",
        f"/api/campaigns/{current.code}/results/SECRET01",
        f"/api/campaigns/{current.code}/results/NO-SUCH-UNIT",
    ):
        assert api_get(client, nobody, path).status_code == 404, path
    assert client.get(f"/api/campaigns/{current.code}/results").status_code == 401


def test_the_api_filters_and_pages(client, world):
    current, _hidden, _person = world
    user = User.objects.create_user("khach", password="x")
    base = f"/api/campaigns/{current.code}/results"
    everything = api_get(client, user, base).json()["items"]
    group = everything[0]["group_vi"]
    level = everything[0]["level_code"]
    found = api_get(client, user, f"{base}?group={group}").json()["items"]
    assert found and all(item["group_vi"] == group for item in found)
    found = api_get(client, user, f"{base}?level={level}").json()["items"]
    assert found and all(item["level_code"] == level for item in found)
    code = everything[-1]["unit_code"]
    found = api_get(client, user, f"{base}?unit={code}").json()
    assert found["count"] == 1 and found["items"][0]["unit_code"] == code
    page = api_get(client, user, f"{base}?page_size=2&page=2").json()
    assert page["count"] == len(everything)
    assert page["items"] == everything[2:4]


def test_unpublished_and_unknown_campaigns_do_not_exist(client, world):
    _current, hidden, _person = world
    for code in (hidden.code, "1999", "khong-co"):
        assert client.get(reverse("open:campaign", args=[code])).status_code == 404
        for fmt in ("csv", "xlsx", "json"):
            url = reverse("open:download", args=[code, fmt])
            assert client.get(url).status_code == 404
    listing = client.get(reverse("open:campaign_list")).content.decode()
    assert "Đợt chưa công bố" not in listing
    assert "DTI 2025" in listing and "DTI 2024" in listing
    with pytest.raises(ValueError):
        published_results(campaign=hidden)


def test_anonymous_reads_the_public_pages_but_not_the_private_ones(client, world):
    current, _hidden, _person = world
    for name, args in (("open:campaign_list", []), ("open:campaign", [current.code])):
        assert client.get(reverse(name, args=args)).status_code == 200
    for url in (
        reverse("survey:home"),
        reverse("reports:campaign_list"),
        reverse("reports:dashboard", args=[current.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_login_page_and_the_dashboard_link_to_the_public_page(client, world):
    current, _hidden, person = world
    login = client.get(reverse("login")).content.decode()
    assert reverse("open:campaign_list") in login
    client.force_login(person)
    dashboard = client.get(reverse("reports:dashboard", args=[current.pk]))
    assert reverse("open:campaign", args=[current.code]) in dashboard.content.decode()


def test_previous_year_follows_the_stored_figures(world):
    current, _hidden, _person = world
    before = Campaign.objects.get(year=2024)
    earlier = stored_totals(before)
    results = published_results(campaign=current)
    assert results.previous_year == 2024
    for unit in results.units:
        assert unit.previous_points == earlier[unit.unit_code].final_points
        assert unit.previous_level == earlier[unit.unit_code].level


def test_the_page_and_files_are_built_once_per_results_version(client, world):
    current, _hidden, _person = world
    url = reverse("open:campaign", args=[current.code])
    client.get(url)
    client.get(reverse("open:download", args=[current.code, "csv"]))
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    with CaptureQueriesContext(connection) as download:
        client.get(reverse("open:download", args=[current.code, "csv"]))
    assert not any("survey_unitresult" in q["sql"] for q in again.captured_queries)
    assert not any("survey_unitresult" in q["sql"] for q in download.captured_queries)


def add_ranked_units(campaign: Campaign, version, n: int) -> None:
    """``n`` more ranked units with a stored total and pillars, in bulk."""
    units = Unit.objects.bulk_create(
        Unit(code=f"B{k:04d}", name_vi=f"Xã thêm {k}", unit_type="commune")
        for k in range(n)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            campaign=campaign,
            unit=unit,
            version=version,
            ranking_group="Xã",
            state=Assessment.State.SUBMITTED,
        )
        for unit in units
    )
    pillars = list(version.nodes.filter(parent__isnull=True, kind=Node.Kind.PILLAR))
    UnitResult.objects.bulk_create(
        UnitResult(
            assessment=assessment,
            node=node,
            final_points=Decimal(k % 90),
            self_points=Decimal(k % 90 + 5),
            applicable_max=Decimal(100),
            value=Decimal(k % 90) / 100,
            level="hinh_thanh",
            rank=k + 1 if node is None else None,
        )
        for k, assessment in enumerate(assessments)
        for node in [None, *pillars]
    )


def test_published_figures_cost_the_same_queries_at_any_size(client, version):
    make_campaign(version, 4, year=2024, state=PUBLISHED)
    current = make_campaign(
        version, 0, year=2025, state=PUBLISHED, units=list(Unit.objects.all())
    )
    with CaptureQueriesContext(connection) as few:
        published_results(campaign=current)
    add_ranked_units(current, version, 520)
    with CaptureQueriesContext(connection) as many:
        results = published_results(campaign=current)
    assert len(results.units) > 500
    assert len(many) == len(few)
    response = client.get(reverse("open:campaign", args=[current.code]))
    assert response.content.decode().count("Xã thêm") == 520


def test_a_new_decision_or_licence_rebuilds_the_files(client, world, settings):
    current, _hidden, _person = world
    url = reverse("open:download", args=[current.code, "json"])
    first = json.loads(client.get(url).content)["meta"]
    Campaign.objects.filter(pk=current.pk).update(decision_number="15/QĐ-UBND")
    settings.DTI_OPEN_DATA_LICENCE = "Giấy phép dữ liệu mở Việt Nam"
    again = json.loads(client.get(url).content)["meta"]
    assert first["decision_number"] == "12/QĐ-UBND"
    assert again["decision_number"] == "15/QĐ-UBND"
    assert again["licence"] == "Giấy phép dữ liệu mở Việt Nam"


def test_the_results_endpoints_are_in_the_api_schema(client):
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/campaigns/{code}/results",
        "/api/campaigns/{code}/results/{unit_code}",
    ):
        assert schema["paths"][path]["get"]["tags"] == ["results"]
    listing = schema["paths"]["/api/campaigns/{code}/results"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"group", "unit", "level", "page", "page_size"} <= names
    for path in (
        "/api/campaigns/{code}/results",
        "/api/campaigns/{code}/results/{unit_code}",
    ):
        replies = schema["paths"][path]["get"]["responses"]
        assert {"200", "401", "403", "404", "422"} <= set(replies), path
        for status in ("401", "403", "404", "422"):
            assert "application/json" in replies[status]["content"], (path, status)


def test_the_earliest_published_year_has_no_previous_figures(client, world):
    """The earliest published campaign has no year before: every ``previous_*``
    field and the change are null in the API and the JSON, empty in the CSV."""
    older = Campaign.objects.get(year=2024)
    user = User.objects.create_user("khach", password="x")
    response = api_get(client, user, f"/api/campaigns/{older.code}/results")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items
    for item in items:
        for key in (
            "previous_year",
            "previous_points",
            "previous_percent",
            "previous_level",
            "previous_rank",
            "percent_change",
            "rank_change",
        ):
            assert item[key] is None, key
    code = items[0]["unit_code"]
    detail = api_get(client, user, f"/api/campaigns/{older.code}/results/{code}")
    assert detail.status_code == 200
    assert detail.json()["previous_level"] is None
    document = json.loads(
        client.get(reverse("open:download", args=[older.code, "json"])).content
    )
    assert all(unit["previous_level"] is None for unit in document["units"])
    text = client.get(
        reverse("open:download", args=[older.code, "csv"])
    ).content.decode("utf-8-sig")
    for row in csv.DictReader(io.StringIO(text)):
        assert row["previous_level"] == row["percent_change"] == ""
    page = client.get(reverse("open:campaign", args=[older.code]))
    assert page.status_code == 200


def csv_rows(client, campaign: Campaign) -> list[dict]:
    text = client.get(
        reverse("open:download", args=[campaign.code, "csv"])
    ).content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_reopening_or_republishing_an_earlier_year_rebuilds_the_later_one(
    client, world
):
    current, _hidden, _person = world
    older = Campaign.objects.get(year=2024)
    page_url = reverse("open:campaign", args=[current.code])
    older_url = reverse("open:campaign", args=[older.code])
    json_url = reverse("open:download", args=[current.code, "json"])
    assert older_url in client.get(page_url).content.decode()
    assert {row["previous_year"] for row in csv_rows(client, current)} == {"2024"}
    assert json.loads(client.get(json_url).content)["meta"]["previous_year"] == 2024

    Campaign.objects.filter(pk=older.pk).update(state=Campaign.State.OPEN)
    html = client.get(page_url).content.decode()
    assert older_url not in html
    assert "2024" not in html.replace(str(current.year), "")
    for row in csv_rows(client, current):
        assert row["previous_year"] == row["previous_points"] == ""
    document = json.loads(client.get(json_url).content)
    assert document["meta"]["previous_year"] is None
    assert all(unit["previous_percent"] is None for unit in document["units"])

    totals = UnitResult.objects.filter(
        assessment__campaign=older, assessment__ranked=True, node__isnull=True
    )
    totals.update(final_points=Decimal("12.34"))
    Campaign.objects.filter(pk=older.pk).update(
        state=PUBLISHED, results_version=F("results_version") + 1
    )
    rows = csv_rows(client, current)
    assert rows and {row["previous_points"] for row in rows} == {"12.34"}
    assert older_url in client.get(page_url).content.decode()
    document = json.loads(client.get(json_url).content)
    assert {unit["previous_points"] for unit in document["units"]} == {12.34}


def test_a_lineage_of_a_later_year_leaves_earlier_comparisons_alone(world):
    current, _hidden, _person = world
    older = Campaign.objects.get(year=2024)
    earlier = stored_totals(older)
    first, second = sorted(stored_totals(current))[:2]
    before = {u.unit_code: u for u in published_results(campaign=current).units}
    UnitLineage.objects.create(
        predecessor=Unit.objects.get(code=second),
        successor=Unit.objects.get(code=first),
        kind=UnitLineage.Kind.RENAME,
        year=current.year + 1,
    )
    after = {u.unit_code: u for u in published_results(campaign=current).units}
    assert after[first].previous_points == earlier[first].final_points
    assert after[first] == before[first]


def test_the_shown_change_is_the_difference_of_the_shown_percentages(
    client, world, settings
):
    """67.985 % is shown 67.99; from there to 70.00 % the change shown is 2.01,
    not the 2.02 that rounding the exact difference (2.015) gives."""
    current, _hidden, _person = world
    older = Campaign.objects.get(year=2024)
    code = sorted(stored_totals(current))[0]
    UnitResult.objects.filter(
        assessment__campaign=older, assessment__unit__code=code, node__isnull=True
    ).update(
        final_points=Decimal("135.97"),
        applicable_max=Decimal(200),
        value=Decimal("0.67985"),
    )
    UnitResult.objects.filter(
        assessment__campaign=current, assessment__unit__code=code, node__isnull=True
    ).update(
        final_points=Decimal(140), applicable_max=Decimal(200), value=Decimal("0.7")
    )
    unit = next(
        u for u in published_results(campaign=current).units if u.unit_code == code
    )
    assert (unit.percent, unit.previous_percent) == (Decimal("70.00"), Decimal("67.99"))
    assert unit.percent_change == Decimal("2.01")

    def adds_up(record: dict) -> None:
        if record["percent_change"] in (None, ""):
            return
        shown = Decimal(str(record["percent"])) - Decimal(
            str(record["previous_percent"])
        )
        assert Decimal(str(record["percent_change"])) == shown, record["unit_code"]

    rows = csv_rows(client, current)
    document = json.loads(
        client.get(reverse("open:download", args=[current.code, "json"])).content
    )
    user = User.objects.create_user("khach", password="x")
    items = api_get(client, user, f"/api/campaigns/{current.code}/results").json()
    for records in (rows, document["units"], items["items"]):
        assert any(r["unit_code"] == code for r in records)
        for record in records:
            adds_up(record)
    assert next(r for r in rows if r["unit_code"] == code)["percent_change"] == "2.01"
    client.cookies["django_language"] = "en"
    html = client.get(reverse("open:campaign", args=[current.code])).content.decode()
    assert "+2.01" in html and "+2.02" not in html
    assert document["meta"]["source"] == (
        settings.DTI_SITE_URL + reverse("open:campaign", args=[current.code])
    )
    assert document["meta"]["source"].startswith(("http://", "https://"))


def test_the_page_links_to_its_downloads_near_the_top(client, world):
    current, _hidden, _person = world
    html = client.get(reverse("open:campaign", args=[current.code])).content.decode()
    assert 'href="#downloads"' in html and 'id="downloads"' in html
    assert html.index('href="#downloads"') < html.index("<table")
