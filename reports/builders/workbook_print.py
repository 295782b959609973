"""How the committee workbook prints (no Django): A4, one page wide, titles repeated.

Every sheet of the workbook is a :class:`PrintSheet`: the streaming
:class:`~common.xlsx.SheetWriter` plus what paper needs. Header rows wrap and get
the height their text needs (a printed page cannot show a cut header); columns
take the width of their content; :meth:`PrintSheet.finish` sets the print area,
the rows repeated at the top of each page, the margins, and a header and footer
with the sheet's name and the page number. In a Vietnamese workbook the number
formats carry the Vietnamese locale (``[$-42A]``), so that LibreOffice and Excel
print ``67,99 %`` and ``1.234,50``.

Images and charts never straddle a page break: :class:`PagePlacer` puts each on
the page it fits, with a manual row break before it when the page is full.
Page geometry: rows are 15 pt, columns ``7 × width + 5`` pixels at 96 pixels an
inch (Calibri 11, the default font of both programs).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from io import BytesIO

from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from common.xlsx import BOLD, HEADER_FILL, SheetWriter, is_formula_like

VIETNAMESE = "[$-42A]"
ROW_PT = 15.0
PX_PER_INCH = 96
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7}
HEADER_MARGIN = 0.3
# Printable box of an A4 page, in inches, inside the margins above.
PAPER = {"landscape": (11.69 - 0.8, 8.27 - 1.4), "portrait": (8.27 - 0.8, 11.69 - 1.4)}
WRAP_HEAD = Alignment(wrap_text=True, vertical="center", horizontal="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
# Bold text and capitals are wider than the digit the column width counts.
CHAR_FACTOR = 1.15


def column_px(width: float) -> int:
    return int(7 * width + 5)


def fit(values: Sequence[object], lower: int, upper: int) -> int:
    """A column width from its longest value, between ``lower`` and ``upper``."""
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return max(lower, min(upper, longest + 2))


def text_lines(text: object, width: float) -> int:
    """Lines that ``text`` takes when wrapped into a column ``width`` wide."""
    if text is None or text == "":
        return 1
    room = max(width - 1, 1) / CHAR_FACTOR
    lines = 0
    for paragraph in str(text).split("\n"):
        line = 0
        lines += 1
        for word in paragraph.split():
            if line and line + 1 + len(word) > room:
                lines += 1
                line = 0
            line += len(word) + (1 if line else 0)
            lines += max(0, math.ceil(len(word) / room) - 1)
    return max(lines, 1)


def localised(fmt: str | None, lang: str) -> str | None:
    """A number format in the report's language: the Vietnamese locale tag and a
    space before the percent sign in Vietnamese."""
    if fmt is None or lang != "vi" or "y" in fmt or "h" in fmt:
        return fmt
    sections = [s.replace("%", " %") for s in fmt.split(";")]
    return ";".join(VIETNAMESE + s for s in sections)


class PrintSheet(SheetWriter):
    """A streaming sheet that knows how it prints."""

    def __init__(
        self,
        workbook,
        title: str,
        widths: Sequence[float] = (),
        *,
        lang: str = "vi",
        freeze: str = "",
        portrait: bool = False,
    ):
        super().__init__(workbook, title, widths, freeze=freeze)
        self.widths = list(widths)
        self.lang = lang
        self.portrait = portrait
        self.title_rows = ""
        self.n_columns = len(self.widths)
        self._formats: dict[tuple, list] = {}

    def append(self, values, formats=(), *, font=None, fill=None, wrap=()) -> int:
        """As :meth:`SheetWriter.append`; the columns in ``wrap`` wrap their text
        and the row takes the height the longest of them needs."""
        key = tuple(formats)
        if key not in self._formats:
            self._formats[key] = [localised(f, self.lang) for f in formats]
        wrap = [c for c in wrap if c < len(values) and isinstance(values[c], str)]
        if wrap:
            lines = max(text_lines(values[c], self._width(c)) for c in wrap)
            self.height(self.row + 1, lines)
            values = [
                self._wrapped(v) if c in wrap else v for c, v in enumerate(values)
            ]
        self.n_columns = max(self.n_columns, len(values))
        return super().append(values, self._formats[key], font=font, fill=fill)

    def header(self, values: Sequence[str | None], *, merged: int = 1) -> int:
        """A bold header row, wrapped, as tall as its longest label needs;
        ``merged``: each label spans that many columns."""
        lines = 1
        cells = []
        for c, text in enumerate(values):
            span = sum(self._width(c + k) for k in range(merged)) if text else 1
            lines = max(lines, text_lines(text, span))
            cells.append(self._header_cell(text))
        self.height(self.row + 1, lines)
        self.sheet.append(cells)
        self.row += 1
        self.n_columns = max(self.n_columns, len(values))
        return self.row

    def height(self, row: int, lines: int) -> None:
        if lines > 1:
            self.sheet.row_dimensions[row].height = ROW_PT * lines + 2

    def repeat(self, first: int, last: int) -> None:
        """Rows ``first`` to ``last`` head every printed page."""
        self.title_rows = f"{first}:{last}"

    def finish(self, labels, *, last_row: int | None = None, columns: int = 0) -> None:
        """Print area, repeated rows, paper, margins, header and footer."""
        page_setup(self.sheet, labels, portrait=self.portrait)
        last = max(last_row or self.row, 1)
        n = max(columns or self.n_columns, 1)
        self.sheet.print_area = f"A1:{get_column_letter(n)}{last}"
        if self.title_rows:
            self.sheet.print_title_rows = self.title_rows

    def _width(self, col: int) -> float:
        return self.widths[col] if col < len(self.widths) else 8.43

    def _header_cell(self, text):
        cell = WriteOnlyCell(self.sheet, text)
        if is_formula_like(text):
            cell.data_type, cell.quotePrefix = "s", True
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP_HEAD
        return cell

    def _wrapped(self, value):
        cell = WriteOnlyCell(self.sheet, value)
        if is_formula_like(value):
            cell.data_type, cell.quotePrefix = "s", True
        cell.alignment = WRAP_TOP
        return cell


def page_setup(sheet, labels, *, portrait: bool = False) -> None:
    """A4, one page wide, margins, sheet name in the header, page of pages in
    the footer."""
    sheet.page_setup.orientation = "portrait" if portrait else "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(
        **MARGINS, header=HEADER_MARGIN, footer=HEADER_MARGIN
    )
    campaign = labels.get("campaign_name", "").replace("&", "&&")
    sheet.oddHeader.left.text = campaign
    sheet.oddHeader.right.text = "&A"
    sheet.oddFooter.center.text = labels["page_of"] % {"page": "&P", "pages": "&N"}
    for part in (sheet.oddHeader.left, sheet.oddHeader.right, sheet.oddFooter.center):
        part.size = 9


class PagePlacer:
    """Puts images and charts on a sheet so that none is cut by a page break.

    ``row`` is the first free row; a page holds ``page_rows`` rows of 15 pt
    (below the repeated title rows). An object taller than what is left of the
    page starts a new one after a manual row break; none is taller than a page.
    """

    def __init__(self, sheet, *, row: int, page_rows: int, new_page: bool = False):
        self.sheet, self.row, self.page_rows = sheet, row, page_rows
        self.used = page_rows if new_page else 0

    def place(self, obj, rows: int) -> str:
        """Anchor ``obj`` (an openpyxl image or chart ``rows`` high) and return
        its anchor."""
        if self.used and self.used + rows > self.page_rows:
            self.sheet.row_breaks.append(Break(id=self.row - 1))
            self.used = 0
        anchor = f"A{self.row}"
        if isinstance(obj, Image):
            self.sheet.add_image(obj, anchor)
        else:
            self.sheet.add_chart(obj, anchor)
        self.row += rows + 1
        self.used += rows + 1
        return anchor

    def image(self, png: bytes, box: tuple[int, int]) -> str:
        """A PNG scaled to fit ``box`` (width, height in pixels), aspect kept."""
        image = Image(BytesIO(png))
        scale = min(box[0] / image.width, box[1] / image.height, 1.0)
        image.width, image.height = int(image.width * scale), int(image.height * scale)
        return self.place(image, math.ceil(image.height * 72 / PX_PER_INCH / ROW_PT))


def page_box(*, portrait: bool, title_pt: float = 0.0) -> tuple[int, int, int]:
    """Width and height in pixels of what fits on one page at 100 %, and the
    rows of 15 pt it holds, below ``title_pt`` points of repeated rows."""
    width, height = PAPER["portrait" if portrait else "landscape"]
    rows = int((height * 72 - title_pt) / ROW_PT) - 1
    return int(width * PX_PER_INCH) - 8, int((rows - 1) * ROW_PT * 96 / 72), rows
