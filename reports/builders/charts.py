"""matplotlib charts as PNG (for the workbook) or SVG (for the dashboards).

``matplotlib.figure.Figure`` only, never pyplot: pyplot keeps global references
to every figure, which leaks memory in a server. No Django here.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from html import escape
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from common.figures import percent_of_value  # noqa: E402

FONT = {"family": "DejaVu Sans", "size": 9}
MAX_LABELS = 60
RED_GREEN = LinearSegmentedColormap.from_list(
    "red_yellow_green", ["#f8696b", "#ffeb84", "#63be7b"]
)
STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>\*\{([^}]*)\}</style>\s*")
PALETTE = ["#0b5cad", "#2b7a0b", "#e07b00", "#a4161a", "#6a3d9a", "#00838f", "#795548"]


def _clean(labels: Sequence[str]) -> list[str]:
    """Labels as plain text: no control characters (no glyph for a tab), and a
    dollar sign kept literal rather than starting matplotlib's mathtext."""
    return [" ".join(str(label).split()).replace("$", r"\$") for label in labels]


def _save(fig: Figure, fmt: str) -> bytes:
    buffer = BytesIO()
    # SVG text stays text (the browser draws it): a tenth of the size of glyph
    # outlines, and it can be read aloud and searched.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        # A PNG is drawn at the size of its page: its constrained layout fits it
        # already, and a tight box would draw it a second time.
        tight = "tight" if fmt == "svg" else None
        fig.savefig(buffer, format=fmt, dpi=110, bbox_inches=tight, metadata=_meta(fmt))
    return _presentation(buffer.getvalue()) if fmt == "svg" else buffer.getvalue()


def _attributes(declarations: str) -> str:
    """``fill: #fff; stroke-width: 0.8`` as `` fill="#fff" stroke-width="0.8"``."""
    pairs = (item.partition(":") for item in declarations.split(";"))
    return "".join(
        f' {name.strip()}="{value.strip()}"' for name, _sep, value in pairs if value
    )


def _presentation(svg: bytes) -> bytes:
    """The SVG with its CSS turned into presentation attributes (``fill="…"``).

    The dashboards put the SVG inside their pages, whose Content-Security-Policy
    refuses ``style`` attributes and ``<style>`` elements but not presentation
    attributes. matplotlib writes only properties that exist as such; its one
    ``<style>`` rule, for every element, becomes attributes of the root, which the
    others inherit unless they set their own.
    """
    text = svg.decode("utf-8")
    every = STYLE_ELEMENT.search(text)
    text = STYLE_ELEMENT.sub("", text)
    text = STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), text)
    if every:
        text = text.replace("<svg ", f"<svg{_attributes(every.group(1))} ", 1)
    return text.encode("utf-8")


def _meta(fmt: str) -> dict:
    # Reproducible files: no creation date in the output.
    return {"Date": None} if fmt == "svg" else {}


def _fig(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height))
    fig.set_layout_engine("constrained")
    return fig


def number_text(value: float, places: int = 0, lang: str = "vi") -> str:
    """``1234.5`` → ``1.234,5`` in Vietnamese, ``1,234.5`` in English."""
    text = f"{value:,.{places}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent_text(value: float, places: int = 0, lang: str = "vi") -> str:
    """``20`` → ``20 %`` in Vietnamese (a space before the sign), ``20%`` in English."""
    return number_text(value, places, lang) + (" %" if lang == "vi" else "%")


def _percent_axis(axis, lang: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: percent_text(v, 0, lang)))


def _number_axis(axis, lang: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: number_text(v, 0, lang)))


