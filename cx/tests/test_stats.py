"""cx.stats: intervals checked against statsmodels/scipy, verdicts, too few answers, sample sizes."""

import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from statsmodels.stats.power import normal_sample_size_one_tail
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    samplesize_proportions_2indep_onetail,
)

from cx.stats import (
    MIN_PER_SIDE,
    Interval,
    compare_minutes,
    compare_nps,
    compare_proportions,
    needed_for_means,
    needed_for_proportions,
    newcombe,
    nps,
    wilson,
)


@st.composite
def counts(draw, max_n=3000):
    n = draw(st.integers(min_value=1, max_value=max_n))
    k = draw(st.integers(min_value=0, max_value=n))
    return k, n


def answers(k, n):
    return [True] * k + [False] * (n - k)


# --- Wilson -------------------------------------------------------------------------------------


@given(counts(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_matches_statsmodels(kn, confidence):
    k, n = kn
    low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    interval = wilson(k, n, confidence)
    assert interval is not None
    assert interval.low == pytest.approx(low, abs=1e-12)
    assert interval.high == pytest.approx(high, abs=1e-12)
    assert 0.0 <= interval.low <= k / n <= interval.high <= 1.0


def test_wilson_known_value_and_edges():
    # Wilson (1927) / Newcombe (1998) table: 81 of 263 -> 0.2553 to 0.3662.
    interval = wilson(81, 263)
    assert interval is not None
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.2553, 0.3662)
    assert wilson(0, 0) is None
    assert wilson(0, 10) == Interval(0.0, pytest.approx(0.2775, abs=1e-4))
    assert wilson(10, 10) == Interval(pytest.approx(0.7225, abs=1e-4), 1.0)
    with pytest.raises(ValueError):
        wilson(3, 2)
    with pytest.raises(ValueError):
        wilson(1, 2, confidence=1.0)


# --- Newcombe -----------------------------------------------------------------------------------


@given(counts(), counts())
def test_newcombe_matches_statsmodels(before, after):
    k1, n1 = before
    k2, n2 = after
    # statsmodels gives p1 - p2 for (count1, nobs1, count2, nobs2): "after" goes first.
    low, high = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb", compare="diff", alpha=0.05)
    interval = newcombe(k1, n1, k2, n2)
    assert interval is not None
    assert interval.low == pytest.approx(float(low), abs=1e-9)
    assert interval.high == pytest.approx(float(high), abs=1e-9)
    assert interval.low <= k2 / n2 - k1 / n1 <= interval.high


def test_newcombe_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80, method 10:
    # difference 0.2000, interval 0.0524 to 0.3339.
    interval = newcombe(48, 80, 56, 70)
    assert interval is not None
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.0524, 0.3339)
    assert newcombe(0, 0, 5, 10) is None


@given(counts(max_n=400), counts(max_n=400), st.booleans())
def test_compare_proportions_reports_percent_and_newcombe(before, after, higher_is_better):
    k1, n1 = before
    k2, n2 = after
    result = compare_proportions(answers(k1, n1), answers(k2, n2), higher_is_better=higher_is_better)
    interval = newcombe(k1, n1, k2, n2)
    assert result.kind == "proportion"
    assert (result.n_before, result.n_after) == (n1, n2)
    assert result.before == pytest.approx(100 * k1 / n1)
    assert result.after == pytest.approx(100 * k2 / n2)
    assert result.difference == pytest.approx(100 * (k2 / n2 - k1 / n1))
    assert result.low == pytest.approx(100 * interval.low)
    assert result.high == pytest.approx(100 * interval.high)
    # The verdict follows the interval and the direction, and never speaks under 30 a side.
    if min(n1, n2) < MIN_PER_SIDE:
        assert result.verdict == "too_few"
    elif result.low > 0:
        assert result.verdict == ("better" if higher_is_better else "worse")
    elif result.high < 0:
        assert result.verdict == ("worse" if higher_is_better else "better")
    else:
        assert result.verdict == "no_change"
    assert (result.needed_per_side is None) == result.is_change
    assert result.detectable == 5.0


