"""The on/off-track rule (cx/measure_status.py) on written examples: judged against the noise, never
against the last point."""

from datetime import date, timedelta

import pytest

from cx import charts
from cx import measure_status as ms
from cx.stats import Estimate, estimate_minutes, estimate_nps, estimate_proportion

TODAY = date(2026, 6, 1)


def flat_trend(center: float | None = 50.0, direction: str = charts.FLAT) -> ms.Trend:
    return ms.Trend(direction, center, 8.0, (), 12)


def judge(value, low, high, *, n=100, target=70.0, due=TODAY + timedelta(weeks=26), trend=None, higher=True):
    return ms.judge(
        higher_is_better=higher,
        target=target,
        target_on=due,
        today=TODAY,
        current=Estimate(value, n, low, high),
        trend=trend or flat_trend(),
    )


# --- the rule, one example per line -----------------------------------------------------------------


def test_under_30_observations_is_too_few_whatever_the_values():
    assert judge(10.0, 0.0, 40.0, n=29) == ms.Status(ms.TOO_FEW, ms.TOO_FEW)
    assert judge(99.0, 95.0, 100.0, n=29).state == ms.TOO_FEW  # even far beyond the target
    assert judge(None, None, None, n=0).state == ms.TOO_FEW


def test_the_whole_interval_beyond_the_target_is_met():
    # 80 %, 95 % CI 75 to 85, target 70 %: met.
    assert judge(80.0, 75.0, 85.0) == ms.Status(ms.ON_TRACK, ms.MET)
    # The edge counts: the interval's low end exactly on the target.
    assert judge(75.0, 70.0, 80.0).reason == ms.MET
    # Lower is better: no-shows 5 %, CI 3 to 7, target 8 %.
    assert judge(5.0, 3.0, 7.0, target=8.0, higher=False).reason == ms.MET


def test_met_holds_even_with_a_bad_week():
    down = flat_trend(direction=charts.DOWN)
    assert judge(80.0, 75.0, 85.0, trend=down).reason == ms.MET


def test_a_target_inside_the_interval_is_on_track_within_the_noise():
    # 68 %, CI 62 to 74: a target of 70 % cannot be told apart from it.
    assert judge(68.0, 62.0, 74.0) == ms.Status(ms.ON_TRACK, ms.WITHIN_NOISE)
    # Minutes: a median of 16, CI 13 to 19, target 15 minutes.
    assert judge(16.0, 13.0, 19.0, target=15.0, higher=False).reason == ms.WITHIN_NOISE


def test_a_signal_away_from_the_target_is_off_track_even_inside_the_interval():
    down = flat_trend(direction=charts.DOWN)
    assert judge(68.0, 62.0, 74.0, trend=down) == ms.Status(ms.OFF_TRACK, ms.MOVING_AWAY)
    # For a measure where lower is better, up is away.
    up = flat_trend(direction=charts.UP)
    assert judge(16.0, 13.0, 19.0, target=15.0, higher=False, trend=up).reason == ms.MOVING_AWAY


def test_short_after_the_date_is_missed():
    past = TODAY - timedelta(days=1)
    assert judge(50.0, 45.0, 55.0, due=past) == ms.Status(ms.OFF_TRACK, ms.MISSED)
    # On the day itself it is not yet missed.
    assert judge(50.0, 45.0, 55.0, due=TODAY).reason == ms.NOT_MOVING


def test_improving_at_a_rate_that_reaches_the_target_is_on_track():
    # Baseline centre 50 %, now 60 % (CI 55 to 65), 8 weeks apart: 1.25 points a week.
    # 10 weeks left: about 72.5 % by the date, beyond the 70 % target.
    up = flat_trend(center=50.0, direction=charts.UP)
    status = judge(60.0, 55.0, 65.0, due=TODAY + timedelta(weeks=10), trend=up)
    assert (status.state, status.reason) == (ms.ON_TRACK, ms.IMPROVING)
    assert status.projected == pytest.approx(72.5)


def test_improving_too_slowly_is_off_track():
    # The same rate with four weeks left: about 65 % by the date.
    up = flat_trend(center=50.0, direction=charts.UP)
    status = judge(60.0, 55.0, 65.0, due=TODAY + timedelta(weeks=4), trend=up)
    assert (status.state, status.reason) == (ms.OFF_TRACK, ms.TOO_SLOW)
    assert status.projected == pytest.approx(65.0)


