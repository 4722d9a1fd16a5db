"""Is a goal's measure on track? Judged against the noise, never against the last point.

Pure: plain numbers in, plain dataclasses out (no Django). The strategy page (``cx/selectors/strategy.py``)
feeds it, for one measure of a goal:

- the **current value**: the last ``CURRENT_WEEKS`` weeks (the 28 days ending today) as one value with
  its n and 95 % confidence interval (``stats.estimate_*``: Wilson for proportions, bootstrap for the
  median minutes and for NPS);
- the **trend**: one point per week for the ``BASELINE_WEEKS`` weeks before those and the
  ``CURRENT_WEEKS`` weeks themselves. The baseline weeks set a centre line and control limits
  (p-chart for proportions, XmR chart of the weekly medians or NPS, ``cx/charts.py``); each recent
  week is judged against them at its own n. The trend is "up" when at least one recent week is above
  the upper limit and none below the lower one, "down" the other way round, "flat" when no recent week
  is beyond the limits (or weeks are beyond both), and "too few" with fewer than four baseline weeks
  with data;
- the target, the date it is due, and today.

The rule, first match wins ("good" is up for a measure where higher is better, down otherwise):

1. **Too few to judge**: fewer than ``MIN_N`` (30) observations in the current weeks.
2. **On track, met**: the whole interval of the current value is at or beyond the target on the good
   side ("71 %, 95 % CI 66 to 76" meets a target of 65 %).
3. **Off track, moving away**: the trend is beyond the control limits in the bad direction.
4. **On track, within the noise**: the target is inside the interval: the value cannot be told apart
   from the target.
5. From here the value is short of the target by more than the noise.
   **Off track, missed**: the date has passed.
6. The trend is beyond the limits in the good direction: the rate is the distance from the baseline's
   centre line to the current value, divided by the weeks between the middles of the two periods;
   the value at the target date is projected at that rate. **On track, improving** when the
   projection reaches the target, **off track, too slow** otherwise.
7. **Off track, not moving**: short of the target and no movement beyond the noise (or too few weeks
   to see one).

A single good or bad week never decides: a week inside the limits is noise, and the current value is
four weeks pooled with its interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from . import charts
from .stats import Estimate

MIN_N = 30
CURRENT_WEEKS = 4
BASELINE_WEEKS = 12

ON_TRACK = "on_track"
OFF_TRACK = "off_track"
TOO_FEW = "too_few"
STATES = (ON_TRACK, OFF_TRACK, TOO_FEW)

# Reasons, one per rule above.
MET = "met"
MOVING_AWAY = "moving_away"
WITHIN_NOISE = "within_noise"
MISSED = "missed"
IMPROVING = "improving"
TOO_SLOW = "too_slow"
NOT_MOVING = "not_moving"

UP, DOWN, FLAT = charts.UP, charts.DOWN, charts.FLAT


@dataclass(frozen=True)
class Trend:
    direction: str  # "up" | "down" | "flat" | "too_few"
    center: float | None  # the baseline's centre line, in the measure's unit
    weeks_apart: float  # weeks between the middle of the baseline and the middle of the recent weeks
    points: tuple[charts.ChartPoint, ...]  # baseline weeks, then recent weeks (with the baseline's limits)
    recent_from: int  # index of the first recent week in ``points``


@dataclass(frozen=True)
class Status:
    state: str  # "on_track" | "off_track" | "too_few"
    reason: str  # one of the reasons above (``TOO_FEW`` for rule 1)
    projected: float | None = None  # for "improving" and "too slow": the value projected for the date


def _direction(recent: Sequence[charts.ChartPoint], *, enough: bool) -> str:
    if not enough or not any(p.value is not None for p in recent):
        return charts.TOO_FEW
    above = any(p.value is not None and p.upper is not None and p.value > p.upper for p in recent)
    below = any(p.value is not None and p.lower is not None and p.value < p.lower for p in recent)
    if above and not below:
        return UP
    if below and not above:
        return DOWN
    return FLAT


def _weeks_apart(baseline: int, recent: int) -> float:
    return (baseline + recent) / 2.0


def trend_p(baseline: Sequence[tuple[str, int, int]], recent: Sequence[tuple[str, int, int]]) -> Trend:
    """Weekly (label, k, n) of a proportion: p-chart limits from the baseline weeks, each recent week
    judged against them at its own n. Values in percent."""
    base_points = charts.p_chart(baseline)
    recent_points = [_with_beyond(charts.movement_p(baseline, week).latest) for week in recent]
    with_data = sum(1 for _label, _k, n in baseline if n > 0)
    center = base_points[0].center if base_points else None
    return Trend(
        _direction(recent_points, enough=with_data >= charts.MIN_HISTORY),
        center,
        _weeks_apart(len(baseline), len(recent)),
        tuple(base_points + recent_points),
        len(base_points),
    )


def trend_x(
    baseline: Sequence[tuple[str, float | None, int]], recent: Sequence[tuple[str, float | None, int]]
) -> Trend:
    """Weekly (label, value, n) of minutes or NPS: XmR limits from the baseline weeks' values."""
    base_points = charts.xmr_chart(baseline)
    recent_points = [_with_beyond(charts.movement_x(baseline, week).latest) for week in recent]
    with_data = sum(1 for _label, value, n in baseline if value is not None and n > 0)
    center = base_points[0].center if base_points else None
    return Trend(
        _direction(recent_points, enough=with_data >= charts.MIN_HISTORY),
        center,
        _weeks_apart(len(baseline), len(recent)),
        tuple(base_points + recent_points),
        len(base_points),
    )


def _with_beyond(p: charts.ChartPoint) -> charts.ChartPoint:
    """``movement_*`` clears ``beyond`` when the history is short; the chart still shows where it falls."""
    beyond = p.value is not None and (
        (p.lower is not None and p.value < p.lower) or (p.upper is not None and p.value > p.upper)
    )
    return charts.ChartPoint(p.label, p.value, p.n, p.center, p.lower, p.upper, beyond)


def _at_or_beyond(value: float, target: float, *, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def judge(
    *,
    higher_is_better: bool,
    target: float,
    target_on: date,
    today: date,
    current: Estimate,
    trend: Trend,
) -> Status:
    """The rule in the module's docstring."""
    if current.value is None or current.low is None or current.high is None or current.n < MIN_N:
        return Status(TOO_FEW, TOO_FEW)
    worst, best = (current.low, current.high) if higher_is_better else (current.high, current.low)
    good, bad = (UP, DOWN) if higher_is_better else (DOWN, UP)
    if _at_or_beyond(worst, target, higher_is_better=higher_is_better):
        return Status(ON_TRACK, MET)
    if trend.direction == bad:
        return Status(OFF_TRACK, MOVING_AWAY)
    if _at_or_beyond(best, target, higher_is_better=higher_is_better):
        return Status(ON_TRACK, WITHIN_NOISE)
    if today > target_on:
        return Status(OFF_TRACK, MISSED)
    if trend.direction == good and trend.center is not None and trend.weeks_apart > 0:
        rate = (current.value - trend.center) / trend.weeks_apart
        projected = current.value + rate * (target_on - today).days / 7.0
        reached = _at_or_beyond(projected, target, higher_is_better=higher_is_better)
        return Status(ON_TRACK if reached else OFF_TRACK, IMPROVING if reached else TOO_SLOW, projected)
    return Status(OFF_TRACK, NOT_MOVING)
