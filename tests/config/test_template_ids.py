"""Ids printed in templates must not be grouped like amounts (4.622 for 4622).

Numbers are localised with "." for thousands (USE_THOUSAND_SEPARATOR), so an id in an
HTML attribute, a link fragment or a form value needs ``|unlocalize``.
"""

import re
from pathlib import Path

from django.conf import settings

ID_VARIABLE = re.compile(r"\{\{\s*[\w.]*(?:\.pk|\.id|(?<!auto)(?<!object)_id)\s*\}\}")


def test_every_printed_id_is_unlocalized():
    base = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(base)}:{number}: {line.strip()[:90]}"
        for folder in ("templates", "survey", "reports")
        for path in (base / folder).rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ID_VARIABLE.search(line)
    ]
    assert offenders == []
