"""Frozen dataclasses in and out of the engine: data only, built and read by
the modules above (this module imports no other part of the engine but the
:class:`~scoring.diagnostics.Diagnostics` that results carry).

A :class:`FrameworkSpec` is the tree of one framework version, nodes in
topological order with an implicit root ``TOTAL`` at index 0 (built by
:func:`scoring.tree.build_spec`). A :class:`Population` holds the answers of a
campaign as arrays of shape ``(n_units, n_leaves)`` (built by
:func:`scoring.population.population_from_records`); :class:`Results` holds
arrays of shape ``(n_units, n_nodes)``. NaN inside result arrays means "n/a"
and is exposed as ``None`` by :meth:`Results.node` and
:func:`scoring.explain.result_rows`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from scoring.diagnostics import Diagnostics

ROOT_CODE = "TOTAL"
GROUP_KINDS = ("pillar", "component", "bonus_group", "penalty_group")
KINDS = ("root", "indicator") + GROUP_KINDS
OUTSIDE_MAX_KINDS = ("bonus_group", "penalty_group")
LEVEL_EDGES = ("upper_inclusive", "lower_inclusive")


@dataclass(frozen=True)
class Level:
    code: str
    min_value: float


LAO_CAI_LEVELS = (
    Level("khoi_dong", 0.0),
    Level("hinh_thanh", 0.25),
    Level("nang_cao", 0.5),
    Level("dan_dat", 0.75),
)


@dataclass(frozen=True, eq=False)
class NodeSpec:
    """One node. ``parent`` is the index of the parent node (-1 for the root)."""

    code: str
    parent: int
    kind: str
    max_points: float | None = None
    capped: bool = False
    rule: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    answer_type: str = ""
    na_allowed: bool = True
    applies_to: frozenset[str] = frozenset()
    requires_procedures: bool = False

    @property
    def is_leaf(self) -> bool:
        return self.kind == "indicator"


@dataclass(frozen=True, eq=False)
class CompiledRules:
    """Per-leaf constants: ``item_max`` (a bonus/penalty leaf: its cap),
    ``counts`` (the maximum counts in the applicable maximum), ``na_allowed``
    and, per rule, the leaf columns and their parameter arrays."""

    item_max: np.ndarray
    counts: np.ndarray
    na_allowed: np.ndarray
    by_rule: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]


@dataclass(frozen=True, eq=False)
class FrameworkSpec:
    """A framework version: nodes (root first, parents before children) and settings.

    ``precision``: decimals leaf points are rounded to (half away from zero)
    before summing. ``value_precision``: decimals of the value (points ÷
    applicable maximum) on which levels and ranks are judged. ``levels``:
    lower bounds, increasing, the first 0. ``level_edges``: ``upper_inclusive``
    (a value equal to a bound stays in the lower level) or ``lower_inclusive``.
    ``compiled``: the leaves' rule parameters as arrays, from ``nodes``
    (:func:`scoring.rules.compile_rules`).
    """

    nodes: tuple[NodeSpec, ...]
    precision: int = 2
    value_precision: int = 4
    levels: tuple[Level, ...] = LAO_CAI_LEVELS
    level_edges: str = "upper_inclusive"
    compiled: CompiledRules = field(kw_only=True, repr=False)

    @cached_property
    def index(self) -> dict[str, int]:
        return {node.code: i for i, node in enumerate(self.nodes)}

    @cached_property
    def leaves(self) -> np.ndarray:
        """Node indices of the indicators, in node order."""
        return np.array([i for i, n in enumerate(self.nodes) if n.is_leaf], dtype=int)

    @cached_property
    def leaf_codes(self) -> tuple[str, ...]:
        return tuple(self.nodes[i].code for i in self.leaves)

    @cached_property
    def children(self) -> tuple[tuple[int, ...], ...]:
        kids: list[list[int]] = [[] for _ in self.nodes]
        for i, node in enumerate(self.nodes[1:], start=1):
            kids[node.parent].append(i)
        return tuple(tuple(k) for k in kids)

    @property
    def level_codes(self) -> tuple[str, ...]:
        return tuple(level.code for level in self.levels)

    @property
    def level_bounds(self) -> np.ndarray:
        return np.array([level.min_value for level in self.levels[1:]], dtype=float)


@dataclass(frozen=True)
class Answer:
    """One answer as typed. ``yes`` for yes/no, ``value`` for numbers (the
    numerator of a ratio), ``points`` for points entered (direct, bonus,
    penalty), ``choice`` a level code, ``checks`` the ticked check codes.
    ``override``: points set without a value (a reviewer's points, or points
    imported from a published year); they replace the rule's result, bounded
    to ``[0, max]`` (``[-max, 0]`` for penalties)."""

    value: float | None = None
    denominator: float | None = None
    choice: str | None = None
    checks: tuple[str, ...] | None = None
    yes: bool | None = None
    na: bool = False
    points: float | None = None
    override: float | None = None

    @property
    def answered(self) -> bool:
        fields = (self.value, self.denominator, self.choice, self.checks)
        extra = (self.yes, self.points, self.override)
        return any(f is not None for f in fields + extra)


@dataclass(frozen=True)
class LeafOutcome:
    """Points of one answer (None unless ``status`` is ``scored``)."""

    points: float | None
    error_code: str | None = None
    status: str = "scored"
    max_points: float = 0.0


UNKNOWN_CHOICE = -2
NO_CHOICE = -1
UNKNOWN_CHECKS = -1


@dataclass(frozen=True, eq=False)
class Answers:
    """Encoded answers, each array ``(n_units, n_leaves)``.

    ``value`` float (NaN = none; yes = 1, no = 0; points entered), ``denominator``
    float, ``choice`` int (index of the level; -1 none, -2 unknown code),
    ``checks`` int64 bit mask (-1 = an unknown code), ``na`` and ``answered`` bool,
    ``override`` float (NaN = none; points replacing the rule's).
    """

    value: np.ndarray
    denominator: np.ndarray
    choice: np.ndarray
    checks: np.ndarray
    na: np.ndarray
    answered: np.ndarray
    override: np.ndarray

    @classmethod
    def empty(cls, n_units: int, n_leaves: int) -> Answers:
        shape = (n_units, n_leaves)
        return cls(
            value=np.full(shape, np.nan),
            denominator=np.full(shape, np.nan),
            choice=np.full(shape, NO_CHOICE, dtype=np.int32),
            checks=np.zeros(shape, dtype=np.int64),
            na=np.zeros(shape, dtype=bool),
            answered=np.zeros(shape, dtype=bool),
            override=np.full(shape, np.nan),
        )

    def where(self, mask: np.ndarray, other: Answers) -> Answers:
        """``other`` where ``mask``, else self."""
        names = ("value", "denominator", "choice", "checks", "na", "answered")
        names += ("override",)
        return Answers(
            **{n: np.where(mask, getattr(other, n), getattr(self, n)) for n in names}
        )


@dataclass(frozen=True, eq=False)
class Population:
    """Units of one campaign and their answers.

    ``groups``: int ranking-group id per unit (labels in ``group_labels``);
    ``ranked``: bool per unit; ``applicable``: ``(n_units, n_leaves)`` bool,
    False = the indicator does not apply (treated as N/A); ``verified_mask``:
    True where a reviewer set a verified answer.
    """

    unit_ids: tuple[str, ...]
    groups: np.ndarray
    ranked: np.ndarray
    applicable: np.ndarray
    self_answers: Answers
    verified: Answers
    verified_mask: np.ndarray
    group_labels: tuple[str, ...] = ("",)

    @property
    def final(self) -> Answers:
        """Verified answers where verified, else the unit's own."""
        return self.self_answers.where(self.verified_mask, self.verified)

    @property
    def n_units(self) -> int:
        return len(self.unit_ids)


@dataclass(frozen=True)
class NodeResult:
    """Scalars of one unit and node; None = n/a."""

    code: str
    self_points: float | None
    verified_points: float | None
    final_points: float | None
    gap: float | None
    max_points: float
    value: float | None
    level: str | None
    rank: int | None
    self_level: str | None = None
    self_rank: int | None = None


@dataclass(frozen=True, eq=False)
class Results:
    """Arrays ``(n_units, n_nodes)``; column 0 is the total.

    ``points``/``max``/``value``/``level``/``rank`` are final (verified where
    verified, else self). ``self_points``/``self_max``/``self_value`` score the
    unit's own answers, and ``self_level``/``self_rank`` are the level and the
    rank those would give (the rank among the units' self-assessed figures,
    in the same groups and on the same key as ``rank``); ``verified_points`` is
    NaN where nothing under the node was verified, else the final points;
    ``gap`` = self − verified. ``level`` is an index into ``spec.levels``
    (-1 = none); ``rank`` 0 = not ranked.
    ``status``/``error`` are ``(n_units, n_leaves)`` indices into
    :data:`scoring.codes.STATUSES` / :data:`scoring.codes.ANSWER_ERRORS`.
    ``diagnostics``: what scoring noticed (codes in
    :class:`scoring.codes.PointsDiagnostic`; ``missing_share`` is left empty,
    ``status`` says it per cell).
    """

    spec: FrameworkSpec
    unit_ids: tuple[str, ...]
    groups: np.ndarray
    ranked: np.ndarray
    points: np.ndarray
    max: np.ndarray
    value: np.ndarray
    level: np.ndarray
    rank: np.ndarray
    self_points: np.ndarray
    self_max: np.ndarray
    self_value: np.ndarray
    verified_points: np.ndarray
    gap: np.ndarray
    status: np.ndarray
    error: np.ndarray
    self_status: np.ndarray
    self_error: np.ndarray
    self_level: np.ndarray
    self_rank: np.ndarray
    rank_method: str = "competition"
    rank_by: str = "value"
    diagnostics: Diagnostics = field(default_factory=Diagnostics)

    @cached_property
    def unit_index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self.unit_ids)}

    def node(self, unit_id: str, code: str = ROOT_CODE) -> NodeResult:
        """Scalars of one unit and node, None for n/a."""
        i, k = self.unit_index[unit_id], self.spec.index[code]
        level = int(self.level[i, k])
        own = int(self.self_level[i, k])
        return NodeResult(
            code=code,
            self_points=scalar_or_none(self.self_points[i, k]),
            verified_points=scalar_or_none(self.verified_points[i, k]),
            final_points=scalar_or_none(self.points[i, k]),
            gap=scalar_or_none(self.gap[i, k]),
            max_points=float(self.max[i, k]),
            value=scalar_or_none(self.value[i, k]),
            level=self.spec.levels[level].code if level >= 0 else None,
            rank=int(self.rank[i, k]) or None,
            self_level=self.spec.levels[own].code if own >= 0 else None,
            self_rank=int(self.self_rank[i, k]) or None,
        )


def scalar_or_none(x: Any) -> float | None:
    """A number of a result array as a float, None for NaN (n/a)."""
    x = float(x)
    return None if np.isnan(x) else x
