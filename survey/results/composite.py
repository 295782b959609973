"""Composite mode for analysts: a spec file and a data file in, plain results out.

``manage.py composite`` (docs/composite.md) calls :func:`composite_run`; the
result is a :class:`CompositeRun` holding only plain data (the long table of
scores, the diagnostics with their messages in the active language, the
settings), which the report builders and the JSON and CSV writers take as is.
Every refusal is a :class:`CompositeInputError` with a translated message.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from scoring.composite import (
    CompositeError,
    CompositeResults,
    Reporting,
    composite_scores,
    effective_weights,
    relative_weights,
)
from survey.results.composite_data import CompositeData, composite_data_read
from survey.results.composite_spec import (
    CompositeInputError,
    CompositeSettings,
    composite_settings_read,
)
from survey.results.engine_messages import diagnostic_message, engine_error_message

__all__ = [
    "CompositeInputError",
    "CompositeRun",
    "composite_document",
    "composite_run",
]
KEEP = object()
REFUSED = _("The scoring engine refused to compute: %(error)s.")


@dataclass(frozen=True)
class CompositeRun:
    """One run, as plain data.

    ``rows``: :meth:`scoring.composite.CompositeResults.rows` (keys unit, group,
    code, level, score, rounded, rank, band, weight); ``nodes``: per code its
    level, parent, relative and effective weight; ``diagnostics``: dicts with
    code, indicator, group, units, detail and message; ``settings``: what was
    computed and how.
    """

    units: list[dict]
    nodes: list[dict]
    rows: list[dict]
    diagnostics: list[dict]
    settings: dict

    def document(self) -> dict:
        """Everything, as one JSON-ready dict."""
        return dataclasses.asdict(self)


def composite_run(
    *,
    spec_path: Path,
    data_path: Path,
    precision: int | None | object = KEEP,
    rank_method: str | None = None,
    decimal: str | None = None,
    strict: bool = False,
) -> CompositeRun:
    """Score the units of ``data_path`` under the spec of ``spec_path``.

    ``precision`` and ``rank_method`` override the spec's reporting when
    given; ``decimal`` its ``data.decimal``; ``strict`` refuses any result the
    engine has a diagnostic about.
    """
    settings = composite_settings_read(Path(spec_path))
    reporting = _reporting(settings.reporting, precision, rank_method)
    data = composite_data_read(Path(data_path), settings, decimal=decimal)
    results = _scores(settings, data, reporting, strict)
    return composite_document(
        results,
        settings=dataclasses.replace(settings, reporting=reporting),
        sources={"spec": Path(spec_path).name, "data": Path(data_path).name},
        strict=strict,
    )


def _reporting(reporting: Reporting, precision, rank_method) -> Reporting:
    changes = {}
    if precision is not KEEP:
        changes["precision"] = precision
    if rank_method is not None:
        changes["rank_method"] = rank_method
    try:
        return dataclasses.replace(reporting, **changes)
    except CompositeError as error:
        raise CompositeInputError(
            engine_error_message(error), code=error.code
        ) from error


def _scores(
    settings: CompositeSettings, data: CompositeData, reporting, strict: bool
) -> CompositeResults:
    try:
        results = composite_scores(
            settings.spec,
            data.columns,
            settings.normalisation,
            settings.aggregation,
            units=data.units,
            groups=data.groups,
            reporting=reporting,
            strict=strict,
        )
    except CompositeError as error:
        raise CompositeInputError(
            engine_error_message(error), code=error.code
        ) from error
    except ValueError as error:  # a check of the engine that has no code yet
        message = str(REFUSED) % {"error": error}
        raise CompositeInputError(message, code="engine") from error
    if strict and results.diagnostics:
        error = next(iter(results.diagnostics)).error()
        raise CompositeInputError(engine_error_message(error), code=error.code)
    return results


def composite_document(
    results: CompositeResults,
    *,
    settings: CompositeSettings,
    sources: dict[str, str],
    strict: bool = False,
) -> CompositeRun:
    """``results`` as a :class:`CompositeRun` (plain data, messages translated)."""
    spec = settings.spec
    rel, eff = relative_weights(spec), effective_weights(spec)
    nodes = [
        {
            "code": code,
            "level": level,
            "parent": spec.nodes[code].parent,
            "weight": spec.nodes[code].weight,
            "relative_weight": rel[code],
            "effective_weight": eff[code],
        }
        for code, level in zip(results.codes, results.levels, strict=True)
    ]
    diagnostics = [
        {
            "code": d.code,
            "indicator": d.indicator,
            "group": d.group,
            "units": list(d.units),
            "detail": dict(d.detail),
            "message": diagnostic_message(d),
        }
        for d in results.diagnostics
    ]
    units = [
        {"unit": unit, "group": group}
        for unit, group in zip(results.unit_ids, results.groups, strict=True)
    ]
    return CompositeRun(
        units=units,
        nodes=nodes,
        rows=results.rows(),
        diagnostics=diagnostics,
        settings=_settings(settings, sources, strict, results),
    )


def _settings(settings: CompositeSettings, sources, strict, results) -> dict:
    reporting = settings.reporting
    bands = reporting.bands
    return {
        "name": settings.name,
        "description": settings.description,
        **sources,
        "units": len(results.unit_ids),
        "indicators": len(settings.spec.codes),
        "groups": len(settings.spec.groups),
        "normalisation": dataclasses.asdict(settings.normalisation),
        "aggregation": {
            str(level): dataclasses.asdict(agg)
            for level, agg in sorted(settings.aggregation.items())
        },
        "precision": reporting.precision,
        "rank_method": reporting.rank_method,
        "bands": None if bands is None else dataclasses.asdict(bands),
        "unit_column": settings.unit_column,
        "group_column": settings.group_column,
        "strict": strict,
    }
