"""The 2025 cycle of the demo province, exactly as ``make run`` seeds it, in
headless Chromium, up to publication.

A drafting department finishes its questionnaire (a decimal typed the Vietnamese
way among the answers), its leader submits, a reviewer disagrees on a checklist
indicator with one criterion ticked and returns another item, the unit corrects it
and resubmits, the reviewer agrees with the rest, the other units in review are
finished through the same services the screens call, and the coordinator closes
intake, shares the preliminary results and publishes. The committee's workbook and
the decision annex are then downloaded from the dashboard and their figures compared
with the dashboard's, cell by cell, for a sample of units.
"""

import io
import re
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document
from e2e_sessions import signed_in_context  # noqa: E402
from openpyxl import load_workbook

from survey.models import Answer, Assessment, Campaign, Node, Province, User
from survey.selectors.questionnaire import assessment_review
from survey.services.answers import answer_save
from survey.services.review import answers_agree_remaining
from survey.services.transitions import assessment_transition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
A = Assessment.State
UNDER_REVIEW = (A.SUBMITTED, A.IN_REVIEW, A.RETURNED)
DECIMAL_TYPES = ("percentage", "number")


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)
    # The first province's (the demo's second province has a 2025 campaign too).
    first = Province.objects.order_by("pk").first()
    return Campaign.objects.get(year=2025, province=first)


def page_for(browser, live_server, username: str):
    user = User.objects.get(username=username)
    context = signed_in_context(browser, live_server, user, accept_downloads=True)
    page = context.new_page()
    # Irreversible actions ask first; the person agrees.
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_default_timeout(20_000)
    return page


def wait_until(check, what: str) -> None:
    for _ in range(200):
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def click_and_wait(page, locator) -> None:
    """Click a button that posts; when the server asks for confirmation on a page
    of its own, confirm there too."""
    with page.expect_navigation():
        locator.click()
    confirm = page.locator("form.confirm-form button[type=submit]")
    if confirm.count():
        with page.expect_navigation():
            confirm.first.click()


def step_of(node: Node) -> str:
    top = node
    while top.parent_id:
        top = top.parent
    return top.code


def missing_nodes(assessment: Assessment) -> list[Node]:
    return [
        row.node
        for step in assessment_review(assessment=assessment)
        for row in step.missing
    ]


def fill(page, node: Node, number: str = "1") -> None:
    """Answer ``node`` the way a person would, whatever its type."""
    prefix = f"#id_n{node.pk}-"
    kind = node.answer_type
    if kind == "yes_no":
        page.locator(prefix + "yes_0").check()
    elif kind in ("level", "checklist"):
        field = "choice" if kind == "level" else "checks"
        page.locator(f"{prefix}{field}_0").check()
    elif kind == "date":
        page.locator(prefix + "date").fill("15/06/2025")
    elif kind == "text":
        page.locator(prefix + "text").fill("Đã triển khai")
    else:
        page.locator(prefix + "number").fill(number)
        if kind == "ratio":
            page.locator(prefix + "denominator").fill("2")
    page.locator(prefix + "comment").focus()


def answer_of(assessment: Assessment, node: Node) -> Answer | None:
    return Answer.objects.filter(assessment=assessment, node=node).first()


def finish_questionnaire(page, base: str, assessment: Assessment) -> Node | None:
    """Answer every missing applicable indicator through the step pages; returns
    the indicator typed as a Vietnamese decimal, if any."""
    decimal_node = None
    by_step: dict[str, list[Node]] = {}
    for node in missing_nodes(assessment):
        by_step.setdefault(step_of(node), []).append(node)
    for step, nodes in by_step.items():
        page.goto(f"{base}/assessments/{assessment.pk}/fill/{step}/")
        for node in nodes:
            typed = "1"
            if decimal_node is None and node.answer_type in DECIMAL_TYPES:
                decimal_node, typed = node, "1,5"
            fill(page, node, typed)
        wait_until(
            lambda a=assessment, ns=nodes: all(answer_of(a, n) is not None for n in ns),
            f"step {step} saved",
        )
    wait_until(lambda: not missing_nodes(assessment), "every answer saved")
    return decimal_node


def unit_action(page, base: str, assessment: Assessment, action: str) -> None:
    page.goto(f"{base}/assessments/{assessment.pk}/review/")
    click_and_wait(page, page.locator(f"button[value='{action}']"))


def state(assessment: Assessment) -> str:
    return Assessment.objects.get(pk=assessment.pk).state


