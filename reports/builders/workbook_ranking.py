"""The results sheets of the committee workbook (no Django): the summary ranking,
the count of units per level, the pillar percentages and the points per indicator."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from common.xlsx import (
    BOLD,
    BOTTOM_FILL,
    INTEGER,
    PERCENT,
    PERCENT_CHANGE,
    POINTS,
    TOP_FILL,
    number,
    share,
)
from reports.builders.data import Section, UnitRow
from reports.builders.workbook_book import Book, is_ranked
from reports.builders.workbook_print import column_px, fit, localised, page_box

TOP_N = 3
# A number right-aligned beside a text column keeps a space from it on paper.
RANK = "0_)"
CHANGE = "+0_);-0_);0_)"


def summary_sheet(*, book: Book) -> None:
    """One row per unit, ranked within its group, its self-assessed level and rank
    beside the final ones; the first three, and in larger groups the last three,
    marked."""
    lb = book.labels
    units = [u for section in book.report.sections for u in section.units]
    levels = [lv.name for section in book.report.sections for lv in section.levels]
    notes = [lb[k] for k in ("top", "bottom", "not_submitted", "not_ranked")]
    sheet = book.sheet(
        book.title("sheet_summary"),
        [fit([u.group for u in units], 10, 24), 6, fit([u.code for u in units], 7, 14)]
        + [fit([u.name for u in units], 16, 36), 9, 10, 8, fit(levels, 10, 16)]
        + [fit(levels, 10, 16), 9, 10, 8, 9, fit(notes, 8, 16) + 1],
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
            lb["self_level"],
            lb["self_rank"],
            lb["value_change"],
            lb["previous_rank"],
            lb["rank_change"],
            lb["note"],
        ]
    )
    sheet.repeat(1, head)
    fmts = [None, RANK, None, None, POINTS, POINTS, PERCENT + "_)", None, None, RANK]
    fmts += [PERCENT_CHANGE, INTEGER, CHANGE, None]
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
    sheet.filter(head, sheet.row, 14)
    book.finish(sheet)


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
    groups = [g for section in book.report.sections for g in section.groups()]
    names = [lv.name for section in book.report.sections for lv in section.levels]
    width = fit([*names, lb["not_submitted"], lb["not_ranked"]], 10, 14)
    sheet = book.sheet(
        book.title("sheet_levels"), [fit(groups, 16, 30), *([width] * 8)]
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
        if not book.multi:
            sheet.repeat(1, head)
    book.finish(sheet)


SCALE = (("F8696B", 0), ("FFEB84", 0.5), ("63BE7B", 1))


def pillars_sheet(*, book: Book, section: Section) -> None:
    """Each unit's percentage of each pillar of ``section``, coloured red to green,
    with the colour scale's key in the rows repeated on every page."""
    lb = book.labels
    names = [f"{p.code}. {p.name}" for p in section.pillars]
    units = section.units
    sheet = book.sheet(
        book.title("sheet_pillars", section),
        [fit([u.group for u in units], 10, 24), 6, fit([u.code for u in units], 7, 14)]
        + [fit([u.name for u in units], 16, 36), *([12] * len(names)), 10],
        freeze="E5",
    )
    book.heading(sheet, f"{lb['title_pillars']} – {section.title}")
    key = [WriteOnlyCell(sheet.sheet, value=v) for v in (0, 0.5, 1)]
    for cell, (colour, _v) in zip(key, SCALE, strict=True):
        cell.fill = PatternFill("solid", fgColor=colour)
        cell.number_format = localised("0%", book.report.lang)
        cell.alignment = Alignment(horizontal="center")
    sheet.sheet.append([lb["colour_scale"], None, None, None, *key])
    sheet.row += 1
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
    sheet.repeat(1, head)
    fmts = [None, RANK, None, None, *([PERCENT] * (len(names) + 1))]
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
                start_color=SCALE[0][0],
                mid_type="num",
                mid_value=0.5,
                mid_color=SCALE[1][0],
                end_type="num",
                end_value=1,
                end_color=SCALE[2][0],
            ),
        )
    sheet.filter(head, sheet.row, 4 + len(names) + 1)
    book.finish(sheet)


