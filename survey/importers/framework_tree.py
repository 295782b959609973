"""Checking the tree of a framework file once its rows are read
(survey.importers.framework_rows): parents exist, no code is its own ancestor,
indicators have a rule the engine accepts with valid parameters, groups have
indicators and their children fit their maximum.
"""

from decimal import Decimal

from survey.files.issues import IssueCollector
from survey.models import Node
from survey.results.rules import rule_answer_types, rule_params_errors

OUTSIDE_KINDS = {Node.Kind.BONUS_GROUP, Node.Kind.PENALTY_GROUP}
OUTSIDE_RULES = {Node.Rule.BONUS, Node.Rule.PENALTY}


def check_tree(name: str, nodes: list[dict], out: IssueCollector) -> None:
    """Add the problems of the tree of ``nodes`` (read from sheet ``name``); a row
    with a problem in one of its cells is not checked further."""
    by_code = {node["code"]: node for node in nodes}
    children = _children(name, nodes, by_code, out)
    if children is None or _cycles_found(name, nodes, by_code, out):
        return
    for node in nodes:
        if out.has(name, node["row"]):
            continue  # a cell of this row is already wrong
        kids = children.get(node["code"], [])
        if node["kind"] == Node.Kind.INDICATOR:
            _check_indicator(name, node, kids, by_code, out)
        else:
            _check_group(name, node, kids, children, out)


def _children(name, nodes, by_code, out) -> dict[str, list[dict]] | None:
    """The children of each parent code; None when a parent is unknown."""
    children: dict[str, list[dict]] = {}
    known = True
    for node in nodes:
        parent = node["parent_code"]
        if parent and parent not in by_code:
            out.add(name, node["row"], "parent_code", "unknown_parent", value=parent)
            known = False
        elif parent:
            children.setdefault(parent, []).append(node)
    return children if known else None


def _cycles_found(name, nodes, by_code, out) -> bool:
    cycles = [node for node in nodes if _in_cycle(node, by_code)]
    for node in cycles:
        out.add(name, node["row"], "parent_code", "cycle", value=node["code"])
    return bool(cycles)


def _in_cycle(node: dict, by_code: dict) -> bool:
    seen, current = set(), node
    while current["parent_code"]:
        if current["code"] in seen:
            return True
        seen.add(current["code"])
        current = by_code[current["parent_code"]]
        if current is node:
            return True
    return False


def _outside_group(node: dict, by_code: dict) -> bool:
    current = node
    while current["parent_code"]:
        current = by_code[current["parent_code"]]
        if current["kind"] in OUTSIDE_KINDS:
            return True
    return False


def _check_indicator(name, node, kids, by_code, out) -> None:
    row = node["row"]
    if kids:
        out.add(name, row, "code", "indicator_has_children", value=node["code"])
    if not node["answer_type"] or not node["rule"]:
        out.add(name, row, "rule", "indicator_without_rule")
        return
    rule = node["rule"]
    if (
        rule != Node.Rule.NONE
        and node["max_points"] is None
        and rule not in OUTSIDE_RULES
    ):
        out.add(name, row, "max_points", "scored_without_max")
    if (rule in OUTSIDE_RULES) != _outside_group(node, by_code):
        out.add(name, row, "rule", "bonus_outside_group")
    _check_rule(name, node, out)


def _check_rule(name, node, out) -> None:
    """The engine accepts the indicator's answer type and rule parameters."""
    row, rule = node["row"], node["rule"]
    accepted = rule_answer_types(rule=rule)
    if accepted is not None and node["answer_type"] not in accepted:
        out.add(
            name,
            row,
            "answer_type",
            "rule_answer_mismatch",
            rule=rule,
            value=node["answer_type"],
        )
    maximum = float(node["max_points"]) if node["max_points"] is not None else None
    errors = rule_params_errors(
        rule=rule, params=node["rule_params"], max_points=maximum
    )
    if errors:
        out.add(
            name,
            row,
            "rule_params",
            "params_invalid",
            rule=rule,
            value=", ".join(errors),
        )


def _check_group(name, node, kids, children, out) -> None:
    if not kids:
        out.add(name, node["row"], "code", "group_needs_children", value=node["code"])
        return
    if node["kind"] in OUTSIDE_KINDS or node["capped"] or node["max_points"] is None:
        return
    total = sum((_effective_max(kid, children) for kid in kids), Decimal(0))
    if total > node["max_points"]:
        out.add(
            name,
            node["row"],
            "max_points",
            "children_above_max",
            value=node["code"],
            total=total,
            max=node["max_points"],
        )


def _effective_max(node: dict, children: dict) -> Decimal:
    """Points a node can contribute to its parent's maximum."""
    if node["kind"] in OUTSIDE_KINDS or node["rule"] in OUTSIDE_RULES:
        return Decimal(0)
    kids = children.get(node["code"], [])
    if node["max_points"] is not None and (node["capped"] or not kids):
        return node["max_points"]
    if not kids:
        return Decimal(0)
    return sum((_effective_max(kid, children) for kid in kids), Decimal(0))
