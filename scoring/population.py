"""Encode plain answer rows into the arrays of a :class:`~scoring.types.Population`.

Rows that cannot be placed are refused with a
:class:`~scoring.codes.PopulationError` (codes ``unknown_unit``,
``unknown_indicator``, ``not_an_indicator``, ``duplicate_unit``,
``duplicate_answer``), never a bare ``KeyError`` and never by keeping one of two
answers silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from scoring.codes import PopulationError, PopulationErrorCode
from scoring.types import (
    NO_CHOICE,
    UNKNOWN_CHECKS,
    UNKNOWN_CHOICE,
    Answer,
    Answers,
    FrameworkSpec,
    NodeSpec,
    Population,
)

ANSWER_FIELDS = (
    "value",
    "denominator",
    "choice",
    "checks",
    "yes",
    "na",
    "points",
    "override",
)


def as_answer(data: Answer | Mapping[str, Any] | None) -> Answer | None:
    """An :class:`Answer` from a mapping with keys among :data:`ANSWER_FIELDS`."""
    if data is None or isinstance(data, Answer):
        return data
    kw = {k: data.get(k) for k in ANSWER_FIELDS if data.get(k) is not None}
    if "checks" in kw:
        kw["checks"] = tuple(kw["checks"])
    for key in ("value", "denominator", "points", "override"):
        if key in kw:
            kw[key] = float(kw[key])
    kw["na"] = bool(kw.get("na", False))
    return Answer(**kw)


def _number(answer: Answer) -> float:
    for x in (answer.value, answer.points):
        if x is not None:
            return float(x)
    if answer.yes is not None:
        return 1.0 if answer.yes else 0.0
    return np.nan


def _choice(node: NodeSpec, code: str | None) -> int:
    if code is None:
        return NO_CHOICE
    codes = [lv.get("code") for lv in node.params.get("levels", ())]
    return codes.index(code) if code in codes else UNKNOWN_CHOICE


def _checks(node: NodeSpec, ticked: Sequence[str] | None) -> int:
    codes = [c.get("code") for c in node.params.get("checks", ())]
    mask = 0
    for code in ticked or ():
        if code not in codes:
            return UNKNOWN_CHECKS
        mask |= 1 << codes.index(code)
    return mask


def _put(arrays: Answers, spec: FrameworkSpec, i: int, j: int, answer: Answer) -> None:
    node = spec.nodes[spec.leaves[j]]
    arrays.value[i, j] = _number(answer)
    den = answer.denominator
    arrays.denominator[i, j] = np.nan if den is None else float(den)
    arrays.choice[i, j] = _choice(node, answer.choice)
    arrays.checks[i, j] = _checks(node, answer.checks)
    arrays.na[i, j] = answer.na
    arrays.answered[i, j] = answer.answered
    arrays.override[i, j] = np.nan if answer.override is None else answer.override


def encode_answers(
    spec: FrameworkSpec, rows: Sequence[Sequence[Answer | None]]
) -> Answers:
    """Arrays from a units × leaves matrix of answers (None = not answered)."""
    arrays = Answers.empty(len(rows), len(spec.leaves))
    for i, row in enumerate(rows):
        for j, answer in enumerate(row):
            if answer is not None:
                _put(arrays, spec, i, j, answer)
    return arrays


def _ancestors(spec: FrameworkSpec, node_index: int) -> set[str]:
    codes = set()
    while node_index > 0:
        codes.add(spec.nodes[node_index].code)
        node_index = spec.nodes[node_index].parent
    return codes


def _applies(node: NodeSpec, unit: Mapping[str, Any]) -> bool:
    unit_type = unit.get("unit_type")
    if node.applies_to and unit_type is not None and unit_type not in node.applies_to:
        return False
    return not (node.requires_procedures and not unit.get("procedures", True))


def applicability(
    spec: FrameworkSpec, units: Sequence[Mapping[str, Any]]
) -> np.ndarray:
    """``(n_units, n_leaves)``: False where the leaf's unit types or procedures
    requirement exclude the unit, or the unit lists the leaf (or an ancestor)
    in ``not_applicable``."""
    lineage = [_ancestors(spec, i) for i in spec.leaves]
    leaves = [spec.nodes[i] for i in spec.leaves]
    out = np.ones((len(units), len(leaves)), dtype=bool)
    for i, unit in enumerate(units):
        excluded = set(unit.get("not_applicable", ()))
        for j, node in enumerate(leaves):
            out[i, j] = _applies(node, unit) and not (lineage[j] & excluded)
    return out


def _unit_positions(units: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    pos: dict[str, int] = {}
    for i, unit in enumerate(units):
        uid = str(unit["id"])
        if uid in pos:
            raise PopulationError(PopulationErrorCode.DUPLICATE_UNIT, unit=uid)
        pos[uid] = i
    return pos


def _cell(spec, unit_pos, leaf_pos, row: Mapping[str, Any]) -> tuple[int, int]:
    """Row and column of an answer, or the PopulationError saying why none."""
    unit, code = str(row["unit"]), row["code"]
    if unit not in unit_pos:
        raise PopulationError(PopulationErrorCode.UNKNOWN_UNIT, unit=unit)
    if code not in leaf_pos:
        if code in spec.index:
            raise PopulationError(
                PopulationErrorCode.NOT_AN_INDICATOR, group=code, unit=unit
            )
        raise PopulationError(
            PopulationErrorCode.UNKNOWN_INDICATOR, indicator=code, unit=unit
        )
    return unit_pos[unit], leaf_pos[code]


def _answer_matrices(spec, units, answers: Iterable[Mapping[str, Any]]):
    unit_pos = _unit_positions(units)
    leaf_pos = {code: j for j, code in enumerate(spec.leaf_codes)}
    own = Answers.empty(len(units), len(leaf_pos))
    verified = Answers.empty(len(units), len(leaf_pos))
    mask = np.zeros((len(units), len(leaf_pos)), dtype=bool)
    seen = np.zeros((len(units), len(leaf_pos)), dtype=bool)
    for row in answers:
        i, j = _cell(spec, unit_pos, leaf_pos, row)
        if seen[i, j]:
            raise PopulationError(
                PopulationErrorCode.DUPLICATE_ANSWER,
                indicator=row["code"],
                unit=str(row["unit"]),
            )
        seen[i, j] = True
        answer = as_answer(row.get("answer", row))
        _put(own, spec, i, j, answer)
        if row.get("verified") is not None:
            _put(verified, spec, i, j, as_answer(row["verified"]))
            mask[i, j] = True
    return own, verified, mask


def population_from_records(
    spec: FrameworkSpec,
    *,
    units: Iterable[Mapping[str, Any]],
    answers: Iterable[Mapping[str, Any]] = (),
) -> Population:
    """The :class:`~scoring.types.Population` of plain rows.

    ``units``: mappings with ``id``, and optionally ``group`` (ranking group
    label, default ""), ``ranked`` (default True), ``unit_type``,
    ``procedures`` (provides administrative procedures, default True),
    ``not_applicable`` (codes of leaves or groups that do not apply).
    ``answers``: mappings with ``unit``, ``code`` and the fields of
    :class:`~scoring.types.Answer` (or ``answer``: an ``Answer``), and
    ``verified``: the reviewer's answer (mapping or ``Answer``) or None.
    Raises :class:`~scoring.codes.PopulationError`: ``duplicate_unit`` (two
    units with one id), ``unknown_unit`` (an answer's unit is none of
    ``units``), ``unknown_indicator`` (its code is no node of ``spec``),
    ``not_an_indicator`` (its code is a group, named as ``group``),
    ``duplicate_answer`` (a second answer for one unit and indicator).
    """
    units = list(units)
    labels = sorted({str(u.get("group", "")) for u in units}) or [""]
    own, verified, mask = _answer_matrices(spec, units, answers)
    return Population(
        unit_ids=tuple(str(u["id"]) for u in units),
        groups=np.array(
            [labels.index(str(u.get("group", ""))) for u in units], dtype=int
        ),
        ranked=np.array([bool(u.get("ranked", True)) for u in units], dtype=bool),
        applicable=applicability(spec, units),
        self_answers=own,
        verified=verified,
        verified_mask=mask,
        group_labels=tuple(labels),
    )
