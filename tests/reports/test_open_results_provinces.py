"""Public results with several provinces: each campaign's page, files and
history are its own province's; the same campaign code in two provinces never
leads to the wrong one; the results API answers within the token's province."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from survey.models import Campaign, Membership, Province, Unit, User
from survey.province_scope import province_scope
from survey.selectors.published import (
    published_fingerprint,
    published_history,
    published_results,
)
from survey.services.api_tokens import api_token_create
from tests.reports.conftest import make_campaign

pytestmark = pytest.mark.django_db

PUBLISHED = Campaign.State.PUBLISHED


@pytest.fixture
def two(version):
    """Province A publishes 2023 and 2024, province B only 2024 (the same code
    "2024"), with other units and an open 2025."""
    a = Province.objects.order_by("pk").first()
    Province.objects.filter(pk=a.pk).update(
        code="tinh-a", name_vi="Tỉnh An Hòa", name_en="An Hoa Province"
    )
    a.refresh_from_db()
    b = Province.objects.create(
        code="tinh-b", name_vi="Tỉnh Bình Sơn", name_en="Binh Son Province"
    )
    names_a = [f"Xã An {u}" for u in range(6)]
    a23 = make_campaign(version, 6, year=2023, state=PUBLISHED, names=names_a)
    units_a = list(Unit.objects.filter(province=a).order_by("code"))
    a24 = make_campaign(version, 0, year=2024, state=PUBLISHED, units=units_a)
    with province_scope(b.pk):
        units_b = Unit.objects.bulk_create(
            Unit(
                code=f"B{u:03d}",
                name_vi=f"Xã Bình {u}",
                name_en=f"Binh commune {u}",
                unit_type="commune",
            )
            for u in range(5)
        )
        b24 = make_campaign(version, 0, year=2024, state=PUBLISHED, units=units_b)
        b25 = make_campaign(version, 0, year=2025, units=units_b)
    assert a24.code == b24.code == "2024"
    assert b24.province_id == b.pk and a24.province_id == a.pk
    return {"a": a, "b": b, "a23": a23, "a24": a24, "b24": b24, "b25": b25}


def page(province: Province, code: str) -> str:
    return reverse("open:province_campaign", args=[province.code, code])


def file_url(province: Province, code: str, fmt: str) -> str:
    return reverse("open:province_download", args=[province.code, code, fmt])


def person(username: str, role: str, province: Province | None) -> User:
    user = User.objects.create_user(username, password="x")
    Membership.objects.create(user=user, role=role, province=province)
    return user


def api_get(client, user: User, path: str):
    _token, text = api_token_create(actor=user, owner=user, name="t", days=5)
    return client.get(path, headers={"authorization": f"Bearer {text}"})


def test_each_page_shows_its_province_units_and_history_only(client, two):
    a, b = two["a"], two["b"]
    html_a = client.get(page(a, "2024")).content.decode()
    html_b = client.get(page(b, "2024")).content.decode()
    assert "Tỉnh An Hòa" in html_a and "Tỉnh Bình Sơn" not in html_a
    assert "Xã An 1" in html_a and "Xã Bình" not in html_a
    assert "Tỉnh Bình Sơn" in html_b and "Tỉnh An Hòa" not in html_b
    assert "Xã Bình 1" in html_b and "Xã An" not in html_b
    # A's history holds its 2023; B has published nothing before 2024.
    assert page(a, "2023") in html_a
    assert "2023" not in html_b
    assert page(b, "2024") in html_b and page(a, "2024") not in html_b
    for fmt in ("csv", "xlsx", "json"):
        assert file_url(a, "2024", fmt) in html_a
        assert file_url(b, "2024", fmt) in html_b


def test_the_selectors_read_one_province_whatever_the_scope(two):
    a24, b24 = two["a24"], two["b24"]
    with province_scope(two["a"].pk):
        results_b = published_results(campaign=b24)
        history_b = published_history(until=b24)
    assert {u.unit_code for u in results_b.units} == {"B000", "B001", "B002", "B003"}
    assert results_b.previous_year is None
    assert all(u.percent_change is None for u in results_b.units)
    assert [y.year for y in history_b] == [2024]
    results_a = published_results(campaign=a24)
    assert results_a.previous_year == 2023
    assert all(u.unit_code.startswith("X") for u in results_a.units)
    assert any(u.percent_change is not None for u in results_a.units)
    assert [y.year for y in published_history(until=a24)] == [2023, 2024]


def test_a_province_publishing_leaves_the_other_fingerprint_alone(two, version):
    a24, b24 = two["a24"], two["b24"]
    before_a, before_b = (published_fingerprint(campaign=c) for c in (a24, b24))
    with province_scope(two["b"].pk):
        make_campaign(
            version,
            0,
            year=2022,
            state=PUBLISHED,
            units=list(Unit.objects.filter(code__startswith="B")),
        )
    assert published_fingerprint(campaign=a24) == before_a
    assert published_fingerprint(campaign=b24) != before_b


def test_each_province_files_carry_its_province_and_units(client, two):
    a, b = two["a"], two["b"]
    meta_b = json.loads(client.get(file_url(b, "2024", "json")).content)
    assert meta_b["meta"]["province"] == "Tỉnh Bình Sơn"
    assert meta_b["meta"]["province_name_en"] == "Binh Son Province"
    assert meta_b["meta"]["province_code"] == "tinh-b"
    assert meta_b["meta"]["source"].endswith(page(b, "2024"))
    assert meta_b["meta"]["previous_year"] is None
    assert {u["unit_code"][0] for u in meta_b["units"]} == {"B"}
    meta_a = json.loads(client.get(file_url(a, "2024", "json")).content)
    assert meta_a["meta"]["province_code"] == "tinh-a"
    assert meta_a["meta"]["previous_year"] == 2023
    assert {u["unit_code"][0] for u in meta_a["units"]} == {"X"}

    response = client.get(file_url(b, "2024", "csv"))
    assert "ket-qua-tinh-b-2024.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["province_code"] for r in rows} == {"tinh-b"}
    assert {r["province"] for r in rows} == {"Tỉnh Bình Sơn"}
    assert {r["unit_code"][0] for r in rows} == {"B"}

    client.cookies["django_language"] = "en"
    workbook = load_workbook(
        io.BytesIO(client.get(file_url(a, "2024", "xlsx")).content)
    )
    about = {
        row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)
    }
    assert about["Province"] == "An Hoa Province"
    assert about["Province code"] == "tinh-a"


def test_the_list_groups_campaigns_by_province(client, two):
    html = client.get(reverse("open:campaign_list")).content.decode()
    assert html.index("Tỉnh An Hòa") < html.index("Tỉnh Bình Sơn")
    for province, code in ((two["a"], "2023"), (two["a"], "2024"), (two["b"], "2024")):
        assert page(province, code) in html
    assert page(two["b"], "2025") not in html  # still open


def test_a_code_of_two_provinces_lets_the_visitor_choose(client, two):
    a, b = two["a"], two["b"]
    response = client.get(reverse("open:campaign", args=["2024"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert page(a, "2024") in html and page(b, "2024") in html
    assert "Xã An" not in html and "Xã Bình" not in html
    response = client.get(reverse("open:download", args=["2024", "json"]))
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert file_url(a, "2024", "json") in html and file_url(b, "2024", "json") in html


def test_a_code_of_one_province_keeps_its_old_address(client, two, settings):
    html = client.get(reverse("open:campaign", args=["2023"])).content.decode()
    assert "Xã An 1" in html and "Tỉnh An Hòa" in html
    assert (
        f'rel="canonical" href="{settings.DTI_SITE_URL}{page(two["a"], "2023")}"'
        in html
    )
    response = client.get(reverse("open:download", args=["2023", "json"]))
    assert json.loads(response.content)["meta"]["province_code"] == "tinh-a"


def test_unknown_provinces_and_campaigns_do_not_exist(client, two):
    a, b = two["a"], two["b"]
    for url in (
        reverse("open:province_campaign", args=["tinh-khong-co", "2024"]),
        reverse("open:province_download", args=["tinh-khong-co", "2024", "csv"]),
        page(b, "2023"),  # A's code, not B's
        file_url(b, "2023", "json"),
        page(b, "2025"),  # not published
        file_url(b, "2025", "csv"),
        page(a, "2025"),
        reverse("open:campaign", args=["2025"]),
        reverse("open:download", args=["2025", "csv"]),
    ):
        assert client.get(url).status_code == 404, url


def test_people_signed_in_anywhere_read_every_province_public_page(client, two):
    a, b = two["a"], two["b"]
    for user in (
        person("dieuphoi-a", Membership.Role.COORDINATOR, a),
        person("quocgia", Membership.Role.NATIONAL, None),
    ):
        client.force_login(user)
        html_b = client.get(page(b, "2024")).content.decode()
        assert "Xã Bình 1" in html_b and "Xã An" not in html_b
        meta = json.loads(client.get(file_url(b, "2024", "json")).content)["meta"]
        assert meta["units"] == 4 and meta["province_code"] == "tinh-b"
        listing = client.get(reverse("open:campaign_list")).content.decode()
        assert page(a, "2024") in listing and page(b, "2024") in listing


def test_the_dashboard_links_to_the_canonical_public_page(client, two):
    client.force_login(person("dieuphoi-b", Membership.Role.COORDINATOR, two["b"]))
    html = client.get(reverse("reports:dashboard", args=[two["b24"].pk])).content
    assert page(two["b"], "2024") in html.decode()


def test_the_api_answers_within_the_token_province(client, two):
    a, b = two["a"], two["b"]
    token_a = person("dieuphoi-a", Membership.Role.COORDINATOR, a)
    token_b = person("bcd-b", Membership.Role.COMMITTEE, b)

    rows_a = api_get(client, token_a, "/api/campaigns/2024/results").json()
    assert {r["unit_code"][0] for r in rows_a["items"]} == {"X"}
    assert any(r["previous_year"] == 2023 for r in rows_a["items"])
    rows_b = api_get(client, token_b, "/api/campaigns/2024/results").json()
    assert {r["unit_code"][0] for r in rows_b["items"]} == {"B"}
    assert all(r["previous_year"] is None for r in rows_b["items"])

    assert api_get(client, token_a, "/api/campaigns/2023/results").status_code == 200
    for path in ("/api/campaigns/2023/results", "/api/campaigns/2023"):
        assert api_get(client, token_b, path).status_code == 404, path
    for user, other in ((token_a, "B000"), (token_b, "X000")):
        path = f"/api/campaigns/2024/results/{other}"
        assert api_get(client, user, path).status_code == 404
    own = api_get(client, token_b, "/api/campaigns/2024/results/B000").json()
    assert own["unit_name_vi"] == "Xã Bình 0"

    listed_a = api_get(client, token_a, "/api/campaigns").json()
    listed_b = api_get(client, token_b, "/api/campaigns").json()
    assert sorted(c["code"] for c in listed_a) == ["2023", "2024"]
    assert sorted(c["code"] for c in listed_b) == ["2024", "2025"]
    detail = api_get(client, token_b, "/api/campaigns/2024").json()
    assert detail["state"] == PUBLISHED


def test_an_account_without_province_reads_no_results_of_several(client, two):
    national = person("quocgia", Membership.Role.NATIONAL, None)
    nobody = User.objects.create_user("khach", password="x")
    for user in (national, nobody):
        for path in (
            "/api/campaigns/2024/results",
            "/api/campaigns/2023/results",
            "/api/campaigns/2024/results/X000",
        ):
            assert api_get(client, user, path).status_code == 404, (user, path)
    listed = api_get(client, national, "/api/campaigns").json()
    assert listed == []


def test_one_province_keeps_its_addresses_and_columns(client, version):
    campaign = make_campaign(version, 5, year=2024, state=PUBLISHED)
    url = reverse("open:campaign", args=["2024"])
    assert url == "/cong-khai/2024/"
    listing = client.get(reverse("open:campaign_list")).content.decode()
    assert url in listing and "<h2" not in listing
    html = client.get(url).content.decode()
    assert reverse("open:download", args=["2024", "csv"]) in html
    assert "province-name" not in html
    response = client.get(reverse("open:download", args=["2024", "csv"]))
    assert "ket-qua-2024.csv" in response["Content-Disposition"]
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[-1] == "licence" and "province_code" not in header
    meta = json.loads(
        client.get(reverse("open:download", args=["2024", "json"])).content
    )["meta"]
    assert meta["province_code"] == campaign.province.code
    assert meta["source"].endswith(url)
    # An account without a role still reads the results through the API.
    nobody = User.objects.create_user("khach", password="x")
    assert api_get(client, nobody, "/api/campaigns/2024/results").status_code == 200
