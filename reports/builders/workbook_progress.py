"""The review, history and method sheets of the committee workbook (no Django):
the gaps between self-assessed and verified points, the comments, the filling
progress, the trends over the years and the method."""

from __future__ import annotations

import warnings

import numpy as np

from common.figures import percent
from common.xlsx import (
    BOLD,
    DATETIME,
    INTEGER,
    PERCENT,
    PERCENT_CHANGE,
    POINTS,
    RANK_CHANGE,
    TITLE,
    share,
    value_share,
)
from reports.builders.data import Report, Section, data_digest
from reports.builders.workbook_book import Book
from reports.builders.workbook_print import fit


def gaps_sheet(*, book: Book) -> None:
    """Every indicator whose verified points differ from the self-assessed ones,
    largest gap first."""
    lb = book.labels
    full = not book.report.committee
    units = [u for section in book.report.sections for u in section.units]
    sheet = book.sheet(
        book.title("sheet_gaps"),
        [fit([u.group for u in units], 10, 16), fit([u.code for u in units], 7, 12)]
        + [fit([u.name for u in units], 16, 28), 8, 36 if full else 50]
        + [10, 10, 10, 10, 30, 30],
        freeze="D4",
    )
    book.heading(sheet, lb["title_gaps"])
    columns = [
        lb["group"],
        lb["unit_code"],
        lb["unit"],
        lb["indicator_code"],
        lb["indicator"],
    ]
    columns += [lb["max_points"], lb["self"], lb["verified"], lb["gap"]]
    if full:
        columns += [lb["comment"], lb["explanation"]]
    head = sheet.header(columns)
    sheet.repeat(1, head)
    notes = {(c.unit_code, c.indicator_code): c for c in book.report.comments}
    fmts = [None] * 5 + [POINTS] * 4
    for section, i, j, gap in _gap_rows(book.report):
        unit, ind = section.units[i], section.indicators[j]
        row = [unit.group, unit.code, unit.name, ind.code, ind.name, ind.max_points]
        row += [
            float(section.self_points[i, j]),
            float(section.verified_points[i, j]),
            gap,
        ]
        if full:
            note = notes.get((unit.code, ind.code))
            row += [note.comment, note.explanation] if note else []
        sheet.append(row, fmts, wrap=(4, 9, 10) if full else (4,))
    sheet.filter(head, sheet.row, len(columns))
    book.finish(sheet, columns=len(columns))


def comments_sheet(*, book: Book) -> None:
    """Each unit's comments and the reviewers' explanations, one answer a row."""
    lb = book.labels
    comments = book.report.comments
    sheet = book.sheet(
        book.title("sheet_comments"),
        [fit([c.unit_code for c in comments], 7, 12)]
        + [fit([c.unit_name for c in comments], 16, 28), 8, 45, 45],
        freeze="A4",
    )
    book.heading(sheet, lb["title_comments"])
    head = sheet.header(
        [
            lb["unit_code"],
            lb["unit"],
            lb["indicator_code"],
            lb["comment"],
            lb["explanation"],
        ]
    )
    sheet.repeat(1, head)
    for c in book.report.comments:
        sheet.append(
            [
                c.unit_code,
                c.unit_name,
                c.indicator_code,
                c.comment or None,
                c.explanation or None,
            ],
            wrap=(3, 4),
        )
    sheet.filter(head, sheet.row, 5)
    book.finish(sheet)


def progress_sheet(*, book: Book) -> None:
    """How far each unit got: its state, submission and share of answers."""
    lb = book.labels
    units = [u for section in book.report.sections for u in section.units]
    sheet = book.sheet(
        book.title("sheet_progress"),
        [fit([u.group for u in units], 10, 24), fit([u.code for u in units], 7, 14)]
        + [fit([u.name for u in units], 16, 36), fit([u.state for u in units], 10, 22)]
        + [9, 16, 10, 11, 10],
        freeze="D4",
    )
    book.heading(sheet, lb["title_progress"])
    head = sheet.header(
        [
            lb["group"],
            lb["unit_code"],
            lb["unit"],
            lb["state"],
            lb["submitted"],
            lb["submitted_at"],
            lb["answered"],
            lb["applicable"],
            lb["percent_answered"],
        ]
    )
    sheet.repeat(1, head)
    fmts = [None] * 5 + [DATETIME, INTEGER, INTEGER, PERCENT]
    for section in book.report.sections:
        for group in section.groups():
            for i in section.group_rows(group):
                u = section.units[i]
                answered = share(percent(u.answered, u.applicable))
                yes = lb["yes"] if u.submitted else lb["no"]
                sheet.append(
                    [
                        u.group,
                        u.code,
                        u.name,
                        u.state,
                        yes,
                        u.submitted_at,
                        u.answered,
                        u.applicable,
                        answered,
                    ],
                    fmts,
                )
    sheet.filter(head, sheet.row, 9)
    book.finish(sheet)


