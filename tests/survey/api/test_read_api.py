"""The read endpoints: frameworks, campaigns, the assessments a token's account
may see and a unit's answers; the data each role gets, the replies each role
gets (a table: endpoint × role → status), errors in the request's language, and
lists in a fixed number of queries."""

from datetime import date

import pytest

from survey.models import Answer, Node
from survey.services.api_tokens import api_token_create
from tests.survey.worlds import add_units

pytestmark = pytest.mark.django_db

CODE = "2025"


def _get(client, user, url, **headers):
    _token, text = api_token_create(actor=user, owner=user, name="t", days=5)
    return client.get(url, headers={"Authorization": f"Bearer {text}", **headers})


ANSWERS = f"/api/campaigns/{CODE}/assessments/S-TC/answers"
ENDPOINTS = {
    "me": "/api/me",
    "frameworks": "/api/frameworks",
    "version": "/api/frameworks/DTI-SO/versions/2025/1",
    "indicators": "/api/frameworks/DTI-SO/versions/2025/1/indicators",
    "campaigns": "/api/campaigns",
    "campaign": f"/api/campaigns/{CODE}",
    "assessments": f"/api/campaigns/{CODE}/assessments",
    "answers": ANSWERS,
}


def test_errors_are_translated_vietnamese_by_default(client, world):
    assert "mã truy cập" in client.get("/api/me").json()["detail"]
    english = client.get("/api/me", headers={"Accept-Language": "en"})
    assert english.json()["detail"].startswith("Send a valid API token")
    vi = _get(client, world.coordinator, "/api/campaigns/1999")
    assert vi.status_code == 404
    assert vi.json()["detail"] == "Không có đợt đánh giá nào có mã 1999."
    unknown = _get(client, world.editor, f"/api/campaigns/{CODE}/assessments/X/answers")
    outside = _get(
        client, world.editor, f"/api/campaigns/{CODE}/assessments/S-YT/answers"
    )
    assert unknown.status_code == outside.status_code == 404
    assert "X" in unknown.json()["detail"]
    assert "S-YT" in outside.json()["detail"]
    en = _get(client, world.coordinator, "/api/me", **{"Accept-Language": "en"})
    assert en.status_code == 200
    refused = _get(client, world.nobody, "/api/frameworks")
    refused_en = _get(
        client, world.nobody, "/api/frameworks", **{"Accept-Language": "en"}
    )
    assert refused_en.json()["detail"] == "You do not have permission to do this."
    assert refused.json()["detail"] != refused_en.json()["detail"]
    bad = _get(client, world.coordinator, "/api/campaigns?year=abc")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][-1] == "year"
    assert _get(client, world.coordinator, f"{ANSWERS}?page=0").status_code == 422


def test_frameworks_give_versions_nodes_and_indicators_by_pillar(client, world):
    [framework] = _get(client, world.editor, "/api/frameworks").json()
    assert framework["code"] == "DTI-SO"
    assert framework["versions"][0] == {
        "year": 2025,
        "number": 1,
        "unit_type": "department",
        "state": "draft",
    }
    version = _get(client, world.editor, ENDPOINTS["version"]).json()
    nodes = {node["code"]: node for node in version["nodes"]}
    assert nodes["1.2"]["parent"] == "1"
    assert nodes["1.2"]["answer_type"] == "ratio"
    assert nodes["2.2"]["rule_params"] == {"target": 4}
    assert nodes["1"]["parent"] is None
    url = ENDPOINTS["indicators"] + "?pillar=2"
    page = _get(client, world.editor, url).json()
    assert page["count"] == 2
    assert [row["code"] for row in page["items"]] == ["2.1", "2.2"]
    missing = _get(client, world.editor, ENDPOINTS["indicators"] + "?pillar=9")
    assert missing.status_code == 404
    unknown = _get(client, world.editor, "/api/frameworks/DTI-SO/versions/2025/7")
    assert unknown.status_code == 404


def test_campaigns_by_year_and_code(client, world):
    [campaign] = _get(client, world.editor, "/api/campaigns?year=2025").json()
    assert campaign["code"] == CODE
    assert campaign["decision_number"] == "12/QĐ-UBND"
    assert campaign["versions"] == [
        {"unit_type": "department", "framework": "DTI-SO", "year": 2025, "number": 1}
    ]
    assert _get(client, world.editor, "/api/campaigns?year=2024").json() == []
    assert _get(client, world.editor, f"/api/campaigns/{CODE}").json()["year"] == 2025


