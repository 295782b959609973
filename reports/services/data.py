"""Gather one campaign's report data through selectors, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports import selectors
from reports.builders.data import Comment, LevelInfo, NodeInfo, Report, Section, UnitRow
from survey.models import Assessment, Campaign
from survey.results.analysis import MONTE_CARLO_RUNS, rank_intervals, year_over_year
from survey.selectors.questionnaire import Progress, campaign_progress
from survey.states import NOT_SUBMITTED


@dataclass
class _Frame:
    """A section being filled: row and column positions of its units and nodes."""

    section: Section
    version: object
    rows: dict[int, int] = field(default_factory=dict)
    pillar_cols: dict[int, int] = field(default_factory=dict)
    leaf_cols: dict[int, int] = field(default_factory=dict)


def report_data(
    *,
    campaign: Campaign,
    lang: str = "vi",
    leaves: bool = True,
    free_text: bool = True,
    analysis: bool = False,
    user=None,
) -> Report:
    """The numbers of ``campaign``'s report as read from the stored results.

    Queries: versions, nodes, assessments, results, progress (3), free text,
    earlier years (2), lineage and the campaign's province (unless already
    loaded with it), plus 4 per framework version when
    ``analysis`` (Monte Carlo rank intervals): none per unit.
    """
    with translation.override(lang):
        uses = selectors.campaign_versions(campaign=campaign)
        versions = list({use.version_id: use.version for use in uses}.values())
        nodes = selectors.version_nodes(version_ids=[v.pk for v in versions])
        assessments = selectors.campaign_assessments(campaign=campaign)
        progress = campaign_progress(campaign=campaign)
        frames = _frames(versions, nodes, assessments, progress, lang)
        _fill_results(frames, campaign, leaves)
        years, totals = selectors.previous_totals(campaign=campaign)
        _fill_history(frames, years, totals, selectors.unit_lineage(), campaign.year)
        if analysis:
            _fill_rank_intervals(frames, campaign)
        comments = _comments(campaign, assessments, lang) if free_text else []
        return Report(
            campaign=campaign.name,
            year=campaign.year,
            state=campaign.get_state_display(),
            generated_at=timezone.localtime().replace(tzinfo=None, microsecond=0),
            generated_by=str(user) if user is not None else "",
            province=_province(campaign, lang),
            decision_number=campaign.decision_number,
            decision_date=campaign.decision_date,
            sections=[frame.section for frame in frames],
            years=[*years, campaign.year],
            comments=comments,
            rules=_rules(campaign),
            committee=not free_text,
            lang=lang,
            published=campaign.is_published,
        )


def version_levels(version, lang: str) -> list[LevelInfo]:
    """The maturity levels of a framework version, named in ``lang``."""
    return [
        LevelInfo(
            lv["code"],
            (lv.get("name_en") if lang == "en" else "") or lv["name_vi"],
            float(lv["min_value"]),
        )
        for lv in version.levels
    ]


def _province(campaign: Campaign, lang: str) -> str:
    """The province whose campaign it is, named in the report's language."""
    province = campaign.province
    return (lang == "en" and province.name_en) or province.name_vi


def _name(row: dict, prefix: str, lang: str) -> str:
    english = row.get(f"{prefix}name_en") if lang == "en" else ""
    return english or row[f"{prefix}name_vi"]


def _frames(versions, nodes, assessments, progress, lang) -> list[_Frame]:
    by_version: dict[int, list[dict]] = {}
    for node in nodes:
        by_version.setdefault(node["version_id"], []).append(node)
    frames = []
    for version in versions:
        mine = [a for a in assessments if a["version_id"] == version.pk]
        frames.append(
            _frame(version, by_version.get(version.pk, []), mine, progress, lang)
        )
    return frames


