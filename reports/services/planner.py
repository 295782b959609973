"""The scorecard's planner: what-if figures, the cheapest path to the next level
and the plan for next year (page, JSON for the page's script, .docx and .xlsx).
Every figure comes from :mod:`survey.results.planner`; nothing here saves an
answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import formats, translation
from django.utils.translation import gettext as _

from common.figures import exact, round_half_up
from reports.builders.plan import (
    PlanDocument,
    PlanLine,
    plan_docx_bytes,
    plan_xlsx_bytes,
)
from reports.labels import report_labels
from reports.services.unit import _level_name
from survey.answer_types import answer_display
from survey.forms.planner import PlannerForm, value_names
from survey.models import Assessment, ImprovementPlan, Node
from survey.numbers import NumberFormat, format_number, page_number_format
from survey.results.planner import (
    CheapestPath,
    Figures,
    cheapest_path,
    plan_values,
    what_if_steps,
)
from survey.selectors.questionnaire import localized
from survey.services.planner import (
    WhatIfRun,
    current_answers,
    hypothetical_answers,
    improvement_plan_save,
    planner_nodes,
    what_if_run,
)


@dataclass(frozen=True)
class PlannerRow:
    code: str
    name: str
    current: str
    points: float | None
    max_points: float | None
    new_points: float | None
    fields: list
    responsible: object
    due: object
    errors: list[str] = field(default_factory=list)
    in_plan: bool = False


@dataclass(frozen=True)
class PathLine:
    code: str
    name: str
    points: float
    target_points: float
    gain: float
    effort: float
    target: str
    # no answer to type was found for this step: the plan cannot be filled in
    no_target: bool = False


def _plan(assessment: Assessment) -> ImprovementPlan | None:
    return ImprovementPlan.objects.filter(assessment=assessment).first()


def _form(assessment, nodes, data, number_format) -> PlannerForm:
    plan = _plan(assessment)
    return PlannerForm(
        data,
        nodes=nodes,
        items=plan.items if plan else [],
        number_format=number_format,
        version=plan.version if plan else 0,
        year=assessment.campaign.year,
    )


def _current(assessment: Assessment, nodes: list[Node]) -> dict[str, str]:
    """Indicator code: the answer that counts now (the verified one when the
    reviewer gave a value), as the points beside it are."""
    final = current_answers(assessment=assessment, nodes=nodes)
    return {
        n.code: answer_display(n, final[n.code]) if n.code in final else "—"
        for n in nodes
    }


def _typed_from_plan(assessment: Assessment) -> dict[str, dict]:
    plan = _plan(assessment)
    return {
        item["code"]: plan_values(item.get("target") or {})
        for item in (plan.items if plan else [])
    }


def _path_lines(
    path: CheapestPath | None, nodes: list[Node], codes: set[str] | None = None
) -> list[PathLine]:
    """Every step of the path (those of ``codes`` only, when given): a step
    without an answer to type is kept, with a note saying so."""
    if path is None:
        return []
    by_code = {n.code: n for n in nodes}
    lines = []
    for step in path.steps:
        if codes is not None and step.code not in codes:
            continue
        node = by_code.get(step.code)
        if node is not None and step.target:
            target = answer_display(node, step.target)
        else:
            target = _(
                "Full points (%(points)s): no answer to enter was found; "
                "choose one in the planner."
            ) % {"points": _n(step.target_points)}
        lines.append(
            PathLine(
                step.code,
                localized(node, "name") if node is not None else step.code,
                step.points,
                step.target_points,
                step.gain,
                step.effort,
                target,
                no_target=node is None or not step.target,
            )
        )
    return lines


def _path_partial(lines: list[PathLine]) -> str:
    """A warning when some steps of the path have no answer to enter."""
    missing = [line.code for line in lines if line.no_target]
    if not missing:
        return ""
    return _(
        "The path is only partly filled in: no answer to enter was found for "
        "%(codes)s. Enter one for each so that the level is reached."
    ) % {"codes": ", ".join(missing)}


def _path_data(path: CheapestPath | None, nodes: list[Node], number_format) -> dict:
    """Form data that puts the cheapest path's targets in the planner's fields."""
    data: dict[str, object] = {}
    by_code = {n.code: n for n in nodes}
    for step in path.steps if path else []:
        node = by_code.get(step.code)
        if node is None or not step.target:
            continue
        for name, value in step.target.items():
            key = f"w-{step.code}-{name}"
            if name == "yes":
                data[key] = "true" if value else "false"
            elif name in ("number", "denominator"):
                data[key] = format_number(value, number_format)
            else:
                data[key] = value
    return data


def _merged(data, extra: dict):
    merged = data.copy()
    for key, value in extra.items():
        if isinstance(value, list):
            merged.setlist(key, value)
        else:
            merged[key] = value
    return merged


def _bound_form(assessment, nodes, data, number_format, *, add_path: bool):
    if data is not None and add_path:
        path = cheapest_path(assessment=assessment)
        given = {
            k for k, v in data.items() if k.startswith("w-") and v not in ("", None)
        }
        extra = {
            k: v
            for k, v in _path_data(path, nodes, number_format).items()
            if k not in given
        }
        data = _merged(data, extra)
    form = _form(assessment, nodes, data, number_format)
    if data is not None:
        form.is_valid()
    return form


def planner_run(
    *, assessment: Assessment, data=None, number_format: NumberFormat | None = None
) -> tuple[PlannerForm, WhatIfRun]:
    """The planner's form (bound to ``data`` if posted) and its what-if figures:
    of the typed answers when posted, else of the saved plan's targets."""
    number_format = number_format or page_number_format()
    nodes = planner_nodes(assessment=assessment)
    add_path = data is not None and data.get("action") == "add_path"
    form = _bound_form(assessment, nodes, data, number_format, add_path=add_path)
    if data is None:
        run = what_if_run(assessment=assessment, typed=_typed_from_plan(assessment))
    else:
        run = what_if_run(
            assessment=assessment, typed=form.typed(), form_errors=form.field_errors()
        )
    return form, run


