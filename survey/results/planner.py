"""The planner's engine passes: one unit's figures under hypothetical answers
(what-if) and the least-effort set of changes to its next level.

Both start from the results kept with the stored ones
(:mod:`survey.results.arrays`): the unit's leaf points and statuses, and the other
units' final values for the rank. Nothing is written: answers, their versions,
the audit trail and ``UnitResult`` stay as they are.
"""

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

import scoring
from scoring.planner import Option
from scoring.planner import cheapest_path as engine_cheapest_path
from scoring.rollup import assign_levels, rank_keys, rollup
from survey.models import Answer, Assessment, Node
from survey.results.arrays import scored_load
from survey.results.points import answer_points, answers_points
from survey.results.stored import analysis_stored

_SCORED = scoring.STATUSES.index("scored")
_MISSING = scoring.STATUSES.index("missing")
_NA = scoring.STATUSES.index("na")
_ERROR = scoring.STATUSES.index("error")
_CHANGEABLE = (_SCORED, _MISSING, _NA, _ERROR)
# Rules whose points depend on other units: their hypothetical points are not
# the unit's alone, so they are left as they are.
FIXED_RULES = frozenset({"relative_best", "none", ""})


@dataclass(frozen=True)
class Figures:
    """A node's points, applicable maximum, value (0–1), level code and rank
    (None: n/a or not ranked)."""

    points: float | None
    max_points: float
    value: float | None
    level: str | None
    rank: int | None = None


@dataclass(frozen=True)
class WhatIf:
    """The unit now and under the hypothetical answers: the total, each pillar
    (by code) and each indicator's points (by code, only those that changed)."""

    now: Figures
    new: Figures
    ranked_units: int
    pillars: dict[str, tuple[Figures, Figures]]
    indicators: dict[str, tuple[float | None, float | None]]
    changed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PathStep:
    """One change of the cheapest path: the answer ``target`` (Answer field
    values; None: full points, however the indicator reaches them)."""

    code: str
    points: float
    target_points: float
    gain: float
    effort: float
    target: dict | None


@dataclass(frozen=True)
class CheapestPath:
    status: str
    target_level: str = ""
    bound: float | None = None
    steps: list[PathStep] = field(default_factory=list)
    effort: float = 0.0
    points_gained: float = 0.0
    new_value: float | None = None
    new_level: str | None = None


def _unit_row(assessment: Assessment):
    results, _ = scored_load(campaign=assessment.campaign, version=assessment.version)
    unit_id = str(assessment.pk)
    if unit_id not in results.unit_index:
        return results, None
    return results, results.unit_index[unit_id]


def _figures(spec, arrays, k: int, rank: int = 0) -> Figures:
    points = arrays.exposed_points()[0, k]
    value = arrays.value()[0, k]
    level = int(assign_levels(spec, np.array([value]))[0])
    return Figures(
        points=None if np.isnan(points) else float(points),
        max_points=float(arrays.max[0, k]),
        value=None if np.isnan(value) else float(value),
        level=spec.levels[level].code if level >= 0 else None,
        rank=rank or None,
    )


def _leaf_state(node: Node, values: dict, is_na: bool, precision: int):
    """The leaf's points and status with ``values``; None when the engine cannot
    score them (the caller checks them first and names the fields): the leaf then
    stays as it is rather than turning the totals into n/a."""
    if is_na:
        return np.nan, _NA
    points, code = answer_points(
        node=node, values=values, is_na=False, precision=precision
    )
    if code:
        return None
    return (np.nan, _MISSING) if points is None else (float(points), _SCORED)


