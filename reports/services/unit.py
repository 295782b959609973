"""One unit's documents: its scorecard and its self-assessment report.

The scorecard's figures (points, level, rank, pillars, last year) are the stored
results, as on the dashboard and in the workbook; its weakest indicators and the
path to the next level come from one engine pass over the unit's framework
version (:func:`survey.results.analysis.unit_weak_points`).
The self-assessment report scores the unit's own answers as they are now.
"""

from __future__ import annotations

import numpy as np
from django.db.models import Q
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.builders import charts
from reports.builders.data import NodeInfo, Section
from reports.builders.docx import AnswerLine, SelfReport, self_report_docx_bytes
from reports.builders.scorecard import (
    LostLine,
    PillarLine,
    Scorecard,
    scorecard_xlsx_bytes,
)
from reports.labels import report_labels
from reports.services.data import report_data, version_levels
from survey.answer_types import answer_display
from survey.models import Assessment, Campaign, Evidence, Node
from survey.results.analysis import LostPoints, unit_weak_points
from survey.results.stored import analysis_stored
from survey.results.totals import assessment_totals
from survey.selectors.questionnaire import assessment_review, localized
from survey.states import NOT_SUBMITTED

WEAKEST = 5


def unit_scorecard(
    *, assessment: Assessment, lang: str = "vi", codes: set[str] | None = None
) -> Scorecard:
    """The scorecard of ``assessment``'s unit, from its stored results and what
    is kept with them: last year's figures and its group's (built once per
    results version, :func:`campaign_unit_figures`), its weakest indicators and path
    to the next level (:func:`survey.results.analysis.unit_weak_points`). No
    scoring pass and a fixed number of queries whatever the number of units.

    ``codes`` (a reviewer scoped to some indicators): the weakest indicators and
    the path to the next level name only those; None lists every indicator.
    """
    campaign = assessment.campaign
    kept = campaign_unit_figures(campaign=campaign)
    found = kept["units"].get(str(assessment.pk))
    if found is None:  # its framework version is not the campaign's
        raise LookupError(assessment.pk)
    previous_value, previous_rank, group_key = found
    group = kept["groups"][group_key]
    with translation.override(lang):
        section, pillar_ids = _unit_section(assessment, lang)
        root, pillars = _unit_results(assessment, section, pillar_ids)
        card = Scorecard(
            unit=_localized(assessment.unit, lang),
            unit_code=assessment.unit.code,
            campaign=campaign.name,
            year=campaign.year,
            group=assessment.ranking_group,
            points=root["points"],
            maximum=root["maximum"],
            value=root["value"],
            level=_level(section, root["level"]),
            rank=root["rank"] if assessment.ranked else None,
            ranked_units=group["ranked"],
            ranked=assessment.ranked,
            submitted=assessment.state not in NOT_SUBMITTED,
            self_level=_level(section, root["self_level"]),
            self_rank=root["self_rank"] if assessment.ranked else None,
            verified_level_change=_level_change(section, root),
            previous_value=previous_value,
            previous_rank=previous_rank,
            previous_year=kept["years"][-2] if len(kept["years"]) > 1 else None,
            pillars=[
                PillarLine(**line, group_mean=mean)
                for line, mean in zip(pillars, group["means"], strict=True)
            ],
            lang=lang,
            published=campaign.is_published,
        )
        _weak_points(card, assessment, section)
    if codes is not None:
        card.weakest = [line for line in card.weakest if line.code in codes]
        card.path = [line for line in card.path if line.code in codes]
    return card


def campaign_unit_figures(*, campaign: Campaign) -> dict:
    """Per unit of the campaign, last year's value and rank and its group; per
    group, its ranked units and pillar means: built from the campaign's report
    once per results version and kept (one query to read back)."""

    def build() -> tuple[dict, bytes]:
        report = report_data(campaign=campaign, leaves=False, free_text=False)
        units, groups = {}, {}
        for s, section in enumerate(report.sections):
            for name in section.groups():
                key = f"{s}:{name}"
                rows = section.group_rows(name)
                with np.errstate(all="ignore"):
                    mean = np.nanmean(section.pillar_values[rows], axis=0)
                groups[key] = {
                    "ranked": sum(
                        1
                        for k in rows
                        if section.units[k].ranked and section.units[k].rank
                    ),
                    "means": [_float(x) for x in mean],
                }
                for k in rows:
                    unit = section.units[k]
                    units[str(unit.assessment_id)] = [
                        unit.previous_value,
                        unit.previous_rank,
                        key,
                    ]
        return {"years": report.years, "units": units, "groups": groups}, b""

    return analysis_stored(campaign=campaign, kind="unit-figures", build=build).payload


