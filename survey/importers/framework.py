"""Import of a framework version from the documented layout (docs/framework-format.md).

Everything is validated before anything is written; an invalid file writes nothing and
every problem is reported with its sheet, row and column.
"""

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

import scoring
from survey.importers.issues import ImportFailed, ImportIssue
from survey.importers.tabular import (
    AmbiguousNumber,
    Sheet,
    check_size,
    grouped,
    parse_bool,
    parse_date,
    parse_decimal,
    read_csv,
    read_path,
    read_xlsx,
)
from survey.models import Framework, FrameworkVersion, Node, UnitType
from survey.models.frameworks import default_levels
from survey.services.audit import audit_record

SHEETS = {"indicators": "", "framework": "framework", "levels": "levels"}
NODE_COLUMNS = [
    "code",
    "parent_code",
    "kind",
    "order",
    "name_vi",
    "name_en",
    "guidance_vi",
    "guidance_en",
    "answer_type",
    "max_points",
    "capped",
    "rule",
    "rule_params",
    "applies_to",
    "requires_procedures",
    "na_allowed",
    "evidence_required",
    "date_from",
    "date_to",
    "date_window",
    "continues_code",
    "provenance",
    "source",
]
REQUIRED_COLUMNS = ["code", "parent_code", "kind", "name_vi"]
BOOL_COLUMNS = ["capped", "requires_procedures", "na_allowed"]
GROUP_KINDS = {Node.Kind.PILLAR, Node.Kind.COMPONENT}
OUTSIDE_KINDS = {Node.Kind.BONUS_GROUP, Node.Kind.PENALTY_GROUP}
OUTSIDE_RULES = {Node.Rule.BONUS, Node.Rule.PENALTY}
MAX_LENGTHS = {
    field: Node._meta.get_field(field).max_length for field in ("code", "source")
} | {"parent_code": 40, "continues_code": 40}
META_LENGTHS = {
    "framework_code": Framework._meta.get_field("code").max_length,
    "framework_name_vi": Framework._meta.get_field("name_vi").max_length,
    "framework_name_en": Framework._meta.get_field("name_en").max_length,
    "legal_basis": FrameworkVersion._meta.get_field("legal_basis").max_length,
}
# The largest values the database columns hold: a PositiveIntegerField, and a
# decimal of 10 digits with 2 after the point.
MAX_ORDER = 2_147_483_647
MAX_POINTS = Decimal("99999999.99")
# Real parameters nest three deep (a list of levels, each an object); deeper JSON is
# refused before it can exhaust the recursion of the decoder or the engine.
MAX_PARAMS_DEPTH = 10
CHOICES = {
    "kind": Node.Kind.values,
    "answer_type": Node.AnswerType.values,
    "rule": Node.Rule.values,
    "date_window": Node.DateWindow.values,
    "provenance": Node.Provenance.values,
}


@dataclass
class ParsedFramework:
    meta: dict = field(default_factory=dict)
    nodes: list[dict] = field(default_factory=list)
    levels: list[dict] = field(default_factory=default_levels)
    previous: FrameworkVersion | None = None


class _Collector:
    def __init__(self) -> None:
        self.issues: list[ImportIssue] = []
        self.rows: set[tuple[str, int]] = set()

    def add(self, sheet: str, row: int, column: str, code: str, /, **params) -> None:
        self.issues.append(ImportIssue(sheet, row, column, code, params))
        self.rows.add((sheet, row))

    def has(self, sheet: str, row: int) -> bool:
        return (sheet, row) in self.rows


def read_framework_path(path: Path, **meta_overrides) -> ParsedFramework:
    """Parse and validate a framework file on disk; raise ImportFailed when invalid."""
    return parse_framework(read_path(path, SHEETS), meta_overrides)


def read_framework_upload(
    content: bytes, *, filename: str, **meta_overrides
) -> ParsedFramework:
    check_size(len(content), name=filename)
    if filename.lower().endswith(".csv"):
        sheets = {"indicators": read_csv(content, name=filename)}
    elif filename.lower().endswith(".xlsx"):
        sheets = read_xlsx(content)
    else:
        raise ImportFailed([ImportIssue(filename, 0, "", "unknown_file_type")])
    return parse_framework(sheets, meta_overrides)


