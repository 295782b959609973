"""Build and check a :class:`~scoring.types.FrameworkSpec` from plain rows.

Every problem found is listed in one :class:`~scoring.codes.FrameworkError`
(codes: :class:`~scoring.codes.SpecError` and, for rule parameters,
:class:`~scoring.codes.ParamError`); a group without any child is ``empty_group``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scoring.codes import FrameworkError, SpecError
from scoring.rules import compile_rules, rule_params_errors
from scoring.types import (
    GROUP_KINDS,
    KINDS,
    LEVEL_EDGES,
    ROOT_CODE,
    FrameworkSpec,
    Level,
    NodeSpec,
)


def _as_float(x: Any) -> float | None:
    return None if x is None or x == "" else float(x)


def _applies_to(x: Any) -> frozenset[str]:
    if isinstance(x, str):
        x = x.split(",")
    return frozenset(s.strip() for s in (x or ()) if s and s.strip())


def _preorder(rows: list[Mapping[str, Any]]) -> list[int]:
    kids: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        kids.setdefault(row.get("parent_code") or "", []).append(i)
    order: list[int] = []
    stack = list(reversed(kids.get("", [])))
    while stack:
        i = stack.pop()
        order.append(i)
        stack.extend(reversed(kids.get(rows[i]["code"], [])))
    return order


def _row_errors(rows: list[Mapping[str, Any]]) -> list[tuple[str, str]]:
    codes = [row["code"] for row in rows]
    seen: set[str] = {ROOT_CODE}
    errors = []
    for row in rows:
        code, parent = row["code"], row.get("parent_code") or ""
        if code in seen:
            errors.append((code, SpecError.DUPLICATE_CODE.value))
        seen.add(code)
        if parent and parent not in codes:
            errors.append((code, SpecError.UNKNOWN_PARENT.value))
        if row.get("kind") not in KINDS[1:]:
            errors.append((code, SpecError.UNKNOWN_KIND.value))
    return errors


def _node_errors(nodes: list[NodeSpec], kids: list[list[int]]) -> list[tuple[str, str]]:
    errors = []
    for i, node in enumerate(nodes[1:], start=1):
        parent_kind = nodes[node.parent].kind
        if node.is_leaf and kids[i]:
            errors.append((node.code, SpecError.INDICATOR_HAS_CHILDREN.value))
        if not node.is_leaf and not kids[i]:
            errors.append((node.code, SpecError.EMPTY_GROUP.value))
        if node.capped and not node.max_points:
            errors.append((node.code, SpecError.CAPPED_WITHOUT_MAX.value))
        if node.rule == "bonus" and parent_kind != "bonus_group":
            errors.append((node.code, SpecError.BONUS_OUTSIDE_BONUS_GROUP.value))
        if node.rule == "penalty" and parent_kind != "penalty_group":
            errors.append((node.code, SpecError.PENALTY_OUTSIDE_PENALTY_GROUP.value))
        if node.is_leaf:
            found = rule_params_errors(node.rule, node.params, node.max_points)
            errors.extend((node.code, e) for e in found)
    return errors


def _levels(settings: dict[str, Any]) -> list[tuple[str, str]]:
    levels = settings.get("levels")
    if levels is not None:
        settings["levels"] = tuple(
            lv if isinstance(lv, Level) else Level(lv["code"], float(lv["min_value"]))
            for lv in levels
        )
        bounds = [lv.min_value for lv in settings["levels"]]
        ok = (
            bounds
            and bounds[0] == 0
            and all(a < b for a, b in zip(bounds, bounds[1:], strict=False))
        )
        if not ok:
            return [("", SpecError.LEVELS_NOT_INCREASING.value)]
    if settings.get("level_edges", LEVEL_EDGES[0]) not in LEVEL_EDGES:
        return [("", SpecError.UNKNOWN_LEVEL_EDGES.value)]
    return []


def _node(row: Mapping[str, Any], parent: int) -> NodeSpec:
    return NodeSpec(
        code=row["code"],
        parent=parent,
        kind=row["kind"],
        max_points=_as_float(row.get("max_points")),
        capped=bool(row.get("capped", False)),
        rule=row.get("rule") or ("none" if row["kind"] == "indicator" else ""),
        params=dict(row.get("rule_params", row.get("params")) or {}),
        answer_type=row.get("answer_type") or "",
        na_allowed=bool(row.get("na_allowed", True)),
        applies_to=_applies_to(row.get("applies_to")),
        requires_procedures=bool(row.get("requires_procedures", False)),
    )


def build_spec(rows: Iterable[Mapping[str, Any]], **settings: Any) -> FrameworkSpec:
    """The :class:`FrameworkSpec` of rows keyed like the framework file (``code``,
    ``parent_code``, ``kind``, ``max_points``, ``capped``, ``rule``,
    ``rule_params``, ``answer_type``, ``na_allowed``, ``applies_to``,
    ``requires_procedures``) and the version's ``settings`` (``precision``,
    ``value_precision``, ``levels``, ``level_edges``).

    Orders the rows parents first (siblings keep their order), adds the root and
    checks the tree and every rule's parameters. Raises
    :class:`scoring.codes.FrameworkError` with ``[(code, error)]``, its ``code``
    the first error's.
    """
    rows = list(rows)
    kinds = {
        row["code"]: row["kind"]
        for row in rows
        if row.get("kind") in ("indicator", *GROUP_KINDS)
    }
    errors = _row_errors(rows) + _levels(settings)
    order = _preorder(rows)
    if not errors and len(order) != len(rows):
        reached = {rows[i]["code"] for i in order}
        errors = [
            (r["code"], SpecError.CYCLE.value) for r in rows if r["code"] not in reached
        ]
    if errors:
        raise FrameworkError(errors, kinds)
    position = {rows[i]["code"]: k + 1 for k, i in enumerate(order)}
    nodes = [NodeSpec(ROOT_CODE, -1, "root")]
    for i in order:
        nodes.append(_node(rows[i], position.get(rows[i].get("parent_code") or "", 0)))
    kids: list[list[int]] = [[] for _ in nodes]
    for k, node in enumerate(nodes[1:], start=1):
        kids[node.parent].append(k)
    errors = _node_errors(nodes, kids)
    if errors:
        raise FrameworkError(errors, kinds)
    return FrameworkSpec(nodes=tuple(nodes), compiled=compile_rules(nodes), **settings)
