"""Evidence: documents, links and files per indicator, checked by size and content,
downloadable only within scope, carried forward from last year and confirmed."""

import io
import json
import zipfile
from datetime import date, timedelta

import docx
import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from test_questionnaire_views import fill_all
from worlds import QUESTIONNAIRE, World, build_world

from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    Evidence,
    FrameworkVersion,
    Node,
)
from survey.services.answer_access import AnswerLocked
from survey.services.evidence import (
    evidence_add_document,
    evidence_add_file,
    evidence_add_link,
    evidence_carry_forward,
    evidence_confirm,
    evidence_delete,
)
from survey.services.evidence_checks import EvidenceInvalid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(40)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54) + b"PE\x00\x00" + bytes(100)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(120)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def ole(stream: str) -> bytes:
    """An OLE container whose directory names ``stream``."""
    return OLE + stream.encode("utf-16-le") + b"\0\0" + bytes(64)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def odf_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), f"application/vnd.oasis.opendocument.{kind}"
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", EXE)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


@pytest.fixture
def world() -> World:
    return build_world(shape=QUESTIONNAIRE)


def add_file(world: World, code: str, name: str, content: bytes, user=None):
    return evidence_add_file(
        assessment=world.assessment,
        node=world.nodes[code],
        user=user or world.editor,
        upload=upload(name, content),
    )


# Adding -------------------------------------------------------------------------------


def test_documents_links_and_files_several_per_indicator(world):
    node = world.nodes["A.3"]
    evidence_add_document(
        assessment=world.assessment,
        node=node,
        user=world.editor,
        doc_number="12/KH-UBND",
        doc_date=date(2025, 2, 1),
        summary="Kế hoạch chuyển đổi số năm 2025",
    )
    evidence_add_document(
        assessment=world.assessment,
        node=node,
        user=world.editor,
        doc_number="45/QĐ-UBND",
    )
    evidence_add_link(
        assessment=world.assessment,
        node=node,
        user=world.approver,
        url="https://congbao.example.gov.vn/vb/12",
        summary="Công báo",
    )
    add_file(world, "A.3", "Quy chế.pdf", PDF)
    answer = Answer.objects.get(assessment=world.assessment, node=node)
    items = list(answer.evidence.order_by("pk"))
    assert [e.kind for e in items] == ["document", "document", "link", "file"]
    assert str(items[0]) == "12/KH-UBND – 01/02/2025 – Kế hoạch chuyển đổi số năm 2025"
    assert answer.version == 0  # evidence never bumps the answer's own version
    stored = items[3]
    assert (stored.original_name, stored.content_type, stored.size) == (
        "Quy chế.pdf",
        "application/pdf",
        len(PDF),
    )
    assert stored.file.name.startswith("evidence/") and "Quy" not in stored.file.name
    assert default_storage.open(stored.file.name).read() == PDF
    assert all(e.confirmed and e.created_by for e in items)
    events = AuditEvent.objects.filter(object_type="survey.evidence")
    assert events.count() == 4


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", PDF),
        ("anh chup.PNG", PNG),
        ("anh.jpg", JPEG),
        ("anh.jpeg", JPEG),
        ("bao-cao.docx", docx_bytes()),
        ("so-lieu.xlsx", xlsx_bytes()),
        ("van-ban.odt", odf_bytes("text")),
        ("bang.ods", odf_bytes("spreadsheet")),
        ("cu.doc", ole("WordDocument")),
        ("cu.xls", ole("Workbook")),
    ],
)
def test_allowed_types_are_accepted_by_content(world, name, content):
    evidence = add_file(world, "A.3", name, content)
    assert evidence.size == len(content)
    assert evidence.file.name.endswith(name.rsplit(".", 1)[1].lower())


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("quyet-dinh.pdf", HTML, "file_content"),
        ("quyet-dinh.pdf", EXE, "file_content"),
        ("quyet-dinh.pdf", ELF, "file_content"),
        ("quyet-dinh.pdf", b"just some text", "file_content"),
        ("quyet-dinh.pdf", PNG, "file_content"),
        ("anh.png", PDF, "file_content"),
        ("anh.jpg", PNG, "file_content"),
        ("bao-cao.docx", zip_bytes(), "file_content"),
        ("bao-cao.xlsx", docx_bytes(), "file_content"),
        ("bao-cao.odt", odf_bytes("spreadsheet"), "file_content"),
        ("cu.doc", ole("Workbook"), "file_content"),
        ("cu.xls", OLE, "file_content"),
        ("setup.exe", EXE, "file_type"),
        ("trang.html", HTML, "file_type"),
        ("khong-duoi", PDF, "file_type"),
        ("rong.pdf", b"", "file_empty"),
    ],
)
def test_disguised_and_unknown_files_are_refused(world, name, content, code):
    with pytest.raises(EvidenceInvalid) as refused:
        add_file(world, "A.3", name, content)
    [(got, message)] = refused.value.errors["file"]
    assert got == code
    assert str(message)
    assert not Evidence.objects.exists()


