"""One unit's documents: its scorecard and its self-assessment report.

The scorecard's figures (points, level, rank, pillars, last year) are the stored
results, as on the dashboard and in the workbook; its weakest indicators and the
path to the next level come from one engine pass over the unit's framework
version (:func:`survey.results.analysis.unit_weak_points`).
The self-assessment report scores the unit's own answers as they are now.
"""

from __future__ import annotations

import numpy as np
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.builders import charts
from reports.builders.data import Section
from reports.builders.docx import AnswerLine, SelfReport, self_report_docx_bytes
from reports.builders.scorecard import (
    LostLine,
    PillarLine,
    Scorecard,
    scorecard_xlsx_bytes,
)
from reports.labels import report_labels
from reports.services.data import report_data
from survey.answer_types import answer_display
from survey.models import Assessment, Evidence, Node
from survey.results.analysis import LostPoints, unit_weak_points
from survey.results.totals import assessment_totals
from survey.selectors.questionnaire import assessment_review, localized

WEAKEST = 5


def unit_scorecard(
    *, assessment: Assessment, lang: str = "vi", codes: set[str] | None = None
) -> Scorecard:
    """The scorecard of ``assessment``'s unit, from stored results and the engine.

    ``codes`` (a reviewer scoped to some indicators): the weakest indicators and
    the path to the next level name only those; None lists every indicator.
    """
    campaign = assessment.campaign
    with translation.override(lang):
        report = report_data(
            campaign=campaign, lang=lang, leaves=False, free_text=False
        )
        section, i = _locate(report.sections, assessment.pk)
        unit = section.units[i]
        group = section.group_rows(unit.group)
        card = Scorecard(
            unit=unit.name,
            unit_code=unit.code,
            campaign=report.campaign,
            year=report.year,
            group=unit.group,
            points=unit.points,
            maximum=unit.maximum,
            value=unit.value,
            level=section.level_name(unit.level) if unit.level else "",
            rank=unit.rank if unit.ranked else None,
            ranked_units=sum(
                1 for k in group if section.units[k].ranked and section.units[k].rank
            ),
            ranked=unit.ranked,
            submitted=unit.submitted,
            previous_value=unit.previous_value,
            previous_rank=unit.previous_rank,
            previous_year=report.years[-2] if len(report.years) > 1 else None,
            pillars=_pillars(section, i, group),
            lang=lang,
            published=campaign.is_published,
        )
        _weak_points(card, assessment, section)
    if codes is not None:
        card.weakest = [line for line in card.weakest if line.code in codes]
        card.path = [line for line in card.path if line.code in codes]
    return card


def _locate(sections: list[Section], assessment_id: int) -> tuple[Section, int]:
    for section in sections:
        for i, unit in enumerate(section.units):
            if unit.assessment_id == assessment_id:
                return section, i
    raise LookupError(assessment_id)


def _float(value) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def _pillars(section: Section, i: int, group: list[int]) -> list[PillarLine]:
    with np.errstate(all="ignore"):
        mean = np.nanmean(section.pillar_values[group], axis=0)
    return [
        PillarLine(
            code=pillar.code,
            name=pillar.name,
            points=_float(section.pillar_points[i, j]),
            value=_float(section.pillar_values[i, j]),
            group_mean=_float(mean[j]),
            maximum=_float(section.pillar_max[i, j]),
        )
        for j, pillar in enumerate(section.pillars)
    ]


def _weak_points(card: Scorecard, assessment: Assessment, section: Section) -> None:
    found = unit_weak_points(assessment=assessment, weakest=WEAKEST)
    if found is None:
        return
    names = {node.code: node.name for node in section.indicators}
    card.weakest = [_lost(line, names) for line in found.weakest]
    path = found.path
    card.path_status = path.status
    if path.status in ("reachable", "not_reachable"):
        card.path_target = section.level_name(path.target_level)
        card.path_bound = path.bound
        card.path_new_value = path.new_value
        card.path = [_lost(line, names) for line in path.indicators]


def _lost(line: LostPoints, names: dict[str, str]) -> LostLine:
    return LostLine(
        code=line.code,
        name=names.get(line.code, line.code),
        points=line.points,
        max_points=line.max_points,
        points_lost=line.points_lost,
        below_group_mean=line.below_group_mean,
    )


def unit_scorecard_page(
    *, assessment: Assessment, lang: str = "vi", codes: set[str] | None = None
) -> dict:
    """The scorecard and its pillar radar (inline SVG) for the printable page."""
    card = unit_scorecard(assessment=assessment, lang=lang, codes=codes)
    radar = ""
    if card.pillars:
        with translation.override(lang):
            content = charts.radar_svg(
                axes=[p.code for p in card.pillars],
                series=[
                    (card.unit, [_nan(p.value) for p in card.pillars]),
                    (_("Group mean"), [_nan(p.group_mean) for p in card.pillars]),
                ],
                title=_("Pillar profile against the group mean"),
            )
        text = content.decode("utf-8")
        radar = mark_safe(text[text.index("<svg") :])  # noqa: S308 - from matplotlib
    return {"card": card, "radar_svg": radar}


