"""Input the API refuses cleanly instead of failing: text the database cannot
store in a path, a query or a feed row, pages beyond any list, bodies that are
not JSON or too large, values of the wrong type; pydantic's problems in the
request's language; campaigns read only by accounts with a role, drafts by
coordinators only."""

import pytest
from django.utils import translation

from survey.api.errors import INVALID_VALUE, MESSAGES
from survey.models import Answer, Campaign, FeedBatch
from survey.services.api_tokens import api_token_create
from tests.survey.worlds import VERIFICATION, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
FEED = "/api/feeds/values"
ANSWERS = "/api/campaigns/2025/assessments/S-TC/answers"
UNSTORABLE = (
    "The text contains characters that cannot be stored (such as a null "
    "character); remove them and try again."
)


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def _auth(user, language="en") -> dict:
    text = api_token_create(actor=user, owner=user, name="t", days=5)[1]
    return {"Authorization": f"Bearer {text}", "Accept-Language": language}


def _post(client, user, body, content_type="application/json", language="en"):
    return client.post(
        FEED, body, content_type=content_type, headers=_auth(user, language)
    )


def _batch(values, key="k-1"):
    return {"campaign": "2025", "source": "Cổng DVC", "key": key, "values": values}


@pytest.mark.parametrize(
    "url",
    [
        "/api/campaigns/%00",
        "/api/campaigns/%00/results",
        "/api/campaigns/%00/assessments",
        "/api/campaigns/2025/assessments/%00/answers",
        "/api/frameworks/DTI-SO%00/versions/2025/1",
    ],
)
def test_a_path_value_the_database_cannot_store_is_not_found(client, world, url):
    response = client.get(url, headers=_auth(world.coordinator))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/campaigns/2025/assessments?unit=%00", "unit"),
        ("/api/campaigns/2025/assessments?group=S%00", "group"),
        ("/api/campaigns/2025/assessments?state=%00", "state"),
        (ANSWERS + "?indicator=%00", "indicator"),
        (ANSWERS + "?pillar=1%00", "pillar"),
        ("/api/frameworks/DTI-SO/versions/2025/1/indicators?pillar=%00", "pillar"),
        ("/api/campaigns/2025/results?group=%00", "group"),
    ],
)
def test_a_query_value_the_database_cannot_store_is_refused(client, world, url, name):
    response = client.get(url, headers=_auth(world.coordinator))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["query", name], "msg": UNSTORABLE, "type": "unstorable"}
    ]


def test_without_a_token_unstorable_text_still_gets_401(client, world):
    assert client.get("/api/campaigns/%00").status_code == 401


@pytest.mark.parametrize(
    "row",
    [
        {"indicator": "2.2", "unit": "S-TC\u0000", "value": "2"},
        {"indicator": "2.2\u0000", "unit": "S-TC", "value": "2"},
        {"indicator": "2.2", "unit": "S-TC", "value": "2\u0000"},
        {"indicator": "1.2", "unit": "S-TC", "value": "3", "denominator": "4\u0000"},
        {"indicator": "2.2", "unit": "S-TC", "value": "\ud800"},
    ],
)
def test_a_feed_row_with_unstorable_text_is_refused_row_by_row(client, world, row):
    good = {"indicator": "2.2", "unit": "S-YT", "value": "2"}
    response = _post(client, world.coordinator, _batch([good, row]))
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "refused"
    assert body["key"] == "k-1"
    assert body["errors"] == [
        {"row": 1, "indicator": row["indicator"], "unit": row["unit"],
         "reason": UNSTORABLE}
    ]  # fmt: skip
    assert not Answer.objects.filter(supply_source="Cổng DVC").exists()
    assert not FeedBatch.objects.exists()


def test_a_feed_with_an_unstorable_campaign_code_is_not_found(client, world):
    body = {**_batch([{"indicator": "2.2", "unit": "S-TC", "value": 1}])}
    body["campaign"] = "2025\u0000"
    assert _post(client, world.coordinator, body).status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", "1000001", "0", "-1"])
def test_a_page_out_of_range_is_refused(client, world, page):
    url = f"/api/campaigns/2025/assessments?page={page}"
    response = client.get(url, headers=_auth(world.coordinator))
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["loc"] == ["query", "page"]
    assert problem["type"] in {"less_than_equal", "greater_than_equal"}
    assert problem["msg"].startswith("Enter a value of at")


def test_the_last_page_allowed_is_empty_and_a_huge_page_size_is_capped(client, world):
    auth = _auth(world.coordinator)
    last = client.get("/api/campaigns/2025/assessments?page=1000000", headers=auth)
    assert last.status_code == 200
    assert last.json() == {"items": [], "count": 2}
    url = "/api/campaigns/2025/assessments?page_size=99999999999999999999"
    assert client.get(url, headers=auth).json()["count"] == 2