def test_assessments_are_those_the_account_may_see(client, world):
    def units(user, query=""):
        url = f"/api/campaigns/{CODE}/assessments{query}"
        return [row["unit"] for row in _get(client, user, url).json()["items"]]

    assert units(world.coordinator) == ["S-TC", "S-YT"]
    assert units(world.committee) == ["S-TC", "S-YT"]
    assert units(world.editor) == ["S-TC"]
    assert units(world.other_reviewer) == ["S-YT"]
    # A person without a role belongs to no province: no campaign exists for them.
    nobody = _get(client, world.nobody, f"/api/campaigns/{CODE}/assessments")
    assert nobody.status_code == 404
    assert units(world.coordinator, "?unit=S-YT") == ["S-YT"]
    assert units(world.coordinator, "?state=submitted") == []
    assert units(world.coordinator, "?group=Sở") == ["S-TC", "S-YT"]


def test_answers_are_typed_with_verdicts_and_evidence(client, world):
    rows = _get(client, world.coordinator, ANSWERS).json()["items"]
    by_code = {row["indicator"]: row for row in rows}
    assert list(by_code) == ["1.1", "1.2", "1.3", "2.1", "2.2", "T.1"]
    first = by_code["1.1"]
    assert first["value"] == {
        "is_na": False,
        "yes": True,
        **dict.fromkeys(["number", "denominator", "choice", "checks", "date", "text"]),
    }
    assert by_code["1.2"]["value"]["number"] == 3.0
    assert by_code["1.2"]["value"]["denominator"] == 4.0
    assert first["review_status"] == "agreed"
    assert first["verified_points"] == 10.0
    assert first["comment"] == "Đã ban hành quy chế"
    assert first["reviewer_explanation"] == "Đủ hồ sơ"
    [evidence] = first["evidence"]
    assert evidence["file_name"] == "quy-che.pdf"
    assert evidence["size"] == 4
    assert evidence["download_url"].startswith("http://testserver/")
    assert evidence["download_url"].endswith("/file/")


def test_free_text_and_files_only_for_those_who_may(client, world):
    rows = _get(client, world.committee, ANSWERS + "?indicator=1.1").json()["items"]
    [row] = rows
    assert row["comment"] is None
    assert row["reviewer_explanation"] is None
    [evidence] = row["evidence"]
    assert evidence["download_url"] is None
    assert evidence["summary"] is None
    assert evidence["file_name"] == "quy-che.pdf"


def test_a_reviewer_scoped_to_indicators_sees_only_theirs(client, world):
    rows = _get(client, world.police, ANSWERS).json()["items"]
    assert [row["indicator"] for row in rows] == ["2.1", "2.2"]
    pillar = _get(client, world.coordinator, ANSWERS + "?pillar=1").json()
    assert [row["indicator"] for row in pillar["items"]] == ["1.1", "1.2", "1.3"]


def test_province_supplied_values_say_where_they_came_from(client, world):
    Answer.objects.filter(node=world.nodes["2.2"], assessment=world.assessment).update(
        supplied_by_province=True, supply_source="Cổng DVC tỉnh"
    )
    [row] = _get(client, world.editor, ANSWERS + "?indicator=2.2").json()["items"]
    assert row["supplied_by_province"] is True
    assert row["supply_source"] == "Cổng DVC tỉnh"


def test_lists_of_many_rows_take_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    add_units(world, 60, unit_type="department", answered=("1.1",))
    _token, text = api_token_create(
        actor=world.coordinator, owner=world.coordinator, name="t", days=5
    )
    auth = {"Authorization": f"Bearer {text}"}
    with django_assert_max_num_queries(8):
        page = client.get(f"/api/campaigns/{CODE}/assessments", headers=auth).json()
    assert page["count"] == 62
    assert len(page["items"]) == 62
    with django_assert_max_num_queries(13):  # with the account's province
        rows = client.get(
            f"/api/campaigns/{CODE}/assessments/X-0001/answers", headers=auth
        ).json()
    assert rows["count"] == 6
    small = client.get(f"/api/campaigns/{CODE}/assessments?page_size=50", headers=auth)
    assert len(small.json()["items"]) == 50


def test_dates_are_iso(client, world):
    [campaign] = _get(client, world.editor, "/api/campaigns").json()
    assert date.fromisoformat(campaign["opens_on"])


def test_a_unit_with_many_indicators_in_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    extra = Node.objects.bulk_create(
        Node(
            version=world.version,
            parent=world.pillars[0],
            code=f"1.9{i:02d}",
            kind=Node.Kind.INDICATOR,
            order=100 + i,
            name_vi=f"Chỉ số {i}",
            answer_type="count",
            rule="none",
        )
        for i in range(60)
    )
    Answer.objects.bulk_create(
        Answer(assessment=world.assessment, node=node, number=i)
        for i, node in enumerate(extra)
    )
    _token, text = api_token_create(
        actor=world.coordinator, owner=world.coordinator, name="t", days=5
    )
    auth = {"Authorization": f"Bearer {text}"}
    client.get("/api/me", headers=auth)  # the token's first use writes its time
    with django_assert_max_num_queries(13):  # with the account's province
        page = client.get(ANSWERS, headers=auth).json()
    assert page["count"] == 66
    assert page["items"][-1]["value"]["number"] == 59.0
