"""The steering committee workbook (.xlsx): a pure builder that returns bytes.

No Django and none of our apps: it reads a :class:`reports.builders.data.Report` and a
dict of labels translated by the caller. Sheets are written in write-only
(streaming) mode; native Excel charts sit on their own sheet and read their data
from the sheets above or from a small "chart data" sheet, and the matplotlib
images (heat maps, rank intervals) are embedded as PNG.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO

import numpy as np
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from common.figures import percent
from common.xlsx import (
    BOLD,
    BOTTOM_FILL,
    DATETIME,
    INTEGER,
    PERCENT,
    PERCENT_CHANGE,
    POINTS,
    RANK_CHANGE,
    TITLE,
    TOP_FILL,
    SheetWriter,
    number,
    share,
    sheet_title,
    value_share,
)
from reports.builders import charts
from reports.builders.data import Report, Section, UnitRow, data_digest
from reports.builders.workbook_charts import ChartData, add_native_charts

TOP_N = 3
IMAGE_ROWS = 40


def workbook_bytes(
    report: Report,
    labels: Mapping[str, str],
    *,
    images: bool = True,
    native_charts: bool = True,
) -> bytes:
    """Write the committee workbook of ``report``; ``labels`` come translated.

    ``report.committee`` (or :meth:`Report.without_free_text`) leaves out every
    comment and explanation.
    """
    if report.committee:
        report = report.without_free_text()
    wb = Workbook(write_only=True)
    book = _Book(wb, report, labels)
    book.summary()
    book.levels()
    for section in report.sections:
        book.pillars(section)
    for section in report.sections:
        book.indicators(section)
    book.gaps()
    if report.comments:
        book.comments()
    book.progress()
    book.trends()
    if native_charts:
        add_native_charts(wb, report, labels, book.chart_data)
    if images:
        book.heat_maps()
        book.rank_intervals()
    book.method()
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class _Book:
    def __init__(self, wb: Workbook, report: Report, labels: Mapping[str, str]):
        self.wb, self.report, self.labels = wb, report, labels
        self.chart_data = ChartData()
        self.multi = len(report.sections) > 1

    def _title(self, key: str, section: Section | None = None) -> str:
        suffix = section.key if section is not None and self.multi else ""
        return sheet_title(self.labels[key], suffix)

    def _heading(self, sheet: SheetWriter, text: str) -> None:
        sheet.append([text], font=TITLE)
        sheet.append([self.report.campaign])

    # Summary -----------------------------------------------------------------
    def summary(self) -> None:
        lb = self.labels
        sheet = SheetWriter(
            self.wb,
            self._title("sheet_summary"),
            [26, 7, 14, 40, 11, 11, 9, 14, 11, 10, 9, 22],
            freeze="E4",
        )
        self._heading(sheet, lb["title_summary"])
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
        for section in self.report.sections:
            for group in section.groups():
                rows = section.group_rows(group)
                ranked = [i for i in rows if _is_ranked(section.units[i])]
                first = sheet.row + 1
                for i in rows:
                    unit = section.units[i]
                    note, fill = self._note(
                        unit, ranked.index(i) if i in ranked else -1, len(ranked)
                    )
                    sheet.append(_summary_row(section, unit, note), fmts, fill=fill)
                self.chart_data.ranking.append(
                    (section, group, sheet.title, first, first + len(ranked) - 1)
                )
        sheet.filter(head, sheet.row, 12)

    def _note(self, unit: UnitRow, position: int, n_ranked: int):
        lb = self.labels
        if not unit.submitted:
            return lb["not_submitted"], None
        if position < 0:
            return lb["not_ranked"], None
        if position < TOP_N:
            return lb["top"], TOP_FILL
        if n_ranked > 2 * TOP_N and position >= n_ranked - TOP_N:
            return lb["bottom"], BOTTOM_FILL
        return None, None

    # Levels ------------------------------------------------------------------
    def levels(self) -> None:
        lb = self.labels
        sheet = SheetWriter(
            self.wb, self._title("sheet_levels"), [30, 12, 12, 12, 12, 12, 12, 12, 12]
        )
        self._heading(sheet, lb["title_levels"])
        for section in self.report.sections:
            names = [level.name for level in section.levels]
            sheet.blank()
            if self.multi:
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
                counts = [
                    sum(u.level == lv.code for u in units) for lv in section.levels
                ]
                not_submitted = sum(not u.submitted for u in units)
                not_ranked = sum(not _is_ranked(u) for u in units)
                sheet.append([group, *counts, len(units), not_submitted, not_ranked])
            self.chart_data.levels.append(
                (section, sheet.title, head, first, sheet.row)
            )

    # Pillars -----------------------------------------------------------------
    def pillars(self, section: Section) -> None:
        lb = self.labels
        names = [f"{p.code}. {p.name}" for p in section.pillars]
        sheet = SheetWriter(
            self.wb,
            self._title("sheet_pillars", section),
            [26, 7, 14, 36, *([14] * len(names)), 11],
            freeze="E4",
        )
        self._heading(sheet, f"{lb['title_pillars']} – {section.title}")
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
                    share(section.pillar_percent(i, j))
                    for j in range(len(section.pillars))
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

    # Indicators --------------------------------------------------------------
    def indicators(self, section: Section) -> None:
        if section.final_points is None:
            return
        lb = self.labels
        k = len(section.indicators)
        sheet = SheetWriter(
            self.wb,
            self._title("sheet_indicators", section),
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

    # Gaps and comments -------------------------------------------------------
    def gaps(self) -> None:
        lb = self.labels
        full = not self.report.committee
        sheet = SheetWriter(
            self.wb,
            self._title("sheet_gaps"),
            [26, 14, 36, 10, 50, 9, 9, 9, 9, 40, 40],
            freeze="D4",
        )
        self._heading(sheet, lb["title_gaps"])
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
        notes = {(c.unit_code, c.indicator_code): c for c in self.report.comments}
        fmts = [None] * 5 + [POINTS] * 4
        for section, i, j, gap in _gap_rows(self.report):
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
            sheet.append(row, fmts)
        sheet.filter(head, sheet.row, len(columns))

    def comments(self) -> None:
        lb = self.labels
        sheet = SheetWriter(
            self.wb, self._title("sheet_comments"), [14, 36, 12, 60, 60], freeze="A4"
        )
        self._heading(sheet, lb["title_comments"])
        head = sheet.header(
            [
                lb["unit_code"],
                lb["unit"],
                lb["indicator_code"],
                lb["comment"],
                lb["explanation"],
            ]
        )
        for c in self.report.comments:
            sheet.append(
                [
                    c.unit_code,
                    c.unit_name,
                    c.indicator_code,
                    c.comment or None,
                    c.explanation or None,
                ]
            )
        sheet.filter(head, sheet.row, 5)

    # Progress ----------------------------------------------------------------
    def progress(self) -> None:
        lb = self.labels
        sheet = SheetWriter(
            self.wb,
            self._title("sheet_progress"),
            [26, 14, 36, 22, 10, 17, 10, 10, 10],
            freeze="D4",
        )
        self._heading(sheet, lb["title_progress"])
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
        fmts = [None] * 5 + [DATETIME, INTEGER, INTEGER, PERCENT]
        for section in self.report.sections:
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

    # Trends ------------------------------------------------------------------
    def trends(self) -> None:
        lb, years = self.labels, self.report.years
        sheet = SheetWriter(
            self.wb,
            self._title("sheet_trends"),
            [26, 14, 36, *([10] * (2 * len(years) + 2))],
            freeze="D4",
        )
        self._heading(sheet, lb["title_trends"])
        columns = [lb["group"], lb["unit_code"], lb["unit"]]
        for year in years:
            columns += [f"{lb['percent']} {year}", f"{lb['rank']} {year}"]
        head = sheet.header([*columns, lb["value_change"], lb["rank_change"]])
        fmts = (
            [None] * 3 + [PERCENT, INTEGER] * len(years) + [PERCENT_CHANGE, RANK_CHANGE]
        )
        for section in self.report.sections:
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
                with np.errstate(all="ignore"):
                    means = np.nanmean(history[rows], axis=0) if rows else []
                self.chart_data.trends.append(
                    (section, group, [value_share(float(m)) for m in means])
                )
        sheet.filter(head, sheet.row, len(columns) + 2)

    # Images ------------------------------------------------------------------
    def heat_maps(self) -> None:
        sheet = self.wb.create_sheet(sheet_title(self.labels["sheet_heat_map"]))
        row = 1
        for section in self.report.sections:
            for group in section.groups():
                rows = section.group_rows(group)
                png = charts.heat_map_png(
                    units=[section.units[i].name for i in rows],
                    pillars=[p.code for p in section.pillars],
                    values=section.pillar_values[rows],
                    title=f"{self.labels['title_heat_map']} – {group}",
                )
                row = _add_png(sheet, png, row)

    def rank_intervals(self) -> None:
        sections = [s for s in self.report.sections if s.rank_intervals is not None]
        if not sections:
            return
        lb = self.labels
        sheet = SheetWriter(
            self.wb, sheet_title(lb["sheet_rank_intervals"]), [26, 36, 8, 8, 8, 8]
        )
        self._heading(sheet, lb["title_rank_intervals"])
        sheet.header(
            [
                lb["group"],
                lb["unit"],
                lb["rank"],
                lb["median_rank"],
                lb["rank_q05"],
                lb["rank_q95"],
            ]
        )
        fmts = [None, None, INTEGER, "0.0", "0.0", "0.0"]
        row = 1
        for section in sections:
            for group in section.groups():
                rows = [
                    i for i in section.group_rows(group) if _is_ranked(section.units[i])
                ]
                if not rows:
                    continue
                for i in rows:
                    u, q = section.units[i], section.rank_intervals[i]
                    sheet.append(
                        [group, u.name, u.rank, *(number(float(x)) for x in q)], fmts
                    )
                png = charts.rank_intervals_png(
                    units=[section.units[i].name for i in rows],
                    nominal=[section.units[i].rank for i in rows],
                    intervals=section.rank_intervals[rows],
                    title=f"{lb['title_rank_intervals']} – {group}",
                    xlabel=lb["rank"],
                )
                image = Image(BytesIO(png))
                sheet.sheet.add_image(image, f"H{row}")
                row += max(IMAGE_ROWS, int(image.height / 20) + 2)

    # Method ------------------------------------------------------------------
    def method(self) -> None:
        lb, report = self.labels, self.report
        sheet = SheetWriter(self.wb, self._title("sheet_method"), [34, 90])
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
            sheet.append([name, text])


def _is_ranked(unit: UnitRow) -> bool:
    return unit.ranked and unit.rank is not None


def _summary_row(section: Section, unit: UnitRow, note: str | None) -> list:
    return [
        unit.group,
        unit.rank if _is_ranked(unit) else None,
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


def _add_png(sheet, png: bytes, row: int) -> int:
    image = Image(BytesIO(png))
    sheet.add_image(image, f"A{row}")
    return row + max(IMAGE_ROWS, int(image.height / 20) + 2)
