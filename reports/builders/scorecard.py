"""One unit's scorecard: what it reads (plain dataclasses) and its Excel sheet.

A pure builder, no Django: the Django side (:mod:`reports.services.unit`) fills a
:class:`Scorecard` from the stored results and the engine, and hands over the
labels translated. The sheet is written in write-only mode; its native radar
chart (the unit against its group's mean) reads the pillar table above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import RadarChart

from common.figures import percent, percent_of_value
from common.xlsx import (
    BOLD,
    INTEGER,
    PERCENT,
    PERCENT_CHANGE,
    POINTS,
    RANK_CHANGE,
    TITLE,
    SheetWriter,
    number,
    share,
    sheet_title,
)
from reports.builders.data import YearChange
from reports.builders.workbook_charts import axes_visible, sheet_ref, text_categories

WIDTHS = [12, 52, 14, 14, 14, 16]
CHART_ANCHOR = "H4"


@dataclass(frozen=True)
class PillarLine:
    code: str
    name: str
    points: float | None
    value: float | None
    group_mean: float | None
    maximum: float | None = None

    @property
    def percent(self) -> Decimal | None:
        """From points and applicable maximum, rounded once (:mod:`common.figures`)."""
        if self.maximum is None:
            return percent_of_value(self.value)
        return percent(self.points, self.maximum)

    @property
    def mean_percent(self) -> Decimal | None:
        return percent_of_value(self.group_mean)


@dataclass(frozen=True)
class LostLine:
    """An indicator and the points it lost (``max − final``)."""

    code: str
    name: str
    points: float | None
    max_points: float | None
    points_lost: float
    below_group_mean: float | None = None


@dataclass
class Scorecard(YearChange):
    """One unit in one campaign: its figures, profile, weak points and next step.

    ``level``/``rank`` are final (after verification); ``self_level``/``self_rank``
    are what the unit's own answers would give, empty for results stored before
    they were kept. ``verified_level_change`` is the final level's position minus
    the self-assessed one's (−1: verification lowered the level by one).
    ``path_status`` is the engine's code: ``reachable``, ``not_reachable``,
    ``top_level`` or ``n/a``; ``path`` lists the indicators to raise.
    """

    unit: str
    unit_code: str
    campaign: str
    year: int
    group: str
    points: float | None
    maximum: float | None
    value: float | None
    level: str
    rank: int | None
    ranked_units: int
    ranked: bool = True
    submitted: bool = True
    self_level: str = ""
    self_rank: int | None = None
    verified_level_change: int | None = None
    previous_value: float | None = None
    previous_rank: int | None = None
    previous_year: int | None = None
    pillars: list[PillarLine] = field(default_factory=list)
    weakest: list[LostLine] = field(default_factory=list)
    path_status: str = "n/a"
    path_target: str = ""
    path_bound: float | None = None
    path_new_value: float | None = None
    path: list[LostLine] = field(default_factory=list)
    lang: str = "vi"
    published: bool = False  # final results; before publication, provisional

    @property
    def path_new_percent(self) -> Decimal | None:
        return percent_of_value(self.path_new_value)

    @property
    def verified_rank_change(self) -> int | None:
        """Self-assessed rank − final rank: positive when the final rank is the
        better one (as ``rank_change``)."""
        if not self.ranked or self.rank is None or self.self_rank is None:
            return None
        return self.self_rank - self.rank

    @property
    def verified_level_steps(self) -> int:
        """How many levels verification moved the unit, up or down."""
        return abs(self.verified_level_change or 0)

    @property
    def verified_rank_steps(self) -> int:
        """How many places the final rank lies from the self-assessed one."""
        return abs(self.verified_rank_change or 0)


def scorecard_xlsx_bytes(card: Scorecard, labels: Mapping[str, str]) -> bytes:
    """The scorecard of one unit as a one-sheet .xlsx with a native radar chart."""
    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, sheet_title(labels["scorecard"]), WIDTHS)
    sheet.sheet.page_setup.orientation = "portrait"
    sheet.append([labels["scorecard"]], font=TITLE)
    sheet.append([card.unit], font=BOLD)
    sheet.append([card.campaign])
    sheet.blank()
    _figures(sheet, card, labels)
    chart = _pillars(sheet, card, labels)
    _lost(sheet, labels["weakest"], card.weakest, labels)
    _path(sheet, card, labels)
    if chart is not None:
        sheet.sheet.add_chart(chart, CHART_ANCHOR)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _figures(sheet: SheetWriter, card: Scorecard, labels) -> None:
    rank = card.rank if card.ranked else None
    own_rank = card.self_rank if card.ranked else None
    rows = [
        (labels["unit_code"], card.unit_code, None),
        (labels["group"], card.group, None),
        (labels["final_points"], number(card.points), POINTS),
        (labels["applicable_max"], number(card.maximum), POINTS),
        (labels["percent"], share(card.percent), PERCENT),
        (labels["level"], card.level, None),
        (labels["self_level"], card.self_level, None),
        (labels["level_change_verified"], card.verified_level_change, RANK_CHANGE),
        (labels["rank"], rank, INTEGER),
        (labels["self_rank"], own_rank, INTEGER),
        (labels["rank_change_verified"], card.verified_rank_change, RANK_CHANGE),
        (labels["ranked_units"], card.ranked_units, INTEGER),
        (labels["previous_rank"], card.previous_rank, INTEGER),
        (labels["rank_change"], card.rank_change, RANK_CHANGE),
        (labels["value_change"], share(card.percent_change), PERCENT_CHANGE),
        (labels["campaign_state"], labels[_status_key(card.published)], None),
    ]
    if not card.submitted:
        rows.append((labels["note"], labels["not_submitted"], None))
    elif not card.ranked:
        rows.append((labels["note"], labels["not_ranked"], None))
    for label, value, fmt in rows:
        sheet.append([label, value], [None, fmt], font=None)
    sheet.blank()


def _status_key(published: bool) -> str:
    return "results_final" if published else "results_provisional"


def _pillars(sheet: SheetWriter, card: Scorecard, labels):
    if not card.pillars:
        return None
    head = sheet.header(
        [
            labels["indicator_code"],
            labels["pillar"],
            labels["points"],
            labels["percent"],
            labels["group_mean"],
        ]
    )
    fmts = [None, None, POINTS, PERCENT, PERCENT]
    for line in card.pillars:
        sheet.append(
            [
                line.code,
                line.name,
                number(line.points),
                share(line.percent),
                share(line.mean_percent),
            ],
            fmts,
        )
    last = sheet.row
    sheet.blank()
    chart = RadarChart()
    chart.type = "marker"
    chart.title = labels["chart_unit_radar"]
    chart.add_data(
        sheet_ref(sheet.title, 4, head, last, max_col=5), titles_from_data=True
    )
    # Series names: the unit's name rather than the column header "%".
    chart.series[0].tx.strRef = None
    chart.series[0].tx.v = card.unit[:250]
    text_categories(chart, sheet_ref(sheet.title, 1, head + 1, last))
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.width, chart.height = 14, 10
    axes_visible(chart)
    return chart


def _lost(sheet: SheetWriter, title: str, lines: list[LostLine], labels) -> None:
    sheet.append([title], font=BOLD)
    if not lines:
        sheet.append([labels["none"]])
        sheet.blank()
        return
    sheet.header(
        [
            labels["indicator_code"],
            labels["indicator"],
            labels["points"],
            labels["max_points"],
            labels["points_lost"],
        ]
    )
    fmts = [None, None, POINTS, POINTS, POINTS]
    for line in lines:
        sheet.append(
            [
                line.code,
                line.name,
                number(line.points),
                number(line.max_points),
                number(line.points_lost),
            ],
            fmts,
        )
    sheet.blank()


def _path(sheet: SheetWriter, card: Scorecard, labels) -> None:
    sheet.append([labels["path"]], font=BOLD)
    if card.path_status == "top_level":
        sheet.append([labels["path_top"]])
    elif card.path_status == "not_reachable":
        sheet.append([labels["path_not_reachable"]])
    elif card.path_status == "reachable":
        sheet.append([labels["path_reachable"], card.path_target])
        sheet.append(
            [labels["new_value"], share(card.path_new_percent)], [None, PERCENT]
        )
        sheet.blank()
        _lost(sheet, labels["path_indicators"], card.path, labels)
    else:
        sheet.append([labels["path_none"]])
