"""The results sheets of the committee workbook (no Django): the summary ranking,
the count of units per level, the pillar percentages and the points per indicator."""

from __future__ import annotations

import numpy as np
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from common.xlsx import (
    BOLD,
    BOTTOM_FILL,
    INTEGER,
    PERCENT,
    PERCENT_CHANGE,
    POINTS,
    RANK_CHANGE,
    TOP_FILL,
    SheetWriter,
    number,
    share,
)
from reports.builders.data import Section, UnitRow
from reports.builders.workbook_book import Book, is_ranked

TOP_N = 3


def summary_sheet(*, book: Book) -> None:
    """One row per unit, ranked within its group; the first three, and in larger
    groups the last three, marked."""
    lb = book.labels
    sheet = SheetWriter(
        book.wb,
        book.title("sheet_summary"),
        [26, 7, 14, 40, 11, 11, 9, 14, 11, 10, 9, 22],
        freeze="E4",
    )
    book.heading(sheet, lb["title_summary"])
    head = sheet.header(
        [
            lb["group"],
            lb["rank"],
            lb["unit_code"],
            lb["unit"],
            lb["points"],
            lb["applicable_max"],
            lb["percent"],
            lb["level"],
            lb["value_change"],
            lb["previous_rank"],
            lb["rank_change"],
            lb["note"],
        ]
    )
    fmts = [None, INTEGER, None, None, POINTS, POINTS, PERCENT, None]
    fmts += [PERCENT_CHANGE, INTEGER, RANK_CHANGE, None]
    for section in book.report.sections:
        for group in section.groups():
            rows = section.group_rows(group)
            ranked = [i for i in rows if is_ranked(section.units[i])]
            first = sheet.row + 1
            for i in rows:
                unit = section.units[i]
                note, fill = _note(
                    book, unit, ranked.index(i) if i in ranked else -1, len(ranked)
                )
                sheet.append(_summary_row(section, unit, note), fmts, fill=fill)
            book.chart_data.ranking.append(
                (section, group, sheet.title, first, first + len(ranked) - 1)
            )
    sheet.filter(head, sheet.row, 12)


def _note(book: Book, unit: UnitRow, position: int, n_ranked: int):
    lb = book.labels
    if not unit.submitted:
        return lb["not_submitted"], None
    if position < 0:
        return lb["not_ranked"], None
    if position < TOP_N:
        return lb["top"], TOP_FILL
    if n_ranked > 2 * TOP_N and position >= n_ranked - TOP_N:
        return lb["bottom"], BOTTOM_FILL
    return None, None


def levels_sheet(*, book: Book) -> None:
    """How many units of each group reached each level."""
    lb = book.labels
    sheet = SheetWriter(
        book.wb, book.title("sheet_levels"), [30, 12, 12, 12, 12, 12, 12, 12, 12]
    )
    book.heading(sheet, lb["title_levels"])
    for section in book.report.sections:
        names = [level.name for level in section.levels]
        sheet.blank()
        if book.multi:
            sheet.append([section.title], font=BOLD)
        head = sheet.header(
            [
                lb["group"],
                *names,
                lb["total"],
                lb["not_submitted"],
                lb["not_ranked"],
            ]
        )
        first = head + 1
        for group in section.groups():
            units = [section.units[i] for i in section.group_rows(group)]
            counts = [sum(u.level == lv.code for u in units) for lv in section.levels]
            not_submitted = sum(not u.submitted for u in units)
            not_ranked = sum(not is_ranked(u) for u in units)
            sheet.append([group, *counts, len(units), not_submitted, not_ranked])
        book.chart_data.levels.append((section, sheet.title, head, first, sheet.row))


def pillars_sheet(*, book: Book, section: Section) -> None:
    """Each unit's percentage of each pillar of ``section``, coloured red to green."""
    lb = book.labels
    names = [f"{p.code}. {p.name}" for p in section.pillars]
    sheet = SheetWriter(
        book.wb,
        book.title("sheet_pillars", section),
        [26, 7, 14, 36, *([14] * len(names)), 11],
        freeze="E4",
    )
    book.heading(sheet, f"{lb['title_pillars']} – {section.title}")
    head = sheet.header(
        [
            lb["group"],
            lb["rank"],
            lb["unit_code"],
            lb["unit"],
            *names,
            lb["total_percent"],
        ]
    )
    fmts = [None, INTEGER, None, None, *([PERCENT] * (len(names) + 1))]
    for group in section.groups():
        for i in section.group_rows(group):
            unit = section.units[i]
            values = [
                share(section.pillar_percent(i, j)) for j in range(len(section.pillars))
            ]
            sheet.append(
                [
                    group,
                    unit.rank,
                    unit.code,
                    unit.name,
                    *values,
                    share(unit.percent),
                ],
                fmts,
            )
    last_col = get_column_letter(4 + len(names) + 1)
    if sheet.row > head:
        sheet.sheet.conditional_formatting.add(
            f"E{head + 1}:{last_col}{sheet.row}",
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="F8696B",
                mid_type="num",
                mid_value=0.5,
                mid_color="FFEB84",
                end_type="num",
                end_value=1,
                end_color="63BE7B",
            ),
        )
    sheet.filter(head, sheet.row, 4 + len(names) + 1)


def indicators_sheet(*, book: Book, section: Section) -> None:
    """Final, self-assessed and verified points of each indicator, and their gap."""
    if section.final_points is None:
        return
    lb = book.labels
    k = len(section.indicators)
    sheet = SheetWriter(
        book.wb,
        book.title("sheet_indicators", section),
        [26, 14, 36, *([9] * (4 * k))],
        freeze="D3",
    )
    top = [None, None, None]
    for ind in section.indicators:
        top += [f"{ind.code} {ind.name}", None, None, None]
    sheet.append(top, font=BOLD)
    for n in range(k):
        col = 4 + 4 * n
        sheet.sheet.merged_cells.ranges.add(
            f"{get_column_letter(col)}1:{get_column_letter(col + 3)}1"
        )
    measures = [lb["final"], lb["self"], lb["verified"], lb["gap"]]
    head = sheet.header([lb["group"], lb["unit_code"], lb["unit"], *(measures * k)])
    fmts = [None, None, None, *([POINTS] * (4 * k))]
    final, own, verified = (
        section.final_points,
        section.self_points,
        section.verified_points,
    )
    gap = own - verified
    block = np.stack([final, own, verified, gap], axis=2).reshape(
        len(section.units), 4 * k
    )
    block = block.astype(object)
    block[np.isnan(block.astype(float))] = None
    for group in section.groups():
        for i in section.group_rows(group):
            unit = section.units[i]
            sheet.append([group, unit.code, unit.name, *block[i].tolist()], fmts)
    sheet.filter(head, sheet.row, 3 + 4 * k)


def _summary_row(section: Section, unit: UnitRow, note: str | None) -> list:
    return [
        unit.group,
        unit.rank if is_ranked(unit) else None,
        unit.code,
        unit.name,
        number(unit.points),
        number(unit.maximum),
        share(unit.percent),
        section.level_name(unit.level) if unit.level else None,
        share(unit.percent_change),
        unit.previous_rank,
        unit.rank_change,
        note,
    ]