def _float(value) -> float | None:
    return None if value is None or np.isnan(value) else float(value)


def _localized(row, lang: str, prefix: str = "") -> str:
    english = getattr(row, f"{prefix}name_en", "") if lang == "en" else ""
    return english or getattr(row, f"{prefix}name_vi")


def _unit_section(assessment: Assessment, lang: str) -> tuple[Section, list[int]]:
    """The pillars (and their node ids), indicators and levels of the unit's
    framework version, named as in the campaign's report
    (:func:`reports.services.data.report_data`); one query."""
    version = assessment.version
    nodes = list(version.nodes.order_by("order", "id"))
    tops = [n for n in nodes if n.parent_id is None and n.kind == "pillar"]
    tops = tops or [n for n in nodes if n.parent_id is None]
    section = Section(
        key="",
        title="",
        version="",
        legal_basis="",
        levels=version_levels(version, lang),
        pillars=[NodeInfo(n.code, _localized(n, lang)) for n in tops],
        indicators=[
            NodeInfo(n.code, _localized(n, lang), None)
            for n in nodes
            if n.kind == "indicator"
        ],
        units=[],
        pillar_values=np.empty((0, 0)),
        pillar_points=np.empty((0, 0)),
        pillar_max=np.empty((0, 0)),
    )
    return section, [n.pk for n in tops]


def _level(section: Section, code: str) -> str:
    return section.level_name(code) if code else ""


def _level_change(section: Section, root: dict) -> int | None:
    """The final level's position minus the self-assessed one's; None unless both
    are known."""
    order = [level.code for level in sorted(section.levels, key=lambda v: v.min_value)]
    final, own = root["level"], root["self_level"]
    if final not in order or own not in order:
        return None
    return order.index(final) - order.index(own)


def _unit_results(
    assessment: Assessment, section: Section, pillar_ids: list[int]
) -> tuple[dict, list]:
    """The unit's stored total and pillar results (one query)."""
    fields = ("final_points", "applicable_max", "value", "level", "rank")
    fields += ("self_level", "self_rank")
    stored = {
        row[0]: row[1:]
        for row in assessment.results.filter(
            Q(node__isnull=True) | Q(node_id__in=pillar_ids)
        ).values_list("node_id", *fields)
    }
    f = _decimal
    final, maximum, value, level, rank, self_level, self_rank = stored.get(
        None, (None, None, None, "", None, "", None)
    )
    root = {
        "points": f(final),
        "maximum": f(maximum),
        "value": f(value),
        "level": level,
        "rank": rank,
        "self_level": self_level,
        "self_rank": self_rank,
    }
    pillars = []
    for pillar, node_id in zip(section.pillars, pillar_ids, strict=True):
        final, maximum, value, *_rest = stored.get(node_id, (None,) * len(fields))
        pillars.append(
            {
                "code": pillar.code,
                "name": pillar.name,
                "points": f(final),
                "value": f(value),
                "maximum": f(maximum),
            }
        )
    return root, pillars


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
    """The scorecard and its pillar radar (inline SVG) for the printable page; the
    radar is drawn once per results version and language and kept."""
    card = unit_scorecard(assessment=assessment, lang=lang, codes=codes)
    radar = ""
    if card.pillars:
        radar = analysis_stored(
            campaign=assessment.campaign,
            kind=f"radar-2:{lang}:{assessment.pk}",
            build=lambda: ({"svg": _radar(card, lang)}, b""),
        ).payload["svg"]
    return {"card": card, "radar_svg": mark_safe(radar)}  # noqa: S308 - matplotlib


def _radar(card: Scorecard, lang: str) -> str:
    with translation.override(lang):
        content = charts.radar_svg(
            axes=[p.code for p in card.pillars],
            series=[
                (card.unit, [_nan(p.value) for p in card.pillars]),
                (_("Group mean"), [_nan(p.group_mean) for p in card.pillars]),
            ],
            title=_("Pillar profile against the group mean"),
            lang=lang,
        )
    text = content.decode("utf-8")
    return text[text.index("<svg") :]


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
