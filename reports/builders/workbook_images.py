"""The image sheets of the committee workbook (no Django): heat maps of the pillars
and the rank intervals, drawn with matplotlib and embedded as PNG."""

from __future__ import annotations

from io import BytesIO

from openpyxl.drawing.image import Image

from common.xlsx import INTEGER, SheetWriter, number, sheet_title
from reports.builders import charts
from reports.builders.workbook_book import Book, is_ranked

IMAGE_ROWS = 40


def heat_maps_sheet(*, book: Book) -> None:
    """One heat map of the pillar percentages per ranking group."""
    sheet = book.wb.create_sheet(sheet_title(book.labels["sheet_heat_map"]))
    row = 1
    for section in book.report.sections:
        for group in section.groups():
            rows = section.group_rows(group)
            png = charts.heat_map_png(
                units=[section.units[i].name for i in rows],
                pillars=[p.code for p in section.pillars],
                values=section.pillar_values[rows],
                title=f"{book.labels['title_heat_map']} – {group}",
            )
            row = _add_png(sheet, png, row)


def rank_intervals_sheet(*, book: Book) -> None:
    """The 5–95% interval of each ranked unit's rank, as a table and a chart."""
    sections = [s for s in book.report.sections if s.rank_intervals is not None]
    if not sections:
        return
    lb = book.labels
    sheet = SheetWriter(
        book.wb, sheet_title(lb["sheet_rank_intervals"]), [26, 36, 8, 8, 8, 8]
    )
    book.heading(sheet, lb["title_rank_intervals"])
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
            rows = [i for i in section.group_rows(group) if is_ranked(section.units[i])]
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


def _add_png(sheet, png: bytes, row: int) -> int:
    image = Image(BytesIO(png))
    sheet.add_image(image, f"A{row}")
    return row + max(IMAGE_ROWS, int(image.height / 20) + 2)
