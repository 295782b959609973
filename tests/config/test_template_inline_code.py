"""No template writes script or style into its HTML, which the Content-Security-Policy
would refuse: the crawl sees the pages a person reaches, this also sees the pieces
that scripts fetch (the evidence list, the verify page's items) and the error pages."""

from pathlib import Path

from django.conf import settings

from tests.crawl.page_policy import inline_code


def test_no_template_has_a_handler_a_style_or_an_inline_script():
    base = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(base)}: {code}"
        for folder in ("templates", "survey", "reports")
        for path in sorted((base / folder).rglob("*.html"))
        for code in inline_code(path.read_text())
    ]
    assert offenders == []
