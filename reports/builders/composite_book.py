"""The workbook of a composite run (``manage.py composite``), no Django.

It takes the plain document of a run (survey.results.composite.CompositeRun
.document(): units, nodes, rows, diagnostics, settings) and labels already
translated, and returns the .xlsx bytes: one sheet of scores per level (top
level first; one row per unit: unit, ranking group, then the codes), the ranks
and, when the spec has bands, the bands of the aggregates, the weights, the
diagnostics and the settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from common.xlsx import table_xlsx_bytes

LABELS = {
    "scores": "Level %(level)s",
    "ranks": "Ranks",
    "bands": "Bands",
    "weights": "Weights",
    "diagnostics": "Diagnostics",
    "settings": "Settings",
    "unit": "Unit",
    "group": "Ranking group",
    "code": "Code",
    "level": "Level",
    "parent": "Parent",
    "weight": "Weight",
    "relative_weight": "Weight within the group",
    "effective_weight": "Effective weight",
    "indicator": "Indicator",
    "units": "Units",
    "message": "Message",
    "setting": "Setting",
    "value": "Value",
    "none": "No diagnostic",
}


def composite_book_bytes(
    document: Mapping, *, labels: Mapping[str, str] | None = None
) -> bytes:
    """The .xlsx of ``document``; ``labels`` overrides the English :data:`LABELS`."""
    lb = {**LABELS, **(labels or {})}
    rows, units, nodes = document["rows"], document["units"], document["nodes"]
    by_key = {(r["unit"], r["code"]): r for r in rows}
    levels = sorted({n["level"] for n in nodes}, reverse=True)
    aggregates = [n["code"] for level in levels for n in nodes if n["level"] == level]
    aggregates = [c for c in aggregates if _level(nodes, c) > 1]
    sheets: dict[str, list[list]] = {}
    for level in levels:
        codes = [n["code"] for n in nodes if n["level"] == level]
        title = lb["scores"] % {"level": level}
        sheets[title] = _wide(units, codes, by_key, "score", lb)
    sheets[lb["ranks"]] = _wide(units, aggregates, by_key, "rank", lb)
    if document["settings"].get("bands"):
        sheets[lb["bands"]] = _wide(units, aggregates, by_key, "band", lb)
    sheets[lb["weights"]] = _weights(nodes, lb)
    sheets[lb["diagnostics"]] = _diagnostics(document["diagnostics"], lb)
    sheets[lb["settings"]] = _settings(document["settings"], lb)
    return table_xlsx_bytes({title[:31]: table for title, table in sheets.items()})


def _level(nodes: Sequence[Mapping], code: str) -> int:
    return next(n["level"] for n in nodes if n["code"] == code)


def _wide(units, codes, by_key, field: str, lb) -> list[list]:
    table = [[lb["unit"], lb["group"], *codes]]
    for u in units:
        values = [by_key[u["unit"], code][field] for code in codes]
        table.append([u["unit"], u["group"], *values])
    return table


def _weights(nodes, lb) -> list[list]:
    keys = ("code", "level", "parent", "weight", "relative_weight", "effective_weight")
    return [[lb[k] for k in keys]] + [[n[k] for k in keys] for n in nodes]


def _diagnostics(diagnostics, lb) -> list[list]:
    header = [lb["code"], lb["indicator"], lb["group"], lb["units"], lb["message"]]
    table = [header]
    for d in diagnostics:
        units = ", ".join(d["units"])
        table.append([d["code"], d["indicator"], d["group"], units, d["message"]])
    if not diagnostics:
        table.append([lb["none"]])
    return table


def _settings(settings: Mapping, lb) -> list[list]:
    table = [[lb["setting"], lb["value"]]]
    for key, value in settings.items():
        if isinstance(value, dict | list | tuple):
            value = json.dumps(value, ensure_ascii=False)
        table.append([key, value])
    return table