def what_if(
    *, assessment: Assessment, answers: Mapping[str, tuple[dict, bool]]
) -> WhatIf | None:
    """The unit's figures with ``answers`` (indicator code: (Answer field values,
    N/A)) in place of its final ones; None when the unit has no kept result.

    The rank is the one the engine would give among the other units' stored
    final results of the ranking group (same rounding, same tie rule)."""
    results, i = _unit_row(assessment)
    if i is None:
        return None
    spec = results.spec
    nodes = {n.code: n for n in assessment.version.nodes.filter(code__in=answers)}
    pts = results.points[i, spec.leaves].copy()
    status = results.status[i].copy()
    changed = set()
    for j, code in enumerate(spec.leaf_codes):
        node = nodes.get(code)
        if not _changeable(node, j, status):
            continue
        values, is_na = answers[code]
        state = _leaf_state(node, values, is_na, spec.precision)
        if state is None:
            continue
        changed.add(code)
        pts[j], status[j] = state
    before = rollup(
        spec,
        np.nan_to_num(results.points[i, spec.leaves])[None],
        results.status[i][None],
    )
    after = rollup(spec, np.nan_to_num(pts)[None], status[None])
    rank_now, rank_new, ranked_units = _ranks(results, i, after)
    return WhatIf(
        now=_figures(spec, before, 0, rank_now),
        new=_figures(spec, after, 0, rank_new),
        ranked_units=ranked_units,
        pillars={
            spec.nodes[k].code: (_figures(spec, before, k), _figures(spec, after, k))
            for k in spec.children[0]
        },
        indicators={
            code: (
                _num(results.points[i, spec.leaves[j]]),
                _num(pts[j]) if status[j] == _SCORED else None,
            )
            for j, code in enumerate(spec.leaf_codes)
        },
        changed=frozenset(changed),
    )


def what_if_steps(
    *, assessment: Assessment, answers: list[tuple[str, dict, bool]]
) -> list[Figures]:
    """The unit's total after each of ``answers`` (code, values, N/A) taken in
    turn, each on top of the ones before (a plan's items in order); empty when
    the unit has no kept result."""
    results, i = _unit_row(assessment)
    if i is None:
        return []
    spec = results.spec
    codes = [code for code, _v, _na in answers]
    nodes = {n.code: n for n in assessment.version.nodes.filter(code__in=codes)}
    col = {code: j for j, code in enumerate(spec.leaf_codes)}
    pts = results.points[i, spec.leaves].copy()
    status = results.status[i].copy()
    rows_pts, rows_status = [], []
    for code, values, is_na in answers:
        j, node = col.get(code), nodes.get(code)
        if _changeable(node, j, status):
            state = _leaf_state(node, values, is_na, spec.precision)
            if state is not None:
                pts[j], status[j] = state
        rows_pts.append(pts.copy())
        rows_status.append(status.copy())
    if not answers:
        return []
    after = rollup(spec, np.nan_to_num(np.array(rows_pts)), np.array(rows_status))
    return [_figures(spec, _Row(after, r), 0) for r in range(len(answers))]


class _Row:
    """One row of a roll-up, shaped as a one-row roll-up."""

    def __init__(self, arrays, r: int) -> None:
        self.arrays, self.r = arrays, r
        self.max = arrays.max[r : r + 1]

    def exposed_points(self):
        return self.arrays.exposed_points()[self.r : self.r + 1]

    def value(self):
        return self.arrays.value()[self.r : self.r + 1]


def _changeable(node: Node | None, j: int | None, status) -> bool:
    if node is None or j is None or node.rule in FIXED_RULES:
        return False
    return int(status[j]) in _CHANGEABLE


def _num(x) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


def _ranked(results) -> np.ndarray:
    """Which units of the kept results are ranked (read from their assessments:
    the kept arrays hold the figures, not the flags)."""
    flags = dict(
        Assessment.objects.filter(
            pk__in=[int(u) for u in results.unit_ids]
        ).values_list("pk", "ranked")
    )
    return np.array([bool(flags.get(int(u))) for u in results.unit_ids], bool)


def _ranks(results, i: int, after) -> tuple[int, int, int]:
    """The unit's rank now and with ``after``, and the ranked units of its group,
    as :func:`scoring.score` ranks: values rounded to the version's precision,
    competition ranking within the ranking group."""
    spec, ranked = results.spec, _ranked(results)
    keys = rank_keys(spec, results.points[:, 0], results.value[:, 0], "value")
    now = scoring.rank_within_groups(keys, results.groups, ranked)
    mine = rank_keys(spec, after.exposed_points()[:, 0], after.value()[:, 0], "value")
    changed = keys.astype(float)
    changed[i] = mine[0]
    new = scoring.rank_within_groups(changed, results.groups, ranked)
    peers = (results.groups == results.groups[i]) & ranked
    return int(now[i]), int(new[i]), int((peers & ~np.isnan(keys)).sum())


