"""Drive a deployed site through nginx in headless Chromium (run by deploy/ci-check).

Expects gunicorn, the task worker and nginx running as deploy/ci-check starts them,
and the same environment (DATABASE_URL...) to look up the demo's accounts and records.
Prints each check; exits non-zero at the first failure.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Playwright's sync API runs an event loop in this thread; the ORM calls are plain ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "demo-dti-2025"
OPEN_YEAR = 2025
STATIC_MAX_AGE = "max-age=31536000"
# A small but real PDF: the upload check reads the content, not the name.
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    b"% deploy check " + os.urandom(8).hex().encode() + b"\ntrailer\n<<>>\n%%EOF\n"
)


class CheckFailed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)
    print(f"  ok  {what}", flush=True)


def editor_and_target():
    """A demo unit editor whose 2025 assessment is open, and an indicator they may
    change on the first step (as bench/load.py chooses them)."""
    from survey.models import Answer, Assessment, Membership
    from survey.permissions import user_roles
    from survey.selectors.questionnaire import questionnaire_steps
    from survey.services.answer_access import answer_editable, assessment_edit_refusal
    from survey.states import EDITABLE_ASSESSMENT_STATES

    assessments = Assessment.objects.filter(
        campaign__year=OPEN_YEAR, state__in=EDITABLE_ASSESSMENT_STATES
    ).order_by("unit__code")
    for assessment in assessments:
        membership = (
            Membership.objects.filter(unit=assessment.unit, role="editor")
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        if membership is None:
            continue
        roles = user_roles(user=membership.user, unit=assessment.unit)
        if assessment_edit_refusal(assessment=assessment, roles=roles) is not None:
            continue
        answers = {a.node_id: a for a in Answer.objects.filter(assessment=assessment)}
        for step in questionnaire_steps(assessment=assessment):
            for node in step.indicators:
                answer = answers.get(node.pk)
                if answer_editable(assessment=assessment, answer=answer, refusal=None):
                    return membership.user.username, assessment, step.name, node
    raise CheckFailed("no demo editor with an open 2025 assessment")


def log_lines(path: Path, needle: str) -> list[str]:
    return [line for line in path.read_text().splitlines() if needle in line]


def login(browser, base: str, username: str):
    context = browser.new_context(ignore_https_errors=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    check("/login/" not in page.url, f"{username} logs in (now at {page.url})")
    cookies = {c["name"]: c for c in context.cookies()}
    check(
        cookies.get("sessionid", {}).get("secure") is True,
        "the session cookie is HTTPS-only",
    )
    return context, page


def static_file(page, base: str, app_log: Path) -> None:
    page.goto(f"{base}/login/")
    href = page.locator("link[rel=stylesheet][href^='/static/']").first.get_attribute(
        "href"
    )
    check(
        bool(re.search(r"\.[0-9a-f]{12}\.css$", href or "")),
        f"pages link hashed static files ({href})",
    )
    response = page.request.get(f"{base}{href}")
    check(response.status == 200 and len(response.body()) > 0, f"GET {href} is 200")
    cache = response.headers.get("cache-control", "")
    check(STATIC_MAX_AGE in cache and "immutable" in cache, f"cached: {cache}")
    check(not log_lines(app_log, href), "nginx served it, gunicorn never saw it")


def autosave(page, base: str, assessment, step: str, node) -> None:
    page.goto(f"{base}/assessments/{assessment.pk}/fill/{step}/")
    comment = f"Kiểm tra triển khai {time.strftime('%H:%M:%S')}"
    box = page.locator(f"#id_n{node.pk}-comment")
    with page.expect_response(
        lambda r: (
            r.url.endswith(f"/assessments/{assessment.pk}/answers/")
            and r.request.method == "POST"
        )
    ) as saved:
        box.fill(comment)
        box.blur()
    body = saved.value.json()
    result = (body.get("results") or [{}])[0]
    check(
        saved.value.status == 200 and result.get("status") == "ok",
        f"autosave of indicator {node.code} answered ok",
    )
    from survey.models import Answer

    stored = Answer.objects.get(assessment=assessment, node=node).comment
    check(stored == comment, "the comment is stored in PostgreSQL")


def evidence(page, base: str, assessment, node, logs: dict[str, Path]) -> str:
    from survey.models import Evidence

    box = page.locator(f"[data-ev-node='{node.pk}']")
    box.locator("summary").click()
    box.locator("input[type=file]").set_input_files(
        {
            "name": "Quyết định triển khai.pdf",
            "mimeType": "application/pdf",
            "buffer": PDF,
        }
    )
    box.locator("button[value='file']").click()
    link = box.get_by_role("link", name="Quyết định triển khai.pdf")
    link.wait_for()
    check(True, "evidence file uploaded through nginx")
    stored = Evidence.objects.filter(answer__assessment=assessment).latest("pk")
    check(
        Path(logs["media"], stored.file.name).read_bytes() == PDF,
        f"stored as {stored.file.name} in the media folder",
    )
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    check(
        Path(download.path()).read_bytes() == PDF,
        f"the browser's download ({download.suggested_filename}) equals the upload",
    )
    href = link.get_attribute("href")
    response = page.request.get(f"{base}{href}")
    check(response.status == 200 and response.body() == PDF, f"GET {href}: the bytes")
    headers = response.headers
    check(
        headers.get("content-type") == "application/pdf"
        and headers.get("content-disposition", "").startswith("attachment;")
        and headers.get("x-content-type-options") == "nosniff",
        "with the view's Content-Type, Content-Disposition and nosniff",
    )
    check("x-accel-redirect" not in headers, "nginx kept X-Accel-Redirect to itself")
    check(
        "no-store" in headers.get("cache-control", "")
        and "sandbox" in headers.get("content-security-policy", ""),
        "not cached, sandboxed: "
        f"{headers.get('cache-control')}; {headers.get('content-security-policy')}",
    )
    app = log_lines(logs["app"], f"GET {href} ")
    check(
        bool(app) and all(re.search(r'" 200 (0|-) "', line) for line in app),
        "gunicorn answered the download with an empty body (X-Accel-Redirect)",
    )
    served = log_lines(logs["nginx"], f"GET {href} ")
    check(
        bool(served) and all(f'" 200 {len(PDF)} ' in line for line in served),
        f"nginx sent the {len(PDF)} bytes",
    )
    return stored.file.name


def anonymous(browser, base: str, stored: str) -> None:
    context = browser.new_context(ignore_https_errors=True)
    request = context.request
    for path in (f"/media/{stored}", f"/protected-evidence/{stored}"):
        status = request.get(f"{base}{path}", max_redirects=0).status
        check(status == 404, f"anonymous GET {path} is {status}")
    context.close()


def workbook(browser, base: str) -> None:
    from survey.models import Campaign

    # dieuphoi's province: the demo's second province has its own campaign of the year
    campaign = Campaign.objects.filter(
        year=OPEN_YEAR - 1, province__memberships__user__username="dieuphoi"
    ).get()
    context, page = login(browser, base, "dieuphoi")
    page.goto(f"{base}/reports/campaigns/{campaign.pk}/")
    form = page.locator("form:has(input[name=kind][value=workbook])")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/reports/exports/\d+/$"))
    check(True, f"the coordinator asked for the {campaign.year} workbook")
    link = page.locator("a[href$='/download/']")
    link.wait_for(timeout=120_000)  # the task worker builds it; the page refreshes
    check(True, "the task worker built it")
    with page.expect_download() as download_info:
        link.click()
    content = Path(download_info.value.path()).read_bytes()
    check(
        content[:2] == b"PK" and len(content) > 1000,
        f"workbook downloaded ({len(content)} bytes, starts with PK)",
    )
    context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="https://127.0.0.1:PORT")
    parser.add_argument("--app-log", type=Path, required=True)
    parser.add_argument("--nginx-log", type=Path, required=True)
    args = parser.parse_args()
    base = args.base.rstrip("/")

    import django

    django.setup()
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    logs = {"app": args.app_log, "nginx": args.nginx_log, "media": settings.MEDIA_ROOT}
    started = time.monotonic()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                username, assessment, step, node = editor_and_target()
                print(f"static files ({base})")
                context = browser.new_context(ignore_https_errors=True)
                static_file(context.new_page(), base, args.app_log)
                context.close()
                print(f"unit editor {username}, assessment {assessment.pk}")
                context, page = login(browser, base, username)
                autosave(page, base, assessment, step, node)
                stored = evidence(page, base, assessment, node, logs)
                context.close()
                print("anonymous requests")
                anonymous(browser, base, stored)
                print("coordinator")
                workbook(browser, base)
            finally:
                browser.close()
    except CheckFailed as failed:
        print(f"FAILED: {failed}", file=sys.stderr)
        return 1
    print(f"all checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
