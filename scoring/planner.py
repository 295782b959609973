"""The cheapest way to the next level: a multiple-choice knapsack over the tree.

Each indicator ``i`` the unit can still improve offers options ``o`` (a higher
answer: yes instead of no, a higher level, a higher tier, full points…), each
reaching ``points_o`` from the current ``points_i``. Choosing option ``o`` costs::

    effort(i, o) = effort_i × gain_o / max_gain_i      gain_o = points_o − points_i

where ``max_gain_i`` is the gain of the indicator's best option, so that full
points cost the indicator's whole effort and half the gain half of it. Efforts
are counted in millionths (rounded once per option), so that sums are exact.

At most one option per indicator is chosen; the chosen set must lift the
unit's value (points ÷ applicable maximum, as :func:`scoring.rollup.rollup`
computes it: leaf points rounded, caps, bonus and penalty groups, the value
rounded to ``spec.value_precision`` and the level edges) to the next level.
Among the sets that do, the one with the least effort wins; ties go to fewer
changes, then to the smaller sorted list of ``(code, points)``.

The search is exact. Leaf points sit on the grid of ``spec.precision``, so
every node's points are whole numbers of grid steps. Each node keeps the Pareto
front of ``(points, cost)`` over the choices below it as numpy arrays (a state
with fewer points and no smaller cost can never help, because the root's points
never decrease when a node's points grow); a group combines its regular
children's fronts (min-plus over the point grid: one vector operation over the
longer front per state of the shorter), applies its cap exactly as the roll-up
does, then adds its bonus and penalty children. Points beyond the gain the root
still needs are useless, so every front is cut at ``current + need + slack``
(slack: what capped penalty groups above absorb), and states dearer than a
greedy feasible set are dropped. Ties are ranked within each front and packed
with the cost into one 64-bit key (codes of separate subtrees forming separate
ranges); when they interleave, the former pair-by-pair search in Python decides.
The winner is checked again with the roll-up (docs/planner.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scoring.codes import LeafStatus
from scoring.kernels import S
from scoring.rollup import _group_structure, assign_levels, rollup
from scoring.rounding import round_half_away
from scoring.types import FrameworkSpec

EFFORT_SCALE = 1_000_000
_IMPROVABLE = (S[LeafStatus.SCORED], S[LeafStatus.MISSING])


@dataclass(frozen=True)
class Option:
    """A reachable answer of one indicator: its ``points`` and a ``label`` the
    caller uses to show or apply it (a choice code, a typed value…)."""

    points: float
    label: Any = None


@dataclass(frozen=True)
class Change:
    """One chosen improvement."""

    code: str
    points: float
    target_points: float
    gain: float
    effort: float
    label: Any = None


# A state of a front: (cost in millionths, number of changes, sorted
# ((code, target units), …)) and, beside it, the chosen options.
_Key = tuple[int, int, tuple[tuple[str, int], ...]]


def option_effort(effort: float, gain: float, max_gain: float) -> int:
    """Effort of an option in millionths: ``effort × gain / max_gain``."""
    if max_gain <= 0:
        return 0
    return int(round(float(effort) * gain / max_gain * EFFORT_SCALE))


def _units(x: float, digits: int) -> int:
    return int(round(float(round_half_away(x, digits)) * 10**digits))


def _add(a: _Key, b: _Key) -> _Key:
    return (a[0] + b[0], a[1] + b[1], tuple(sorted(a[2] + b[2])))


def _pareto(states: dict[int, _Key]) -> dict[int, _Key]:
    """Drop every state that another with as many points and no larger key beats."""
    kept: dict[int, _Key] = {}
    best: _Key | None = None
    for p in sorted(states, reverse=True):
        key = states[p]
        if best is None or key < best:
            kept[p] = key
            best = key
    return kept


def _combine(
    a: dict[int, _Key], b: dict[int, _Key], top: int, bound: int
) -> dict[int, _Key]:
    out: dict[int, _Key] = {}
    for pa, ka in a.items():
        for pb, kb in b.items():
            if ka[0] + kb[0] > bound:
                continue
            p = min(pa + pb, top)
            held = out.get(p)
            if held is not None and (ka[0] + kb[0], ka[1] + kb[1]) > held[:2]:
                continue
            key = _add(ka, kb)
            if held is None or key < held:
                out[p] = key
    return _pareto(out)


def _leaf_front(current: int, options, top: int, bound: int) -> dict[int, _Key]:
    front: dict[int, _Key] = {min(current, top): (0, 0, ())}
    for units, cost, code, _label in options:
        if cost > bound:
            continue
        p = min(units, top)
        key = (cost, 1, ((code, units),))
        if p not in front or key < front[p]:
            front[p] = key
    return _pareto(front)


def _group_front(spec, node, regular, extra, fronts, top: int, bound: int):
    digits = spec.precision
    scale = 10**digits
    shifted = {0: (0, 0, ())}
    for c in regular:
        shifted = _combine(shifted, fronts[c], 10**12, bound)
    capped: dict[int, _Key] = {}
    for p, key in shifted.items():
        reg = p / scale
        if node.capped:
            cap = float(node.max_points)
            reg = max(reg, -cap) if node.kind == "penalty_group" else min(reg, cap)
        q = _units(reg, digits)
        if q not in capped or key < capped[q]:
            capped[q] = key
    front = _pareto(capped)
    for c in extra:
        front = _combine(front, fronts[c], 10**12, bound)
    return _pareto(_saturate(front, top))


def _saturate(front: dict[int, _Key], top: int) -> dict[int, _Key]:
    out: dict[int, _Key] = {}
    for p, key in front.items():
        q = min(p, top)
        if q not in out or key < out[q]:
            out[q] = key
    return out


def _root_units_needed(spec, max_total: float, current: int, best: int, level: int):
    """The fewest root points (grid steps) in ``[current, best]`` whose value
    reaches a level above ``level``, or None."""
    steps = np.arange(current, best + 1)
    values = (steps / 10**spec.precision) / max_total
    above = np.nonzero(assign_levels(spec, values) > level)[0]
    return int(steps[above[0]]) if len(above) else None


def cheapest_path(
    spec: FrameworkSpec,
    leaf_points: np.ndarray,
    leaf_status: np.ndarray,
    options: Mapping[str, Sequence[Option]],
    efforts: Mapping[str, float],
) -> dict[str, Any]:
    """The least-effort set of changes that lifts the unit to the next level.

    ``leaf_points``/``leaf_status``: the unit's row of ``Results.points`` at the
    leaves and of ``Results.status`` (or of a what-if). ``options``: per
    indicator code, the answers that would give it more points; ``efforts``:
    per code (default 1). Only indicators scored or missing are changed.

    Returns ``{"status": "reachable" | "not_reachable" | "top_level" | "n/a",
    "level", "value", "target_level", "bound", "changes" (list of
    :class:`Change`), "effort", "points_gained", "new_points", "new_value",
    "new_level"}``.
    """
    pts = np.nan_to_num(np.asarray(leaf_points, float)).reshape(1, -1)
    status = np.asarray(leaf_status).reshape(1, -1)
    now = rollup(spec, pts, status)
    value = now.value()[0, 0]
    level = int(assign_levels(spec, np.array([value]))[0])
    out: dict[str, Any] = {
        "level": spec.levels[level].code if level >= 0 else None,
        "value": None if level < 0 else float(value),
    }
    if level < 0:
        return {**out, "status": "n/a"}
    if level == len(spec.levels) - 1:
        return {**out, "status": "top_level"}
    out.update(
        target_level=spec.levels[level + 1].code,
        bound=spec.levels[level + 1].min_value,
    )
    choices = _choices(spec, pts[0], status[0], options, efforts)
    best_pts = pts.copy()
    for j, opts in choices.items():
        best_pts[0, j] = opts[-1][0] / 10**spec.precision
    reach = rollup(spec, best_pts, status).points[0, 0]
    digits, total_max = spec.precision, float(now.max[0, 0])
    current = _units(now.points[0, 0], digits)
    needed = _root_units_needed(spec, total_max, current, _units(reach, digits), level)
    if needed is None:
        every = {spec.leaf_codes[j]: opts[-1][0] for j, opts in choices.items()}
        return {**out, **_outcome(spec, pts, status, every, choices, level, False)}
    bound = _greedy_cost(spec, pts, status, choices, level)
    picks = _search(spec, pts[0], choices, needed - current, bound)
    return {**out, **_outcome(spec, pts, status, picks, choices, level, True)}


def _choices(spec, pts, status, options, efforts):
    """Per leaf column: ``[(target units, cost, code)]`` of the options that gain."""
    digits, out = spec.precision, {}
    for j, code in enumerate(spec.leaf_codes):
        if int(status[j]) not in _IMPROVABLE or code not in options:
            continue
        current = _units(pts[j], digits)
        labels: dict[int, Any] = {}
        for option in options[code]:
            labels.setdefault(_units(option.points, digits), option.label)
        gains = sorted(u for u in labels if u > current)
        if not gains:
            continue
        top_gain = gains[-1] - current
        effort = float(efforts.get(code, 1.0))
        out[j] = [
            (u, option_effort(effort, u - current, top_gain), code, labels[u])
            for u in gains
        ]
    return out


def _greedy_cost(spec, pts, status, choices, level: int) -> int:
    """The cost of a feasible set: each indicator's best option, cheapest per
    point gained first, until the level is reached (an upper bound that lets the
    search drop dearer states)."""
    scale = 10**spec.precision
    best = [(j, opts[-1]) for j, opts in choices.items()]
    best.sort(key=lambda x: x[1][1] / max(x[1][0] - pts[0, x[0]] * scale, 1e-9))
    rows = np.tile(pts, (len(best) + 1, 1))
    for r, (j, option) in enumerate(best, start=1):
        rows[r:, j] = option[0] / scale
    values = rollup(spec, rows, np.tile(status, (len(rows), 1))).value()[:, 0]
    reached = np.nonzero(assign_levels(spec, values) > level)[0]
    costs = np.cumsum([0] + [option[1] for _j, option in best])
    return int(costs[reached[0]]) if len(reached) else sum(o[1] for _j, o in best)


def _slack(spec, current: np.ndarray) -> list[int]:
    """Per node, the gain (grid steps) that its capped penalty ancestors absorb
    before any reaches the root: a penalty group below its floor (−cap) passes
    nothing on until its children climb back to the floor. A node's gain beyond
    ``need + slack`` is useless, so its front is cut there."""
    digits, absorb = spec.precision, {}
    regular_of: dict[int, int] = {}
    for g, regular, _extra, _counting in _group_structure(spec):
        node = spec.nodes[g]
        for c in regular:
            regular_of[int(c)] = g
        if node.capped and node.kind == "penalty_group":
            below = sum(_units(current[c], digits) for c in regular)
            floor = -_units(float(node.max_points), digits)
            absorb[g] = max(0, floor - below)
    slack = [0] * len(spec.nodes)
    for i, node in enumerate(spec.nodes[1:], start=1):
        parent = node.parent
        slack[i] = slack[parent] + (
            absorb.get(parent, 0) if regular_of.get(i) == parent else 0
        )
    return slack


def _search_pairs(spec, pts, choices, need: int, bound: int) -> dict[str, int]:
    """Code → target units of the best set of changes, state pair by state pair
    in Python (fronts cut at ``need``;
    states costing more than ``bound``, a feasible set's cost, dropped)."""
    digits = spec.precision
    leaf_col = {int(n): j for j, n in enumerate(spec.leaves)}
    current = rollup(
        spec, pts.reshape(1, -1), np.full((1, len(pts)), S[LeafStatus.SCORED])
    ).points[0]
    slack = _slack(spec, current)
    fronts: dict[int, dict[int, _Key]] = {}
    for node_index, j in leaf_col.items():
        base = _units(pts[j], digits)
        top = base + need + slack[node_index]
        fronts[node_index] = _leaf_front(base, choices.get(j, ()), top, bound)
    for g, regular, extra, _counting in _group_structure(spec):
        top = _units(current[g], digits) + need + slack[g]
        fronts[g] = _group_front(
            spec, spec.nodes[g], regular, extra, fronts, top, bound
        )
    root = fronts[0]
    top = _units(current[0], digits) + need
    key = root.get(top)
    return dict(key[2]) if key else {}


# The search: min-plus over the point grid -----------------------------------------


class _Interleaved(Exception):
    """Two fronts' codes interleave (or a key would not fit in 64 bits): the
    tie rule is then applied by :func:`_search_pairs`."""


@dataclass
class _Front:
    """A Pareto front as arrays, points ascending: ``p`` (grid steps), ``k``
    (cost × ``_CH`` + changes), ``r`` (rank of the chosen set in the tie order,
    0 best), the leaf codes' range ``span`` ((first, last) or None: nothing can
    be chosen below) and how each state was made (for reconstruction)."""

    p: np.ndarray
    k: np.ndarray
    r: np.ndarray
    span: tuple[str, str] | None
    make: tuple


_LIMIT = 2**62


def _pareto_arrays(p, e):
    """Per points value the state of least ``e``, then only the states that no
    state with more points and no larger ``e`` beats. Returns indices into
    ``p``/``e``, points ascending."""
    if len(p) == 0:
        return np.zeros(0, int)
    order = np.lexsort((e, p))
    ps = p[order]
    first = np.ones(len(ps), bool)
    first[1:] = ps[1:] != ps[:-1]
    order = order[first]
    es = e[order]
    # Suffix minimum of the states with more points.
    later = np.minimum.accumulate(es[::-1])[::-1]
    keep = np.ones(len(es), bool)
    keep[:-1] = es[:-1] < later[1:]
    return order[keep]


def _ranked(*keys) -> np.ndarray:
    """Dense ranks (0 best) of states ordered lexicographically by ``keys``
    (the first key the most significant)."""
    order = np.lexsort(tuple(reversed(keys)))
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _leaf_arrays(current: int, options, top: int, bound: int, ch: int, code):
    """A leaf's front: keeping its answer (tie rank last) or one option (ranks
    by target points: the smaller first, as the tie rule orders sets)."""
    opts = [o for o in options if o[1] <= bound]
    n = len(opts)
    p = np.array([min(current, top)] + [min(o[0], top) for o in opts], np.int64)
    k = np.array([0] + [o[1] * ch + 1 for o in opts], np.int64)
    r = np.array([n] + list(range(n)), np.int64)
    if int(k.max()) * (n + 1) >= _LIMIT:
        raise _Interleaved
    keep = _pareto_arrays(p, k * (n + 1) + r)
    span = (code, code) if n else None
    which = np.array([-1] + list(range(n)), np.int64)[keep]
    return _Front(p[keep], k[keep], _ranked(r[keep]), span, ("leaf", code, opts, which))


def _empty_front() -> _Front:
    z = np.zeros(1, np.int64)
    return _Front(z, z.copy(), z.copy(), None, ("none",))


def _no_front() -> _Front:
    """A front without a state: nothing below can reach what is asked."""
    z = np.zeros(0, np.int64)
    return _Front(z, z.copy(), z.copy(), None, ("none",))


def _span_order(a: _Front, b: _Front) -> bool:
    """Whether ``a``'s codes all come before ``b``'s (the tie rule compares the
    earlier codes first); raises :class:`_Interleaved` when they mix."""
    if a.span is None or b.span is None:
        return True
    if a.span[1] < b.span[0]:
        return True
    if b.span[1] < a.span[0]:
        return False
    raise _Interleaved


def _merge_span(a, b):
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), max(a[1], b[1]))