def parse_framework(sheets: dict[str, Sheet], meta_overrides: dict) -> ParsedFramework:
    out = _Collector()
    parsed = ParsedFramework()
    indicators = sheets.get("indicators")
    if indicators is None:
        out.add("indicators", 0, "", "sheet_missing", sheet="indicators")
        raise ImportFailed(out.issues)
    parsed.meta = _parse_meta(sheets.get("framework"), meta_overrides, out)
    meta_sheet = sheets["framework"].name if "framework" in sheets else "framework"
    parsed.previous = _previous_version(parsed.meta, meta_sheet, out)
    if "levels" in sheets:
        parsed.levels = _parse_levels(sheets["levels"], out)
    parsed.nodes = _parse_nodes(indicators, out)
    if parsed.nodes:
        _check_tree(indicators.name, parsed.nodes, out)
        _check_continues(indicators.name, parsed, out)
    if out.issues:
        raise ImportFailed(out.issues)
    return parsed


def _parse_meta(sheet: Sheet | None, overrides: dict, out: _Collector) -> dict:
    name = sheet.name if sheet else "framework"
    meta = {
        row["key"]: (row.get("value") or "")
        for _n, row in (sheet.rows if sheet else [])
        if row.get("key")
    }
    meta.update({key: str(value) for key, value in overrides.items() if value})
    for key in ("framework_code", "framework_name_vi", "year", "unit_type"):
        if not meta.get(key):
            out.add(name, 0, key, "key_missing", column=key)
    for key, limit in META_LENGTHS.items():
        if len(str(meta.get(key, ""))) > limit:
            out.add(name, 0, key, "too_long", max=limit)
    for key, low, high in (("year", 2000, 2100), ("precision", 0, 4)):
        if meta.get(key):
            try:
                meta[key] = int(meta[key])
                if not low <= meta[key] <= high:
                    out.add(name, 0, key, "out_of_range")
            except ValueError:
                out.add(name, 0, key, "not_integer", value=meta[key])
    if meta.get("unit_type") and meta["unit_type"] not in UnitType.values:
        out.add(
            name,
            0,
            "unit_type",
            "unknown_choice",
            value=meta["unit_type"],
            choices=", ".join(UnitType.values),
        )
    edges = meta.get("level_edges") or FrameworkVersion.LevelEdges.UPPER_INCLUSIVE
    if edges not in FrameworkVersion.LevelEdges.values:
        out.add(
            name,
            0,
            "level_edges",
            "unknown_choice",
            value=edges,
            choices=", ".join(FrameworkVersion.LevelEdges.values),
        )
    meta["level_edges"] = edges
    return meta


def _previous_version(
    meta: dict, sheet: str, out: _Collector
) -> FrameworkVersion | None:
    reference = meta.get("previous_version", "")
    if not reference:
        return None
    code, _sep, year = reference.rpartition(":")
    version = (
        FrameworkVersion.objects.filter(framework__code=code, year=year)
        .order_by("-number")
        .first()
        if year.isdigit()
        else None
    )
    if version is None:
        out.add(
            sheet,
            0,
            "previous_version",
            "unknown_previous_version",
            value=reference,
        )
    return version


def _parse_levels(sheet: Sheet, out: _Collector) -> list[dict]:
    levels = []
    for number, row in sheet.rows:
        try:
            bound = parse_decimal(row.get("min_value", ""))
        except ValueError as error:
            code = _number_problem(error)
            out.add(sheet.name, number, "min_value", code, value=row["min_value"])
            continue
        if not row.get("code") or not row.get("name_vi") or bound is None:
            out.add(sheet.name, number, "code", "required")
            continue
        levels.append(
            {
                "code": row["code"],
                "name_vi": row["name_vi"],
                "name_en": row.get("name_en", ""),
                "min_value": float(bound),
            }
        )
    bounds = [level["min_value"] for level in levels]
    if levels and (
        bounds[0] != 0
        or any(b >= a for a, b in zip(bounds[1:], bounds, strict=False))
        or bounds[-1] > 1
    ):
        out.add(sheet.name, 0, "min_value", "levels_order")
    return levels


