"""Word documents (python-docx), pure builders returning bytes: the results annex
of the province's approving decision, and a unit's self-assessment report.

Vietnamese administrative style (Decree 30/2020/NĐ-CP): Times New Roman 13–14 pt,
A4, margins 20–30 mm, "PHỤ LỤC" centred in bold, tables with borders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from common.figures import percent
from reports.builders.data import Report

FONT = "Times New Roman"


def _document():
    doc = Document()
    for section in doc.sections:
        section.page_height, section.page_width = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _centred(doc, text: str, *, bold=False, italic=False, size=14) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT


def _table(
    doc, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, text, bold=True, centre=True)
    for row in rows:
        cells = table.add_row().cells
        for k, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _cell_text(cell, text, centre=k != 1)
    _set_widths(table, widths)
    return table


def _set_widths(table, widths: Sequence[int]) -> None:
    for row in table.rows:
        if len(row._tr.tc_lst) != len(widths):
            continue  # a merged heading row spans the grid
        for k, width in enumerate(widths):
            row.cells[k].width = Mm(width)


def _cell_text(cell, text: str, *, bold=False, centre=False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = (
        WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
    )
    run = paragraph.add_run(text)
    run.bold, run.font.size, run.font.name = bold, Pt(13), FONT


def number_vi(value: float | Decimal | None, places: int = 2, lang: str = "vi") -> str:
    """``1234.5`` → ``1.234,50`` in Vietnamese, ``1,234.50`` in English.

    Percentages arrive already rounded (a ``Decimal`` from :mod:`common.figures`)
    and are only formatted here."""
    if value is None:
        return ""
    text = f"{value:,.{places}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _date(value, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"


def annex_docx_bytes(report: Report, labels: Mapping[str, str]) -> bytes:
    """Per ranking group: rank, unit, points, % and level, in official format.

    The columns take the width of their content (the unit's name first); when
    they do not fit an A4 portrait page, the annex turns landscape. The header
    row repeats on every page and no row splits across pages."""
    lang = report.lang
    doc = _document()
    _centred(doc, labels["annex"].upper(), bold=True)
    _centred(doc, labels["annex_title"].upper(), bold=True)
    _centred(doc, f"{report.campaign}", bold=True)
    if report.decision_number:
        text = labels["annex_of"] % {
            "number": report.decision_number,
            "date": _date(report.decision_date, lang),
        }
    else:
        text = labels["annex_draft"]
    _centred(doc, text, italic=True)
    header = [
        labels["no_number"],
        labels["unit"],
        labels["final_points"],
        labels["percent"],
        labels["level"],
        labels["rank"],
    ]
    tables = []
    for section in report.sections:
        for group in section.groups():
            tables.append((group, _annex_rows(section, group, labels, lang)))
    everything = [row for _group, rows in tables for row in rows]
    widths = column_widths(header, everything, portrait=PORTRAIT_MM)
    if widths is None:
        _landscape(doc)
        widths = column_widths(header, everything, portrait=LANDSCAPE_MM, last=True)
    for group, rows in tables:
        heading = doc.add_paragraph()
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.keep_with_next = True
        run = heading.add_run(f"{labels['group']}: {group}")
        run.bold, run.font.name = True, FONT
        _fast_table(doc, header, rows, widths)
    return _save(doc)


def _annex_rows(section, group: str, labels, lang: str) -> list[list[str]]:
    rows = []
    for n, i in enumerate(section.group_rows(group), start=1):
        unit = section.units[i]
        rank = str(unit.rank) if unit.ranked and unit.rank else labels["not_ranked"]
        if not unit.submitted:
            rank = labels["not_submitted"]
        rows.append(
            [
                str(n),
                unit.name,
                number_vi(unit.points, 2, lang),
                number_vi(unit.percent, 2, lang),
                section.level_name(unit.level) if unit.level else "",
                rank,
            ]
        )
    return rows


# Printable widths (mm) of A4 with the margins of :func:`_document`.
PORTRAIT_MM = 210 - 30 - 15
LANDSCAPE_MM = 297 - 30 - 15
# Times New Roman 13 pt: an average character, and a cell's padding and border.
CHAR_MM = 2.5
PAD_MM = 4.5


def column_widths(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    portrait: float,
    last: bool = False,
) -> list[float] | None:
    """Millimetres per column: the unit's name (second column) on one line, the
    other columns on one line too when the page has room, else as wide as their
    longest word (labels such as "Not ranked" wrap, figures never do). ``None``
    when that does not fit ``portrait`` mm, unless ``last``: then the names wrap.
    """
    full, least = [], []
    for k, title in enumerate(header):
        values = [row[k] for row in rows]
        # Bold header words need a little more room than the figures.
        head = _word([title]) * 1.1
        longest = max(map(len, values), default=0)
        full.append(max(PAD_MM + CHAR_MM * max(longest, head), 12.0))
        word = longest if k == 1 else _word(values)
        least.append(max(PAD_MM + CHAR_MM * max(word, head), 12.0))
    for widths in (full, least):
        room = portrait - sum(widths)
        if room >= 0:
            widths[1] += room  # the name column takes the room that is left
            return widths
    if last:
        least[1] = max(least[1] + portrait - sum(least), 30.0)
        return least
    return None


def _word(texts: Sequence[str]) -> int:
    return max((len(w) for text in texts for w in text.split()), default=0)


def _landscape(doc) -> None:
    for section in doc.sections:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)


def _fast_table(doc, header, rows, widths):
    """A table of ``rows`` under a repeated ``header``, columns ``widths`` mm wide,
    fixed layout; each row copied from one formatted row (thousands of rows in
    a second)."""
    table = doc.add_table(rows=2, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table, widths)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, text, bold=True, centre=True)
    _row_flags(table.rows[0]._tr, header=True)
    template = table.rows[1]._tr
    for k, cell in enumerate(table.rows[1].cells):
        _cell_text(cell, "0", centre=k != 1)
    _row_flags(template, header=False)
    parent = template.getparent()
    parent.remove(template)
    for row in rows:
        tr = deepcopy(template)
        for t, text in zip(tr.iter(qn("w:t")), row, strict=True):
            t.text = text
            if text != text.strip():
                t.set(qn("xml:space"), "preserve")
        parent.append(tr)
    return table


def _fixed_layout(table, widths) -> None:
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _row_flags(tr, *, header: bool) -> None:
    """No row splits across pages; the header row repeats on each page."""
    tr_pr = tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


@dataclass
class AnswerLine:
    code: str
    name: str
    answer: str
    points: float | None = None
    max_points: float | None = None
    comment: str = ""
    evidence: list[str] = field(default_factory=list)
    section: str = ""


@dataclass
class SelfReport:
    unit: str
    campaign: str
    state: str
    points: float | None
    maximum: float | None
    value: float | None
    level: str
    lines: list[AnswerLine]
    lang: str = "vi"

    @property
    def percent(self) -> Decimal | None:
        return percent(self.points, self.maximum)


def self_report_docx_bytes(report: SelfReport, labels: Mapping[str, str]) -> bytes:
    """All answers of one unit with their evidence references, to sign and send."""
    lang = report.lang
    doc = _document()
    _centred(doc, labels["self_report"].upper(), bold=True)
    _centred(doc, report.unit, bold=True)
    _centred(doc, report.campaign, italic=True)
    summary = doc.add_paragraph()
    summary.add_run(
        f"{labels['self_points']}: {number_vi(report.points, 2, lang)} / "
        f"{number_vi(report.maximum, 2, lang)} "
        f"({number_vi(report.percent, 2, lang)} %) – "
        f"{labels['level']}: {report.level} – {labels['state']}: {report.state}"
    )
    header = [
        labels["indicator_code"],
        labels["indicator"],
        labels["answer"],
        labels["self_points"],
        labels["evidence"],
    ]
    table = _table(doc, header, [], [14, 62, 30, 22, 42])
    section = None
    for line in report.lines:
        if line.section and line.section != section:
            section = line.section
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            _cell_text(merged, section, bold=True)
        cells = table.add_row().cells
        for k, text in enumerate(_answer_cells(line, labels, lang)):
            _cell_text(cells[k], text, centre=k in (0, 3))
    _set_widths(table, [14, 62, 30, 22, 42])
    doc.add_paragraph()
    _signature(doc, labels)
    return _save(doc)


def _signature(doc, labels: Mapping[str, str]) -> None:
    """The head of unit's block on the right, as official letters place it."""
    table = doc.add_table(rows=1, cols=2)
    cell = table.rows[0].cells[1]
    lines = [
        (labels["signature_date"], False, True, 13),
        (labels["signature"], True, False, 13),
        (labels["signature_note"], False, True, 12),
    ]
    for k, (text, bold, italic, size) in enumerate(lines):
        paragraph = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size, run.font.name = (
            bold,
            italic,
            Pt(size),
            FONT,
        )


def _answer_cells(line: AnswerLine, labels: Mapping[str, str], lang: str) -> list:
    comment = f"\n{labels['comment']}: {line.comment}" if line.comment else ""
    points = number_vi(line.points, 2, lang)
    if line.max_points is not None:
        points = f"{points} / {number_vi(line.max_points, 2, lang)}"
    return [
        line.code,
        line.name + comment,
        line.answer,
        points,
        "\n".join(line.evidence),
    ]


def _save(doc) -> bytes:
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