def _combine_arrays(
    a: _Front, b: _Front, top: int, bound: int, ch: int, floor: int | None = None
) -> _Front:
    """Min-plus of two fronts (every pair of states, points saturated at
    ``top``), states dearer than ``bound`` or with fewer points than ``floor``
    dropped, cut to the Pareto front.

    Each pair's key is one integer: ``k × rr + rank of the earlier codes' set ×
    rb + rank of the later``, so that the least integer is the least (cost,
    changes, sets in code order). The loop runs over the shorter front; each
    step is one vector operation over the longer on a dense points array."""
    if len(a.p) == 0 or len(b.p) == 0:
        return _no_front()
    a_first = _span_order(a, b)
    ra, rb_ = int(a.r.max()) + 1, int(b.r.max()) + 1
    rr = ra * rb_
    limit = (bound + 1) * ch * rr
    if limit >= _LIMIT or (int(a.k.max()) + int(b.k.max()) + 1) * rr >= _LIMIT:
        raise _Interleaved
    # Key part of each state: a's and b's (their sum is the pair's key).
    ea = a.k * rr + (a.r * rb_ if a_first else a.r)
    eb = b.k * rr + (b.r if a_first else b.r * ra)
    short, long_ = (a, b) if len(a.p) <= len(b.p) else (b, a)
    es, el = (ea, eb) if short is a else (eb, ea)
    top = int(min(top, short.p[-1] + long_.p[-1]))
    low = int(min(short.p[0] + long_.p[0], top))
    if floor is not None:
        low = max(low, min(int(floor), top))
    size = top - low + 1
    best = np.full(size, _LIMIT, np.int64)
    from_s = np.full(size, -1, np.int64)
    from_l = np.full(size, -1, np.int64)
    lp = long_.p
    # Per state of the shorter front, the longer front's states that land in
    # [low, top) (distinct points) and from ``top`` on (merged: the least key
    # of that suffix, read from its running minimum).
    starts = np.searchsorted(lp, low - short.p)
    cuts = np.searchsorted(lp, top - short.p)
    n = len(lp)
    rev = el[::-1]
    least = np.minimum.accumulate(rev)
    at = np.maximum.accumulate(np.where(rev == least, np.arange(n), 0))
    suffix_best = (n - 1 - at)[::-1]
    for s in range(len(short.p)):
        start, cut, add = int(starts[s]), int(cuts[s]), es[s]
        if start < cut:
            head = lp[start:cut] + (short.p[s] - low)
            cand = el[start:cut] + add
            better = cand < best[head]
            hit = head[better]
            best[hit] = cand[better]
            from_s[hit] = s
            from_l[hit] = start + np.nonzero(better)[0]
        if cut < n:
            j = int(suffix_best[cut])
            if el[j] + add < best[size - 1]:
                best[size - 1], from_s[size - 1], from_l[size - 1] = el[j] + add, s, j
    reached = np.nonzero(best < limit)[0]
    if len(reached) == 0:
        return _no_front()
    e = best[reached]
    later = np.minimum.accumulate(e[::-1])[::-1]
    keep = np.ones(len(e), bool)
    keep[:-1] = e[:-1] < later[1:]
    idx = reached[keep]
    e = best[idx]
    i_s, i_l = from_s[idx], from_l[idx]
    ia, ib = (i_s, i_l) if short is a else (i_l, i_s)
    return _Front(
        (idx + low).astype(np.int64),
        e // rr,
        _ranked(e % rr),
        _merge_span(a.span, b.span),
        ("pair", a, b, ia, ib),
    )