@pytest.mark.parametrize(
    "body", [b'{"campaign": "2025",', b"\xff\xfe{not json", b"[1, 2", b"nul"]
)
def test_a_body_that_is_not_json_gets_a_translated_422(client, world, body):
    response = _post(client, world.coordinator, body)
    assert response.status_code == 422
    assert response.json()["detail"] == "The request body is not valid JSON in UTF-8."
    assert response.json()["errors"][0]["type"] == "json_invalid"
    vi = _post(client, world.coordinator, body, language="vi")
    assert (
        vi.json()["detail"] == "Nội dung yêu cầu không phải JSON hợp lệ mã hoá UTF-8."
    )


def test_a_body_too_large_gets_413(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    values = [{"indicator": "2.2", "unit": "S-TC", "value": 1}] * 100
    response = _post(client, world.coordinator, _batch(values))
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}
    assert not FeedBatch.objects.exists()


def test_pydantic_problems_are_translated_keeping_type_and_loc(client, world):
    body = {
        "source": "x" * 121,
        "key": "",
        "number_format": "fr",
        "values": [{"indicator": 5, "unit": "S-TC", "value": [1]}],
    }
    response = _post(client, world.coordinator, body, language="vi")
    assert response.status_code == 422
    problems = {
        tuple(p["loc"]): (p["type"], p["msg"]) for p in response.json()["errors"]
    }
    assert problems[("body", "body", "campaign")] == (
        "missing",
        "Trường này là bắt buộc.",
    )
    assert problems[("body", "body", "source")][0] == "string_too_long"
    assert problems[("body", "body", "source")][1] == "Nhập tối đa 120 ký tự."
    assert problems[("body", "body", "key")][1] == "Nhập ít nhất 1 ký tự."
    assert problems[("body", "body", "number_format")][0] == "literal_error"
    assert "'en'" in problems[("body", "body", "number_format")][1]
    assert problems[("body", "body", "values", "0", "indicator")] == (
        "string_type",
        "Hãy nhập văn bản.",
    )
    english = _post(client, world.coordinator, body).json()["errors"]
    assert {p["msg"] for p in english} >= {"This field is required.", "Enter text."}


def test_a_denominator_true_is_refused(client, world):
    row = {"indicator": "1.2", "unit": "S-TC", "value": 3, "denominator": True}
    response = _post(client, world.coordinator, _batch([row]))
    assert response.status_code == 422
    problems = response.json()["errors"]
    assert problems and all("denominator" in p["loc"] for p in problems)
    assert not FeedBatch.objects.exists()


@pytest.mark.parametrize("value", [1, 0, 1.0])
def test_a_number_for_a_yes_no_indicator_is_refused_row_by_row(client, world, value):
    row = {"indicator": "1.1", "unit": "S-TC", "value": value}
    response = _post(client, world.coordinator, _batch([row]))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["row"] == 0
    assert error["reason"] == "Send true or false, not a number."
    ok = _post(client, world.coordinator, _batch([{**row, "value": True}], key="k-2"))
    assert ok.status_code == 200, ok.content


def test_drafts_are_listed_to_coordinators_only(client, world):
    Campaign.objects.filter(code="2025").update(state=Campaign.State.DRAFT)
    editor, coordinator = _auth(world.editor), _auth(world.coordinator)
    assert client.get("/api/campaigns", headers=editor).json() == []
    assert client.get("/api/campaigns/2025", headers=editor).status_code == 404
    url = "/api/campaigns/2025/assessments"
    assert client.get(url, headers=editor).status_code == 404
    [draft] = client.get("/api/campaigns", headers=coordinator).json()
    assert draft["state"] == "draft"
    assert client.get("/api/campaigns/2025", headers=coordinator).status_code == 200
    assert client.get(url, headers=coordinator).json()["count"] == 2


def test_an_open_campaign_is_listed_to_every_role(client, world):
    for user in [world.editor, world.reviewer, world.committee, world.coordinator]:
        [row] = client.get("/api/campaigns", headers=_auth(user)).json()
        assert row["code"] == "2025"


def test_every_message_of_a_problem_has_its_vietnamese():
    messages = [INVALID_VALUE, *MESSAGES.values()]
    with translation.override("en"):
        english = [str(message) for message in messages]
    with translation.override("vi"):
        vietnamese = [str(message) for message in messages]
    assert all(vi != en for vi, en in zip(vietnamese, english, strict=True))