def _frame(version, nodes, assessments, progress, lang) -> _Frame:
    tops = [n for n in nodes if n["parent_id"] is None and n["kind"] == "pillar"]
    tops = tops or [n for n in nodes if n["parent_id"] is None]
    top_of = _top_of(nodes)
    leaves = [n for n in nodes if n["kind"] == "indicator"]
    pillars = [
        NodeInfo(n["code"], _name(n, "", lang), selectors.to_float(n["max_points"]))
        for n in tops
    ]
    indicators = [
        NodeInfo(
            n["code"],
            _name(n, "", lang),
            selectors.to_float(n["max_points"]),
            pillar=top_of.get(n["id"], ""),
        )
        for n in leaves
    ]
    units = [_unit(a, progress, lang) for a in assessments]
    n, p = len(units), len(pillars)
    section = Section(
        key=version.framework.code,
        title=_name(
            {
                "name_vi": version.framework.name_vi,
                "name_en": version.framework.name_en,
            },
            "",
            lang,
        ),
        version=f"{version.framework.code} {version.year} v{version.number}",
        legal_basis=version.legal_basis,
        levels=version_levels(version, lang),
        pillars=pillars,
        indicators=indicators,
        units=units,
        pillar_values=np.full((n, p), np.nan),
        pillar_points=np.full((n, p), np.nan),
        pillar_max=np.full((n, p), np.nan),
        level_edges=version.level_edges,
        precision=version.precision,
    )
    frame = _Frame(section=section, version=version)
    frame.rows = {a["id"]: i for i, a in enumerate(assessments)}
    frame.pillar_cols = {node["id"]: j for j, node in enumerate(tops)}
    frame.leaf_cols = {node["id"]: j for j, node in enumerate(leaves)}
    return frame


def _top_of(nodes: list[dict]) -> dict[int, str]:
    parent = {n["id"]: n["parent_id"] for n in nodes}
    code = {n["id"]: n["code"] for n in nodes}
    out = {}
    for node_id in parent:
        top = node_id
        while parent[top] is not None:
            top = parent[top]
        out[node_id] = code[top]
    return out


def _unit(a: dict, progress: dict[int, Progress], lang: str) -> UnitRow:
    """A unit's row; answered and applicable indicators are the board's."""
    done = progress.get(a["id"], Progress(0, 0))
    submitted_at = a["submitted_at"]
    if submitted_at is not None:
        submitted_at = timezone.localtime(submitted_at).replace(
            tzinfo=None, microsecond=0
        )
    return UnitRow(
        code=a["unit__code"],
        name=_name(a, "unit__", lang),
        group=a["ranking_group"],
        ranked=a["ranked"],
        submitted=a["state"] not in NOT_SUBMITTED,
        state=str(Assessment.State(a["state"]).label),
        submitted_at=submitted_at,
        answered=done.answered,
        applicable=done.total,
        assessment_id=a["id"],
    )


def _fill_results(frames: list[_Frame], campaign: Campaign, leaves: bool) -> None:
    where = {}
    for frame in frames:
        for assessment_id, row in frame.rows.items():
            where[assessment_id] = (frame, row)
        k = len(frame.section.indicators)
        if leaves:
            n = len(frame.section.units)
            frame.section.self_points = np.full((n, k), np.nan)
            frame.section.verified_points = np.full((n, k), np.nan)
            frame.section.final_points = np.full((n, k), np.nan)
    f = selectors.to_float
    for (
        aid,
        node_id,
        own,
        verified,
        final,
        mx,
        value,
        level,
        rank,
        self_level,
        self_rank,
    ) in selectors.campaign_results(campaign=campaign, leaves=leaves):
        frame, i = where[aid]
        section = frame.section
        if node_id is None:
            unit = section.units[i]
            unit.points, unit.maximum, unit.value = f(final), f(mx), f(value)
            unit.self_points, unit.verified_points = f(own), f(verified)
            unit.level, unit.rank = level, rank
            unit.self_level, unit.self_rank = self_level, self_rank
        elif node_id in frame.pillar_cols:
            j = frame.pillar_cols[node_id]
            section.pillar_values[i, j] = np.nan if value is None else float(value)
            section.pillar_points[i, j] = np.nan if final is None else float(final)
            section.pillar_max[i, j] = np.nan if mx is None else float(mx)
        elif leaves and node_id in frame.leaf_cols:
            j = frame.leaf_cols[node_id]
            section.self_points[i, j] = np.nan if own is None else float(own)
            section.verified_points[i, j] = (
                np.nan if verified is None else float(verified)
            )
            section.final_points[i, j] = np.nan if final is None else float(final)