def _parse_nodes(sheet: Sheet, out: _Collector) -> list[dict]:
    missing = [column for column in REQUIRED_COLUMNS if column not in sheet.header]
    for column in missing:
        out.add(sheet.name, 1, column, "column_missing", column=column)
    if missing:
        return []
    if not sheet.rows:
        # An empty tree would be imported as a version nobody can answer.
        out.add(sheet.name, 2, "code", "no_rows")
        return []
    nodes, first_row = [], {}
    for position, (number, row) in enumerate(sheet.rows):
        node = _parse_node_row(sheet.name, number, row, out)
        node["row"] = number
        if node["order"] is None:
            node["order"] = position
        if node["code"] in first_row:
            out.add(
                sheet.name,
                number,
                "code",
                "duplicate_code",
                value=node["code"],
                row=first_row[node["code"]],
            )
        elif node["code"]:
            first_row[node["code"]] = number
        nodes.append(node)
    return nodes


def _parse_node_row(name: str, number: int, row: dict, out: _Collector) -> dict:
    node = {column: row.get(column, "").strip() for column in NODE_COLUMNS}
    for column in ("code", "kind", "name_vi"):
        if not node[column]:
            out.add(name, number, column, "required")
    for column, limit in MAX_LENGTHS.items():
        if len(node[column]) > limit:
            out.add(name, number, column, "too_long", max=limit)
    for column, choices in CHOICES.items():
        if node[column] and node[column] not in choices:
            out.add(
                name,
                number,
                column,
                "unknown_choice",
                value=node[column],
                choices=", ".join(choices),
            )
    for column in BOOL_COLUMNS:
        node[column] = parse_bool(node[column])
        if node[column] is None:
            out.add(name, number, column, "not_boolean", value=row.get(column, ""))
    node["order"] = _parse_number(
        name, number, node, "order", out, integer=True, maximum=MAX_ORDER
    )
    node["max_points"] = _parse_number(
        name, number, node, "max_points", out, maximum=MAX_POINTS
    )
    for column in ("date_from", "date_to"):
        try:
            node[column] = parse_date(node[column])
        except ValueError:
            out.add(name, number, column, "not_date", value=node[column])
            node[column] = None
    if node["date_from"] and node["date_to"] and node["date_to"] < node["date_from"]:
        out.add(name, number, "date_to", "date_window_reversed")
    node["applies_to"] = [t.strip() for t in node["applies_to"].split(",") if t.strip()]
    for unit_type in node["applies_to"]:
        if unit_type not in UnitType.values:
            out.add(
                name,
                number,
                "applies_to",
                "unknown_choice",
                value=unit_type,
                choices=", ".join(UnitType.values),
            )
    node["rule_params"] = _parse_params(name, number, node, out)
    return node


def _number_problem(error: ValueError) -> str:
    return "number_ambiguous" if isinstance(error, AmbiguousNumber) else "not_number"


def _parse_number(name, number, node, column, out, *, maximum, integer=False):
    text = node[column]
    try:
        value = parse_decimal(text)
    except ValueError as error:
        out.add(name, number, column, _number_problem(error), value=text)
        return None
    if value is not None and value < 0:
        # Never converted further: int() of a huge negative exponent runs for ever.
        out.add(name, number, column, "negative")
        return None
    if value is not None and value > maximum:
        out.add(name, number, column, "number_too_large", max=grouped(maximum))
        return None
    if integer and value is not None:
        if value != value.to_integral_value():
            out.add(name, number, column, "not_integer", value=text)
        return int(value)
    return value


def _parse_params(name: str, number: int, node: dict, out: _Collector) -> dict:
    text = node["rule_params"]
    if _nesting(text) > MAX_PARAMS_DEPTH:
        out.add(name, number, "rule_params", "params_too_deep", max=MAX_PARAMS_DEPTH)
        return {}
    try:
        params = (
            json.loads(text, parse_constant=_refuse_number, parse_float=_finite)
            if text
            else {}
        )
    except json.JSONDecodeError:
        out.add(name, number, "rule_params", "params_not_json")
        return {}
    except ValueError:  # NaN, Infinity or 1e999: no JSON column stores them
        out.add(name, number, "rule_params", "params_not_finite")
        return {}
    if not isinstance(params, dict):
        out.add(name, number, "rule_params", "params_not_json")
        return {}
    return params


def _refuse_number(word: str):
    raise ValueError(word)


def _finite(word: str) -> float:
    number = float(word)
    if not math.isfinite(number):
        raise ValueError(word)
    return number


