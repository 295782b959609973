"""The national comparison's trend chart: one line per province, as many as
there are provinces, with its legend below the plot in columns (no Django)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from reports.builders.charts import (
    FONT,
    PALETTE,
    _clean,
    _fig,
    _percent_axis,
    _save,
    _titled,
    _value,
)

MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LEGEND_COLUMNS = 4


def trend_svg(
    *,
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float]]],
    title: str,
    lang: str = "vi",
) -> bytes:
    """Value (%) per year, one line per series told apart by colour and marker;
    each point titled with its series, year and value."""
    legend_rows = math.ceil(len(series) / LEGEND_COLUMNS)
    fig = _fig(10, 4.2 + 0.22 * legend_rows)
    ax = fig.add_subplot()
    titles = {}
    for k, (name, values) in enumerate(series):
        data = np.asarray(values, dtype=float) * 100
        label = _clean([name])[0]
        colour = PALETTE[k % len(PALETTE)]
        marker = MARKERS[(k // len(PALETTE)) % len(MARKERS)]
        ax.plot(list(years), data, label=label, color=colour, marker=marker, ms=4)
        for y, (year, value) in enumerate(zip(years, data, strict=True)):
            (point,) = ax.plot([year], [value], marker, color=colour, ms=4)
            point.set_gid(f"point-{k}-{y}")
            titles[point.get_gid()] = f"{label} – {year}: {_value(value, lang)}"
    ax.set_xticks(list(years), labels=[str(y) for y in years])
    ax.set_ylim(0, 100)
    _percent_axis(ax.yaxis, lang)
    ax.grid(alpha=0.3)
    fig.legend(
        loc="outside lower center",
        ncol=LEGEND_COLUMNS,
        fontsize=8,
        frameon=False,
    )
    ax.set_title(_clean([title])[0], fontdict={**FONT, "size": 11})
    return _titled(_save(fig, "svg"), titles)
