"""The API's documentation page (`/api/docs`, Swagger UI shipped with
django-ninja) renders in headless Chromium under the strict
Content-Security-Policy: nothing refused, no script error, the operations
listed."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
RECORD = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolation([event.effectiveDirective, event.blockedURI,
    event.sourceFile + ":" + event.lineNumber].join(" "));
});
"""


def test_the_api_docs_render_under_the_policy(browser, live_server):
    violations, errors = [], []
    context = browser.new_context()
    context.expose_function("cspViolation", lambda text: violations.append(text))
    context.add_init_script(RECORD)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    response = page.goto(f"{live_server.url}/api/docs", wait_until="networkidle")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path")
    assert page.locator(".opblock").count() >= 8
    context.close()
    assert violations == []
    assert errors == []
