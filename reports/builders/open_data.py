"""The open data files of a published campaign: CSV, XLSX and JSON, as bytes.

They read a campaign's published results as
:func:`survey.selectors.published.published_results` returns them (any object
with the same attributes: ``code``, ``year``, ``name``, ``decision_number``,
``decision_date``, ``previous_year`` and ``units``, each unit with its
``pillars``) and an :class:`OpenMeta`. Columns are named by stable keys, the same
in every language and in the API (``docs/open-data.md``):

- CSV: UTF-8 with a byte order mark, comma-separated, one header row of keys,
  one row per unit; pillars are columns ``pillar_<code>_points`` …; the last
  three columns repeat the decision and the licence on every row, so that the
  file stays one plain table; in an installation of several provinces two more
  columns follow, ``province_code`` and ``province`` (:data:`PROVINCE_KEYS`), so
  that the files of several provinces can be put together. Numbers use ``.``
  for decimals. Text that a spreadsheet would run as a formula is prefixed
  with ``'``.
- XLSX: an "About" sheet (campaign, province, decision, licence, source), the
  results and the pillars (one row per unit and pillar), headed in the
  requested language.
- JSON: ``{"meta": {...}, "units": [{..., "pillars": [...]}]}``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from common.xlsx import is_formula_like, table_xlsx_bytes

UNIT_KEYS = (
    "unit_code",
    "unit_name_vi",
    "unit_name_en",
    "group_vi",
    "group_en",
    "points",
    "max_points",
    "percent",
    "level_code",
    "level_name_vi",
    "level_name_en",
    "rank",
    "previous_year",
    "previous_points",
    "previous_percent",
    "previous_level",
    "previous_rank",
    "percent_change",
    "rank_change",
)
PILLAR_KEYS = ("points", "max_points", "percent", "level")
META_KEYS = ("decision_number", "decision_date", "licence")
PROVINCE_KEYS = ("province_code", "province")


@dataclass(frozen=True)
class OpenMeta:
    """What every file says about itself besides the figures. ``province`` is
    the province's Vietnamese name; ``province_column`` adds the province to
    every CSV row (an installation of several provinces)."""

    province: str
    licence: str
    source: str  # the public page's absolute address
    province_en: str = ""
    province_code: str = ""
    province_column: bool = False

    def province_name(self, lang: str | None) -> str:
        english = (lang or "").startswith("en")
        return (self.province_en if english else "") or self.province


def unit_record(unit, previous_year: int | None) -> dict:
    """A unit's published figures under :data:`UNIT_KEYS` (decimals kept)."""
    return {
        "unit_code": unit.unit_code,
        "unit_name_vi": unit.unit_name_vi,
        "unit_name_en": unit.unit_name_en,
        "group_vi": unit.group_vi,
        "group_en": unit.group_en,
        "points": unit.points,
        "max_points": unit.maximum,
        "percent": unit.percent,
        "level_code": unit.level.code,
        "level_name_vi": unit.level.name_vi,
        "level_name_en": unit.level.name_en,
        "rank": unit.rank,
        "previous_year": previous_year if unit.previous_percent is not None else None,
        "previous_points": unit.previous_points,
        "previous_percent": unit.previous_percent,
        "previous_level": unit.previous_level,
        "previous_rank": unit.previous_rank,
        "percent_change": unit.percent_change,
        "rank_change": unit.rank_change,
    }


def pillar_record(pillar) -> dict:
    return {
        "code": pillar.code,
        "name_vi": pillar.name_vi,
        "name_en": pillar.name_en,
        "points": pillar.points,
        "max_points": pillar.maximum,
        "percent": pillar.percent,
        "level": pillar.level,
    }


def meta_record(results, meta: OpenMeta) -> dict:
    decided = results.decision_date
    return {
        "campaign": results.code,
        "year": results.year,
        "name": results.name,
        "province": meta.province,
        "province_name_en": meta.province_en,
        "province_code": meta.province_code,
        "decision_number": results.decision_number,
        "decision_date": decided.isoformat() if decided else None,
        "licence": meta.licence,
        "source": meta.source,
        "results_version": results.results_version,
        "previous_year": results.previous_year,
        "units": len(results.units),
    }


def pillar_codes(results) -> list[str]:
    """Every pillar code in the order units carry them."""
    return list(dict.fromkeys(p.code for u in results.units for p in u.pillars))


def open_csv_bytes(results, meta: OpenMeta) -> bytes:
    """One row per unit (see the module); UTF-8 with a byte order mark."""
    codes = pillar_codes(results)
    header = [
        *UNIT_KEYS,
        *(f"pillar_{code}_{key}" for code in codes for key in PILLAR_KEYS),
        *META_KEYS,
        *(PROVINCE_KEYS if meta.province_column else ()),
    ]
    head = meta_record(results, meta)
    tail = [head["decision_number"], head["decision_date"], head["licence"]]
    if meta.province_column:
        tail += [meta.province_code, meta.province]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for unit in results.units:
        record = unit_record(unit, results.previous_year)
        pillars = {p.code: pillar_record(p) for p in unit.pillars}
        row = [record[key] for key in UNIT_KEYS]
        for code in codes:
            found = pillars.get(code, {})
            row.extend(found.get(key) for key in PILLAR_KEYS)
        writer.writerow([_csv_cell(value) for value in [*row, *tail]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def open_json_bytes(results, meta: OpenMeta) -> bytes:
    """``{"meta": …, "units": […]}``, numbers as JSON numbers."""
    units = [
        {
            **unit_record(unit, results.previous_year),
            "pillars": [pillar_record(p) for p in unit.pillars],
        }
        for unit in results.units
    ]
    document = {"meta": meta_record(results, meta), "units": units}
    return json.dumps(
        document, ensure_ascii=False, indent=1, default=_json_number
    ).encode("utf-8")


def open_xlsx_bytes(
    results, meta: OpenMeta, labels: Mapping[str, str], about: Sequence[tuple]
) -> bytes:
    """The About sheet (``about``: label and value pairs), the results and the
    pillars, headed with ``labels`` (keys of :data:`UNIT_KEYS`,
    ``pillar_code``, ``pillar_name`` and the sheet titles ``about``,
    ``results``, ``pillars``)."""
    rows = [[labels[key] for key in UNIT_KEYS]]
    pillar_keys = ("pillar_code", "pillar_name_vi", "pillar_name_en")
    pillar_rows = [
        [labels["unit_code"], labels["unit_name_vi"]]
        + [labels[key] for key in pillar_keys]
        + [labels[f"pillar_{key}"] for key in PILLAR_KEYS]
    ]
    for unit in results.units:
        record = unit_record(unit, results.previous_year)
        rows.append([_cell(record[key]) for key in UNIT_KEYS])
        for pillar in unit.pillars:
            found = pillar_record(pillar)
            pillar_rows.append(
                [unit.unit_code, unit.unit_name_vi, found["code"]]
                + [found["name_vi"], found["name_en"]]
                + [_cell(found[key]) for key in PILLAR_KEYS]
            )
    return table_xlsx_bytes(
        {
            labels["about"]: [list(pair) for pair in about],
            labels["results"]: rows,
            labels["pillars"]: pillar_rows,
        }
    )


def _cell(value):
    return float(value) if isinstance(value, Decimal) else value


def _csv_cell(value):
    if value is None:
        return ""
    if is_formula_like(value):
        return "'" + value
    return value


def _json_number(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