def test_proportion_verdicts():
    better = compare_proportions(answers(142, 200), answers(180, 200))
    assert better.verdict == "better"
    assert better.low > 0
    assert better.needed_per_side is None
    assert better.more_needed_per_side is None
    # A no-show rate going up is worse.
    assert compare_proportions(answers(10, 200), answers(40, 200), higher_is_better=False).verdict == "worse"
    assert compare_proportions(answers(40, 200), answers(10, 200), higher_is_better=False).verdict == "better"
    assert compare_proportions(answers(180, 200), answers(142, 200)).verdict == "worse"
    same = compare_proportions(answers(142, 200), answers(146, 200))
    assert same.verdict == "no_change"
    assert same.low < 0 < same.high
    assert same.needed_per_side == needed_for_proportions(288 / 400)
    assert same.more_needed_per_side == same.needed_per_side - 200


def test_too_few_under_30_a_side_even_with_a_huge_difference():
    result = compare_proportions(answers(0, 29), answers(29, 29))
    assert result.verdict == "too_few"
    assert result.low > 0  # the numbers are still there for the chart, the verdict refuses
    assert result.needed_per_side is not None
    assert compare_proportions(answers(0, 30), answers(30, 30)).verdict == "better"
    empty = compare_proportions([], answers(5, 10))
    assert empty.verdict == "too_few"
    assert empty.before is None
    assert empty.difference is None and empty.low is None and empty.high is None
    assert empty.after == 50.0


@given(st.floats(min_value=0.0, max_value=1.0))
def test_needed_for_proportions_matches_statsmodels(pooled):
    # Rates centred on the pooled rate, moved inside 0..1 near the edges.
    low = min(max(pooled - 0.025, 0.0), 0.95)
    expected = samplesize_proportions_2indep_onetail(0.05, low, 0.8, alpha=0.05, alternative="two-sided")
    assert needed_for_proportions(pooled) == max(MIN_PER_SIDE, math.ceil(expected - 1e-9))


def test_needed_for_proportions_is_largest_at_half():
    assert needed_for_proportions(None) == needed_for_proportions(0.5) > needed_for_proportions(0.9)
    # Around 71 % top box, a 5-point change needs about 1,300 answers a side.
    assert 1250 <= needed_for_proportions(0.71) <= 1350


@given(st.floats(min_value=0.5, max_value=5000.0), st.sampled_from([1.0, 5.0, 10.0]))
def test_needed_for_means_matches_statsmodels(variance, detectable):
    # Two-sided alpha 0.05 is 0.025 a tail; the difference of two means has variance 2 * variance / n.
    expected = normal_sample_size_one_tail(detectable, 0.8, 0.025, std_null=math.sqrt(2 * variance))
    assert needed_for_means(variance, detectable) == max(MIN_PER_SIDE, math.ceil(expected - 1e-9))


# --- Minutes ------------------------------------------------------------------------------------


def waits(mean, n, seed):
    rng = random.Random(seed)
    return [round(rng.expovariate(1 / mean), 1) for _ in range(n)]


def test_minutes_medians_and_verdict():
    before, after = waits(20, 150, 1), waits(12, 150, 2)
    result = compare_minutes(before, after)
    assert result.kind == "minutes"
    assert result.higher_is_better is False
    assert result.before == pytest.approx(float(np.median(before)))
    assert result.after == pytest.approx(float(np.median(after)))
    assert result.difference == pytest.approx(result.after - result.before)
    assert result.high < 0
    assert result.verdict == "better"  # fewer minutes waiting
    assert compare_minutes(before, after, higher_is_better=True).verdict == "worse"
    assert compare_minutes(after, before).verdict == "worse"
    same = compare_minutes(waits(15, 150, 3), waits(15, 150, 4))
    assert same.verdict == "no_change"
    assert same.low < 0 < same.high
    assert same.detectable == 5.0
    assert same.needed_per_side is not None and same.needed_per_side >= MIN_PER_SIDE


def continuous_waits(mean, n, seed):
    rng = random.Random(seed)
    return [rng.expovariate(1 / mean) for _ in range(n)]


# Whole minutes repeat (bootstrapped from value counts); continuous minutes do not (from indexes).
SAMPLES = {
    "repeating": (waits(20, 400, 9), waits(16, 400, 10)),
    "continuous": (continuous_waits(20, 900, 9), continuous_waits(16, 900, 10)),
}


@pytest.mark.parametrize("shape", SAMPLES)
def test_minutes_bootstrap_is_deterministic_by_seed(shape):
    before, after = SAMPLES[shape]
    first = compare_minutes(before, after, seed=7)
    assert compare_minutes(before, after, seed=7) == first
    other = compare_minutes(before, after, seed=8)
    assert (other.low, other.high) != (first.low, first.high)
    assert (other.before, other.after) == (first.before, first.after)


