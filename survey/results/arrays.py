"""The engine's results of a framework version kept with the stored results: the
arrays a unit's analyses read and the Monte Carlo rank intervals, stored once per
results version (``ResultsAnalysis``) so pages run no scoring pass."""

from __future__ import annotations

import io

import numpy as np

import scoring
from survey.models import Campaign, ResultsAnalysis
from survey.results.inputs import blank_assessments, campaign_population, framework_spec
from survey.results.stored import analysis_stored

MONTE_CARLO_RUNS = 200

# What points_lost and path_to_next_level read of a Results, besides the spec.
_KEPT = ("groups", "points", "value", "level", "status")


def scored_kind(version) -> str:
    return f"scored:{version.pk}"


def scored_store(*, campaign: Campaign, version, results: scoring.Results) -> None:
    """Keep ``results`` (just scored and stored) for the current results version."""
    payload, content = _scored_payload(campaign, results)
    ResultsAnalysis.objects.create(
        campaign=campaign,
        results_version=campaign.results_version,
        kind=scored_kind(version),
        payload=payload,
        content=content,
    )


def scored_load(*, campaign: Campaign, version) -> tuple[scoring.Results, dict]:
    """The kept results of ``version`` for the campaign's results version and the
    rank intervals by assessment id; scored once now if not kept yet (results
    stored before they were kept)."""
    spec = framework_spec(version=version)

    def build() -> tuple[dict, bytes]:
        return _scored_payload(campaign, _score(campaign, version, spec))

    kept = analysis_stored(campaign=campaign, kind=scored_kind(version), build=build)
    return _results(spec, kept), kept.payload["intervals"]


def _score(campaign: Campaign, version, spec) -> scoring.Results:
    _rows, population = campaign_population(
        campaign=campaign,
        version=version,
        spec=spec,
        blank_units=blank_assessments(campaign=campaign, version=version),
    )
    return scoring.score(spec, population)


def _scored_payload(campaign: Campaign, results: scoring.Results) -> tuple[dict, bytes]:
    mc = scoring.monte_carlo(results, n=MONTE_CARLO_RUNS, seed=campaign.year)
    intervals = {
        str(unit_id): [
            _number(mc.median_rank[k]),
            _number(mc.q05_rank[k]),
            _number(mc.q95_rank[k]),
        ]
        for k, unit_id in enumerate(results.unit_ids)
    }
    buffer = io.BytesIO()
    np.savez(buffer, **{name: getattr(results, name) for name in _KEPT})
    payload = {"unit_ids": list(results.unit_ids), "intervals": intervals}
    return payload, buffer.getvalue()


def _number(x) -> float | None:
    return None if np.isnan(x) else float(x)


def _results(spec, kept: ResultsAnalysis) -> scoring.Results:
    """A Results holding the kept arrays; the others are empty, so that reading
    one of them fails loudly instead of giving a wrong figure."""
    with np.load(io.BytesIO(bytes(kept.content))) as arrays:
        found = {name: arrays[name] for name in _KEPT}
    empty = np.empty((0, 0))
    return scoring.Results(
        spec=spec,
        unit_ids=tuple(kept.payload["unit_ids"]),
        ranked=empty,
        max=empty,
        rank=empty,
        self_points=empty,
        self_max=empty,
        self_value=empty,
        verified_points=empty,
        gap=empty,
        error=empty,
        self_status=empty,
        self_error=empty,
        self_level=empty,
        self_rank=empty,
        **found,
    )