def _nan(value: float | None) -> float:
    return np.nan if value is None else value


def unit_scorecard_xlsx(
    *, assessment: Assessment, lang: str = "vi", codes: set[str] | None = None
) -> bytes:
    card = unit_scorecard(assessment=assessment, lang=lang, codes=codes)
    return scorecard_xlsx_bytes(card, report_labels(lang))


# The self-assessment report --------------------------------------------------------


def unit_self_report(
    *,
    assessment: Assessment,
    lang: str = "vi",
    free_text: bool = True,
    codes: set[str] | None = None,
) -> SelfReport:
    """Every applicable indicator with the unit's answer, its points and evidence.

    ``free_text=False`` (committee viewers) leaves out what the unit wrote: its
    comments, text answers and evidence summaries. ``codes`` (a reviewer scoped to
    some indicators) keeps only those indicators and leaves out the totals, which
    add up the others too; None lists every indicator.
    Totals score the unit's own answers as they are now (self-assessed points).
    """
    with translation.override(lang):
        lines = [
            _line(row, step.step.title, free_text)
            for step in assessment_review(assessment=assessment)
            for row in step.rows
            if codes is None or row.node.code in codes
        ]
        if codes is None:
            points, maximum, value, level = _self_totals(assessment)
        else:
            points, maximum, value, level = None, None, None, ""
        return SelfReport(
            unit=localized(assessment.unit, "name"),
            campaign=assessment.campaign.name,
            state=str(assessment.get_state_display()),
            points=points,
            maximum=maximum,
            value=value,
            level=level,
            lines=lines,
            lang=lang,
        )


def _line(row, section: str, free_text: bool) -> AnswerLine:
    answer = row.answer
    if not row.given:
        text = _("Not answered")
    elif not free_text and row.node.answer_type == Node.AnswerType.TEXT:
        text = _("Answered (text not shown)")
    else:
        text = str(answer_display(row.node, _answer_values(answer)))
    return AnswerLine(
        code=row.node.code,
        name=row.name,
        answer=text,
        points=None if answer is None else _decimal(answer.self_points),
        max_points=_decimal(row.max_points),
        comment=answer.comment if free_text and answer is not None else "",
        evidence=[_evidence_text(e, free_text) for e in answer.evidence.all()]
        if answer
        else [],
        section=section,
    )


def _evidence_text(evidence: Evidence, free_text: bool) -> str:
    """An evidence reference; without free text, a document's number and date
    but not its summary (a link or a file keeps its address or name)."""
    if free_text or evidence.kind != Evidence.Kind.DOCUMENT:
        return str(evidence)
    date = evidence.doc_date.strftime("%d/%m/%Y") if evidence.doc_date else ""
    parts = [part for part in (evidence.doc_number, date) if part]
    return " – ".join(parts) or str(evidence.get_kind_display())


def _decimal(value) -> float | None:
    return None if value is None else float(value)


def _plain(value):
    """``27.1000`` → ``27.1``: the stored scale is not the precision of the answer."""
    return None if value is None else value.normalize()


def _answer_values(answer) -> dict:
    return {
        "yes": answer.yes,
        "number": _plain(answer.number),
        "denominator": _plain(answer.denominator),
        "choice": answer.choice,
        "checks": answer.checks,
        "date": answer.date.strftime("%d/%m/%Y") if answer.date else None,
        "text": answer.text,
        "is_na": answer.is_na,
    }


def _self_totals(assessment: Assessment) -> tuple:
    """Self-assessed points, applicable maximum, value and level name, now: the
    figures of the unit's review page (:func:`assessment_totals`)."""
    figure = assessment_totals(assessments=[assessment])[assessment.pk].self_assessed
    points, maximum = _decimal(figure.points), _decimal(figure.maximum)
    value = points / maximum if points is not None and maximum else None
    level = _level_name(assessment, figure.level) if figure.level else ""
    return points, maximum, value, level


def _level_name(assessment: Assessment, code: str) -> str:
    for level in assessment.version.levels:
        if level["code"] == code:
            return localized(level, "name")
    return code


def unit_self_report_docx(
    *,
    assessment: Assessment,
    lang: str = "vi",
    free_text: bool = True,
    codes: set[str] | None = None,
) -> bytes:
    report = unit_self_report(
        assessment=assessment, lang=lang, free_text=free_text, codes=codes
    )
    return self_report_docx_bytes(report, report_labels(lang))