def _map_arrays(f: _Front, q: np.ndarray) -> _Front:
    """The front with its points replaced by ``q`` (a cap, a saturation)."""
    if len(f.p) == 0:
        return f
    n = int(f.r.max()) + 1
    keep = _pareto_arrays(q, f.k * n + f.r)
    return _Front(q[keep], f.k[keep], _ranked(f.r[keep]), f.span, ("map", f, keep))


def _group_arrays(spec, node, regular, extra, fronts, current, top, bound, ch):
    digits = spec.precision
    scale = 10**digits
    if node.kind == "root" and not node.capped:
        return _sum_arrays([fronts[c] for c in (*extra, *regular)], top, bound, ch)
    extras_now = sum(_units(current[c], digits) for c in extra)
    reg_top = top - extras_now
    acc = _empty_front()
    for part in _in_code_order([fronts[c] for c in regular]):
        acc = _combine_arrays(acc, part, reg_top, bound, ch)
    reg = acc.p / scale
    if node.capped:
        cap = float(node.max_points)
        reg = (
            np.maximum(reg, -cap)
            if node.kind == "penalty_group"
            else np.minimum(reg, cap)
        )
    q = np.round(np.asarray(round_half_away(reg, digits), float) * scale).astype(
        np.int64
    )
    front = _map_arrays(acc, q)
    for c in extra:
        front = _combine_arrays(front, fronts[c], 10**12, bound, ch)
    return _map_arrays(front, np.minimum(front.p, top))


