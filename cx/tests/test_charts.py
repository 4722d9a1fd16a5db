"""cx.charts: p-chart and XmR limits on hand-computed examples, movement of the latest week."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx.charts import MIN_HISTORY, ChartPoint, movement_p, movement_x, p_chart, xmr_chart

# --- p-chart ------------------------------------------------------------------------------------


def test_p_chart_hand_computed():
    # 50 of 200 answers in all: pooled p = 0.25. For n = 50, sigma = sqrt(0.25 * 0.75 / 50) = 0.0612372,
    # 3 sigma = 18.371 points: limits 6.629 % to 43.371 %. Week c (50 %) is beyond.
    chart = p_chart([("a", 5, 50), ("b", 10, 50), ("c", 25, 50), ("d", 10, 50)])
    assert [p.label for p in chart] == ["a", "b", "c", "d"]
    assert [p.value for p in chart] == [10.0, 20.0, 50.0, 20.0]
    assert [p.n for p in chart] == [50, 50, 50, 50]
    for point in chart:
        assert point.center == pytest.approx(25.0)
        assert point.lower == pytest.approx(6.6288, abs=1e-4)
        assert point.upper == pytest.approx(43.3712, abs=1e-4)
    assert [p.beyond for p in chart] == [False, False, True, False]


def test_p_chart_limits_per_point_follow_each_n():
    # Pooled 60 / 400 = 0.15. n = 100: 3 sigma = 3 * sqrt(0.15 * 0.85 / 100) = 10.712 points;
    # n = 200: 7.575 points. A week without answers has no value and no limits.
    chart = p_chart([("w1", 10, 100), ("w2", 20, 100), ("w3", 30, 200), ("w4", 0, 0)])
    assert chart[0].lower == pytest.approx(4.2879, abs=1e-4)
    assert chart[0].upper == pytest.approx(25.7121, abs=1e-4)
    assert chart[2].lower == pytest.approx(7.4254, abs=1e-4)
    assert chart[2].upper == pytest.approx(22.5746, abs=1e-4)
    assert chart[3] == ChartPoint("w4", None, 0, pytest.approx(15.0), None, None, False)
    assert not any(p.beyond for p in chart)


def test_p_chart_limits_are_clipped():
    # Pooled 2 %, n = 10: 3 sigma = 13.28 points; the lower limit would be -11.3 %.
    chart = p_chart([("a", 1, 10), ("b", 0, 10), ("c", 0, 10), ("d", 1, 40)])
    assert chart[0].center == pytest.approx(2.857, abs=1e-3)
    assert chart[0].lower == 0.0
    assert chart[0].upper == pytest.approx(100 * (2 / 70 + 3 * math.sqrt(2 / 70 * 68 / 70 / 10)))
    high = p_chart([("a", 99, 100), ("b", 10, 10)])
    assert high[1].upper == 100.0
    assert p_chart([]) == []
    assert p_chart([("a", 0, 0)])[0].center is None
    with pytest.raises(ValueError):
        p_chart([("a", 5, 4)])


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), min_size=1, max_size=20))
def test_p_chart_invariants(pairs):
    points = [(f"w{i}", min(k, n), n) for i, (k, n) in enumerate(pairs)]
    for point in p_chart(points):
        if point.n and point.center is not None:
            assert 0.0 <= point.lower <= point.center <= point.upper <= 100.0
            assert point.beyond == (point.value < point.lower or point.value > point.upper)
        else:
            assert point.value is None or point.center is None
            assert not point.beyond


# --- XmR ----------------------------------------------------------------------------------------


def test_xmr_hand_computed():
    # Values 10, 12, 11, 15, 12: mean 12; moving ranges 2, 1, 4, 3, mean 2.5; limits 12 +/- 2.66 * 2.5.
    chart = xmr_chart([("a", 10.0, 5), ("b", 12.0, 5), ("c", 11.0, 5), ("d", 15.0, 5), ("e", 12.0, 5)])
    for point in chart:
        assert point.center == pytest.approx(12.0)
        assert point.lower == pytest.approx(5.35)
        assert point.upper == pytest.approx(18.65)
        assert not point.beyond


def test_xmr_textbook_example():
    # 20 individual values with one excursion, worked by hand: sum 832, mean 41.6; the moving ranges
    # add up to 77, mean 77 / 19 = 4.0526; limits 41.6 +/- 10.78 = 30.82 to 52.38.
    values = [39, 41, 41, 38, 43, 42, 40, 39, 41, 42, 40, 38, 41, 43, 40, 39, 62, 41, 40, 42]
    chart = xmr_chart([(f"d{i}", float(v), 1) for i, v in enumerate(values)])
    assert chart[0].center == pytest.approx(41.6)
    assert chart[0].upper == pytest.approx(52.38)
    assert chart[0].lower == pytest.approx(30.82)
    assert [p.label for p in chart if p.beyond] == ["d16"]


def test_xmr_skips_empty_periods_in_moving_ranges():
    chart = xmr_chart([("a", 10.0, 3), ("b", None, 0), ("c", 14.0, 3), ("d", 99.0, 0)])
    # Counted values 10 and 14 only: mean 12, one moving range of 4.
    assert chart[0].center == pytest.approx(12.0)
    assert chart[0].upper == pytest.approx(12.0 + 2.66 * 4)
    assert chart[1].value is None
    assert chart[3].value is None  # a value without answers is not shown
    one = xmr_chart([("a", 10.0, 3)])
    assert (one[0].center, one[0].lower, one[0].upper) == (10.0, None, None)
    assert xmr_chart([("a", None, 0)])[0].center is None


# --- Movement -----------------------------------------------------------------------------------

HISTORY_P = [("w1", 70, 100), ("w2", 72, 100), ("w3", 68, 100), ("w4", 71, 100), ("w5", 69, 100), ("w6", 70, 100)]


def test_movement_p_planted_shift():
    up = movement_p(HISTORY_P, ("w7", 88, 100))
    assert up.direction == "up"
    assert up.center == pytest.approx(70.0)  # from the history alone, not the latest week
    assert up.latest.value == 88.0
    assert up.latest.beyond
    assert up.upper == pytest.approx(70 + 300 * math.sqrt(0.7 * 0.3 / 100))
    assert movement_p(HISTORY_P, ("w7", 50, 100)).direction == "down"
    flat = movement_p(HISTORY_P, ("w7", 74, 100))
    assert flat.direction == "flat"
    assert not flat.latest.beyond


def test_movement_p_limits_use_the_latest_n():
    # 80 % of 20 answers is within noise; 80 % of 400 is not.
    assert movement_p(HISTORY_P, ("w7", 16, 20)).direction == "flat"
    assert movement_p(HISTORY_P, ("w7", 320, 400)).direction == "up"


def test_movement_p_too_few():
    assert movement_p(HISTORY_P[:3], ("w4", 95, 100)).direction == "too_few"
    assert movement_p(HISTORY_P[:3] + [("w4", 0, 0)], ("w5", 95, 100)).direction == "too_few"
    assert movement_p(HISTORY_P[:MIN_HISTORY], ("w5", 95, 100)).direction == "up"
    none_latest = movement_p(HISTORY_P, ("w7", 0, 0))
    assert none_latest.direction == "too_few"
    assert none_latest.latest.value is None
    assert not none_latest.latest.beyond
    assert movement_p([], ("w1", 5, 10)).center is None


def test_movement_p_rarely_cries_wolf_and_sees_a_real_shift():
    rng = random.Random(13)

    def week(p, n=120):
        return sum(rng.random() < p for _ in range(n)), n

    false_alarms = detected = 0
    for _trial in range(300):
        history = [(f"w{i}", *week(0.7)) for i in range(8)]
        false_alarms += movement_p(history, ("now", *week(0.7))).direction != "flat"
        detected += movement_p(history, ("now", *week(0.85))).direction == "up"
    assert false_alarms / 300 <= 0.02  # 3 sigma: about 0.3 % in theory
    assert detected / 300 >= 0.6


HISTORY_X = [("w1", 14.0, 40), ("w2", 16.0, 38), ("w3", 15.0, 41), ("w4", 13.0, 40), ("w5", 15.5, 39)]


def test_movement_x_planted_shift():
    # Mean 14.7; moving ranges 2, 1, 2, 2.5 -> 1.875; limits 14.7 +/- 4.9875.
    up = movement_x(HISTORY_X, ("w6", 25.0, 40))
    assert up.direction == "up"
    assert up.center == pytest.approx(14.7)
    assert up.upper == pytest.approx(14.7 + 2.66 * 1.875)
    assert up.lower == pytest.approx(14.7 - 2.66 * 1.875)
    assert movement_x(HISTORY_X, ("w6", 8.0, 40)).direction == "down"
    assert movement_x(HISTORY_X, ("w6", 17.0, 40)).direction == "flat"


def test_movement_x_too_few():
    assert movement_x(HISTORY_X[:3], ("w4", 40.0, 40)).direction == "too_few"
    gap = HISTORY_X[:3] + [("w4", None, 0)]
    assert movement_x(gap, ("w5", 40.0, 40)).direction == "too_few"
    assert movement_x(HISTORY_X[:4], ("w5", 40.0, 40)).direction == "up"
    assert movement_x(HISTORY_X, ("w6", None, 0)).direction == "too_few"
    assert movement_x(HISTORY_X, ("w6", 40.0, 0)).direction == "too_few"


def test_movement_x_rarely_cries_wolf_and_sees_a_real_shift():
    rng = random.Random(21)
    false_alarms = detected = 0
    for _trial in range(300):
        history = [(f"w{i}", rng.gauss(15, 2), 40) for i in range(10)]
        false_alarms += movement_x(history, ("now", rng.gauss(15, 2), 40)).direction != "flat"
        detected += movement_x(history, ("now", rng.gauss(25, 2), 40)).direction == "up"
    # 0.3 % with known limits; limits estimated from 10 weeks are themselves noisy, so a few % here.
    assert false_alarms / 300 <= 0.05
    assert detected / 300 >= 0.9
