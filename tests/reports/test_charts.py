"""The dashboard's charts write their axes as the report's language writes numbers,
and draw without CSS, which the pages' Content-Security-Policy would refuse."""

import re
from xml.etree import ElementTree

import numpy as np
import pytest

from reports.builders import charts


def _texts(svg: bytes) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())]


def test_units_per_level_are_counted_in_whole_numbers():
    svg = charts.level_counts_svg(
        groups=["Sở, ban, ngành", "Xã, phường"],
        levels=["Khởi động", "Hình thành"],
        counts=np.array([[3, 5], [2, 1]]),
        title="Số đơn vị theo mức",
    )
    ticks = [t for t in _texts(svg) if re.fullmatch(r"[\d.,\s]+", t)]
    assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks)


def test_large_counts_group_their_thousands_in_the_languages_way():
    counts = np.array([[1500, 1700]])
    kwargs = {"groups": ["Xã"], "levels": ["A", "B"], "counts": counts, "title": "T"}
    vietnamese = _texts(charts.level_counts_svg(**kwargs, lang="vi"))
    english = _texts(charts.level_counts_svg(**kwargs, lang="en"))
    assert "1.200" in vietnamese and "1,200" in english


SVG_CHARTS = {
    "ranking": lambda: charts.ranking_bars_svg(
        units=["Xã A", "Xã B"], values=[55.5, 70.0], title="Xếp hạng"
    ),
    "levels": lambda: charts.level_counts_svg(
        groups=["Xã"], levels=["A", "B"], counts=np.array([[1, 2]]), title="Mức"
    ),
    "radar": lambda: charts.radar_svg(
        axes=["1", "2", "3"],
        series=[("Xã A", [0.2, 0.5, 0.7]), ("Trung bình", [0.3, float("nan"), 0.4])],
        title="Hồ sơ",
    ),
    "trend": lambda: charts.trend_lines_svg(
        years=[2024, 2025], series=[("Xã A", [0.4, 0.6])], title="Xu hướng"
    ),
}


@pytest.mark.parametrize("name", SVG_CHARTS)
def test_svg_charts_carry_no_css_only_presentation_attributes(name):
    svg = SVG_CHARTS[name]().decode()
    root = ElementTree.fromstring(svg)  # well formed: no attribute written twice
    elements = list(root.iter())
    assert not [e for e in elements if e.tag.endswith("}style") or "style" in e.attrib]
    assert root.get("stroke-linecap") == "butt"
    assert any(e.get("fill") for e in elements)
    assert any(e.get("font-size") for e in elements)