def heat_map_png(
    *,
    units: Sequence[str],
    pillars: Sequence[str],
    values: np.ndarray,
    title: str,
    lang: str = "vi",
    size: tuple[float, float] = (10.5, 6.3),
) -> bytes:
    """Units × pillars, coloured from 0 % (red) to 100 % (green), with the colour
    key beside it; drawn ``size`` inches, a landscape page."""
    n = len(units)
    fig = _fig(*size)
    ax = fig.add_subplot()
    data = np.ma.masked_invalid(np.asarray(values, dtype=float) * 100)
    image = ax.imshow(data, aspect="auto", cmap=RED_GREEN, vmin=0, vmax=100)
    names = [textwrap.fill(p, 22) for p in _clean(pillars)]
    ax.set_xticks(range(len(pillars)), labels=names, fontdict={**FONT, "size": 7.5})
    ax.xaxis.tick_top()
    size_y = 8 if n <= 30 else 6
    if n <= MAX_LABELS * 2:
        ax.set_yticks(range(n), labels=_clean(units), fontdict={**FONT, "size": size_y})
    if n <= 40 and len(pillars) <= 12:
        for (i, j), value in np.ndenumerate(np.asarray(values, dtype=float)):
            if np.isfinite(value):
                text = percent_text(float(percent_of_value(float(value))), 0, lang)
                ax.text(j, i, text, ha="center", va="center", fontsize=7.5)
    ax.set_title(_clean([title])[0], fontdict={**FONT, "size": 11})
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    _percent_axis(bar.ax.yaxis, lang)
    return _save(fig, "png")


def rank_intervals_png(
    *,
    units: Sequence[str],
    nominal: Sequence[int],
    intervals: np.ndarray,
    title: str,
    xlabel: str,
    lang: str = "vi",
) -> bytes:
    """Each unit's 5 %–95 % rank interval with its median (dot) and rank (cross),
    drawn for a portrait page."""
    n = len(units)
    shown = min(n, MAX_LABELS)
    fig = _fig(7, min(1.3 + 0.17 * shown, 16))
    ax = fig.add_subplot()
    q = np.asarray(intervals, dtype=float)[:shown]
    y = np.arange(shown)
    ax.hlines(y, q[:, 1], q[:, 2], color="#0b5cad", linewidth=2)
    ax.plot(q[:, 0], y, "o", color="#0b5cad", markersize=4)
    ax.plot(np.asarray(nominal[:shown], dtype=float), y, "x", color="#a4161a")
    ax.set_yticks(y, labels=_clean(units[:shown]), fontdict={**FONT, "size": 8})
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, fontdict=FONT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _number_axis(ax.xaxis, lang)
    suffix = f" ({shown}/{n})" if shown < n else ""
    ax.set_title(_clean([title + suffix])[0], fontdict={**FONT, "size": 11})
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, "png")


def _titled(svg: bytes, titles: dict[str, str]) -> bytes:
    """Each group ``<g id="gid">`` of ``titles`` gets ``<title>text</title>`` as
    its first child: the browser shows it on hover, a screen reader reads it."""
    text = svg.decode("utf-8")
    for gid, title in titles.items():
        opening = f'<g id="{gid}">'
        text = text.replace(opening, f"{opening}<title>{escape(title)}</title>", 1)
    return text.encode("utf-8")


def ranking_bars_svg(
    *, units: Sequence[str], values: Sequence[float], title: str, lang: str = "vi"
) -> bytes:
    """Horizontal bars of % per unit, best at the top; each bar titled with its
    unit and value."""
    shown = min(len(units), MAX_LABELS)
    fig = _fig(10, min(1.2 + 0.26 * shown, 18))
    ax = fig.add_subplot()
    data = np.asarray(values[:shown], dtype=float) * 100
    y = np.arange(shown)
    names = _clean(units[:shown])
    bars = ax.barh(y, np.nan_to_num(data), color="#0b5cad")
    titles = {}
    for k, bar in enumerate(bars):
        bar.set_gid(f"bar-{k}")
        titles[f"bar-{k}"] = f"{names[k]}: {_value(data[k], lang)}"
    ax.set_yticks(y, labels=names, fontdict={**FONT, "size": 8})
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    _percent_axis(ax.xaxis, lang)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(_clean([title])[0], fontdict={**FONT, "size": 11})
    return _titled(_save(fig, "svg"), titles)


def _value(percent: float, lang: str) -> str:
    return "–" if not np.isfinite(percent) else percent_text(percent, 2, lang)