def trends_sheet(*, book: Book) -> None:
    """Each unit's percentage and rank in each year, and the change since last year."""
    lb, years = book.labels, book.report.years
    units = [u for section in book.report.sections for u in section.units]
    sheet = book.sheet(
        book.title("sheet_trends"),
        [fit([u.group for u in units], 10, 24), fit([u.code for u in units], 7, 14)]
        + [fit([u.name for u in units], 16, 36), *([9] * (2 * len(years) + 2))],
        freeze="D4",
    )
    book.heading(sheet, lb["title_trends"])
    columns = [lb["group"], lb["unit_code"], lb["unit"]]
    for year in years:
        columns += [f"{lb['percent']} {year}", f"{lb['rank']} {year}"]
    head = sheet.header([*columns, lb["value_change"], lb["rank_change"]])
    sheet.repeat(1, head)
    fmts = [None] * 3 + [PERCENT, INTEGER] * len(years) + [PERCENT_CHANGE, RANK_CHANGE]
    for section in book.report.sections:
        history = _history(section, len(years))
        ranks = section.history_ranks
        for group in section.groups():
            rows = section.group_rows(group)
            for i in rows:
                u = section.units[i]
                row = [u.group, u.code, u.name]
                for y in range(len(years)):
                    rank = ranks[i, y] if ranks is not None else np.nan
                    row += [
                        value_share(float(history[i, y])),
                        None if np.isnan(rank) or rank <= 0 else int(rank),
                    ]
                sheet.append([*row, share(u.percent_change), u.rank_change], fmts)
            with warnings.catch_warnings():  # a year no unit has: its mean is NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                means = np.nanmean(history[rows], axis=0) if rows else []
            book.chart_data.trends.append(
                (section, group, [value_share(float(m)) for m in means])
            )
    sheet.filter(head, sheet.row, len(columns) + 2)
    book.finish(sheet)


def method_sheet(*, book: Book) -> None:
    """The campaign, the framework versions, the level thresholds and the rules."""
    lb, report = book.labels, book.report
    sheet = book.sheet(book.title("sheet_method"), [34, 80], portrait=True)
    sheet.sheet.row_dimensions[1].height = 22
    sheet.append([lb["title_method"]], font=TITLE)
    sheet.blank()
    rows = [
        (lb["campaign"], report.campaign),
        (lb["year"], report.year),
        (lb["campaign_state"], report.state),
        (lb["province"], report.province or None),
        (lb["decision_number"], report.decision_number or None),
        (lb["decision_date"], report.decision_date),
        (lb["generated_at"], report.generated_at),
        (lb["generated_by"], report.generated_by or None),
        (
            lb["version_kind"],
            lb["committee_version"] if report.committee else lb["full_version"],
        ),
        (lb["data_hash"], data_digest(report)),
    ]
    for key, value in rows:
        sheet.append(
            [key, value],
            [None, DATETIME if key == lb["generated_at"] else None],
            font=None,
            wrap=(1,),
        )
    for section in report.sections:
        sheet.blank()
        sheet.append([section.title], font=BOLD)
        sheet.append([lb["framework_version"], section.version])
        sheet.append([lb["legal_basis"], section.legal_basis or None])
        sheet.append([lb["units"], len(section.units)])
        sheet.append([lb["precision"], section.precision])
        sheet.append(
            [
                lb["level_edges"],
                lb.get(f"edges_{section.level_edges}", section.level_edges),
            ]
        )
        sheet.header([lb["level"], lb["threshold"]])
        for level in section.levels:
            sheet.append([level.name, level.min_value], [None, PERCENT])
    sheet.blank()
    sheet.append([lb["rules"]], font=BOLD)
    for name, text in report.rules:
        sheet.append([name, text], wrap=(0, 1))
    book.finish(sheet)


def _gap_rows(report: Report):
    """(section, unit index, indicator index, self − verified), largest first."""
    found = []
    for section in report.sections:
        if section.self_points is None or section.verified_points is None:
            continue
        with np.errstate(invalid="ignore"):
            gap = section.self_points - section.verified_points
        rows, cols = np.nonzero(np.nan_to_num(np.abs(gap)) > 0.005)
        found += [
            (abs(gap[i, j]), gap[i, j], section, i, j)
            for i, j in zip(rows, cols, strict=True)
        ]
    found.sort(key=lambda r: (-r[0], r[2].units[r[3]].code, r[4]))
    return [(section, int(i), int(j), float(g)) for _a, g, section, i, j in found]


def _history(section: Section, n_years: int) -> np.ndarray:
    if section.history is not None:
        return section.history
    return np.full((len(section.units), n_years), np.nan)