def _in_code_order(parts: list[_Front]) -> list[_Front]:
    """Fronts by their first code (those where nothing can change first), so
    that the codes of the fronts combined so far stay one range."""
    return sorted(parts, key=lambda f: (f.span is not None, f.span or ("", "")))


def _sum_arrays(parts: list[_Front], top: int, bound: int, ch: int) -> _Front:
    """The plain sum of fronts (an uncapped root), of which only the points
    ``top`` matter: a partial sum is saturated where the others' current points
    lift it to ``top`` anyway and dropped where even their best cannot. The
    parts are taken in code order (the tie rule compares the earlier codes
    first)."""
    parts = _in_code_order(parts)
    rest_now = [sum(int(f.p[0]) for f in parts[k + 1 :]) for k in range(len(parts))]
    rest_max = [sum(int(f.p[-1]) for f in parts[k + 1 :]) for k in range(len(parts))]
    acc = _empty_front()
    for k, part in enumerate(parts):
        acc = _combine_arrays(
            acc, part, top - rest_now[k], bound, ch, floor=top - rest_max[k]
        )
    return _map_arrays(acc, np.minimum(acc.p, top))


def _picks(front: _Front, index: int) -> dict[str, int]:
    """Code → target units of the set a front's state stands for."""
    out: dict[str, int] = {}
    stack = [(front, index)]
    while stack:
        f, i = stack.pop()
        kind = f.make[0]
        if kind == "leaf":
            which = int(f.make[3][i])
            if which >= 0:
                out[f.make[1]] = f.make[2][which][0]
        elif kind == "pair":
            _k, a, b, ia, ib = f.make
            stack += [(a, int(ia[i])), (b, int(ib[i]))]
        elif kind == "map":
            stack.append((f.make[1], int(f.make[2][i])))
    return out