def level_counts_svg(
    *,
    groups: Sequence[str],
    levels: Sequence[str],
    counts: np.ndarray,
    title: str,
    lang: str = "vi",
) -> bytes:
    """Stacked bars: how many units of each group reached each level; each
    segment titled with its group, level and count."""
    fig = _fig(10, 1.8 + 0.55 * len(groups))
    ax = fig.add_subplot()
    left = np.zeros(len(groups))
    data = np.asarray(counts, dtype=float).reshape(len(groups), len(levels))
    colours = ["#f8696b", "#ffc000", "#9bbb59", "#2b7a0b", "#0b5cad", "#6a3d9a"]
    names = _clean(groups)
    titles = {}
    for k, level in enumerate(_clean(levels)):
        bars = ax.barh(names, data[:, k], left=left, label=level, color=colours[k % 6])
        for g, bar in enumerate(bars):
            bar.set_gid(f"level-{k}-{g}")
            titles[f"level-{k}-{g}"] = f"{names[g]} – {level}: {int(data[g, k])}"
        left += data[:, k]
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # units are counted whole
    _number_axis(ax.xaxis, lang)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=max(len(levels), 1),
        fontsize=8,
        frameon=False,
    )
    ax.set_title(_clean([title])[0], fontdict={**FONT, "size": 11})
    return _titled(_save(fig, "svg"), titles)


def radar_svg(
    *,
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    title: str,
    lang: str = "vi",
) -> bytes:
    """Pillar profile: one closed line per series, 0–100 %; each point titled
    with its series, pillar and value."""
    return _radar(axes=axes, series=series, title=title, fmt="svg", lang=lang)


def radar_png(
    *, axes: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], title: str
) -> bytes:
    return _radar(axes=axes, series=series, title=title, fmt="png")


def _radar(*, axes, series, title, fmt, lang="vi") -> bytes:
    n = len(axes)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    fig = _fig(5.5, 5.5)
    ax = fig.add_subplot(projection="polar")
    names = _clean(axes)
    titles = {}
    for k, (name, values) in enumerate(series):
        data = np.nan_to_num(np.asarray(values, dtype=float)) * 100
        colour = PALETTE[k % len(PALETTE)]
        label = _clean([name])[0]
        ax.plot(
            np.append(angles, angles[0]),
            np.append(data, data[0]),
            label=label,
            color=colour,
        )
        for j in range(n):
            (point,) = ax.plot(angles[j], data[j], "o", color=colour, markersize=3)
            point.set_gid(f"point-{k}-{j}")
            titles[point.get_gid()] = f"{label} – {names[j]}: {_value(data[j], lang)}"
    ax.set_xticks(angles, labels=names, fontdict=FONT)
    ax.set_ylim(0, 100)
    _percent_axis(ax.yaxis, lang)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.06),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.set_title(_clean([title])[0], fontdict={**FONT, "size": 11}, pad=14)
    content = _save(fig, fmt)
    return _titled(content, titles) if fmt == "svg" else content


def trend_lines_svg(
    *,
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float]]],
    title: str,
    lang: str = "vi",
) -> bytes:
    """Value (%) per year, one line per series; each point titled."""
    fig = _fig(10, 4.2)
    ax = fig.add_subplot()
    titles = {}
    for k, (name, values) in enumerate(series):
        data = np.asarray(values, dtype=float) * 100
        label = _clean([name])[0]
        colour = PALETTE[k % len(PALETTE)]
        ax.plot(list(years), data, label=label, color=colour)
        for y, (year, value) in enumerate(zip(years, data, strict=True)):
            (point,) = ax.plot([year], [value], "o", color=colour)
            point.set_gid(f"point-{k}-{y}")
            titles[point.get_gid()] = f"{label} – {year}: {_value(value, lang)}"
    ax.set_xticks(list(years), labels=[str(y) for y in years])
    ax.set_ylim(0, 100)
    _percent_axis(ax.yaxis, lang)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(_clean([title])[0], fontdict={**FONT, "size": 11})
    return _titled(_save(fig, "svg"), titles)