def test_files_above_the_limit_are_refused(world, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    add_file(world, "A.3", "nho.pdf", PDF + bytes(1024 - len(PDF)))
    with pytest.raises(EvidenceInvalid) as refused:
        add_file(world, "A.3", "lon.pdf", PDF + bytes(1025 - len(PDF)))
    [(code, message)] = refused.value.errors["file"]
    assert code == "file_too_large"
    assert "1.0" in str(message) or "1,0" in str(message)  # "at most 1.0 KB"
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({}, "doc_number", "doc_empty"),
        ({"doc_number": "x" * 121}, "doc_number", "too_long"),
        ({"summary": "x" * 2001}, "summary", "too_long"),
    ],
)
def test_document_references_are_checked(world, values, field, code):
    with pytest.raises(EvidenceInvalid) as refused:
        evidence_add_document(
            assessment=world.assessment,
            node=world.nodes["A.3"],
            user=world.editor,
            **values,
        )
    assert refused.value.errors[field][0][0] == code


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example/a", "congbao", ""]
)
def test_only_web_links_are_accepted(world, url):
    with pytest.raises(EvidenceInvalid) as refused:
        evidence_add_link(
            assessment=world.assessment,
            node=world.nodes["A.3"],
            user=world.editor,
            url=url,
        )
    assert refused.value.errors["url"][0][0] == "url_invalid"


def test_file_names_lose_their_folders(world):
    evidence = add_file(world, "A.3", "../../etc/Quyết định 12.pdf", PDF)
    assert evidence.original_name == "Quyết định 12.pdf"
    assert ".." not in evidence.file.name


# Edit rights: the same as answer_save -------------------------------------------------


def test_people_without_a_unit_role_cannot_add_or_delete(world):
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    other = build_world(shape=QUESTIONNAIRE, code="X-KHAC")
    for user in (other.editor, world.user("reviewer"), world.user("coordinator")):
        with pytest.raises(AnswerLocked):
            add_file(world, "A.3", "b.pdf", PDF, user=user)
        with pytest.raises(AnswerLocked):
            evidence_delete(evidence=evidence, user=user)
    assert Evidence.objects.count() == 1


def test_submitted_assessments_refuse_evidence(world):
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    Assessment.objects.filter(pk=world.assessment.pk).update(state="submitted")
    world.assessment.refresh_from_db()
    with pytest.raises(AnswerLocked) as locked:
        add_file(world, "A.3", "b.pdf", PDF)
    assert locked.value.code == "state"
    with pytest.raises(AnswerLocked):
        evidence_delete(evidence=evidence, user=world.editor)


def test_returned_assessments_take_evidence_only_on_returned_items(world):
    world.save("A.3", {"number": "4"})
    world.save("A.5", {"choice": "cao"})
    Answer.objects.filter(node=world.nodes["A.3"]).update(review_status="returned")
    Assessment.objects.filter(pk=world.assessment.pk).update(state="returned")
    world.assessment.refresh_from_db()
    add_file(world, "A.3", "bo-sung.pdf", PDF)
    with pytest.raises(AnswerLocked) as locked:
        add_file(world, "A.5", "khac.pdf", PDF)
    assert locked.value.code == "not_returned"


def test_after_the_deadline_only_an_extension_allows_evidence(world):
    today = timezone.localdate()
    Campaign.objects.filter(pk=world.campaign.pk).update(
        deadline=today - timedelta(days=1)
    )
    world.assessment.campaign.refresh_from_db()
    with pytest.raises(AnswerLocked):
        add_file(world, "A.3", "a.pdf", PDF)
    world.assessment.extended_until = today
    world.assessment.save()
    assert add_file(world, "A.3", "a.pdf", PDF).pk


def test_delete_removes_the_row_and_the_stored_file(
    world, django_capture_on_commit_callbacks
):
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    name = evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=evidence, user=world.approver)
    assert not Evidence.objects.exists()
    assert not default_storage.exists(name)
    event = AuditEvent.objects.filter(object_type="survey.evidence").first()
    assert event.before["text"] == "a.pdf" and event.after is None


