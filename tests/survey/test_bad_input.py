"""Bad input at every entry point: a clear message where it happened, nothing written.

Text with a NUL character is stored by SQLite but refused by PostgreSQL (a server
error); a lone surrogate cannot be encoded for either. Each case checks the message
shown and that the row counts are unchanged, so that it fails on both databases when
the input is let through.
"""

import html
import io
import json
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook
from worlds import PASSWORD, QUESTIONNAIRE, VERIFICATION, build_world

from survey.files.tabular import read_csv
from survey.models import (
    Answer,
    AnswerComment,
    AuditEvent,
    Evidence,
    Membership,
    Notification,
    User,
)
from survey.services.accounts import ACCOUNT_FILE_LIMITS
from survey.services.review import VerdictInvalid, answer_comment_add, answers_return

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
UNSTORABLE = "The text contains characters that cannot be stored"
HEADER = "username,full_name,email,unit_code,role"
GOOD_ROW = "stc-moi,Nguyễn Văn An,an@stc.gov.vn,S-TC,editor"


def counts() -> dict[str, int]:
    """Rows of every table that a refused input could have written to."""
    models = (User, Membership, Answer, AnswerComment, Evidence, Notification)
    rows = {model.__name__: model.objects.count() for model in models}
    rows["AuditEvent"] = AuditEvent.objects.exclude(action="login_failed").count()
    return rows


def page_text(response) -> str:
    return html.unescape(response.content.decode())


# Accounts import: every file of tests/data/bad/accounts ------------------------------

ACCOUNT_FILES = {
    # file: (row, column, message)
    "nul_in_full_name.csv": (3, "full_name", UNSTORABLE),
    "nul_in_username.csv": (2, "username", UNSTORABLE),
    "full_name_151_chars.csv": (
        2,
        "full_name",
        "At most 150 characters (this has 151)",
    ),
    "username_151_chars.csv": (2, "username", "At most 150 characters (this has 151)"),
    "username_case_of_existing.csv": (
        3,
        "username",
        "The user name STC-cv already exists (capitals and small letters",
    ),
    "username_case_within_file.csv": (
        3,
        "username",
        "The user name STC-MOI already exists",
    ),
    "username_bad_characters.csv": (
        2,
        "username",
        "A user name has only letters, digits and the characters @ . + - _.",
    ),
    "email_255_chars.csv": (2, "email", "At most 254 characters (this has 255)"),
    "cell_1001_chars.csv": (
        2,
        "F",
        "The cell holds 1,001 characters, more than the 1,000 allowed.",
    ),
    "columns_21.csv": (1, "", "The sheet has more than 20 columns"),
    "missing_columns.csv": (
        1,
        "",
        "The file needs the columns: username, full_name, email, unit_code, role.",
    ),
    "not_utf8.csv": (0, "", "The CSV file is not encoded in UTF-8."),
}