def drafting_department(campaign: Campaign) -> Assessment:
    """The drafting department with a checklist indicator and the fewest gaps."""
    drafts = campaign.assessments.filter(
        state=A.DRAFT, unit__unit_type="department"
    ).select_related("unit", "version")
    candidates = [
        a
        for a in drafts
        if a.version.nodes.filter(kind="indicator", answer_type="checklist").exists()
        and any(n.answer_type in DECIMAL_TYPES for n in missing_nodes(a))
    ]
    return min(candidates, key=lambda a: (len(missing_nodes(a)), a.pk))


def verify_unit_through_the_screens(browser, base, live_server, assessment) -> None:
    unit = assessment.unit.code.lower()
    checklist = assessment.version.nodes.filter(
        kind="indicator", answer_type="checklist"
    ).first()
    returned = (
        assessment.version.nodes.filter(kind="indicator", answer_type="ratio")
        .order_by("order", "pk")
        .first()
    )
    reviewer = page_for(browser, live_server, "thamdinh")
    verify_url = f"{base}/assessments/{assessment.pk}/verify/"
    reviewer.goto(verify_url)
    item = reviewer.locator(f"#ind-{checklist.pk}")
    item.locator(f"#id_v{checklist.pk}-verdict_1").check()
    item.locator(f"#id_v{checklist.pk}-explanation").fill("Chưa có biên bản kiểm tra")
    boxes = item.locator(f"input[name='v{checklist.pk}-checks']")
    for index in range(boxes.count()):
        boxes.nth(index).set_checked(index == 0)
    item.locator("form.v-verdict button.v-save").click()
    item.locator(".v-saved.ok").wait_for()  # saved without a reload
    assert item.locator(".v-status").get_attribute("data-status") == "disagreed"
    stored = answer_of(assessment, checklist)
    assert stored.review_status == Answer.ReviewStatus.DISAGREED
    assert len(stored.verified_value["checks"]) == 1

    reviewer.locator(f"form.v-return input[value='{returned.pk}']").check()
    reviewer.locator("#return-comment").fill("Bổ sung danh sách hồ sơ trực tuyến")
    click_and_wait(reviewer, reviewer.locator("form.v-return button"))
    assert state(assessment) == A.RETURNED

    editor = page_for(browser, live_server, f"{unit}-cv")
    editor.goto(f"{base}/assessments/{assessment.pk}/fill/{step_of(returned)}/")
    editor.locator(f"#id_n{returned.pk}-number").fill("2")
    editor.locator(f"#id_n{returned.pk}-denominator").fill("2")
    editor.locator(f"#id_n{returned.pk}-comment").focus()
    wait_until(
        lambda: answer_of(assessment, returned).number == Decimal(2),
        "the returned item corrected",
    )
    approver = page_for(browser, live_server, f"{unit}-ld")
    unit_action(approver, base, assessment, "resubmit")
    assert state(assessment) == A.SUBMITTED

    reviewer.goto(verify_url)
    click_and_wait(
        reviewer, reviewer.locator("form[action$='agree-remaining/'] button")
    )
    assert state(assessment) == A.VERIFIED
    for page in (reviewer, editor, approver):
        page.context.close()


def finish_the_others(campaign: Campaign) -> None:
    """Units still in review get there through the services the screens call: a
    returned unit corrects what was returned and resubmits, the reviewer agrees."""
    reviewer = User.objects.get(username="thamdinh")
    for assessment in campaign.assessments.filter(state__in=UNDER_REVIEW):
        unit = assessment.unit.code.lower()
        if assessment.state == A.RETURNED:
            editor = User.objects.get(username=f"{unit}-cv")
            for answer in assessment.answers.filter(
                review_status=Answer.ReviewStatus.RETURNED
            ).select_related("node"):
                answer_save(
                    assessment=assessment,
                    node=answer.node,
                    values={"comment": "Đã bổ sung minh chứng."},
                    expected_version=answer.version,
                    user=editor,
                )
            approver = User.objects.get(username=f"{unit}-ld")
            assessment = assessment_transition(
                assessment=assessment, action="resubmit", user=approver
            )
        nodes = [
            node
            for node in assessment.version.nodes.filter(kind="indicator")
            if node.applies_to_unit(
                unit_type=assessment.unit.unit_type,
                provides_procedures=assessment.provides_procedures,
            )
        ]
        answers_agree_remaining(assessment=assessment, user=reviewer, nodes=nodes)
        assert state(assessment) == A.VERIFIED, assessment.unit.code