@pytest.mark.parametrize("shape", SAMPLES)
def test_minutes_interval_agrees_with_scipy_bootstrap(shape):
    before, after = SAMPLES[shape]
    result = compare_minutes(before, after, seed=3)
    reference = scipy_stats.bootstrap(
        (np.asarray(before), np.asarray(after)),
        lambda x, y, axis: np.median(y, axis=axis) - np.median(x, axis=axis),
        n_resamples=20000,
        method="percentile",
        vectorized=True,
        random_state=np.random.default_rng(0),
    ).confidence_interval
    # Different random draws: the ends agree within bootstrap noise (the intervals are 3 to 5 minutes wide).
    assert result.high - result.low > 2.0
    assert result.low == pytest.approx(reference.low, abs=0.3)
    assert result.high == pytest.approx(reference.high, abs=0.3)


def test_minutes_needed_uses_the_pooled_sd():
    before = [10.0, 20.0] * 20
    after = [15.0, 25.0] * 20
    result = compare_minutes(before, after)
    variance = np.var(before, ddof=1)  # both sides have the same spread
    assert result.needed_per_side == needed_for_means(float(variance), 5.0)
    assert compare_minutes([5.0] * 40, [5.0] * 40).needed_per_side == MIN_PER_SIDE  # no spread: the floor
    few = compare_minutes([3.0], [])
    assert few.verdict == "too_few"
    assert few.needed_per_side is None  # no spread known: no guess
    with pytest.raises(ValueError):
        compare_minutes([1.0, float("nan")], [2.0])


def test_bootstrap_handles_large_samples():
    before, after = waits(20, 5000, 11), waits(19, 5000, 12)
    result = compare_minutes(before, after)
    assert result.low < result.difference < result.high


# --- NPS ----------------------------------------------------------------------------------------


def test_nps_value():
    assert nps([10, 9, 8, 7, 6, 0]) == pytest.approx(0.0)
    assert nps([10, 10, 10, 6]) == pytest.approx(50.0)
    assert nps([]) is None
    with pytest.raises(ValueError):
        nps([11])


def scores(shares, n, seed):
    rng = random.Random(seed)
    return [rng.choices([10, 8, 3], weights=shares)[0] for _ in range(n)]


def test_nps_verdict_and_determinism():
    before, after = scores([0.4, 0.3, 0.3], 200, 1), scores([0.65, 0.25, 0.1], 200, 2)
    result = compare_nps(before, after, seed=4)
    assert result.kind == "nps"
    assert result.higher_is_better is True
    assert result.before == pytest.approx(nps(before))
    assert result.after == pytest.approx(nps(after))
    assert result.verdict == "better"
    assert compare_nps(after, before).verdict == "worse"
    assert compare_nps(before, after, seed=4) == result
    assert compare_nps(before, after, seed=5) != result
    same = compare_nps(before, scores([0.4, 0.3, 0.3], 200, 3))
    assert same.verdict == "no_change"
    assert same.detectable == 10.0


def test_nps_interval_agrees_with_scipy_bootstrap():
    before, after = scores([0.5, 0.3, 0.2], 150, 6), scores([0.6, 0.25, 0.15], 150, 7)

    def nps_difference(x, y, axis):
        def net(values):
            return 100 * ((values >= 9).mean(axis=axis) - (values <= 6).mean(axis=axis))

        return net(y) - net(x)

    reference = scipy_stats.bootstrap(
        (np.asarray(before), np.asarray(after)),
        nps_difference,
        n_resamples=20000,
        method="percentile",
        vectorized=True,
        random_state=np.random.default_rng(0),
    ).confidence_interval
    result = compare_nps(before, after)
    assert result.low == pytest.approx(reference.low, abs=2.0)
    assert result.high == pytest.approx(reference.high, abs=2.0)


def test_nps_needed_uses_observed_variance():
    before = [10] * 25 + [3] * 25  # NPS 0, every answer +100 or -100: variance 100^2
    after = [10] * 25 + [3] * 25
    result = compare_nps(before, after)
    assert result.verdict == "no_change"
    assert result.needed_per_side == needed_for_means(100.0**2, 10.0)
    assert compare_nps([10] * 40, [10] * 40).needed_per_side == MIN_PER_SIDE
    # No answers at all: the worst case variance.
    assert compare_nps([], []).needed_per_side == needed_for_means(100.0**2, 10.0)
    assert compare_nps([10] * 29, [3] * 40).verdict == "too_few"
