"""Synthetic report data for the benchmark and the builder tests (no Django)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from reports.builders.data import Comment, LevelInfo, NodeInfo, Report, Section, UnitRow

LEVELS = [
    LevelInfo("khoi_dong", "Khởi động", 0.0),
    LevelInfo("hinh_thanh", "Hình thành", 0.25),
    LevelInfo("nang_cao", "Nâng cao", 0.5),
    LevelInfo("dan_dat", "Dẫn dắt", 0.75),
]


def synthetic_report(
    *,
    n_units: int = 40,
    n_indicators: int = 20,
    n_pillars: int = 5,
    years: tuple[int, ...] = (2023, 2024, 2025),
    groups: tuple[str, ...] = ("Sở, ban, ngành", "Xã, phường"),
    names: dict[int, str] | None = None,
    seed: int = 1,
) -> Report:
    """A campaign of ``n_units`` units scored on one framework version."""
    rng = np.random.default_rng(seed)
    pillars = [
        NodeInfo(str(p + 1), f"Trụ cột {p + 1}", 100.0) for p in range(n_pillars)
    ]
    indicators = [
        NodeInfo(
            f"{j % n_pillars + 1}.{j // n_pillars + 1}",
            f"Chỉ tiêu {j + 1}",
            10.0,
            pillar=str(j % n_pillars + 1),
        )
        for j in range(n_indicators)
    ]
    skill = rng.uniform(0.1, 0.95, n_units)
    own = np.round(
        np.clip(skill[:, None] + rng.normal(0, 0.15, (n_units, n_indicators)), 0, 1)
        * 10,
        2,
    )
    verified = np.where(
        rng.random(own.shape) < 0.3,
        np.round(own * rng.uniform(0.5, 1, own.shape), 2),
        own,
    )
    verified[rng.random(own.shape) < 0.1] = np.nan
    final = np.where(np.isnan(verified), own, verified)
    pillar_of = np.array([j % n_pillars for j in range(n_indicators)])
    pillar_points = np.stack(
        [final[:, pillar_of == p].sum(axis=1) for p in range(n_pillars)], axis=1
    )
    pillar_max = np.array([10.0 * (pillar_of == p).sum() for p in range(n_pillars)])
    with np.errstate(invalid="ignore", divide="ignore"):
        pillar_values = pillar_points / pillar_max
    total = final.sum(axis=1)
    maximum = 10.0 * n_indicators
    value = np.round(total / maximum, 6)
    own_value = np.round(own.sum(axis=1) / maximum, 6)
    history = np.clip(
        value[:, None]
        - 0.05 * np.arange(len(years))[::-1]
        + rng.normal(0, 0.03, (n_units, len(years))),
        0,
        1,
    )
    history[:, -1] = value
    group_of = [groups[i % len(groups)] for i in range(n_units)]
    units = []
    for i in range(n_units):
        units.append(
            UnitRow(
                code=f"U{i:05d}",
                name=(names or {}).get(i, f"Đơn vị {i + 1}"),
                group=group_of[i],
                ranked=i % 17 != 5,
                submitted=i % 23 != 7,
                state="Đã gửi",
                submitted_at=datetime(2026, 3, 1 + i % 20, 9, 30),
                answered=n_indicators - i % 3,
                applicable=n_indicators,
                points=float(round(total[i], 2)),
                maximum=maximum,
                value=float(value[i]),
                level=_level(value[i]),
                self_level=_level(own_value[i]),
                self_points=float(own[i].sum()),
                verified_points=float(final[i].sum()),
                previous_value=float(history[i, -2]) if len(years) > 1 else None,
            )
        )
    history_ranks = np.zeros(history.shape)
    for group in groups:
        rows = [i for i in range(n_units) if group_of[i] == group and units[i].ranked]
        for y in range(len(years)):
            order = np.argsort(-history[rows, y], kind="stable")
            history_ranks[np.array(rows)[order], y] = np.arange(1, len(rows) + 1)
        own_order = np.argsort(-own_value[rows], kind="stable")
        for place, k in enumerate(own_order, start=1):
            units[rows[k]].self_rank = place
        for i in rows:
            units[i].rank = int(history_ranks[i, -1])
            units[i].previous_rank = (
                int(history_ranks[i, -2]) if len(years) > 1 else None
            )
    median = history_ranks[:, -1]
    intervals = np.stack([median, np.maximum(median - 2, 1), median + 2], axis=1)
    section = Section(
        key="DTI-XA",
        title="Bộ chỉ số DTI cấp xã",
        version="DTI-XA 2025 v1",
        legal_basis="QĐ 3019/QĐ-UBND",
        levels=LEVELS,
        pillars=pillars,
        indicators=indicators,
        units=units,
        pillar_values=pillar_values,
        pillar_points=pillar_points,
        self_points=own,
        verified_points=verified,
        final_points=final,
        history=history,
        history_ranks=history_ranks,
        rank_intervals=intervals,
    )
    comments = [
        Comment(
            units[i].code,
            units[i].name,
            indicators[0].code,
            comment=f"Ghi chú của đơn vị {i}",
            explanation=f"Giải trình thẩm định {i}",
        )
        for i in range(0, n_units, 7)
    ]
    return Report(
        campaign="Đánh giá DTI năm 2025",
        year=years[-1],
        state="Đã công bố",
        generated_at=datetime(2026, 4, 15, 10, 0),
        generated_by="dieuphoi",
        province="tỉnh Demo",
        decision_number="512/QĐ-UBND",
        decision_date=date(2026, 4, 10),
        sections=[section],
        years=list(years),
        comments=comments,
        rules=[
            (
                "Điểm",
                "Điểm cuối cùng = điểm thẩm định nếu có, nếu không là điểm tự chấm.",
            )
        ],
    )


def _level(value: float) -> str:
    return LEVELS[int(np.searchsorted([0.25, 0.5, 0.75], value, side="left"))].code