# The cheapest path -------------------------------------------------------------

# Options offered per indicator at most (spread evenly over the achievable
# points, the full points always kept), so that the search stays fast.
MAX_OPTIONS = 50
# The denominator assumed for a ratio whose denominator the unit has not given.
DEFAULT_DENOMINATOR = Decimal(100)
# Numbers tried at most for one indicator (ratio numerators, target numbers…).
_MAX_CANDIDATES = 4000


def _count_range(top: float) -> list[Decimal]:
    """Whole numbers 0…ceil(top) (at most ``_MAX_CANDIDATES``, spread evenly)."""
    n = max(int(math.ceil(top)), 0)
    if n <= _MAX_CANDIDATES:
        return [Decimal(k) for k in range(n + 1)]
    return sorted({Decimal(k) for k in np.linspace(0, n, _MAX_CANDIDATES).round()})


def _step_range(top: float, digits: int) -> list[Decimal]:
    """Numbers 0…top on the grid of ``digits`` decimals (coarser when there would
    be more than ``_MAX_CANDIDATES``), ``top`` itself included."""
    step = Decimal(1).scaleb(-digits)
    top_d = Decimal(str(top))
    while top_d / step > _MAX_CANDIDATES:
        step *= 10
    count = int(top_d / step)
    out = [step * k for k in range(count + 1)]
    if not out or out[-1] != top_d:
        out.append(top_d)
    return out


def _candidates(node: Node, denominator: Decimal | None, precision: int):
    """Answers that may raise ``node``'s points, as Answer field values, smallest
    first (for numbers: the smallest number that gives each points value comes
    first)."""
    params, full = node.rule_params or {}, float(node.max_points or 0)
    rule, kind = node.rule, node.answer_type
    if rule == "yes_no":
        return [{"yes": True}]
    if rule == "level":
        return [{"choice": lv.get("code")} for lv in params.get("levels", [])]
    if rule == "tiers":
        return [
            {"number": Decimal(str(t))} for t, _p in sorted(params.get("tiers", []))
        ]
    if rule == "checks":
        return _check_sets(params.get("checks", []))
    if rule == "ratio" and kind == "percentage":
        return [{"number": n} for n in _step_range(100, 0)]
    if rule == "ratio":
        d = denominator if denominator else DEFAULT_DENOMINATOR
        return [{"number": n, "denominator": d} for n in _count_range(float(d))]
    if rule == "target" and "target" in params:
        target = float(params["target"])
        digits = max(0, min(4, 2 - int(math.floor(math.log10(max(target, 1e-9))))))
        if kind == Node.AnswerType.COUNT:
            digits = 0
        return [{"number": n} for n in _step_range(target, digits)]
    if rule == "direct":
        return [{"number": n} for n in _step_range(full, precision)]
    if rule in ("bonus", "penalty"):
        cap = float(params.get("max", full))
        if kind == "points":
            return [{"number": n} for n in _step_range(cap, precision)]
        per_item = float(params.get("per_item", 1.0)) or 1.0
        counts = _count_range(cap / per_item)
        return [{"number": n} for n in (counts[::-1] if rule == "penalty" else counts)]
    return []


def _check_sets(checks: list[dict]) -> list[dict]:
    """Sets of checks, fewest first (every subset up to 12 checks; beyond, the
    checks worth most first, one more at a time)."""
    codes = [c.get("code") for c in checks]
    if len(codes) <= 12:
        subsets = [
            list(s)
            for size in range(len(codes) + 1)
            for s in itertools.combinations(codes, size)
        ]
    else:
        order = sorted(checks, key=lambda c: -float(c.get("points", 0)))
        subsets = [[c.get("code") for c in order[:k]] for k in range(len(order) + 1)]
    return [{"checks": s} for s in subsets]


def _thin(options: list[tuple[float, dict]], limit: int) -> list[tuple[float, dict]]:
    """At most ``limit`` options spread evenly over the list, the last (the most
    points) always kept."""
    if len(options) <= limit:
        return options
    picks = np.unique(np.linspace(0, len(options) - 1, limit).round().astype(int))
    return [options[k] for k in picks]