def _fill_history(frames, years, totals, lineage, year) -> None:
    """Earlier years' values and ranks, recomputed on this year's units (lineage)."""
    for frame in frames:
        section = frame.section
        units = section.units
        n = len(units)
        section.history = np.full((n, len(years) + 1), np.nan)
        section.history_ranks = np.zeros((n, len(years) + 1))
        if not n:
            continue
        codes = [u.code for u in units]
        values = np.array([np.nan if u.value is None else u.value for u in units])
        ranks = np.array([u.rank or 0 for u in units])
        groups = np.array([u.group for u in units])
        ranked = np.array([u.ranked for u in units])
        section.history[:, -1] = values
        section.history_ranks[:, -1] = ranks
        for y, past in enumerate(years):
            links: dict[str, list[str]] = {}
            for successor, predecessor, link_year in lineage:
                if link_year > past:
                    links.setdefault(successor, []).append(predecessor)
            change = year_over_year(
                unit_codes=codes,
                values=values,
                ranks=ranks,
                groups=groups,
                ranked=ranked,
                previous=totals.get(past, {}),
                lineage=links,
            )
            section.history[:, y] = change.values
            section.history_ranks[:, y] = change.ranks
        if years:
            for i, unit in enumerate(units):
                previous = section.history[i, -2]
                unit.previous_value = None if np.isnan(previous) else float(previous)
                rank = int(section.history_ranks[i, -2])
                unit.previous_rank = rank or None


def _fill_rank_intervals(frames: list[_Frame], campaign: Campaign) -> None:
    for frame in frames:
        if not frame.section.units:
            continue
        found = rank_intervals(campaign=campaign, version=frame.version)
        intervals = np.full((len(frame.section.units), 3), np.nan)
        for assessment_id, interval in found.items():
            i = frame.rows[assessment_id]
            intervals[i] = (interval.median, interval.q05, interval.q95)
        frame.section.rank_intervals = intervals


def _comments(campaign: Campaign, assessments: list[dict], lang: str) -> list[Comment]:
    units = {a["id"]: a for a in assessments}
    return [
        Comment(
            unit_code=units[row["assessment_id"]]["unit__code"],
            unit_name=_name(units[row["assessment_id"]], "unit__", lang),
            indicator_code=row["node__code"],
            comment=row["comment"],
            explanation=row["reviewer_explanation"],
        )
        for row in selectors.campaign_free_text(campaign=campaign)
    ]


def _rules(campaign: Campaign) -> list[tuple[str, str]]:
    return [
        (
            _("Final points"),
            _(
                "Verified points where a reviewer verified the answer, otherwise "
                "the self-assessed points."
            ),
        ),
        (
            _("Percentage"),
            _(
                "Points ÷ applicable maximum; indicators marked not applicable "
                "leave the maximum."
            ),
        ),
        (_("Units that never submitted"), campaign.get_non_submission_display()),
        (
            _("Ranks"),
            _(
                "Within each ranking group, among ranked units; equal values share "
                "a rank (1, 2, 2, 4)."
            ),
        ),
        (
            _("Change since last year"),
            _(
                "Against the latest published earlier campaign; a merged unit compares "
                "with the mean of its predecessors, and last year's ranks are "
                "recomputed on this year's units and groups."
            ),
        ),
        (
            _("Rank intervals"),
            _(
                "Monte Carlo: pillar maxima varied by ±10 %% and level bounds by ±2 "
                "points of %%, %(runs)s runs; 5 %% and 95 %% quantiles of the rank."
            )
            % {"runs": MONTE_CARLO_RUNS},
        ),
    ]