def planner_page(
    *,
    assessment: Assessment,
    data=None,
    number_format: NumberFormat | None = None,
    errors: dict[str, list[str]] | None = None,
    stale: bool = False,
) -> dict:
    """Everything the planner page shows. ``stale``: a save was refused because
    the plan was saved meanwhile; what was typed stays, and the form carries the
    saved version so that saving again replaces it deliberately."""
    if stale and data is not None:
        plan = _plan(assessment)
        data = data.copy()
        data["version"] = str(plan.version if plan else 0)
    form, run = planner_run(
        assessment=assessment, data=data, number_format=number_format
    )
    nodes = form.nodes
    current = _current(assessment, nodes)
    result = run.result
    all_errors = {**run.errors, **(errors or {})}
    plan = _plan(assessment)
    planned = {item["code"] for item in (plan.items if plan else [])}
    rows = []
    for row in form.rows():
        node = row["node"]
        now, new = (result.indicators.get(node.code) if result else None) or (
            None,
            None,
        )
        rows.append(
            PlannerRow(
                code=node.code,
                name=localized(node, "name"),
                current=current.get(node.code, "—"),
                points=_points_now(result, node),
                max_points=float(node.max_points) if node.max_points else None,
                new_points=new if result and node.code in result.changed else None,
                fields=row["values"],
                responsible=row["responsible"],
                due=row["due"],
                errors=all_errors.get(node.code, []),
                in_plan=node.code in planned,
            )
        )
    path = cheapest_path(assessment=assessment)
    path_lines = _path_lines(path, nodes)
    return {
        "form": form,
        "rows": rows,
        "result": result,
        "summary": _summary(assessment, result),
        "path": path,
        "path_lines": path_lines,
        "path_partial": _path_partial(path_lines),
        "path_level": _level_name(assessment, path.target_level)
        if path and path.target_level
        else "",
        "plan": plan,
        "errors": all_errors,
        "page_errors": all_errors.get("", []),
        "number_format": number_format or page_number_format(),
    }