def _nesting(text: str) -> int:
    """How deep brackets nest in ``text``, outside strings (without decoding it)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif in_string:
            escaped = char == "\\"
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _check_tree(name: str, nodes: list[dict], out: _Collector) -> None:
    by_code = {node["code"]: node for node in nodes}
    children: dict[str, list[dict]] = {}
    for node in nodes:
        parent = node["parent_code"]
        if parent and parent not in by_code:
            out.add(name, node["row"], "parent_code", "unknown_parent", value=parent)
        elif parent:
            children.setdefault(parent, []).append(node)
    if any(n["parent_code"] and n["parent_code"] not in by_code for n in nodes):
        return
    cycles = [node for node in nodes if _in_cycle(node, by_code)]
    for node in cycles:
        out.add(name, node["row"], "parent_code", "cycle", value=node["code"])
    if cycles:
        return
    for node in nodes:
        if out.has(name, node["row"]):
            continue  # a cell of this row is already wrong
        kids = children.get(node["code"], [])
        if node["kind"] == Node.Kind.INDICATOR:
            _check_indicator(name, node, kids, by_code, out)
        else:
            _check_group(name, node, kids, children, out)


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
    accepted = scoring.RULE_ANSWER_TYPES.get(rule)
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
    errors = scoring.rule_params_errors(rule, node["rule_params"], maximum)
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


def _check_continues(name: str, parsed: ParsedFramework, out: _Collector) -> None:
    wanted = [node for node in parsed.nodes if node["continues_code"]]
    if wanted and parsed.previous is None:
        if not parsed.meta.get("previous_version"):
            out.add(
                name, wanted[0]["row"], "continues_code", "continues_without_previous"
            )
        return
    known = (
        set(parsed.previous.nodes.values_list("code", flat=True)) if wanted else set()
    )
    for node in wanted:
        if node["continues_code"] not in known:
            out.add(
                name,
                node["row"],
                "continues_code",
                "unknown_continues",
                value=node["continues_code"],
            )


@transaction.atomic
def framework_import(*, parsed: ParsedFramework, user=None) -> FrameworkVersion:
    """Write a validated framework as a new version (numbered after the year's last)."""
    meta = parsed.meta
    framework, _created = Framework.objects.get_or_create(
        code=meta["framework_code"],
        defaults={
            "name_vi": meta["framework_name_vi"],
            "name_en": meta.get("framework_name_en", ""),
        },
    )
    last = framework.versions.filter(year=meta["year"]).order_by("-number").first()
    version = FrameworkVersion.objects.create(
        framework=framework,
        year=meta["year"],
        number=last.number + 1 if last else 1,
        unit_type=meta["unit_type"],
        legal_basis=meta.get("legal_basis", ""),
        precision=2 if meta.get("precision") in (None, "") else meta["precision"],
        levels=parsed.levels,
        level_edges=meta["level_edges"],
        previous=parsed.previous,
    )
    _create_nodes(version, parsed)
    audit_record(
        actor=user,
        action="import",
        obj=version,
        after={"nodes": len(parsed.nodes), "year": version.year},
    )
    return version


def _create_nodes(version: FrameworkVersion, parsed: ParsedFramework) -> None:
    previous = (
        dict(parsed.previous.nodes.values_list("code", "id")) if parsed.previous else {}
    )
    ids: dict[str, int] = {}
    pending = list(parsed.nodes)
    while pending:
        ready = [n for n in pending if not n["parent_code"] or n["parent_code"] in ids]
        created = Node.objects.bulk_create(
            [_node(version, n, ids, previous) for n in ready]
        )
        ids.update((node.code, node.pk) for node in created)
        pending = [n for n in pending if n["code"] not in ids]


def _node(version, row: dict, ids: dict, previous: dict) -> Node:
    return Node(
        version=version,
        parent_id=ids.get(row["parent_code"]),
        continues_id=previous.get(row["continues_code"]),
        code=row["code"],
        kind=row["kind"],
        order=row["order"],
        name_vi=row["name_vi"],
        name_en=row["name_en"],
        guidance_vi=row["guidance_vi"],
        guidance_en=row["guidance_en"],
        answer_type=row["answer_type"],
        max_points=row["max_points"],
        capped=row["capped"],
        rule=row["rule"],
        rule_params=row["rule_params"],
        applies_to=row["applies_to"],
        requires_procedures=row["requires_procedures"],
        na_allowed=row["na_allowed"],
        evidence_required=row["evidence_required"],
        date_from=row["date_from"],
        date_to=row["date_to"],
        date_window=row["date_window"] or Node.DateWindow.WARN,
        provenance=row["provenance"] or Node.Provenance.SOURCED,
        source=row["source"],
    )
