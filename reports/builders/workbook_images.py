"""The image sheets of the committee workbook (no Django): heat maps of the pillars
and the rank intervals, drawn with matplotlib and embedded as PNG.

Each image is drawn for the page it prints on and placed whole on one page
(:class:`~reports.builders.workbook_print.PagePlacer`): a heat map holds at most
``HEAT_UNITS`` units and carries its own colour key, a rank-interval chart at most
``INTERVAL_UNITS``.
"""

from __future__ import annotations

from common.xlsx import INTEGER, number
from reports.builders import charts
from reports.builders.workbook_book import Book, is_ranked
from reports.builders.workbook_print import PagePlacer, column_px, fit, page_box

HEAT_UNITS = 30
# Groups larger than this show the heat maps of their first and last units; the
# Pillars sheet colours every unit.
HEAT_PAGES = 4
INTERVAL_UNITS = 40


def chunks(rows: list[int], size: int, most: int = 0) -> list[tuple[int, list[int]]]:
    """``rows`` cut into runs of ``size`` with the position of their first row;
    with ``most``, only the first and last ``most // 2`` runs."""
    runs = [(k, rows[k : k + size]) for k in range(0, len(rows), size)]
    if most and len(runs) > most:
        runs = runs[: most // 2] + runs[-(most // 2) :]
    return runs


def filler(widths: list[float], box_px: int) -> list[float]:
    """``widths`` and one more column that brings them to ``box_px`` pixels, so
    that the print area holds the images placed below them."""
    rest = box_px - sum(map(column_px, widths))
    n = max(1, round(rest / column_px(10)))
    return [*widths, *([max(1.0, (rest / n - 5) / 7)] * n)] if rest > 12 else widths


def heat_maps_sheet(*, book: Book) -> None:
    """Heat maps of the pillar percentages per ranking group, one page each."""
    lb, lang = book.labels, book.report.lang
    width, height, rows = page_box(portrait=False)
    sheet = book.sheet(book.title("sheet_heat_map"), filler([], width))
    place = PagePlacer(sheet.sheet, row=1, page_rows=rows)
    for section in book.report.sections:
        pillars = [f"{p.code}. {p.name}" for p in section.pillars]
        for group in section.groups():
            rows_ = section.group_rows(group)
            for start, run in chunks(rows_, HEAT_UNITS, HEAT_PAGES):
                title = f"{lb['title_heat_map']} – {group}"
                if len(run) < len(rows_):
                    title += " (" + _range(lb, start, len(run), len(rows_)) + ")"
                png = charts.heat_map_png(
                    units=[section.units[i].name for i in run],
                    pillars=pillars,
                    values=section.pillar_values[run],
                    title=title,
                    lang=lang,
                )
                place.image(png, (width, height))
    book.finish(sheet, last_row=max(place.row - 1, 1))


def _range(lb, start: int, size: int, count: int) -> str:
    return lb["units_range"] % {
        "first": start + 1,
        "last": start + size,
        "count": count,
    }


def rank_intervals_sheet(*, book: Book) -> None:
    """The 5–95% interval of each ranked unit's rank, as a table, and below it
    the charts, each on a portrait page of its own."""
    sections = [s for s in book.report.sections if s.rank_intervals is not None]
    if not sections:
        return
    lb, lang = book.labels, book.report.lang
    units = [u for s in sections for u in s.units]
    widths = [
        fit([u.group for u in units], 10, 20),
        fit([u.name for u in units], 16, 30),
    ]
    widths += [8, 9, 9, 9]
    width, height, rows = page_box(portrait=True, title_pt=80)
    sheet = book.sheet(
        book.title("sheet_rank_intervals"),
        filler(widths, width),
        freeze="A4",
        portrait=True,
    )
    book.heading(sheet, lb["title_rank_intervals"])
    head = sheet.header(
        [
            lb["group"],
            lb["unit"],
            lb["rank"],
            lb["median_rank"],
            lb["rank_q05"],
            lb["rank_q95"],
        ]
    )
    sheet.repeat(1, head)
    fmts = [None, None, INTEGER, "0.0", "0.0", "0.0"]
    pngs = []
    for section in sections:
        for group in section.groups():
            ranked = [
                i for i in section.group_rows(group) if is_ranked(section.units[i])
            ]
            for i in ranked:
                u, q = section.units[i], section.rank_intervals[i]
                sheet.append(
                    [group, u.name, u.rank, *(number(float(x)) for x in q)], fmts
                )
            for start, run in chunks(ranked, INTERVAL_UNITS, HEAT_PAGES):
                title = f"{lb['title_rank_intervals']} – {group}"
                if len(run) < len(ranked):
                    title += " (" + _range(lb, start, len(run), len(ranked)) + ")"
                pngs.append(
                    charts.rank_intervals_png(
                        units=[section.units[i].name for i in run],
                        nominal=[section.units[i].rank for i in run],
                        intervals=section.rank_intervals[run],
                        title=title,
                        xlabel=lb["rank"],
                        lang=lang,
                    )
                )
    place = PagePlacer(sheet.sheet, row=sheet.row + 2, page_rows=rows, new_page=True)
    for png in pngs:
        place.image(png, (width, height))
    book.finish(sheet, last_row=max(place.row - 1, sheet.row), columns=len(widths) + 1)