def _points_now(result, node) -> float | None:
    if result is None:
        return None
    return (result.indicators.get(node.code) or (None, None))[0]


def _figures_dict(assessment, figures: Figures | None) -> dict:
    if figures is None:
        return {}
    return {
        "points": figures.points,
        "max_points": figures.max_points,
        "percent": None if figures.value is None else figures.value * 100,
        "level": _level_name(assessment, figures.level) if figures.level else "",
        "rank": figures.rank,
    }


def _summary(assessment, result) -> dict:
    if result is None:
        return {}
    pillars = []
    names = {
        n.code: localized(n, "name")
        for n in assessment.version.nodes.filter(code__in=list(result.pillars))
    }
    for code, (now, new) in result.pillars.items():
        pillars.append(
            {
                "code": code,
                "name": names.get(code, code),
                "now": now.points,
                "new": new.points,
                "max_points": now.max_points,
                "changed": now.points != new.points,
            }
        )
    return {
        "now": _figures_dict(assessment, result.now),
        "new": _figures_dict(assessment, result.new),
        "ranked_units": result.ranked_units,
        "pillars": pillars,
    }


def _n(value, places: int = 2) -> str:
    """A figure rounded once, halves away from zero (as everywhere else), then
    formatted for the page (formatting alone would cut the digits off)."""
    figure = exact(value)
    if figure is None:
        return "—"
    return formats.number_format(round_half_up(figure, places), places, use_l10n=True)


def planner_json(
    *, assessment: Assessment, data, number_format: NumberFormat | None = None
) -> dict:
    """The what-if of the posted form as the page's script shows it (numbers
    formatted for the page); nothing saved."""
    form, run = planner_run(
        assessment=assessment, data=data, number_format=number_format
    )
    summary = _summary(assessment, run.result)
    if not summary:
        return {"ok": False, "errors": run.errors, "message": _("No result yet.")}
    now, new = summary["now"], summary["new"]
    return {
        "ok": not run.errors,
        "errors": run.errors,
        "total": {
            "now": _n(now["points"]),
            "new": _n(new["points"]),
            "max": _n(new["max_points"]),
            "percent_now": _n(now["percent"]),
            "percent_new": _n(new["percent"]),
            "level_now": now["level"],
            "level_new": new["level"],
            "rank_now": now["rank"],
            "rank_new": new["rank"],
            "ranked_units": summary["ranked_units"],
        },
        "pillars": [
            {
                "code": p["code"],
                "now": _n(p["now"]),
                "new": _n(p["new"]),
                "changed": p["changed"],
            }
            for p in summary["pillars"]
        ],
        "indicators": {
            code: _n(run.result.indicators[code][1]) for code in run.result.changed
        },
    }


def planner_save(*, assessment: Assessment, actor, data, number_format=None):
    """Save the posted plan (:func:`improvement_plan_save`): the indicators with a
    target answer, their responsible and due date."""
    form = _bound_form(
        assessment,
        planner_nodes(assessment=assessment),
        data,
        number_format or page_number_format(),
        add_path=False,
    )
    typed = form.typed()
    return improvement_plan_save(
        assessment=assessment,
        actor=actor,
        typed=typed,
        plan_fields={
            node.code: form.plan_fields(node.code)
            for node in form.nodes
            if node.code in typed or any(form.plan_fields(node.code))
        },
        expected_version=(form.cleaned_data.get("version") or 0)
        if hasattr(form, "cleaned_data")
        else 0,
        form_errors=form.field_errors(),
    )


