"""Conversion at the boundary between the database's answers and the engine's."""

from typing import Any


def _float(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def engine_answer_fields(*, answer_type: str, rule: str, values: dict) -> dict:
    """Fields of :class:`scoring.Answer` from an answer's typed values.

    ``values`` is keyed like the Answer model (``yes``, ``number``, ``denominator``,
    ``choice``, ``checks``, ``is_na``); Decimals and strings become floats here.
    """
    number = _float(values.get("number"))
    is_points = answer_type == "points"
    checks = values.get("checks")
    return {
        "value": None if is_points else number,
        "points": number if is_points else None,
        "denominator": _float(values.get("denominator")),
        "choice": values.get("choice") or None,
        "checks": tuple(checks) if checks is not None and rule == "checks" else None,
        "yes": values.get("yes"),
        "na": bool(values.get("is_na")),
    }