def xlsx_from_csv(content: bytes) -> bytes:
    """The same rows as an Excel workbook (which cannot hold a NUL character)."""
    sheet = read_csv(content, name="a.csv")
    book = Workbook()
    book.active.append(sheet.header)
    for _number, row in sheet.rows:
        book.active.append([row.get(column, "") for column in sheet.header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def expected_line(row: int, column: str, message: str) -> str:
    if row and column:
        return f"Row {row}, column {column}: {message}"
    return f"Row {row}: {message}" if row else message


def import_accounts(client, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("survey:account_import"), {"file": upload})


@pytest.mark.parametrize("name", sorted(ACCOUNT_FILES))
def test_a_bad_accounts_file_names_row_and_column_and_creates_nothing(client, name):
    world = build_world(shape=VERIFICATION)
    client.force_login(world.coordinator)
    before = counts()
    response = import_accounts(client, name, (BAD / "accounts" / name).read_bytes())
    assert response.status_code == 200
    text = page_text(response)
    assert "Nothing was created; correct the rows listed." in text
    assert expected_line(*ACCOUNT_FILES[name]) in text
    assert counts() == before


XLSX_CASES = [
    name
    for name in sorted(ACCOUNT_FILES)
    if not name.startswith(("nul_", "not_utf8", "missing", "cell_"))
]


@pytest.mark.parametrize("name", XLSX_CASES)
def test_the_same_rows_as_a_workbook_are_refused_the_same_way(client, name):
    world = build_world(shape=VERIFICATION)
    client.force_login(world.coordinator)
    before = counts()
    content = xlsx_from_csv((BAD / "accounts" / name).read_bytes())
    response = import_accounts(client, name.replace(".csv", ".xlsx"), content)
    row, column, message = ACCOUNT_FILES[name]
    assert expected_line(row, column, message) in page_text(response)
    assert counts() == before


def rows_csv(count: int) -> bytes:
    rows = [
        f"stc-moi{i},Nguyễn Văn An,an{i}@stc.gov.vn,S-TC,editor" for i in range(count)
    ]
    return "\n".join([HEADER, *rows]).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            rows_csv(ACCOUNT_FILE_LIMITS.max_rows + 1),
            "The sheet has more than 5,000 rows below its header",
        ),
        (
            b"x" * (ACCOUNT_FILE_LIMITS.max_bytes + 1),
            "The file has 2,097,153 bytes, more than the 2,097,152 bytes allowed.",
        ),
        (
            # Longer than the csv module reads at all (131,072 characters).
            f'{HEADER}\nstc-moi,"{"x" * 140_000}",a@b.vn,S-TC,editor\n'.encode(),
            "This line of the CSV file cannot be read",
        ),
    ],
    ids=["rows", "bytes", "csv-field"],
)
def test_files_past_the_limits_are_refused_before_they_are_read(
    client, content, message
):
    world = build_world(shape=VERIFICATION)
    client.force_login(world.coordinator)
    before = counts()
    response = import_accounts(client, "a.csv", content)
    assert message in page_text(response)
    assert counts() == before


def test_a_valid_file_still_creates_its_accounts(client):
    world = build_world(shape=VERIFICATION)
    client.force_login(world.coordinator)
    content = f"{HEADER}\n{GOOD_ROW}\nSTC-KHAC,B,b@stc.gov.vn,S-TC,editor\n".encode()
    response = import_accounts(client, "a.csv", content)
    assert response.status_code == 302
    assert set(
        User.objects.filter(username__istartswith="stc-").values_list(
            "username", flat=True
        )
    ) == {"stc-cv", "stc-ld", "stc-moi", "STC-KHAC"}


# GET filters: the page with a message and no results ---------------------------------


@pytest.mark.parametrize(
    ("url_name", "params", "result_key"),
    [
        ("survey:account_list", {"q": "stc\x00"}, "page"),
        ("survey:campaign_board", {"group": "Sở\x00"}, "rows"),
        ("survey:campaign_board", {"state": "draft\x00"}, "rows"),
    ],
    ids=["accounts-q", "board-group", "board-state"],
)
def test_a_filter_with_a_nul_shows_the_page_with_a_message_and_no_results(
    client, url_name, params, result_key
):
    world = build_world(shape=VERIFICATION)
    client.force_login(world.coordinator)
    args = [] if url_name == "survey:account_list" else [world.campaign.pk]
    response = client.get(reverse(url_name, args=args), params)
    assert response.status_code == 200
    assert UNSTORABLE in page_text(response)
    assert not list(response.context[result_key])


def test_an_audit_filter_with_a_nul_is_refused_at_its_field(client):
    world = build_world(shape=VERIFICATION)
    client.force_login(world.coordinator)
    response = client.get(reverse("survey:audit_search"), {"actor": "dieuphoi\x00"})
    assert response.status_code == 200
    assert response.context["form"].errors["actor"]
    assert not list(response.context["page"])


# Comments and returns on the verification screen --------------------------------------


@pytest.fixture
def submitted():
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.submit()
    return world


def test_a_thread_comment_with_a_nul_is_refused(client, submitted):
    world = submitted
    client.force_login(world.reviewer)
    before = counts()
    url = reverse(
        "survey:comment_add", args=[world.assessment.pk, world.nodes["1.1"].pk]
    )
    response = client.post(url, {"body": "Thiếu\x00 minh chứng"}, follow=True)
    assert response.status_code == 200
    assert UNSTORABLE in page_text(response)
    assert counts() == before


