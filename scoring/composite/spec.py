"""Declarative structure of a composite indicator: indicators, groups, weights.

A spec is a tree. Indicators are the leaves (level 1); every group aggregates its
children, and its level is one more than the highest level among them, so trees
of any depth, even ragged ones, are allowed. Weights are relative within each
group: only their ratios to the siblings' weights matter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .diagnostics import CompositeSpecError

__all__ = [
    "CompositeGroup",
    "CompositeIndicator",
    "CompositeSpec",
    "CompositeSpecError",
    "effective_weights",
    "relative_weights",
]


@dataclass(frozen=True)
class CompositeIndicator:
    """A leaf of the tree.

    Parameters
    ----------
    code, parent : str
        The indicator's code and the code of the group it belongs to.
    weight : float
        Weight relative to its siblings (>= 0).
    direction : {1, -1}
        1 when a higher raw value is better, -1 when a lower one is.
    goalposts : (low, high) or None
        Fixed bounds in raw units for goalpost normalisation, ``low < high``
        whatever the direction.
    target : float or None
        Value that counts as fully achieved, for distance-to-target
        normalisation.
    """

    code: str
    parent: str
    weight: float = 1.0
    direction: int = 1
    goalposts: tuple[float, float] | None = None
    target: float | None = None


@dataclass(frozen=True)
class CompositeGroup:
    """An aggregate: a pillar, sub-pillar or the index itself.

    ``min_count`` and ``min_share`` are this aggregate's minimum-data rule
    (at least ``min_count`` children present and a present share of at least
    ``min_share``); None falls back to the level's aggregation settings.
    """

    code: str
    parent: str | None = None
    weight: float = 1.0
    min_count: int | None = None
    min_share: float | None = None


@dataclass(frozen=True)
class CompositeSpec:
    """The whole tree; validated on creation (raises `CompositeSpecError`)."""

    indicators: tuple[CompositeIndicator, ...]
    groups: tuple[CompositeGroup, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "indicators", tuple(self.indicators))
        object.__setattr__(self, "groups", tuple(self.groups))
        _validate(self)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Indicator codes in declaration order (the columns of the data)."""
        return tuple(i.code for i in self.indicators)

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        """Children of every group, indicators first, in declaration order."""
        kids: dict[str, list[str]] = {g.code: [] for g in self.groups}
        for node in (*self.indicators, *self.groups):
            if node.parent is not None:
                kids[node.parent].append(node.code)
        return {code: tuple(c) for code, c in kids.items()}

    @cached_property
    def levels(self) -> dict[str, int]:
        """Level of every node: 1 for indicators, 1 + max(children) for groups."""
        levels = {code: 1 for code in self.codes}
        pending = [g.code for g in self.groups]
        while pending:
            ready = [c for c in pending if all(k in levels for k in self.children[c])]
            for code in ready:
                levels[code] = 1 + max(levels[k] for k in self.children[code])
            pending = [c for c in pending if c not in levels]
        return levels

    @cached_property
    def group_order(self) -> tuple[str, ...]:
        """Group codes in an order where children come before their parent."""
        order = sorted(range(len(self.groups)), key=lambda i: self._level_of(i))
        return tuple(self.groups[i].code for i in order)

    @cached_property
    def nodes(self) -> dict[str, CompositeIndicator | CompositeGroup]:
        """Every node by code."""
        return {n.code: n for n in (*self.indicators, *self.groups)}

    def _level_of(self, group_index: int) -> int:
        return self.levels[self.groups[group_index].code]


def relative_weights(spec: CompositeSpec) -> dict[str, float]:
    """Weight of every node relative to its siblings.

    .. math:: r_c = w_c / \\sum_{s \\in \\mathrm{siblings}(c)} w_s

    Top-level groups are siblings of one another, so their ``r`` sum to 1 too.
    """
    families = [*spec.children.values(), _roots(spec)]
    result: dict[str, float] = {}
    for family in families:
        total = math.fsum(spec.nodes[c].weight for c in family)
        result.update({c: spec.nodes[c].weight / total for c in family})
    return result


def effective_weights(spec: CompositeSpec) -> dict[str, float]:
    """Effective (index-level) weight of every node.

    .. math::
        e_c = r_c \\, e_{\\mathrm{parent}(c)}, \\qquad
        e_{\\mathrm{root}} = r_{\\mathrm{root}}

    The effective weights of the nodes of any complete cut through the tree
    (e.g. all indicators, or all groups of a level in a balanced tree) sum to 1.
    """
    rel = relative_weights(spec)
    result: dict[str, float] = {}
    stack = list(_roots(spec))
    for root in stack:
        result[root] = rel[root]
    while stack:
        code = stack.pop()
        for child in spec.children.get(code, ()):
            result[child] = rel[child] * result[code]
            stack.append(child)
    return result


def _roots(spec: CompositeSpec) -> tuple[str, ...]:
    return tuple(g.code for g in spec.groups if g.parent is None)


def _validate(spec: CompositeSpec) -> None:
    if not spec.indicators:
        raise CompositeSpecError("no_indicators")
    _check_codes(spec.indicators, spec.groups)
    for ind in spec.indicators:
        _check_indicator(ind)
    for group in spec.groups:
        _check_group(group)
    _check_tree(spec)


def _check_codes(
    indicators: Iterable[CompositeIndicator], groups: Iterable[CompositeGroup]
) -> None:
    indicators, groups = tuple(indicators), tuple(groups)
    seen: set[str] = set()
    for node in (*indicators, *groups):
        if node.code in seen:
            raise CompositeSpecError(
                "duplicate_code", node.code, is_group=node in groups
            )
        seen.add(node.code)
    group_codes = {g.code for g in groups}
    indicator_codes = {i.code for i in indicators}
    for node in (*indicators, *groups):
        if node.parent is not None and node.parent not in group_codes:
            bad = node.parent in indicator_codes
            code = "parent_is_indicator" if bad else "unknown_parent"
            raise CompositeSpecError(code, node.code, is_group=node in groups)


def _check_weight(node: CompositeIndicator | CompositeGroup) -> None:
    if not (math.isfinite(node.weight) and node.weight >= 0):
        raise CompositeSpecError(
            "bad_weight", node.code, is_group=isinstance(node, CompositeGroup)
        )


def _check_indicator(ind: CompositeIndicator) -> None:
    _check_weight(ind)
    if ind.direction not in (1, -1):
        raise CompositeSpecError("bad_direction", ind.code)
    if ind.goalposts is not None:
        low, high = ind.goalposts
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise CompositeSpecError("bad_goalposts", ind.code)


def _check_group(group: CompositeGroup) -> None:
    _check_weight(group)
    if group.min_count is not None and group.min_count < 0:
        raise CompositeSpecError("bad_min_data", group.code, is_group=True)
    if group.min_share is not None and not 0 <= group.min_share <= 1:
        raise CompositeSpecError("bad_min_data", group.code, is_group=True)


def _check_tree(spec: CompositeSpec) -> None:
    parents = {g.code: g.parent for g in spec.groups}
    for code in parents:
        seen, node = set(), code
        while node is not None:
            if node in seen:
                raise CompositeSpecError("cycle", code, is_group=True)
            seen.add(node)
            node = parents[node]
    for code, kids in spec.children.items():
        if not kids:
            raise CompositeSpecError("empty_group", code, is_group=True)
        if not any(spec.nodes[k].weight > 0 for k in kids):
            raise CompositeSpecError("zero_weight_group", code, is_group=True)
    if not any(spec.nodes[r].weight > 0 for r in _roots(spec)):
        raise CompositeSpecError("zero_weight_group", None)
