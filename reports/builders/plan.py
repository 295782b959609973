"""A unit's plan for next year as .docx and .xlsx: pure builders, no Django.

The Django side (:mod:`reports.services.planner`) fills a :class:`PlanDocument`
from the saved plan and the engine's what-if, and hands over the labels
translated. Numbers are numbers and dates are dates in the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from io import BytesIO

from docx.shared import Pt
from openpyxl import Workbook

from common.xlsx import BOLD, DATE, PERCENT, POINTS, TITLE, SheetWriter, sheet_title
from reports.builders.docx import (
    _centred,
    _document,
    _fast_table,
    _landscape,
    _save,
    number_vi,
)

WIDTHS = [10, 44, 22, 12, 22, 12, 12, 18, 24, 14]
# Characters neither a sheet nor a Word document may hold (XML 1.0): C0 controls
# and DEL, each shown as a space
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PlanLine:
    code: str
    name: str
    current_answer: str
    current_points: float | None
    target_answer: str
    target_points: float | None
    points_gained: float | None
    level_after: str
    responsible: str
    due: date | None


@dataclass(frozen=True)
class PlanDocument:
    unit: str
    campaign: str
    points_now: float | None
    points_after: float | None
    maximum: float | None
    value_now: float | None
    value_after: float | None
    level_now: str
    level_after: str
    lines: tuple[PlanLine, ...]
    lang: str = "vi"


def printable(text: str) -> str:
    """``text`` without control characters (a tab or line break typed before
    the form refused them, or an old plan): each becomes a space."""
    return CONTROL_CHARACTERS.sub(" ", text)


def _printable(record):
    """A copy of the dataclass ``record`` with its text fields printable."""
    return replace(
        record,
        **{
            f.name: printable(getattr(record, f.name))
            for f in fields(record)
            if isinstance(getattr(record, f.name), str)
        },
    )


def _clean(plan: PlanDocument) -> PlanDocument:
    return replace(
        _printable(plan), lines=tuple(_printable(line) for line in plan.lines)
    )


def _header(labels: Mapping[str, str]) -> list[str]:
    keys = (
        "code",
        "indicator",
        "current_answer",
        "current_points",
        "target_answer",
        "target_points",
        "points_gained",
        "level_after",
        "responsible",
        "due",
    )
    return [labels[f"plan_{key}"] for key in keys]


def plan_xlsx_bytes(plan: PlanDocument, labels: Mapping[str, str]) -> bytes:
    plan = _clean(plan)
    workbook = Workbook(write_only=True)
    sheet = SheetWriter(workbook, sheet_title(labels["plan_title"]), WIDTHS)
    sheet.append([labels["plan_title"]], font=TITLE)
    sheet.append([labels["plan_unit"], plan.unit])
    sheet.append([labels["plan_campaign"], plan.campaign])
    sheet.append(
        [labels["plan_points_now"], plan.points_now, plan.value_now, plan.level_now],
        [None, POINTS, PERCENT],
    )
    sheet.append(
        [
            labels["plan_points_after"],
            plan.points_after,
            plan.value_after,
            plan.level_after,
        ],
        [None, POINTS, PERCENT],
    )
    sheet.append([labels["plan_maximum"], plan.maximum], [None, POINTS])
    sheet.blank()
    sheet.header(_header(labels))
    formats = [None, None, None, POINTS, None, POINTS, POINTS, None, None, DATE]
    for line in plan.lines:
        sheet.append(
            [
                line.code,
                line.name,
                line.current_answer,
                line.current_points,
                line.target_answer,
                line.target_points,
                line.points_gained,
                line.level_after,
                line.responsible,
                line.due,
            ],
            formats,
        )
    if not plan.lines:
        sheet.append([labels["plan_empty"]], font=BOLD)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_docx_bytes(plan: PlanDocument, labels: Mapping[str, str]) -> bytes:
    plan = _clean(plan)
    doc = _document()
    _landscape(doc)
    lang = plan.lang
    _centred(doc, labels["plan_title"].upper(), bold=True)
    _centred(doc, f"{plan.unit} · {plan.campaign}", italic=True, size=13)
    for label, points, value, level in (
        (labels["plan_points_now"], plan.points_now, plan.value_now, plan.level_now),
        (
            labels["plan_points_after"],
            plan.points_after,
            plan.value_after,
            plan.level_after,
        ),
    ):
        percent = None if value is None else value * 100
        paragraph = doc.add_paragraph(
            f"{label}: {number_vi(points, 2, lang)} / "
            f"{number_vi(plan.maximum, 2, lang)} "
            f"({number_vi(percent, 2, lang)} %) – {level or '—'}"
        )
        paragraph.paragraph_format.space_after = Pt(0)
    if not plan.lines:
        doc.add_paragraph(labels["plan_empty"])
        return _save(doc)
    rows = [
        [
            line.code,
            line.name,
            line.current_answer,
            number_vi(line.current_points, 2, lang),
            line.target_answer,
            number_vi(line.target_points, 2, lang),
            number_vi(line.points_gained, 2, lang),
            line.level_after,
            line.responsible,
            line.due.strftime("%d/%m/%Y") if line.due else "",
        ]
        for line in plan.lines
    ]
    _fast_table(doc, _header(labels), rows, [12, 40, 22, 12, 22, 12, 12, 18, 22, 14])
    return _save(doc)