def scorecard_planner(
    *, assessment: Assessment, can_plan: bool, codes: set[str] | None = None
) -> dict:
    """The cheapest path to the next level shown on the scorecard (its steps on
    ``codes`` only, when the viewer sees only those indicators), and whether the
    planner's controls are shown."""
    nodes = planner_nodes(assessment=assessment)
    path = cheapest_path(assessment=assessment)
    lines = _path_lines(path, nodes, codes)
    return {
        "can_plan": can_plan,
        "cheapest": path,
        "cheapest_lines": lines,
        "cheapest_partial": _path_partial(lines),
        "cheapest_level": _level_name(assessment, path.new_level)
        if path and path.new_level
        else "",
    }


# The plan's files --------------------------------------------------------------


def plan_document(*, assessment: Assessment, lang: str = "vi") -> PlanDocument:
    """The saved plan, each item with the level reached once it and the items
    before it are done."""
    with translation.override(lang):
        plan = _plan(assessment)
        items = plan.items if plan else []
        nodes = {n.code: n for n in planner_nodes(assessment=assessment)}
        items = [item for item in items if item.get("code") in nodes]
        # targets laid over the current answers, as the planner page does (a
        # plan saved with only some fields of an answer still counts)
        targets = {
            item["code"]: plan_values(item.get("target") or {}) for item in items
        }
        merged, _errors = hypothetical_answers(assessment=assessment, typed=targets)
        steps_in = [
            (
                item["code"],
                *merged.get(
                    item["code"],
                    (targets[item["code"]], bool(targets[item["code"]].get("is_na"))),
                ),
            )
            for item in items
        ]
        steps = what_if_steps(assessment=assessment, answers=steps_in)
        run = what_if_run(assessment=assessment, typed={})
        current = _current(assessment, list(nodes.values()))
        indicator_points = what_if_run(
            assessment=assessment, typed={c: v for c, v, _na in steps_in}
        ).result
        lines = []
        for k, item in enumerate(items):
            node = nodes[item["code"]]
            now, new = (
                indicator_points.indicators.get(node.code, (None, None))
                if indicator_points
                else (None, None)
            )
            lines.append(
                PlanLine(
                    code=node.code,
                    name=localized(node, "name"),
                    current_answer=current.get(node.code, "—"),
                    current_points=now,
                    target_answer=answer_display(node, steps_in[k][1]),
                    target_points=new,
                    points_gained=None if now is None or new is None else new - now,
                    level_after=_level_name(assessment, steps[k].level)
                    if k < len(steps) and steps[k].level
                    else "",
                    responsible=item.get("responsible", ""),
                    due=date.fromisoformat(item["due"]) if item.get("due") else None,
                )
            )
        now_fig = run.result.now if run.result else None
        after = steps[-1] if steps else now_fig
        return PlanDocument(
            unit=str(assessment.unit),
            campaign=str(assessment.campaign),
            points_now=now_fig.points if now_fig else None,
            points_after=after.points if after else None,
            maximum=now_fig.max_points if now_fig else None,
            value_now=now_fig.value if now_fig else None,
            value_after=after.value if after else None,
            level_now=_level_name(assessment, now_fig.level)
            if now_fig and now_fig.level
            else "",
            level_after=_level_name(assessment, after.level)
            if after and after.level
            else "",
            lines=tuple(lines),
            lang=lang,
        )


def plan_xlsx(*, assessment: Assessment, lang: str = "vi") -> bytes:
    return plan_xlsx_bytes(
        plan_document(assessment=assessment, lang=lang), report_labels(lang)
    )


def plan_docx(*, assessment: Assessment, lang: str = "vi") -> bytes:
    return plan_docx_bytes(
        plan_document(assessment=assessment, lang=lang), report_labels(lang)
    )


__all__ = [
    "planner_page",
    "planner_json",
    "planner_save",
    "plan_docx",
    "plan_xlsx",
    "value_names",
]