def test_the_comment_services_refuse_a_lone_surrogate(submitted):
    # A form post cannot carry one (browsers send UTF-8); a caller in code can.
    world = submitted
    before = counts()
    for call in (
        lambda: answer_comment_add(
            assessment=world.assessment,
            node=world.nodes["1.1"],
            user=world.reviewer,
            body="Thiếu \ud800",
        ),
        lambda: answers_return(
            assessment=world.assessment,
            nodes=[world.nodes["1.1"]],
            user=world.reviewer,
            comment="Bổ sung \ud800",
        ),
    ):
        with pytest.raises(VerdictInvalid) as refused:
            call()
        assert UNSTORABLE in str(next(iter(refused.value.errors.values())))
    assert counts() == before


def test_a_return_with_a_nul_in_its_comment_returns_nothing(client, submitted):
    world = submitted
    client.force_login(world.reviewer)
    before = counts()
    response = client.post(
        reverse("survey:return_items", args=[world.assessment.pk]),
        {"nodes": [world.nodes["1.1"].pk], "comment": "Bổ sung\x00"},
        follow=True,
    )
    assert UNSTORABLE in page_text(response)
    assert counts() == before
    assert world.answer("1.1").review_status == "pending"


# The questionnaire: autosave (JSON), step form, evidence ------------------------------


@pytest.fixture
def questionnaire(client):
    world = build_world(shape=QUESTIONNAIRE)
    client.force_login(world.editor)
    return world


def autosave(client, world, values: dict | None = None, *, body: bytes | None = None):
    url = reverse("survey:answers_autosave", args=[world.assessment.pk])
    if body is None:
        answer = {"node": world.nodes["B.2"].pk, "version": 0, "values": values}
        body = json.dumps({"answers": [answer]}).encode()
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"text": "Có", "comment": "ghi\x00chú"}, "comment"),
        ({"text": "Có", "comment": "ghi \ud800"}, "comment"),
        ({"text": "Có\x00"}, "text"),
        ({"text": "Có \udfff"}, "text"),
    ],
    ids=["nul-comment", "surrogate-comment", "nul-text", "surrogate-text"],
)
def test_autosave_refuses_unstorable_text_at_its_field(
    client, questionnaire, values, field
):
    before = counts()
    response = autosave(client, questionnaire, values)
    assert response.status_code == 400
    [result] = response.json()["results"]
    assert result["status"] == "invalid"
    assert UNSTORABLE in result["errors"][field][0]
    assert counts() == before


def test_autosave_refuses_a_surrogate_escaped_in_the_json_text(client, questionnaire):
    node = questionnaire.nodes["B.2"].pk
    body = (
        b'{"answers": [{"node": %d, "version": 0, "values": {"comment": "\\ud800"}}]}'
    )
    response = autosave(client, questionnaire, body=body % node)
    assert response.status_code == 400
    assert UNSTORABLE in response.json()["results"][0]["errors"]["comment"][0]
    assert not Answer.objects.exists()


def test_an_autosave_body_over_the_limit_gets_json_with_a_message(
    client, questionnaire, settings
):
    before = counts()
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    response = autosave(client, questionnaire, {"text": text})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large to be saved at once (more than 5 MB)" in response.json()["error"]
    assert counts() == before


def test_the_step_form_refuses_a_nul_at_its_field(client, questionnaire):
    from test_questionnaire_views import form_data, step_url

    page = client.get(step_url(questionnaire, "B"))
    data = form_data(page, **{"B.2:text": "Có\x00", "B.2:comment": "ghi\x00chú"})
    before = counts()
    response = client.post(step_url(questionnaire, "B"), data)
    assert response.status_code == 200
    forms = {f.node.code: f for f in response.context["form"].answer_forms}
    assert forms["B.2"].errors["text"] and forms["B.2"].errors["comment"]
    assert counts() == before


@pytest.mark.parametrize("field", ["doc_number", "summary"])
def test_evidence_fields_with_a_nul_are_refused_at_the_field(
    client, questionnaire, field
):
    data = {
        "node": questionnaire.nodes["A.3"].pk,
        "kind": "document",
        "doc_number": "12/KH-UBND",
        "doc_date": "05/11/2025",
        "summary": "Kế hoạch chuyển đổi số",
    }
    data[field] += "\x00"
    before = counts()
    response = client.post(
        reverse("survey:evidence_add", args=[questionnaire.assessment.pk]),
        data,
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][field]
    assert counts() == before