# The JSON endpoints -------------------------------------------------------------------


def post(client, url: str, data: dict):
    return client.post(url, data, HTTP_ACCEPT="application/json")


def add_url(world: World) -> str:
    return reverse("survey:evidence_add", args=[world.assessment.pk])


def test_the_upload_endpoint_stores_at_once_and_returns_the_list(world, client):
    client.force_login(world.editor)
    node = world.nodes["A.3"]
    response = post(
        client,
        add_url(world),
        {"node": node.pk, "kind": "file", "file": upload("Kế hoạch.pdf", PDF)},
    )
    assert response.status_code == 200
    body = response.json()
    evidence = Evidence.objects.get()
    assert body["node"] == node.pk
    download = reverse("survey:evidence_file", args=[world.assessment.pk, evidence.pk])
    assert download in body["html"]
    assert "Kế hoạch.pdf" in body["html"]
    response = post(
        client,
        add_url(world),
        {
            "node": node.pk,
            "kind": "document",
            "doc_number": "12/KH-UBND",
            "doc_date": "05/11/2025",
            "summary": "<script>x</script>",
        },
    )
    assert Evidence.objects.get(kind="document").doc_date == date(2025, 11, 5)
    assert "&lt;script&gt;x&lt;/script&gt;" in response.json()["html"]


def test_the_upload_endpoint_reports_errors_at_the_field(world, client):
    client.force_login(world.editor)
    node = world.nodes["A.3"]
    response = post(
        client,
        add_url(world),
        {"node": node.pk, "kind": "file", "file": upload("hoa-don.pdf", HTML)},
    )
    assert response.status_code == 400
    [message] = response.json()["errors"]["file"]
    assert "is not a PDF file" in message
    response = post(
        client,
        add_url(world),
        {"node": node.pk, "kind": "document", "doc_date": "31/02/2025"},
    )
    assert response.status_code == 400
    assert "doc_date" in response.json()["errors"]
    assert not Evidence.objects.exists()


def test_without_script_the_forms_redirect_to_the_indicator(world, client):
    client.force_login(world.editor)
    node = world.nodes["B.2"]
    response = client.post(
        add_url(world), {"node": node.pk, "kind": "link", "url": "https://a.vn/x"}
    )
    step = reverse("survey:questionnaire_step", args=[world.assessment.pk, "B"])
    assert response.url == f"{step}#ind-{node.pk}"
    assert Evidence.objects.get().url == "https://a.vn/x"


def test_the_delete_endpoint(world, client):
    client.force_login(world.editor)
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    url = reverse("survey:evidence_delete", args=[world.assessment.pk, evidence.pk])
    response = post(client, url, {})
    assert response.status_code == 200
    assert "No evidence yet." in response.json()["html"]
    assert not Evidence.objects.exists()


def test_another_units_user_gets_404_and_a_committee_viewer_403(world, client):
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    other = build_world(shape=QUESTIONNAIRE, code="X-KHAC")
    node = world.nodes["A.3"]
    delete = reverse("survey:evidence_delete", args=[world.assessment.pk, evidence.pk])
    client.force_login(other.editor)
    assert post(client, add_url(world), {"node": node.pk}).status_code == 404
    assert post(client, delete, {}).status_code == 404
    client.force_login(world.user("committee"))
    response = post(
        client,
        add_url(world),
        {"node": node.pk, "kind": "link", "url": "https://a.vn"},
    )
    assert response.status_code == 403
    assert post(client, delete, {}).status_code == 403
    assert Evidence.objects.count() == 1


def test_an_expired_session_gets_401_json(world, client):
    response = post(
        client, add_url(world), {"node": world.nodes["A.3"].pk, "kind": "link"}
    )
    assert response.status_code == 401
    assert response.json()["login_url"]


def test_the_step_lists_evidence_with_delete_while_editable(world, client):
    evidence = add_file(world, "A.3", "Quy chế.pdf", PDF)
    client.force_login(world.editor)
    step = reverse("survey:questionnaire_step", args=[world.assessment.pk, "A"])
    html = client.get(step).content.decode()
    delete = reverse("survey:evidence_delete", args=[world.assessment.pk, evidence.pk])
    assert "Quy chế.pdf" in html and delete in html
    assert f'id="ev-form-{world.nodes["A.3"].pk}"' in html
    Assessment.objects.filter(pk=world.assessment.pk).update(state="submitted")
    html = client.get(step).content.decode()
    assert "Quy chế.pdf" in html and delete not in html
    assert 'id="ev-act"' not in html


