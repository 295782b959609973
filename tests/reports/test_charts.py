"""The dashboard's charts write their axes as the report's language writes numbers."""

import re

import numpy as np

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
