"""Reading the sheets of a framework file (docs/framework-format.md) cell by cell:
the version's settings, its levels and one node per row of the indicators sheet.

Every problem is added to an :class:`~survey.files.issues.IssueCollector` with
its sheet, row and column; the tree as a whole is checked by
survey.importers.framework_tree.
"""

import json
import math
import unicodedata
from decimal import Decimal

from survey.files.issues import IssueCollector
from survey.files.tabular import (
    AmbiguousNumber,
    Sheet,
    grouped,
    parse_bool,
    parse_date,
    parse_decimal,
)
from survey.models import Framework, FrameworkVersion, Node, UnitType

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
    "effort",
]
# Other headers accepted for a column (a sheet written in Vietnamese); headers
# are compared as :func:`header_key` reads them.
COLUMN_ALIASES = {"effort": ("công sức", "cong_suc")}
MAX_EFFORT = Decimal("99999999.99")
REQUIRED_COLUMNS = ["code", "parent_code", "kind", "name_vi"]
REQUIRED_CELLS = ["code", "kind", "name_vi"]
BOOL_COLUMNS = ["capped", "requires_procedures", "na_allowed"]
MAX_LENGTHS = {
    field: Node._meta.get_field(field).max_length for field in ("code", "source")
} | {"parent_code": 40, "continues_code": 40}
REQUIRED_META = ["framework_code", "framework_name_vi", "year", "unit_type"]
META_LENGTHS = {
    "framework_code": Framework._meta.get_field("code").max_length,
    "framework_name_vi": Framework._meta.get_field("name_vi").max_length,
    "framework_name_en": Framework._meta.get_field("name_en").max_length,
    "legal_basis": FrameworkVersion._meta.get_field("legal_basis").max_length,
}
META_RANGES = {"year": (2000, 2100), "precision": (0, 4)}
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


def _check_choice(out, sheet: str, row: int, column: str, value, choices) -> None:
    if value not in choices:
        out.add(
            sheet,
            row,
            column,
            "unknown_choice",
            value=value,
            choices=", ".join(choices),
        )


# The framework sheet --------------------------------------------------------------


def parse_meta(sheet: Sheet | None, overrides: dict, out: IssueCollector) -> dict:
    """The version's settings: the framework sheet's key/value rows, then
    ``overrides`` (given beside the file) where they have a value."""
    name = sheet.name if sheet else "framework"
    meta = _meta_values(sheet, overrides)
    _check_meta_text(name, meta, out)
    for key, (low, high) in META_RANGES.items():
        if meta.get(key):
            meta[key] = _meta_integer(name, key, meta[key], low, high, out)
    if meta.get("unit_type"):
        _check_choice(out, name, 0, "unit_type", meta["unit_type"], UnitType.values)
    edges = FrameworkVersion.LevelEdges
    meta["level_edges"] = meta.get("level_edges") or edges.UPPER_INCLUSIVE
    _check_choice(out, name, 0, "level_edges", meta["level_edges"], edges.values)
    return meta


def _meta_values(sheet: Sheet | None, overrides: dict) -> dict:
    rows = sheet.rows if sheet else []
    meta = {row["key"]: (row.get("value") or "") for _n, row in rows if row.get("key")}
    meta.update({key: str(value) for key, value in overrides.items() if value})
    return meta


def _check_meta_text(name: str, meta: dict, out: IssueCollector) -> None:
    for key in REQUIRED_META:
        if not meta.get(key):
            out.add(name, 0, key, "key_missing", column=key)
    for key, limit in META_LENGTHS.items():
        if len(str(meta.get(key, ""))) > limit:
            out.add(name, 0, key, "too_long", max=limit)


def _meta_integer(name: str, key: str, text, low: int, high: int, out) -> int | str:
    """``text`` as a whole number (the text itself when it is not one)."""
    try:
        number = int(text)
    except ValueError:
        out.add(name, 0, key, "not_integer", value=text)
        return text
    if not low <= number <= high:
        out.add(name, 0, key, "out_of_range")
    return number


# The levels sheet -----------------------------------------------------------------


def parse_levels(sheet: Sheet, out: IssueCollector) -> list[dict]:
    """The levels, one a row; their lower bounds start at 0 and increase to 1."""
    levels = []
    for number, row in sheet.rows:
        level = _parse_level(sheet.name, number, row, out)
        if level is not None:
            levels.append(level)
    bounds = [level["min_value"] for level in levels]
    if levels and (
        bounds[0] != 0
        or any(b >= a for a, b in zip(bounds[1:], bounds, strict=False))
        or bounds[-1] > 1
    ):
        out.add(sheet.name, 0, "min_value", "levels_order")
    return levels


