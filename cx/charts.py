"""Control charts for the experience toolkit: is this week different from the usual noise?

Pure: plain tuples in, plain dataclasses out (no Django). Two Shewhart charts:

- ``p_chart`` for proportions (top box, no-show rate...): each point is k of n answers, shown in
  percent; the centre is the pooled rate of all points and each point gets its own 3-sigma limits
  from its own n (clipped to 0..100).
- ``xmr_chart`` for measured values (minutes waiting...): an individuals chart, centre = mean of the
  points, limits = centre ± 2.66 × the mean moving range.

``movement_p`` / ``movement_x`` judge the latest point against limits computed from the history
only, so a change cannot hide by moving its own baseline; with fewer than ``MIN_HISTORY`` points of
history, or no answers in the latest one, the direction is "too_few".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SIGMAS = 3.0
XMR_FACTOR = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two points
MIN_HISTORY = 4

UP = "up"
DOWN = "down"
FLAT = "flat"
TOO_FEW = "too_few"


@dataclass(frozen=True)
class ChartPoint:
    label: str
    value: float | None  # percent for p-charts; None when the point has no data
    n: int
    center: float | None
    lower: float | None
    upper: float | None
    beyond: bool  # the value is outside the limits


@dataclass(frozen=True)
class Movement:
    direction: str  # "up" | "down" | "flat" | "too_few"
    latest: ChartPoint
    center: float | None
    lower: float | None
    upper: float | None


def _beyond(value: float | None, lower: float | None, upper: float | None) -> bool:
    if value is None:
        return False
    return (lower is not None and value < lower) or (upper is not None and value > upper)


def _p_limits(p: float, n: int) -> tuple[float, float]:
    """3-sigma limits in percent for a point of n answers around the rate p (0..1), clipped to 0..100."""
    sigma = math.sqrt(p * (1.0 - p) / n)
    return max(0.0, 100.0 * (p - SIGMAS * sigma)), min(100.0, 100.0 * (p + SIGMAS * sigma))


def _p_point(label: str, k: int, n: int, pooled: float | None) -> ChartPoint:
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n} for {label!r}")
    value = 100.0 * k / n if n else None
    center = None if pooled is None else 100.0 * pooled
    lower = upper = None
    if pooled is not None and n:
        lower, upper = _p_limits(pooled, n)
    return ChartPoint(label, value, n, center, lower, upper, _beyond(value, lower, upper))


def _pooled(points: Sequence[tuple[str, int, int]]) -> float | None:
    total_n = sum(n for _label, _k, n in points)
    return sum(k for _label, k, _n in points) / total_n if total_n else None


def p_chart(points: Sequence[tuple[str, int, int]]) -> list[ChartPoint]:
    """(label, k, n) per period -> percent values with per-point 3-sigma limits around the pooled rate."""
    pooled = _pooled(points)
    return [_p_point(label, k, n, pooled) for label, k, n in points]


def _xmr_limits(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """(centre, lower, upper) of an individuals chart; limits need at least two values."""
    if not values:
        return None, None, None
    center = sum(values) / len(values)
    if len(values) < 2:
        return center, None, None
    mean_moving_range = sum(abs(b - a) for a, b in zip(values, values[1:], strict=False)) / (len(values) - 1)
    return center, center - XMR_FACTOR * mean_moving_range, center + XMR_FACTOR * mean_moving_range


def _x_values(points: Sequence[tuple[str, float | None, int]]) -> list[float]:
    """The values that count: points with a value and at least one answer."""
    return [value for _label, value, n in points if value is not None and n > 0]


def xmr_chart(points: Sequence[tuple[str, float | None, int]]) -> list[ChartPoint]:
    """(label, mean value, n) per period -> individuals chart; periods without data are skipped in the
    moving ranges (the ranges join the neighbouring periods that have data)."""
    center, lower, upper = _xmr_limits(_x_values(points))
    result = []
    for label, value, n in points:
        shown = value if n > 0 else None
        result.append(ChartPoint(label, shown, n, center, lower, upper, _beyond(shown, lower, upper)))
    return result


def movement_p(history: Sequence[tuple[str, int, int]], latest: tuple[str, int, int]) -> Movement:
    """The latest period's rate against p-chart limits from the history alone (at its own n)."""
    label, k, n = latest
    pooled = _pooled(history)
    point = _p_point(label, k, n, pooled)
    with_data = sum(1 for _label, _k, history_n in history if history_n > 0)
    return _movement(point, enough=with_data >= MIN_HISTORY and n > 0)


def movement_x(history: Sequence[tuple[str, float | None, int]], latest: tuple[str, float | None, int]) -> Movement:
    """The latest period's value against XmR limits from the history alone."""
    label, value, n = latest
    values = _x_values(history)
    center, lower, upper = _xmr_limits(values)
    shown = value if n > 0 else None
    point = ChartPoint(label, shown, n, center, lower, upper, _beyond(shown, lower, upper))
    return _movement(point, enough=len(values) >= MIN_HISTORY and shown is not None)


def _movement(point: ChartPoint, *, enough: bool) -> Movement:
    if not enough:
        point = ChartPoint(point.label, point.value, point.n, point.center, point.lower, point.upper, False)
        direction = TOO_FEW
    elif point.value is not None and point.upper is not None and point.value > point.upper:
        direction = UP
    elif point.value is not None and point.lower is not None and point.value < point.lower:
        direction = DOWN
    else:
        direction = FLAT
    return Movement(direction, point, point.center, point.lower, point.upper)