def improvement_options(
    node: Node,
    precision: int,
    denominator: Decimal | None = None,
    current: float | None = None,
) -> list[tuple[float, dict]]:
    """The answers that raise ``node``'s points above ``current`` (any points when
    None), as (points, Answer field values): one per achievable points value, the
    smallest answer that gives it, at most :data:`MAX_OPTIONS` (spread evenly,
    the full points kept). Each answer, typed in, gives exactly those points
    (the engine scores it here). A ratio without the unit's denominator is
    given :data:`DEFAULT_DENOMINATOR`."""
    candidates = _candidates(node, denominator, precision)
    if not candidates:
        return []
    scored = answers_points(
        node=node, rows=[(v, False) for v in candidates], precision=precision
    )
    best: dict[float, dict] = {}
    for values, (points, code) in zip(candidates, scored, strict=True):
        if points is None or code:
            continue
        best.setdefault(float(points), values)
    floor = -math.inf if current is None or math.isnan(current) else current
    options = sorted((p, v) for p, v in best.items() if p > floor)
    return _thin(options, MAX_OPTIONS)


# Part of the key under which a path is kept: raised whenever the search or the
# options change, so that a path kept by an earlier release is searched again.
PATH_FORMAT = 3


def cheapest_path(*, assessment: Assessment) -> CheapestPath | None:
    """The least-effort set of answer changes that lifts the unit to its next
    level (efforts: ``Node.effort``), on its kept final results; None when the
    unit has no kept result. Searched once per results version and kept."""
    kept = analysis_stored(
        campaign=assessment.campaign,
        kind=f"cheapest:{PATH_FORMAT}:{assessment.pk}",
        build=lambda: (_path_payload(assessment), b""),
    )
    return _path_from_payload(kept.payload)


def _path_payload(assessment: Assessment) -> dict:
    results, i = _unit_row(assessment)
    if i is None:
        return {}
    spec, precision = results.spec, results.spec.precision
    nodes = {
        n.code: n
        for n in assessment.version.nodes.filter(kind=Node.Kind.INDICATOR)
        if n.rule not in FIXED_RULES
    }
    denominators = _final_denominators(assessment)
    now = dict(zip(spec.leaf_codes, results.points[i, spec.leaves], strict=True))
    options = {
        code: [
            Option(p, _json_values(v))
            for p, v in improvement_options(
                node, precision, denominators.get(code), float(now.get(code, np.nan))
            )
        ]
        for code, node in nodes.items()
    }
    efforts = {code: float(node.effort) for code, node in nodes.items()}
    out = engine_cheapest_path(
        spec, results.points[i, spec.leaves], results.status[i], options, efforts
    )
    out["changes"] = [
        [c.code, c.points, c.target_points, c.gain, c.effort, c.label]
        for c in out.get("changes", [])
    ]
    return out


def _final_denominators(assessment: Assessment) -> dict[str, Decimal | None]:
    """Ratio indicator code: the denominator that counts, the reviewer's when they
    gave a value of their own, else the unit's (as the what-if reads answers)."""
    out = {}
    for code, status, verified, own in Answer.objects.filter(
        assessment=assessment, node__answer_type=Node.AnswerType.RATIO
    ).values_list("node__code", "review_status", "verified_value", "denominator"):
        if status == Answer.ReviewStatus.DISAGREED and verified:
            given = verified.get("denominator")
            own = None if given in (None, "") else Decimal(str(given))
        out[code] = own
    return out


def _json_values(values: dict | None) -> dict | None:
    if values is None:
        return None
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _path_from_payload(out: dict) -> CheapestPath | None:
    if not out:
        return None
    if out["status"] not in ("reachable", "not_reachable"):
        return CheapestPath(status=out["status"])
    return CheapestPath(
        status=out["status"],
        target_level=out["target_level"],
        bound=out["bound"],
        steps=[PathStep(*change) for change in out["changes"]],
        effort=out["effort"],
        points_gained=out["points_gained"],
        new_value=out["new_value"],
        new_level=out["new_level"],
    )


def plan_values(target: Mapping[str, Any]) -> dict:
    """Answer field values from a plan item's stored target (numbers kept as
    plain strings in JSON)."""
    out = dict(target)
    for name in ("number", "denominator"):
        if out.get(name) not in (None, ""):
            out[name] = Decimal(str(out[name]))
    return out