def _search(spec, pts, choices, need: int, bound: int) -> dict[str, int]:
    """Code → target units of the best set of changes, by min-plus over the
    point grid with numpy; :func:`_search_pairs` when codes interleave."""
    try:
        return _search_arrays(spec, pts, choices, need, bound)
    except _Interleaved:
        return _search_pairs(spec, pts, choices, need, bound)


def _search_arrays(spec, pts, choices, need: int, bound: int) -> dict[str, int]:
    digits = spec.precision
    ch = len(spec.leaf_codes) + 1
    leaf_col = {int(n): j for j, n in enumerate(spec.leaves)}
    current = rollup(
        spec, pts.reshape(1, -1), np.full((1, len(pts)), S[LeafStatus.SCORED])
    ).points[0]
    slack = _slack(spec, current)
    fronts: dict[int, _Front] = {}
    for node_index, j in leaf_col.items():
        base = _units(pts[j], digits)
        top = base + need + slack[node_index]
        code = spec.leaf_codes[j]
        fronts[node_index] = _leaf_arrays(
            base, choices.get(j, ()), top, bound, ch, code
        )
    for g, regular, extra, _counting in _group_structure(spec):
        top = _units(current[g], digits) + need + slack[g]
        fronts[g] = _group_arrays(
            spec, spec.nodes[g], regular, extra, fronts, current, top, bound, ch
        )
    root = fronts[0]
    top = _units(current[0], digits) + need
    at = np.nonzero(root.p == top)[0]
    return _picks(root, int(at[0])) if len(at) else {}