def campaign_action(page, board: str, action: str, **fields) -> None:
    page.goto(board)
    form = page.locator(f"form.c-action:has(input[value='{action}'])")
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    click_and_wait(page, form.locator("button"))


def test_the_demo_2025_cycle_ends_in_publication(browser, live_server, demo):
    base = live_server.url
    assessment = drafting_department(demo)
    unit = assessment.unit.code.lower()

    editor = page_for(browser, live_server, f"{unit}-cv")
    decimal_node = finish_questionnaire(editor, base, assessment)
    assert answer_of(assessment, decimal_node).number == Decimal("1.5")
    unit_action(editor, base, assessment, "mark_ready")
    assert state(assessment) == A.READY
    approver = page_for(browser, live_server, f"{unit}-ld")
    unit_action(approver, base, assessment, "submit")
    assert state(assessment) == A.SUBMITTED
    editor.context.close()
    approver.context.close()

    verify_unit_through_the_screens(browser, base, live_server, assessment)
    finish_the_others(demo)

    coordinator = page_for(browser, live_server, "dieuphoi")
    board = f"{base}/campaigns/{demo.pk}/"
    campaign_action(coordinator, board, "close")
    campaign_action(coordinator, board, "share_preliminary")
    campaign_action(
        coordinator,
        board,
        "publish",
        decision_number="1234/QĐ-UBND",
        decision_date="15/03/2026",
    )
    campaign = Campaign.objects.get(pk=demo.pk)
    assert campaign.state == Campaign.State.PUBLISHED
    assert state(assessment) == A.PUBLISHED

    compare_downloads_with_the_dashboard(coordinator, base, campaign)
    coordinator.context.close()


# The committee's files against the dashboard ------------------------------------------


def _number(text: str) -> Decimal | None:
    """A figure as the Vietnamese pages print it: 1.234,56."""
    text = text.strip().replace("\xa0", "").replace("%", "").strip()
    if not re.fullmatch(r"-?[\d.]+(,\d+)?", text):
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def dashboard_figures(page, base: str, campaign: Campaign) -> dict[str, tuple]:
    """Unit name → (points, applicable maximum, %) as the dashboard shows them (a
    large group shows its first and last units, and a row saying how many more)."""
    page.goto(f"{base}/reports/campaigns/{campaign.pk}/")
    rows = page.locator("table.grid tbody tr:not(:has(td[colspan]))")
    figures = {}
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td").all_inner_texts()
        figures[cells[1].strip()] = tuple(_number(c) for c in cells[2:5])
    return figures


def download(page, base: str, campaign: Campaign, kind: str) -> bytes:
    page.goto(f"{base}/reports/campaigns/{campaign.pk}/")
    form = page.locator(f"form:has(input[name=kind][value='{kind}'])")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    link = page.locator("a[href$='/download/']")

    def built() -> bool:
        if link.count():
            return True
        page.reload()
        return False

    wait_until(built, f"the {kind} is built")
    with page.expect_download() as info:
        link.first.click()
    return (info.value.path()).read_bytes()


def workbook_percentages(content: bytes) -> dict[str, Decimal]:
    """Unit name → % from the summary sheet of the committee workbook (cells hold
    fractions shown with a percent format)."""
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        columns = None
        found = {}
        for row in sheet.iter_rows():
            texts = [str(c.value).strip() if c.value is not None else "" for c in row]
            if columns is None:
                if "Đơn vị" in texts and "%" in texts:
                    columns = texts.index("Đơn vị"), texts.index("%")
                continue
            name, share = row[columns[0]], row[columns[1]]
            if name.value and isinstance(share.value, int | float):
                assert "%" in share.number_format
                found[str(name.value)] = Decimal(str(share.value)) * 100
        if found:
            return found
    raise AssertionError("no summary sheet with units and % in the workbook")


def compare_downloads_with_the_dashboard(page, base: str, campaign: Campaign) -> None:
    shown = dashboard_figures(page, base, campaign)
    assert len(shown) >= 20
    in_book = workbook_percentages(download(page, base, campaign, "workbook"))
    annex = Document(io.BytesIO(download(page, base, campaign, "annex")))
    annex_rows = {
        cells[1]: cells
        for table in annex.tables
        for cells in ([c.text.strip() for c in r.cells] for r in table.rows)
        if len(cells) > 2
    }
    sample = sorted(shown)[::5]
    for name in sample:
        points, maximum, share = shown[name]
        if share is None:
            continue
        assert in_book[name] == share, (name, in_book[name], share)
        annexed = [_number(c) for c in annex_rows[name]]
        assert share in annexed and points in annexed, (name, annex_rows[name])
