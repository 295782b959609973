"""The public results page and its downloads, built from the published figures
(:mod:`survey.selectors.published`) once per results version and kept
(:func:`survey.results.stored.analysis_stored`): a request reads them back in a
fixed number of queries and time whatever the number of units. A published
campaign's results do not change; a new results version (a republication) is
built anew. They also show the year before's figures and the history of every
published year: they are kept under a fingerprint of those years and of the unit
lineage (:func:`survey.selectors.published.published_fingerprint`), so that
reopening, republishing or publishing an earlier year builds them anew too.

With several provinces in the installation, each campaign's page and files are
its own province's: its name, its units, its history. A campaign code is unique
within a province only, so the canonical address names the province
(:func:`public_url`); with a single province it stays ``/cong-khai/<code>/``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from common.figures import percent_of_value
from reports.builders import charts
from reports.builders.open_data import (
    OpenMeta,
    open_csv_bytes,
    open_json_bytes,
    open_xlsx_bytes,
)
from survey.models import Campaign
from survey.results.stored import analysis_stored
from survey.selectors.provinces import several_provinces
from survey.selectors.published import (
    PublishedResults,
    published_campaigns,
    published_fingerprint,
    published_history,
    published_results,
)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
KIND = "open-2"


def public_url(
    campaign: Campaign, fmt: str | None = None, *, several: bool | None = None
) -> str:
    """The canonical address of ``campaign``'s public page (or of its ``fmt``
    file): ``/cong-khai/<province>/<code>/`` when the installation holds several
    provinces, ``/cong-khai/<code>/`` when it holds one. ``several`` saves the
    count when the caller knows it."""
    if several is None:
        several = several_provinces()
    args = [campaign.code] if fmt is None else [campaign.code, fmt]
    if several:
        name = "open:province_campaign" if fmt is None else "open:province_download"
        return reverse(name, args=[campaign.province.code, *args])
    return reverse("open:campaign" if fmt is None else "open:download", args=args)


def open_list() -> dict:
    """The published campaigns, grouped by province when there are several
    (one group without a name when there is one)."""
    several = several_provinces()
    groups: list[dict] = []
    for campaign in published_campaigns():
        if not groups or groups[-1]["province"] != campaign.province:
            groups.append({"province": campaign.province, "rows": []})
        groups[-1]["rows"].append(
            {"campaign": campaign, "url": public_url(campaign, several=several)}
        )
    if not several:
        rows = [row for group in groups for row in group["rows"]]
        groups = [{"province": None, "rows": rows}] if rows else []
    return {"several": several, "groups": groups}


def open_choices(*, campaigns: list[Campaign], fmt: str | None = None) -> dict:
    """The short page that lets a visitor choose the province when a campaign
    code alone names several published campaigns."""
    return {
        "code": campaigns[0].code,
        "fmt": fmt,
        "choices": [
            {"campaign": c, "url": public_url(c, fmt, several=True)} for c in campaigns
        ],
    }


def open_page(*, campaign: Campaign, lang: str) -> dict:
    """What the public page shows of a published ``campaign`` in ``lang``."""
    several = several_provinces()
    kept = analysis_stored(
        campaign=campaign,
        kind=f"{KIND}-page:{lang}:{published_fingerprint(campaign=campaign)}",
        build=lambda: (_page(campaign, lang), b""),
    ).payload
    return {
        **kept,
        "charts": [
            {**chart, "svg": mark_safe(chart["svg"])}  # noqa: S308 - matplotlib
            for chart in kept["charts"]
        ],
        "trend_svg": mark_safe(kept["trend_svg"]),  # noqa: S308 - from matplotlib
        "history": _history_links(kept["history"], campaign, several),
        "canonical": settings.DTI_SITE_URL + public_url(campaign, several=several),
        "downloads": {
            fmt: public_url(campaign, fmt, several=several) for fmt in FORMATS
        },
        "province_name": (campaign.province.name_en if lang == "en" else "")
        or campaign.province.name_vi,
        "several": several,
        "licence": settings.DTI_OPEN_DATA_LICENCE,
    }


def _history_links(history: dict, campaign: Campaign, several: bool) -> dict:
    """The history's rows with the address of each year's page (the same
    province's)."""
    rows = []
    for row in history["rows"]:
        if several:
            url = reverse(
                "open:province_campaign", args=[campaign.province.code, row["code"]]
            )
        else:
            url = reverse("open:campaign", args=[row["code"]])
        rows.append({**row, "url": url})
    return {**history, "rows": rows}


def open_download(*, campaign: Campaign, fmt: str, lang: str) -> tuple[bytes, str]:
    """The ``fmt`` file (csv, xlsx or json) of a published ``campaign`` and its
    name (``ket-qua-<code>.<fmt>``, with the province's code before the
    campaign's when there are several provinces); only the xlsx depends on
    ``lang`` (its headings)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    meta = _meta(campaign)
    kind = f"{KIND}-{fmt}:{lang}" if fmt == "xlsx" else f"{KIND}-{fmt}"
    kind = f"{kind}:{_stamp(campaign, meta)}:{published_fingerprint(campaign=campaign)}"
    content = analysis_stored(
        campaign=campaign,
        kind=kind,
        build=lambda: ({}, _file(campaign, meta, fmt, lang)),
    ).content
    code = campaign.code
    if meta.province_column:
        code = f"{meta.province_code}-{code}"
    return bytes(content), f"ket-qua-{code}.{fmt}"


def _stamp(campaign: Campaign, meta: OpenMeta) -> str:
    """What the files say besides the results (the decision, the licence, the
    province and the address), in eight characters: a file is built again when
    one of them changes."""
    said = "|".join(
        [
            campaign.decision_number,
            str(campaign.decision_date),
            meta.licence,
            meta.province,
            meta.province_en,
            meta.province_code,
            str(meta.province_column),
            meta.source,
        ]
    )
    return hashlib.sha256(said.encode()).hexdigest()[:8]


def _meta(campaign: Campaign) -> OpenMeta:
    several = several_provinces()
    province = campaign.province
    return OpenMeta(
        province=province.name_vi,
        province_en=province.name_en,
        province_code=province.code,
        province_column=several,
        licence=settings.DTI_OPEN_DATA_LICENCE,
        source=settings.DTI_SITE_URL + public_url(campaign, several=several),
    )


def _file(campaign: Campaign, meta: OpenMeta, fmt: str, lang: str) -> bytes:
    results = published_results(campaign=campaign)
    if fmt == "csv":
        return open_csv_bytes(results, meta)
    if fmt == "json":
        return open_json_bytes(results, meta)
    with translation.override(lang):
        return open_xlsx_bytes(results, meta, _labels(), _about(results, meta))


def _labels() -> dict[str, str]:
    return {
        "about": _("About"),
        "results": _("Results"),
        "pillars": _("Pillars"),
        "unit_code": _("Unit code"),
        "unit_name_vi": _("Unit (Vietnamese)"),
        "unit_name_en": _("Unit (English)"),
        "group_vi": _("Ranking group (Vietnamese)"),
        "group_en": _("Ranking group (English)"),
        "points": _("Points"),
        "max_points": _("Applicable maximum"),
        "percent": _("Percentage"),
        "level_code": _("Level code"),
        "level_name_vi": _("Level (Vietnamese)"),
        "level_name_en": _("Level (English)"),
        "rank": _("Rank in group"),
        "previous_year": _("Previous year"),
        "previous_points": _("Previous points"),
        "previous_percent": _("Previous percentage"),
        "previous_level": _("Previous level"),
        "previous_rank": _("Previous rank"),
        "percent_change": _("Change (percentage points)"),
        "rank_change": _("Rank change"),
        "pillar_code": _("Pillar code"),
        "pillar_name_vi": _("Pillar (Vietnamese)"),
        "pillar_name_en": _("Pillar (English)"),
        "pillar_points": _("Points"),
        "pillar_max_points": _("Applicable maximum"),
        "pillar_percent": _("Percentage"),
        "pillar_level": _("Level"),
    }


def _about(results: PublishedResults, meta: OpenMeta) -> list[tuple]:
    return [
        (_("Published results"), results.name),
        (_("Province"), meta.province_name(translation.get_language())),
        (_("Province code"), meta.province_code),
        (_("Campaign code"), results.code),
        (_("Year assessed"), results.year),
        (_("Decision number"), results.decision_number),
        (_("Decision date"), results.decision_date),
        (_("Licence"), meta.licence),
        (_("Source"), meta.source),
        (_("Units"), len(results.units)),
    ]


def _page(campaign: Campaign, lang: str) -> dict:
    with translation.override(lang):
        results = published_results(campaign=campaign)
        history = published_history(until=campaign)
        groups = _groups(results, lang)
        return {
            "previous_year": results.previous_year,
            "levels": [lv.name(lang) for lv in results.levels],
            "level_counts": _level_counts(results, lang),
            "groups": groups,
            "charts": _pillar_charts(results, lang),
            "history": _history(history, results, lang),
            "trend_svg": _trend(history, lang),
        }


def _number(value, places: int = 2) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _signed(value, places: int = 2) -> str:
    if value is None:
        return "–"
    text = _number(value, places)
    return f"+{text}" if value > 0 else text


def _groups(results: PublishedResults, lang: str) -> list[dict]:
    by_group: dict[str, list] = defaultdict(list)
    for unit in results.units:
        by_group[unit.group_vi].append(unit)
    return [
        {
            "name": (units[0].group_en if lang == "en" else "") or group,
            "rows": [
                {
                    "rank": unit.rank,
                    "code": unit.unit_code,
                    "name": (unit.unit_name_en if lang == "en" else "")
                    or unit.unit_name_vi,
                    "points": _number(unit.points),
                    "maximum": _number(unit.maximum),
                    "percent": _number(unit.percent),
                    "level": unit.level.name(lang),
                    "change": _signed(unit.percent_change),
                    "rank_change": _signed(unit.rank_change, 0),
                }
                for unit in units
            ],
        }
        for group, units in by_group.items()
    ]


def _level_counts(results: PublishedResults, lang: str) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for unit in results.units:
        counts[unit.level.code] += 1
    return [(lv.name(lang), counts.get(lv.code, 0)) for lv in results.levels]


def _pillar_charts(results: PublishedResults, lang: str) -> list[dict]:
    """One radar per set of pillars: each ranking group's mean pillar percentage,
    with its figures as a table (the pillars' names are there)."""
    sets: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    pillar_names: dict[tuple, list[str]] = {}
    for unit in results.units:
        key = tuple(p.code for p in unit.pillars)
        if not key:
            continue
        names[unit.group_vi] = (unit.group_en if lang == "en" else "") or unit.group_vi
        pillar_names[key] = [
            f"{p.code}. {(p.name_en if lang == 'en' else '') or p.name_vi}"
            for p in unit.pillars
        ]
        sets[key][unit.group_vi].append(
            [None if p.percent is None else float(p.percent) for p in unit.pillars]
        )
    out = []
    title = _("Mean percentage per pillar")
    for axes, groups in sets.items():
        series = [(names[g], _mean_share(rows)) for g, rows in groups.items()]
        svg = charts.radar_svg(axes=list(axes), series=series, title=title, lang=lang)
        table = {
            "caption": title,
            "head": [_("Ranking group"), *pillar_names[axes]],
            "rows": [
                [name, *(_number(_percent(v)) for v in values)]
                for name, values in series
            ],
        }
        out.append({"svg": _svg(svg), "table": table})
    return out


def _percent(share: float) -> Decimal | None:
    return None if share != share else percent_of_value(share)


def _mean_share(rows: list[list[float | None]]) -> list[float]:
    """Each column's mean, as a share (0–1); missing figures are left out."""
    means = []
    for column in zip(*rows, strict=True):
        known = [v for v in column if v is not None]
        means.append(sum(known) / len(known) / 100 if known else float("nan"))
    return means


def _history(history, results: PublishedResults, lang: str) -> dict:
    return {
        "levels": [lv.name(lang) for lv in results.levels],
        "rows": [
            {
                "year": year.year,
                "code": year.code,
                "units": year.units,
                "mean": _number(year.mean_percent),
                "counts": [year.level_counts.get(lv.code, 0) for lv in results.levels],
            }
            for year in history
        ],
    }


def _trend(history, lang: str) -> str:
    if len(history) < 2:
        return ""
    svg = charts.trend_lines_svg(
        years=[year.year for year in history],
        series=[(_("Province"), [_share(year.mean_percent) for year in history])],
        title=_("Mean percentage per year"),
        lang=lang,
    )
    return _svg(svg)


def _share(percent) -> float:
    return float("nan") if percent is None else float(percent) / 100


def _svg(content: bytes) -> str:
    text = content.decode("utf-8")
    return text[text.index("<svg") :]
