"""Framework files and blank answer workbooks, in the layout the importers read."""

import csv
import io
import json
from collections.abc import Iterable, Sequence

from common.xlsx import table_xlsx_bytes
from survey.importers.framework_rows import NODE_COLUMNS
from survey.models import FrameworkVersion, Node, Unit

ANSWER_COLUMNS = [
    "code",
    "name_vi",
    "answer_type",
    "max_points",
    "options",
    "value",
    "denominator",
    "na",
    "self_points",
    "verified_points",
    "evidence",
    "comment",
]


def framework_sheets(version: FrameworkVersion) -> dict[str, list[list]]:
    """The three sheets of a framework file, as rows of cell values."""
    meta = [
        ["key", "value"],
        ["framework_code", version.framework.code],
        ["framework_name_vi", version.framework.name_vi],
        ["framework_name_en", version.framework.name_en],
        ["year", version.year],
        ["unit_type", version.unit_type],
        ["legal_basis", version.legal_basis],
        ["precision", version.precision],
        ["level_edges", version.level_edges],
    ]
    if version.previous_id:
        previous = version.previous
        meta.append(["previous_version", f"{previous.framework.code}:{previous.year}"])
    levels = [["code", "name_vi", "name_en", "min_value"]] + [
        [lv["code"], lv["name_vi"], lv.get("name_en", ""), lv["min_value"]]
        for lv in version.levels
    ]
    nodes = version.nodes.select_related("parent", "continues").order_by("order", "id")
    return {
        "framework": meta,
        "indicators": [NODE_COLUMNS, *(_node_row(node) for node in _tree_order(nodes))],
        "levels": levels,
    }


def _tree_order(nodes: Iterable[Node]) -> list[Node]:
    nodes = list(nodes)
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Node] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return ordered


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _node_row(node: Node) -> list:
    return [
        node.code,
        node.parent.code if node.parent else "",
        node.kind,
        node.order,
        node.name_vi,
        node.name_en,
        node.guidance_vi,
        node.guidance_en,
        node.answer_type,
        node.max_points if node.max_points is not None else "",
        _yes(node.capped),
        node.rule,
        json.dumps(node.rule_params, ensure_ascii=False) if node.rule_params else "",
        ",".join(node.applies_to),
        _yes(node.requires_procedures),
        _yes(node.na_allowed),
        node.evidence_required,
        node.date_from.strftime("%d/%m/%Y") if node.date_from else "",
        node.date_to.strftime("%d/%m/%Y") if node.date_to else "",
        node.date_window,
        node.continues.code if node.continues else "",
        node.provenance,
        node.source,
        node.effort,
    ]


def csv_bytes(rows: Sequence[Sequence]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [["" if value is None else value for value in row] for row in rows]
    )
    return buffer.getvalue().encode("utf-8")


def framework_files(version: FrameworkVersion, *, stem: str) -> dict[str, bytes]:
    """``{filename: bytes}``: one .xlsx, or the three sibling .csv files."""
    sheets = framework_sheets(version)
    if stem.endswith(".xlsx"):
        return {stem: table_xlsx_bytes(sheets)}
    stem = stem.removesuffix(".csv")
    return {
        f"{stem}.csv": csv_bytes(sheets["indicators"]),
        f"{stem}.framework.csv": csv_bytes(sheets["framework"]),
        f"{stem}.levels.csv": csv_bytes(sheets["levels"]),
    }


def answer_workbook_bytes(*, version: FrameworkVersion, unit: Unit, year: int) -> bytes:
    """A blank answer workbook for ``unit``: a row per indicator that applies to it."""
    meta = [
        ["key", "value"],
        ["unit_code", unit.code],
        ["unit_name", unit.name_vi],
        ["framework_code", version.framework.code],
        ["year", year],
    ]
    rows = [ANSWER_COLUMNS]
    for node in _tree_order(version.nodes.order_by("order", "id")):
        # Procedures indicators stay: the unit says whether it provides them.
        if node.is_indicator and node.applies_to_unit(
            unit_type=unit.unit_type, provides_procedures=True
        ):
            rows.append(_answer_row(node))
    return table_xlsx_bytes({"unit": meta, "answers": rows})


def _answer_row(node: Node) -> list:
    options = ""
    if node.rule == Node.Rule.LEVEL:
        options = "; ".join(
            f"{lv['code']}={lv['vi']}" for lv in node.rule_params["levels"]
        )
    elif node.rule == Node.Rule.CHECKS:
        options = "; ".join(
            f"{c['code']}={c['vi']}" for c in node.rule_params["checks"]
        )
    elif node.answer_type == Node.AnswerType.YES_NO:
        options = "có / không"
    maximum = node.max_points if node.max_points is not None else ""
    return [node.code, node.name_vi, node.answer_type, maximum, options] + [""] * 7