def _outcome(spec, pts, status, picks, choices, level, found) -> dict[str, Any]:
    digits, scale = spec.precision, 10**spec.precision
    new = pts.copy()
    changes = []
    for j, code in enumerate(spec.leaf_codes):
        if code not in picks:
            continue
        target = picks[code] / scale
        _u, cost, _code, label = next(o for o in choices[j] if o[0] == picks[code])
        new[0, j] = target
        changes.append(
            Change(
                code=code,
                points=float(pts[0, j]),
                target_points=target,
                gain=float(round_half_away(target - pts[0, j], digits)),
                effort=cost / EFFORT_SCALE,
                label=label,
            )
        )
    after = rollup(spec, new, status)
    new_value = float(after.value()[0, 0])
    new_level = int(assign_levels(spec, np.array([new_value]))[0])
    reached = found and new_level > level
    before = rollup(spec, pts, status).points[0, 0]
    gained = round_half_away(after.points[0, 0] - before, digits)
    return {
        "status": "reachable" if reached else "not_reachable",
        "changes": sorted(changes, key=lambda c: c.code) if reached else [],
        "effort": sum(c.effort for c in changes) if reached else 0.0,
        "points_gained": float(gained) if reached else 0.0,
        "new_points": float(after.points[0, 0]),
        "new_value": new_value,
        "new_level": spec.levels[new_level].code if new_level >= 0 else None,
    }