MEASURE_WIDTH = 6.5
# The smallest print scale of an indicator sheet: it sets how many indicators
# one sheet holds (four columns each) for its page to stay legible.
MIN_SCALE = 0.75


def indicator_parts(section: Section, fixed: Sequence[float]) -> list[list[int]]:
    """Indices of ``section``'s indicators, by pillar, cut into runs that fit one
    landscape page wide next to the ``fixed`` columns."""
    room = page_box(portrait=False)[0] / MIN_SCALE - sum(map(column_px, fixed))
    per_part = max(1, int(room // (4 * column_px(MEASURE_WIDTH))))
    by_pillar: dict[str, list[int]] = {}
    for j, ind in enumerate(section.indicators):
        by_pillar.setdefault(ind.pillar, []).append(j)
    parts = []
    for indices in by_pillar.values():
        n_parts = math.ceil(len(indices) / per_part)
        size = math.ceil(len(indices) / n_parts)
        parts += [indices[k : k + size] for k in range(0, len(indices), size)]
    return parts


def indicators_sheets(*, book: Book, section: Section) -> None:
    """Final, self-assessed and verified points of each indicator, and their gap:
    one sheet per pillar, or per run of a pillar's indicators, each one landscape
    page wide, named by the codes it holds."""
    if section.final_points is None:
        return
    units = section.units
    fixed = [
        fit([u.group for u in units], 10, 16),
        fit([u.code for u in units], 7, 12),
        fit([u.name for u in units], 16, 28),
    ]
    final, own, verified = (
        section.final_points,
        section.self_points,
        section.verified_points,
    )
    block = np.stack([final, own, verified, own - verified], axis=2)
    block = block.astype(object)
    block[np.isnan(block.astype(float))] = None
    pillars = {p.code: p for p in section.pillars}
    for part in indicator_parts(section, fixed):
        _indicators_part(book, section, part, fixed, block, pillars)


def _indicators_part(book, section, part, fixed, block, pillars) -> None:
    lb = book.labels
    inds = [section.indicators[j] for j in part]
    codes = inds[0].code if len(inds) == 1 else f"{inds[0].code}–{inds[-1].code}"
    k = len(part)
    sheet = book.sheet(
        book.title("sheet_indicators", section, codes),
        [*fixed, *([MEASURE_WIDTH] * (4 * k))],
        freeze="D5",
    )
    pillar = pillars.get(inds[0].pillar)
    title = lb["title_indicators"]
    if pillar is not None:
        title += f" – {pillar.code}. {pillar.name}"
    book.heading(sheet, title)
    top = [None, None, None]
    for ind in inds:
        top += [f"{ind.code} {ind.name}", None, None, None]
    sheet.header(top, merged=4)
    for n in range(k):
        col = 4 + 4 * n
        sheet.sheet.merged_cells.ranges.add(
            f"{get_column_letter(col)}3:{get_column_letter(col + 3)}3"
        )
    measures = [lb["final"], lb["self"], lb["verified"], lb["gap"]]
    head = sheet.header([lb["group"], lb["unit_code"], lb["unit"], *(measures * k)])
    sheet.repeat(1, head)
    fmts = [None, None, None, *([POINTS] * (4 * k))]
    for group in section.groups():
        for i in section.group_rows(group):
            unit = section.units[i]
            values = block[i, part].reshape(4 * k).tolist()
            sheet.append([group, unit.code, unit.name, *values], fmts)
    sheet.filter(head, sheet.row, 3 + 4 * k)
    book.finish(sheet)


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
        section.level_name(unit.self_level) if unit.self_level else None,
        unit.self_rank if unit.ranked else None,
        share(unit.percent_change),
        unit.previous_rank,
        unit.rank_change,
        note,
    ]