# Downloads ----------------------------------------------------------------------------


def download_url(world: World, evidence: Evidence) -> str:
    return reverse("survey:evidence_file", args=[world.assessment.pk, evidence.pk])


@pytest.mark.parametrize("role", ["editor", "approver", "reviewer", "coordinator"])
def test_people_who_may_see_the_assessment_download(world, client, role):
    evidence = add_file(world, "A.3", "Quyết định số 12.pdf", PDF)
    user = getattr(world, role) if role in ("editor", "approver") else world.user(role)
    client.force_login(user)
    response = client.get(download_url(world, evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Quy%E1%BA%BFt" in disposition
    event = AuditEvent.objects.get(action="download")
    assert (event.actor, event.assessment_id, event.object_id) == (
        user,
        world.assessment.pk,
        str(evidence.pk),
    )


def test_downloads_are_refused_outside_scope_and_to_committee_viewers(world, client):
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    url = download_url(world, evidence)
    other = build_world(shape=QUESTIONNAIRE, code="X-KHAC")
    client.force_login(other.editor)
    assert client.get(url).status_code == 404
    # The same evidence through another assessment's URL does not exist either.
    other_url = reverse("survey:evidence_file", args=[other.assessment.pk, evidence.pk])
    assert client.get(other_url).status_code == 404
    client.force_login(world.user("reviewer", unit=other.unit))
    assert client.get(url).status_code == 404
    client.force_login(world.user("committee"))
    assert client.get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.url
    assert not AuditEvent.objects.filter(action="download").exists()


def test_a_reviewer_scoped_to_other_indicators_gets_404(world, client):
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    reviewer = world.user("reviewer")
    reviewer.memberships.get().indicators.add(world.nodes["A.5"])
    client.force_login(reviewer)
    assert client.get(download_url(world, evidence)).status_code == 404


def test_documents_and_links_have_no_file_to_download(world, client):
    evidence = evidence_add_link(
        assessment=world.assessment,
        node=world.nodes["A.3"],
        user=world.editor,
        url="https://a.vn",
    )
    client.force_login(world.editor)
    assert client.get(download_url(world, evidence)).status_code == 404


# Carrying last year's evidence forward ------------------------------------------------


def last_year(world: World, codes: list[str]) -> tuple[Assessment, dict[str, Node]]:
    """The unit's assessment of 2024 on a framework version with ``codes``."""
    version = FrameworkVersion.objects.create(
        framework=world.version.framework,
        year=2024,
        number=FrameworkVersion.objects.count() + 1,
        unit_type="department",
    )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        year=2024,
        name="DTI 2024",
        state="closed",
        opens_on=today - timedelta(days=400),
        deadline=today - timedelta(days=300),
    )
    pillar = Node.objects.create(
        version=version, code="A", kind="pillar", order=1, name_vi="Nhận thức số"
    )
    nodes = {
        code: Node.objects.create(
            version=version,
            parent=pillar,
            code=code,
            kind="indicator",
            order=i,
            name_vi=f"Chỉ số {code}",
            answer_type="count",
            rule="target",
            rule_params={"target": 10},
            max_points=20,
        )
        for i, code in enumerate(codes, start=2)
    }
    assessment = Assessment.objects.create(
        campaign=campaign, unit=world.unit, version=version, state="verified"
    )
    return assessment, nodes


def old_evidence(assessment: Assessment, node: Node) -> list[Evidence]:
    answer = Answer.objects.create(assessment=assessment, node=node, number=3)
    document = Evidence.objects.create(
        answer=answer,
        kind="document",
        doc_number="07/KH-UBND",
        doc_date=date(2024, 3, 1),
        summary="Kế hoạch 2024",
    )
    file = Evidence(
        answer=answer,
        kind="file",
        original_name="Báo cáo 2024.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    file.file.save("old.pdf", SimpleUploadedFile("old.pdf", PDF), save=False)
    file.save()
    return [document, file]


def carry(world: World, code: str, user=None) -> list[Evidence]:
    return evidence_carry_forward(
        assessment=world.assessment, node=world.nodes[code], user=user or world.editor
    )


def test_evidence_follows_continues_across_renamed_codes(world):
    previous, old = last_year(world, ["A.03", "A.3", "A.5"])
    # This year's A.3 continues last year's A.03; last year's "A.3" was another one.
    Node.objects.filter(pk=world.nodes["A.3"].pk).update(continues=old["A.03"])
    world.nodes["A.3"].refresh_from_db()
    originals = old_evidence(previous, old["A.03"])
    old_evidence(previous, old["A.3"])
    copies = carry(world, "A.3")
    assert [c.carried_from for c in copies] == originals
    assert all(not c.confirmed for c in copies)
    assert all(c.answer.assessment == world.assessment for c in copies)
    document, file = copies
    assert (document.doc_number, document.summary) == ("07/KH-UBND", "Kế hoạch 2024")
    assert file.file.name != originals[1].file.name
    assert default_storage.open(file.file.name).read() == PDF
    assert carry(world, "A.3") == []  # carried once only


def test_without_continues_the_same_code_is_followed(world):
    previous, old = last_year(world, ["A.5"])
    old_evidence(previous, old["A.5"])
    assert len(carry(world, "A.5")) == 2
    assert carry(world, "A.4") == []


def test_continues_into_another_version_of_last_year_matches_by_code(world):
    previous, old = last_year(world, ["A.03"])
    sibling = FrameworkVersion.objects.create(
        framework=world.version.framework, year=2024, number=99, unit_type="department"
    )
    copy = Node.objects.create(
        version=sibling, code="A.03", kind="indicator", name_vi="Bản sao"
    )
    Node.objects.filter(pk=world.nodes["A.3"].pk).update(continues=copy)
    world.nodes["A.3"].refresh_from_db()
    old_evidence(previous, old["A.03"])
    assert len(carry(world, "A.3")) == 2


def test_carried_evidence_is_confirmed_and_blocks_submission_until_then(world, client):
    previous, old = last_year(world, ["A.5"])
    old_evidence(previous, old["A.5"])
    client.force_login(world.editor)
    step = reverse("survey:questionnaire_step", args=[world.assessment.pk, "A"])
    html = client.get(step).content.decode()
    assert "Last year this indicator had 2 items of evidence" in html
    carry_url = reverse("survey:evidence_carry", args=[world.assessment.pk])
    response = post(client, carry_url, {"node": world.nodes["A.5"].pk})
    assert response.status_code == 200
    assert "from last year: still valid?" in response.json()["html"]
    assert "Last year this indicator had" not in response.json()["html"]
    fill_all(world)
    Assessment.objects.filter(pk=world.assessment.pk).update(state="ready")
    client.force_login(world.approver)
    action = reverse("survey:assessment_action", args=[world.assessment.pk])
    response = client.post(action, {"action": "submit"}, follow=True)
    assert "not confirmed as still valid" in response.content.decode()
    world.assessment.refresh_from_db()
    assert world.assessment.state == "ready"
    for evidence in Evidence.objects.filter(answer__assessment=world.assessment):
        url = reverse(
            "survey:evidence_confirm", args=[world.assessment.pk, evidence.pk]
        )
        assert post(client, url, {}).status_code == 200
    assert not Evidence.objects.filter(
        answer__assessment=world.assessment, confirmed=False
    ).exists()
    client.post(action, {"action": "submit", "confirmed": "1"})
    world.assessment.refresh_from_db()
    assert world.assessment.state == "submitted"


def test_confirm_checks_edit_rights(world):
    previous, old = last_year(world, ["A.5"])
    old_evidence(previous, old["A.5"])
    [document, _file] = carry(world, "A.5")
    with pytest.raises(AnswerLocked):
        evidence_confirm(evidence=document, user=world.user("reviewer"))
    evidence_confirm(evidence=document, user=world.approver)
    document.refresh_from_db()
    assert document.confirmed


def test_carry_forward_endpoint_refuses_other_units(world, client):
    other = build_world(shape=QUESTIONNAIRE, code="X-KHAC")
    client.force_login(other.editor)
    url = reverse("survey:evidence_carry", args=[world.assessment.pk])
    assert post(client, url, {"node": world.nodes["A.5"].pk}).status_code == 404


def test_the_json_reply_lists_what_the_step_lists(world, client):
    client.force_login(world.editor)
    evidence_add_link(
        assessment=world.assessment,
        node=world.nodes["A.3"],
        user=world.editor,
        url="https://a.vn/bao-cao",
        summary="Báo cáo",
    )
    url = reverse("survey:evidence_carry", args=[world.assessment.pk])
    body = json.loads(post(client, url, {"node": world.nodes["A.3"].pk}).content)
    assert 'href="https://a.vn/bao-cao"' in body["html"]
    assert 'rel="noopener noreferrer"' in body["html"]