def test_improving_minutes_go_down():
    # Waiting: baseline centre 35 min, now 25 (CI 22 to 28), target 15, ten weeks left:
    # -1.25 minutes a week, about 12.5 minutes by the date.
    down = flat_trend(center=35.0, direction=charts.DOWN)
    status = judge(25.0, 22.0, 28.0, target=15.0, higher=False, due=TODAY + timedelta(weeks=10), trend=down)
    assert (status.state, status.reason) == (ms.ON_TRACK, ms.IMPROVING)
    assert status.projected == pytest.approx(12.5)


def test_short_and_not_moving_beyond_the_noise_is_off_track():
    assert judge(50.0, 45.0, 55.0) == ms.Status(ms.OFF_TRACK, ms.NOT_MOVING)
    # Too few weeks to set limits: no evidence of movement either.
    too_few_weeks = flat_trend(center=None, direction=charts.TOO_FEW)
    assert judge(50.0, 45.0, 55.0, trend=too_few_weeks).reason == ms.NOT_MOVING


# --- the trend: weeks against the control limits of the weeks before --------------------------------


def weeks(values):
    return [(f"w{i}", k, n) for i, (k, n) in enumerate(values)]


BASELINE_P = weeks([(50, 100)] * 12)


def test_a_week_beyond_the_upper_limit_is_up():
    trend = ms.trend_p(BASELINE_P, weeks([(50, 100), (52, 100), (49, 100), (80, 100)]))
    assert trend.direction == charts.UP
    assert trend.center == pytest.approx(50.0)
    assert trend.weeks_apart == 8.0
    assert trend.recent_from == 12 and len(trend.points) == 16
    assert trend.points[-1].beyond and not trend.points[-2].beyond


def test_a_bad_last_week_with_few_answers_is_noise_not_a_trend():
    # 0 of 3 looks terrible, but with n = 3 it is inside the limits.
    trend = ms.trend_p(BASELINE_P, weeks([(50, 100), (51, 100), (48, 100), (0, 3)]))
    assert trend.direction == charts.FLAT


def test_the_same_bad_week_with_many_answers_is_down():
    trend = ms.trend_p(BASELINE_P, weeks([(50, 100), (51, 100), (48, 100), (20, 100)]))
    assert trend.direction == charts.DOWN


def test_weeks_beyond_both_limits_are_no_direction():
    trend = ms.trend_p(BASELINE_P, weeks([(90, 100), (10, 100), (50, 100), (50, 100)]))
    assert trend.direction == charts.FLAT


def test_fewer_than_four_baseline_weeks_with_data_is_too_few():
    baseline = weeks([(0, 0)] * 9 + [(50, 100)] * 3)
    assert ms.trend_p(baseline, weeks([(90, 100)] * 4)).direction == charts.TOO_FEW
    assert ms.trend_p(BASELINE_P, weeks([(0, 0)] * 4)).direction == charts.TOO_FEW


def test_xmr_trend_of_weekly_medians():
    baseline = [(f"w{i}", 20.0 + (i % 3) - 1, 30) for i in range(12)]
    assert ms.trend_x(baseline, [("r0", 21.0, 30), ("r1", 35.0, 30)]).direction == charts.UP
    assert ms.trend_x(baseline, [("r0", 21.0, 30), ("r1", 19.0, 30)]).direction == charts.FLAT
    assert ms.trend_x(baseline, [("r0", 5.0, 30)]).direction == charts.DOWN
    assert ms.trend_x(baseline[:3], [("r0", 5.0, 30)]).direction == charts.TOO_FEW


# --- the current value's interval ---------------------------------------------------------------------


def test_estimates_carry_n_and_an_interval_around_the_value():
    p = estimate_proportion([True] * 30 + [False] * 70)
    assert p.value == pytest.approx(30.0) and p.n == 100
    assert p.low is not None and p.high is not None and p.low < 30.0 < p.high
    assert p.low == pytest.approx(21.9, abs=0.1) and p.high == pytest.approx(39.6, abs=0.1)  # Wilson

    minutes = estimate_minutes([10.0, 12.0, 15.0, 20.0, 30.0] * 10)
    assert minutes.value == 15.0 and minutes.n == 50
    assert minutes.low is not None and minutes.high is not None and minutes.low <= 15.0 <= minutes.high

    score = estimate_nps([10] * 50 + [8] * 30 + [3] * 20)
    assert score.value == pytest.approx(30.0) and score.n == 100
    assert score.low is not None and score.high is not None and score.low < 30.0 < score.high

    for empty in (estimate_proportion([]), estimate_minutes([]), estimate_nps([])):
        assert empty == Estimate(None, 0, None, None)