# Login --------------------------------------------------------------------------------


def test_an_overlong_user_name_is_an_ordinary_failed_login_and_is_counted(client):
    build_world(shape=VERIFICATION)
    username = "u" * 300
    response = client.post(reverse("login"), {"username": username, "password": "x"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in page_text(response)
    attempt = AccessAttempt.objects.get()
    assert attempt.username == username[:255]
    assert attempt.failures_since_start == 1
    for _ in range(4):
        client.post(reverse("login"), {"username": username, "password": "x"})
    response = client.post(reverse("login"), {"username": username, "password": "x"})
    assert "Too many failed logins" in page_text(response)


def test_the_real_account_still_logs_in(client):
    build_world(shape=VERIFICATION)
    response = client.post(
        reverse("login"), {"username": "stc-cv", "password": PASSWORD}
    )
    assert response.status_code == 302


# Management commands ------------------------------------------------------------------


def test_export_framework_into_a_missing_folder_says_so(tmp_path):
    world = build_world(shape=VERIFICATION)
    target = tmp_path / "khong-co" / "bo-chi-so.xlsx"
    with pytest.raises(CommandError, match="no such folder"):
        call_command(
            "export_framework",
            world.version.framework.code,
            "2025",
            "-o",
            str(target),
        )
    assert not target.parent.exists()


def test_export_report_into_a_missing_folder_says_so(tmp_path):
    world = build_world(shape=VERIFICATION)
    with pytest.raises(CommandError, match="no such folder"):
        call_command(
            "export_report",
            "--campaign",
            str(world.campaign.pk),
            "-o",
            str(tmp_path / "khong-co" / "bao-cao.xlsx"),
        )


@pytest.mark.parametrize("command", ["import_answers", "import_framework"])
def test_importing_a_missing_file_says_so(tmp_path, command):
    build_world(shape=VERIFICATION)
    missing = str(tmp_path / "khong-co.xlsx")
    extra = ["--year", "2025", "--unit", "S-TC"] if command == "import_answers" else []
    with pytest.raises(CommandError, match="no such file"):
        call_command(command, missing, *extra)


@pytest.mark.parametrize("command", ["import_answers", "import_framework"])
def test_importing_a_folder_says_so(tmp_path, command):
    build_world(shape=VERIFICATION)
    folder = tmp_path / "thu-muc.xlsx"
    folder.mkdir()
    extra = ["--year", "2025", "--unit", "S-TC"] if command == "import_answers" else []
    with pytest.raises(CommandError, match="no such file"):
        call_command(command, str(folder), *extra)


# In Vietnamese, the default language --------------------------------------------------


def test_the_messages_are_in_vietnamese(client, settings):
    world = build_world(shape=VERIFICATION)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(world.coordinator)
    response = client.get(reverse("survey:account_list"), {"q": "stc\x00"})
    assert "Văn bản có ký tự không lưu được" in page_text(response)
    # Django's own message for a form field, translated in the project's catalogue
    response = client.get(reverse("survey:audit_search"), {"actor": "x\x00"})
    assert "Văn bản có ký tự không lưu được (ký tự null)" in page_text(response)
    content = (BAD / "accounts" / "username_case_of_existing.csv").read_bytes()
    response = import_accounts(client, "a.csv", content)
    assert "Dòng 3, cột username: Tên đăng nhập STC-cv đã tồn tại" in page_text(
        response
    )


def test_a_deactivation_reason_the_database_cannot_store_is_refused(client):
    world = build_world(shape=VERIFICATION)
    client.force_login(world.coordinator)
    before = counts()
    response = client.post(
        reverse("survey:account_active", args=[world.editor.pk]),
        {"active": "0", "reason": "nghỉ\x00 việc"},
        follow=True,
    )
    assert response.status_code == 200
    assert UNSTORABLE in page_text(response)
    world.editor.refresh_from_db()
    assert world.editor.is_active
    assert counts() == before
