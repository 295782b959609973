"""Plausible answers for the demo province, driven by a unit's latent maturity."""

import random
from datetime import date
from decimal import Decimal

from survey.models import Node

DOC_KINDS = [
    ("KH", "Kế hoạch chuyển đổi số năm {year}"),
    ("QĐ", "Quyết định kiện toàn Ban Chỉ đạo chuyển đổi số"),
    ("BC", "Báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số năm {year}"),
    ("TB", "Thông báo kết luận cuộc họp Ban Chỉ đạo chuyển đổi số"),
    ("QĐ", "Quyết định phê duyệt hồ sơ đề xuất cấp độ hệ thống thông tin"),
]


def clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, x))


def answer_values(node: Node, skill: float, rng: random.Random, year: int) -> dict:
    """Typed values (keyed like Answer's fields) that a unit of ``skill`` would give."""
    p = clamp(skill + rng.gauss(0, 0.18))
    make = _BY_RULE.get(node.rule) or _BY_TYPE.get(node.answer_type, _text)
    return make(node, p, rng, year)


def _bonus(node: Node, p: float, rng: random.Random, year: int) -> dict:
    return {"number": Decimal(rng.choice([0, 0, 0, 1, 2]) if p > 0.6 else 0)}


def _penalty(node: Node, p: float, rng: random.Random, year: int) -> dict:
    return {"number": Decimal(rng.choice([0, 0, 1, 2]) if p < 0.45 else 0)}


def _yes_no(node: Node, p: float, rng: random.Random, year: int) -> dict:
    return {"yes": rng.random() < p}


def _ratio(node: Node, p: float, rng: random.Random, year: int) -> dict:
    denominator = rng.randint(4, 250)
    return {
        "number": Decimal(round(denominator * p)),
        "denominator": Decimal(denominator),
    }


def _percentage(node: Node, p: float, rng: random.Random, year: int) -> dict:
    return {"number": Decimal(str(round(100 * p, 1)))}


def _level(node: Node, p: float, rng: random.Random, year: int) -> dict:
    levels = (node.rule_params or {}).get("levels", [])
    levels = sorted(levels, key=lambda lv: lv.get("factor", 0))
    if not levels:
        return {}
    index = round(clamp(p + rng.gauss(0, 0.1)) * (len(levels) - 1))
    return {"choice": levels[index]["code"]}


def _checklist(node: Node, p: float, rng: random.Random, year: int) -> dict:
    checks = (node.rule_params or {}).get("checks", [])
    return {"checks": [c["code"] for c in checks if rng.random() < p]}


def _points(node: Node, p: float, rng: random.Random, year: int) -> dict:
    maximum = float(node.max_points or 0)
    return {"number": Decimal(str(round(maximum * p, 2)))}


def _amount(node: Node, p: float, rng: random.Random, year: int) -> dict:
    return {"number": Decimal(_quantity(node, p, rng))}


def _date(node: Node, p: float, rng: random.Random, year: int) -> dict:
    return {"date": date(year, rng.randint(1, 12), rng.randint(1, 28))}


def _text(node: Node, p: float, rng: random.Random, year: int) -> dict:
    return {"text": "Đã triển khai theo kế hoạch của đơn vị."}


_BY_RULE = {"bonus": _bonus, "penalty": _penalty}
_BY_TYPE = {
    "yes_no": _yes_no,
    "ratio": _ratio,
    "percentage": _percentage,
    "level": _level,
    "checklist": _checklist,
    "points": _points,
    "count": _amount,
    "number": _amount,
    "money": _amount,
    "date": _date,
}


def _quantity(node: Node, p: float, rng: random.Random) -> str:
    params = node.rule_params or {}
    if node.rule == "tiers" and params.get("tiers"):
        top = max(threshold for threshold, _points in params["tiers"])
        return str(round(p * (top + 1)))
    if node.rule == "target" and params.get("target"):
        return str(round(float(params["target"]) * clamp(p * 1.2, 0, 1.3)))
    if node.answer_type == "money":
        return str(round(p * 2_000_000_000, -6))
    return str(round(1 + p * 40, 1) if node.answer_type == "number" else round(p * 30))


def verified_values(node: Node, values: dict, rng: random.Random) -> tuple[dict, bool]:
    """The reviewer's values: agreed as is, or lowered for missing evidence."""
    if rng.random() < 0.55 or node.rule in ("bonus", "penalty"):
        return values, True
    lowered = dict(values)
    if "yes" in values:
        lowered["yes"] = False
    elif "checks" in values:
        lowered["checks"] = values["checks"][: len(values["checks"]) // 2]
    elif "choice" in values and node.rule_params.get("levels"):
        lowered["choice"] = min(
            node.rule_params["levels"], key=lambda lv: lv["factor"]
        )["code"]
    elif values.get("number") is not None:
        share = Decimal(str(round(rng.uniform(0.2, 0.8), 2)))
        lowered["number"] = (values["number"] * share).quantize(Decimal("1"))
    return lowered, lowered == values


def evidence_reference(rng: random.Random, year: int) -> dict:
    symbol, summary = rng.choice(DOC_KINDS)
    number = rng.randint(12, 980)
    return {
        "kind": "document",
        "doc_number": f"{number}/{symbol}-UBND",
        "doc_date": date(year, rng.randint(1, 12), rng.randint(1, 28)),
        "summary": summary.format(year=year),
    }
