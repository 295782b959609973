"""Text on the stylesheets' coloured fills can be read: WCAG 2 contrast of 4.5:1.

Every rule of every stylesheet that sets both a text colour and a fill is checked,
with the custom properties of :root resolved.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css"
SHEETS = sorted(path.name for path in CSS.glob("*.css"))
MINIMUM = 4.5


def _rules(text: str) -> list[tuple[str, dict[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (d.partition(":") for d in body.split(";"))
            if value.strip()
        )
        for selector in selectors.split(","):
            rules.append((" ".join(selector.split()), declarations))
    return rules


def _variables() -> dict[str, str]:
    found = {}
    for sheet in SHEETS:
        for selector, declarations in _rules((CSS / sheet).read_text()):
            if selector == ":root":
                found |= {k: v for k, v in declarations.items() if k.startswith("--")}
    return found


def _colour(value: str, variables: dict[str, str]) -> str | None:
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if match:
        value = variables[match.group(1)]
    match = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value)
    if not match:
        return None
    digits = match.group(1)
    return "".join(c * 2 for c in digits) if len(digits) == 3 else digits


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(text: str, fill: str) -> float:
    light, dark = sorted([_luminance(text), _luminance(fill)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _pairs(sheet: str) -> list[tuple[str, float]]:
    variables = _variables()
    pairs = []
    for selector, declarations in _rules((CSS / sheet).read_text()):
        fill = declarations.get("background-color", declarations.get("background"))
        if "color" not in declarations or fill is None:
            continue
        text, fill = _colour(declarations["color"], variables), _colour(fill, variables)
        if text and fill:
            pairs.append((selector, contrast(text, fill)))
    return pairs


def test_the_measure_is_wcag():
    assert contrast("000000", "ffffff") == pytest.approx(21)
    assert contrast("ffffff", "c77700") < MINIMUM  # the orange this file guards
    assert contrast("a35f00", "fff6e5") >= MINIMUM


def test_the_rules_that_were_changed_are_found():
    checked = dict(_pairs("app.css")) | dict(_pairs("questionnaire.css"))
    assert ".badge" in checked and ".top .lang button" in checked
    assert ".q-ev-unconfirmed .q-ev-badge" in checked
    assert ".q-badge-returned" in checked


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_text_on_a_fill_can_be_read(sheet):
    short = [(s, round(r, 2)) for s, r in _pairs(sheet) if r < MINIMUM]
    assert not short