def _parse_level(name: str, number: int, row: dict, out) -> dict | None:
    try:
        bound = parse_decimal(row.get("min_value", ""))
    except ValueError as error:
        code = number_problem(error)
        out.add(name, number, "min_value", code, value=row["min_value"])
        return None
    if not row.get("code") or not row.get("name_vi") or bound is None:
        out.add(name, number, "code", "required")
        return None
    return {
        "code": row["code"],
        "name_vi": row["name_vi"],
        "name_en": row.get("name_en", ""),
        "min_value": float(bound),
    }


# The indicators sheet -------------------------------------------------------------


def header_key(text: str) -> str:
    """A header as columns are matched: Unicode NFC (a "ô" typed as "o" and a
    combining mark is the same letter), spaces trimmed, case ignored."""
    return unicodedata.normalize("NFC", text or "").strip().casefold()


def node_columns(header: list[str]) -> dict[str, list[str]]:
    """Each of :data:`NODE_COLUMNS`: the sheet's headers that hold it (its own
    name first, then its aliases), matched by :func:`header_key`."""
    found: dict[str, list[str]] = {}
    for name in header:
        found.setdefault(header_key(name), []).append(name)
    return {
        column: [
            name
            for alias in (column, *COLUMN_ALIASES.get(column, ()))
            for name in found.get(header_key(alias), [])
        ]
        for column in NODE_COLUMNS
    }


def parse_nodes(sheet: Sheet, out: IssueCollector) -> list[dict]:
    """One node a row, keyed by :data:`NODE_COLUMNS` plus its ``row`` number; a
    node without an order takes its position in the sheet."""
    columns = node_columns(sheet.header)
    missing = [column for column in REQUIRED_COLUMNS if not columns[column]]
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
        node = _parse_node_row(sheet.name, number, row, columns, out)
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


def _parse_node_row(
    name: str, number: int, row: dict, columns: dict[str, list[str]], out
) -> dict:
    node = {column: _cell(row, columns[column]) for column in NODE_COLUMNS}
    _check_text_cells(name, number, node, out)
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
    effort = _parse_number(name, number, node, "effort", out, maximum=MAX_EFFORT)
    node["effort"] = Decimal(1) if effort is None else effort.quantize(Decimal("0.01"))
    _parse_dates(name, number, node, out)
    node["applies_to"] = _parse_applies_to(name, number, node["applies_to"], out)
    node["rule_params"] = _parse_params(name, number, node, out)
    return node


def _cell(row: dict, headers: list[str]) -> str:
    """The first filled cell of ``headers`` (a column and its aliases)."""
    for header in headers:
        text = (row.get(header) or "").strip()
        if text:
            return text
    return ""


def _check_text_cells(name: str, number: int, node: dict, out) -> None:
    """Cells that must be filled, fit their column, or name one of its choices."""
    for column in REQUIRED_CELLS:
        if not node[column]:
            out.add(name, number, column, "required")
    for column, limit in MAX_LENGTHS.items():
        if len(node[column]) > limit:
            out.add(name, number, column, "too_long", max=limit)
    for column, choices in CHOICES.items():
        if node[column]:
            _check_choice(out, name, number, column, node[column], choices)


def _parse_dates(name: str, number: int, node: dict, out) -> None:
    for column in ("date_from", "date_to"):
        try:
            node[column] = parse_date(node[column])
        except ValueError:
            out.add(name, number, column, "not_date", value=node[column])
            node[column] = None
    if node["date_from"] and node["date_to"] and node["date_to"] < node["date_from"]:
        out.add(name, number, "date_to", "date_window_reversed")


def _parse_applies_to(name: str, number: int, text: str, out) -> list[str]:
    unit_types = [t.strip() for t in text.split(",") if t.strip()]
    for unit_type in unit_types:
        _check_choice(out, name, number, "applies_to", unit_type, UnitType.values)
    return unit_types


def number_problem(error: ValueError) -> str:
    """The issue code of a number that could not be read."""
    return "number_ambiguous" if isinstance(error, AmbiguousNumber) else "not_number"


def _parse_number(name, number, node, column, out, *, maximum, integer=False):
    text = node[column]
    try:
        value = parse_decimal(text)
    except ValueError as error:
        out.add(name, number, column, number_problem(error), value=text)
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


def _parse_params(name: str, number: int, node: dict, out: IssueCollector) -> dict:
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
