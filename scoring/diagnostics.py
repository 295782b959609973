"""Diagnostics: what the engine noticed about a result it computed all the same.

A diagnostic is data, not a warning printed somewhere: a code (a plain string
the web layer translates) and the indicator, group and units it concerns. With
``strict=True`` an engine call raises the first diagnostic as an error of the
same code instead (an :class:`~scoring.codes.EngineError`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from scoring.codes import EngineError

__all__ = ["Diagnostic", "Diagnostics", "DiagnosticsCollector"]


@dataclass(frozen=True)
class Diagnostic:
    """One thing noticed: ``code``, and the indicator, group and units concerned.

    ``units`` lists the unit ids concerned (empty when the diagnostic concerns a
    whole indicator or group); ``detail`` holds further facts (a share, a count).
    """

    code: str
    indicator: str | None = None
    group: str | None = None
    units: tuple[str, ...] = ()
    detail: dict = field(default_factory=dict, compare=False)
    error_class: type[EngineError] = field(
        default=EngineError, compare=False, repr=False
    )

    def error(self) -> EngineError:
        """This diagnostic as an error, for strict mode (of ``error_class``)."""
        unit = self.units[0] if len(self.units) == 1 else None
        detail = dict(self.detail)
        if len(self.units) > 1:
            detail["units"] = list(self.units)
        return self.error_class(
            self.code,
            indicator=self.indicator,
            group=self.group,
            unit=unit,
            detail=detail,
        )


@dataclass(frozen=True)
class Diagnostics:
    """Everything noticed while computing one result.

    ``missing_share`` maps every indicator code to the share of units without a
    usable value (missing, or infinite), before any dropping; ``items`` are the
    diagnostics in the order they were found.
    """

    missing_share: dict[str, float] = field(default_factory=dict)
    items: tuple[Diagnostic, ...] = ()

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def codes(self) -> set[str]:
        """The distinct codes found."""
        return {d.code for d in self.items}

    def of(self, code: str) -> tuple[Diagnostic, ...]:
        """The diagnostics with ``code``."""
        return tuple(d for d in self.items if d.code == code)

    def about(self, node: str) -> tuple[Diagnostic, ...]:
        """The diagnostics concerning indicator or group ``node``."""
        return tuple(d for d in self.items if node in (d.indicator, d.group))


class DiagnosticsCollector:
    """Gathers diagnostics during one computation; raises the first in strict mode."""

    def __init__(
        self, strict: bool = False, error_class: type[EngineError] = EngineError
    ) -> None:
        self.strict = strict
        self.error_class = error_class
        self.items: list[Diagnostic] = []
        self.missing_share: dict[str, float] = {}

    def add(self, code: str, **kwargs) -> None:
        """Add a `Diagnostic` (``kwargs`` are its fields); raise it if strict."""
        item = Diagnostic(str(code), error_class=self.error_class, **kwargs)
        if self.strict:
            raise item.error()
        self.items.append(item)

    def add_where(
        self, code: str, mask: np.ndarray, unit_ids: Sequence[str], **kwargs
    ) -> None:
        """Add ``code`` about the units ``unit_ids[i]`` where ``mask[i]`` is true;
        nothing when it is nowhere true."""
        rows = np.flatnonzero(mask)
        if rows.size:
            self.add(code, units=tuple(map(unit_ids.__getitem__, rows)), **kwargs)

    def result(self) -> Diagnostics:
        return Diagnostics(dict(self.missing_share), tuple(self.items))
