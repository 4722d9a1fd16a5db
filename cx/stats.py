"""Before/after statistics for improvement projects: did the change make things better?

Pure: plain numbers in, plain dataclasses out; numpy and scipy only (no Django). Every comparison
says how many answers it rests on, gives a 95 % confidence interval for the difference, and calls a
change "better" or "worse" only when that interval excludes zero. Under ``MIN_PER_SIDE`` answers on
either side the verdict is "too_few", whatever the numbers look like.

- Proportions (top box, rates): Wilson score interval for each side, Newcombe's hybrid-score
  interval (his method 10) for the difference. Checked against statsmodels in the tests.
- Minutes: difference of medians, bootstrap percentile interval.
- NPS: difference of NPS, bootstrap percentile interval.

For "no_change" and "too_few" the comparison also says how many answers per side would be needed to
see a change of ``detectable`` (80 % power, two-sided alpha 0.05, normal approximation).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

MIN_PER_SIDE = 30
CONFIDENCE = 0.95
POWER = 0.80
BOOTSTRAP_RESAMPLES = 2000

DETECTABLE_POINTS = 5.0  # percentage points, for proportions
DETECTABLE_MINUTES = 5.0
DETECTABLE_NPS = 10.0  # NPS points

BETTER = "better"
WORSE = "worse"
NO_CHANGE = "no_change"
TOO_FEW = "too_few"

# Bootstrap resamples are drawn in blocks of at most this many values, so memory stays bounded.
_BLOCK_VALUES = 2_000_000
# Bootstrap medians from value counts (multinomial) when there are at most this many distinct values,
# or when values repeat on average 4 times or more; from resampled indexes otherwise.
_COUNTS_UP_TO = 500

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class Comparison:
    kind: str  # "proportion" | "minutes" | "nps"
    higher_is_better: bool
    n_before: int
    n_after: int
    before: float | None  # percent (0..100) for proportions, minutes, NPS points
    after: float | None
    difference: float | None  # after - before, same unit (percentage points for proportions)
    low: float | None  # 95 % CI of the difference
    high: float | None
    verdict: str  # "better" | "worse" | "no_change" | "too_few"
    needed_per_side: int | None  # for "no_change"/"too_few": answers per side to see `detectable`
    detectable: float  # the change size used for needed_per_side

    @property
    def is_change(self) -> bool:
        """True when the verdict is "better" or "worse"."""
        return self.verdict in (BETTER, WORSE)

    @property
    def n_total(self) -> int:
        return self.n_before + self.n_after

    @property
    def more_needed_per_side(self) -> int | None:
        """Answers still to collect on the smaller side to reach ``needed_per_side`` (0 when reached)."""
        if self.needed_per_side is None:
            return None
        return max(0, self.needed_per_side - min(self.n_before, self.n_after))


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(norm.ppf(1.0 - (1.0 - confidence) / 2.0))


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> Interval | None:
    """Wilson score interval for k successes out of n, as fractions 0..1; None when n == 0."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return None
    z = _z(confidence)
    p = k / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Interval(low, high)


def newcombe(
    k_before: int, n_before: int, k_after: int, n_after: int, confidence: float = CONFIDENCE
) -> Interval | None:
    """Newcombe's hybrid-score interval (method 10) for p_after - p_before, as fractions; None when a side is empty."""
    before = wilson(k_before, n_before, confidence)
    after = wilson(k_after, n_after, confidence)
    if before is None or after is None:
        return None
    p1 = k_before / n_before
    p2 = k_after / n_after
    difference = p2 - p1
    low = difference - math.sqrt((p2 - after.low) ** 2 + (before.high - p1) ** 2)
    high = difference + math.sqrt((after.high - p2) ** 2 + (p1 - before.low) ** 2)
    return Interval(max(-1.0, low), min(1.0, high))


def _verdict(n_before: int, n_after: int, low: float | None, high: float | None, higher_is_better: bool) -> str:
    if min(n_before, n_after) < MIN_PER_SIDE or low is None or high is None:
        return TOO_FEW
    if low > 0.0:
        return BETTER if higher_is_better else WORSE
    if high < 0.0:
        return WORSE if higher_is_better else BETTER
    return NO_CHANGE


def _power_factor() -> float:
    """(z_{alpha/2} + z_{power})^2 for a two-sided test at 1 - CONFIDENCE."""
    return (_z(CONFIDENCE) + float(norm.ppf(POWER))) ** 2


def _needed(value: float) -> int:
    """Per-side sample size, never below the minimum the verdict needs anyway."""
    if not math.isfinite(value):
        return MIN_PER_SIDE
    return max(MIN_PER_SIDE, math.ceil(value - 1e-9))


def needed_for_proportions(pooled: float | None, detectable_points: float = DETECTABLE_POINTS) -> int:
    """Answers per side to detect a change of ``detectable_points`` around the rate ``pooled`` (0..1).

    Two-proportion z-test sample size (Fleiss, without continuity correction) for rates centred on
    the pooled rate, shifted inside 0..1 when the pooled rate is near an edge. Unknown rate: 0.5.
    """
    delta = detectable_points / 100.0
    p = 0.5 if pooled is None else min(max(pooled, 0.0), 1.0)
    p1 = min(max(p - delta / 2.0, 0.0), 1.0 - delta)
    p2 = p1 + delta
    p_bar = (p1 + p2) / 2.0
    z_alpha = _z(CONFIDENCE)
    z_beta = float(norm.ppf(POWER))
    root = z_alpha * math.sqrt(2.0 * p_bar * (1.0 - p_bar)) + z_beta * math.sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2))
    return _needed(root * root / (delta * delta))


def needed_for_means(variance: float, detectable: float) -> int | None:
    """Answers per side to detect a shift of ``detectable`` in a mean with per-answer ``variance``;
    None when the variance is unknown (fewer than two answers in all)."""
    if not math.isfinite(variance):
        return None
    return _needed(_power_factor() * 2.0 * variance / (detectable * detectable))


def _comparison(
    *,
    kind: str,
    higher_is_better: bool,
    n_before: int,
    n_after: int,
    before: float | None,
    after: float | None,
    interval: Interval | None,
    detectable: float,
    needed: Callable[[], int | None],
) -> Comparison:
    low = None if interval is None else interval.low
    high = None if interval is None else interval.high
    verdict = _verdict(n_before, n_after, low, high, higher_is_better)
    difference = None if before is None or after is None else after - before
    return Comparison(
        kind=kind,
        higher_is_better=higher_is_better,
        n_before=n_before,
        n_after=n_after,
        before=before,
        after=after,
        difference=difference,
        low=low,
        high=high,
        verdict=verdict,
        needed_per_side=needed() if verdict in (NO_CHANGE, TOO_FEW) else None,
        detectable=detectable,
    )


def compare_proportions(before: Sequence[bool], after: Sequence[bool], *, higher_is_better: bool = True) -> Comparison:
    """Share of True answers before vs after, in percent; Newcombe interval for the difference."""
    n_before, n_after = len(before), len(after)
    k_before, k_after = sum(1 for x in before if x), sum(1 for x in after if x)
    interval = newcombe(k_before, n_before, k_after, n_after)
    scaled = None if interval is None else Interval(100.0 * interval.low, 100.0 * interval.high)
    n_all = n_before + n_after
    pooled = (k_before + k_after) / n_all if n_all else None
    return _comparison(
        kind="proportion",
        higher_is_better=higher_is_better,
        n_before=n_before,
        n_after=n_after,
        before=100.0 * k_before / n_before if n_before else None,
        after=100.0 * k_after / n_after if n_after else None,
        interval=scaled,
        detectable=DETECTABLE_POINTS,
        needed=lambda: needed_for_proportions(pooled),
    )


def _bootstrap_medians(values: FloatArray, rng: np.random.Generator, resamples: int) -> FloatArray:
    """Medians of ``resamples`` bootstrap resamples (n values drawn with replacement)."""
    distinct, counts = np.unique(values, return_counts=True)
    if len(distinct) <= _COUNTS_UP_TO or 4 * len(distinct) <= len(values):
        return _bootstrap_medians_by_counts(distinct, counts, rng, resamples)
    return _bootstrap_medians_by_index(values, rng, resamples)


def _bootstrap_medians_by_index(values: FloatArray, rng: np.random.Generator, resamples: int) -> FloatArray:
    n = len(values)
    block = max(1, _BLOCK_VALUES // n)
    out = np.empty(resamples, dtype=np.float64)
    done = 0
    while done < resamples:
        rows = min(block, resamples - done)
        picks = rng.integers(0, n, size=(rows, n))
        out[done : done + rows] = np.median(values[picks], axis=1)
        done += rows
    return out


def _bootstrap_medians_by_counts(
    distinct: FloatArray, counts: npt.NDArray[np.int64], rng: np.random.Generator, resamples: int
) -> FloatArray:
    """Same distribution as resampling the values themselves: how often each distinct value is drawn
    is multinomial with the observed shares. Much faster when values repeat (whole minutes)."""
    n = int(counts.sum())
    block = max(1, _BLOCK_VALUES // len(distinct))
    out = np.empty(resamples, dtype=np.float64)
    done = 0
    while done < resamples:
        rows = min(block, resamples - done)
        cumulative = np.cumsum(rng.multinomial(n, counts / n, size=rows), axis=1)
        # The median is the mean of the order statistics (n - 1) // 2 and n // 2 (0-based).
        low = np.argmax(cumulative > (n - 1) // 2, axis=1)
        high = np.argmax(cumulative > n // 2, axis=1)
        out[done : done + rows] = (distinct[low] + distinct[high]) / 2.0
        done += rows
    return out


def _percentile_interval(draws: FloatArray, confidence: float = CONFIDENCE) -> Interval:
    tail = 100.0 * (1.0 - confidence) / 2.0
    low, high = np.percentile(draws, [tail, 100.0 - tail])
    return Interval(float(low), float(high))


def _pooled_variance(a: FloatArray, b: FloatArray) -> float:
    """Variance of the answers around their own side's centre, pooled over both sides (ddof 1 per side)."""
    squares = 0.0
    dof = 0
    for side in (a, b):
        if len(side) > 1:
            squares += float(np.sum((side - side.mean()) ** 2))
            dof += len(side) - 1
    return squares / dof if dof else math.nan


def compare_minutes(
    before: Sequence[float], after: Sequence[float], *, higher_is_better: bool = False, seed: int = 0
) -> Comparison:
    """Median minutes before vs after; bootstrap percentile interval of the difference of medians.

    ``needed_per_side`` uses the pooled standard deviation of the answers (a normal approximation).
    """
    a = np.asarray(before, dtype=np.float64)
    b = np.asarray(after, dtype=np.float64)
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValueError("minutes must not contain NaN")
    interval: Interval | None = None
    if len(a) and len(b):
        rng = np.random.default_rng(seed)
        draws_before = _bootstrap_medians(a, rng, BOOTSTRAP_RESAMPLES)
        draws_after = _bootstrap_medians(b, rng, BOOTSTRAP_RESAMPLES)
        interval = _percentile_interval(draws_after - draws_before)
    variance = _pooled_variance(a, b)
    return _comparison(
        kind="minutes",
        higher_is_better=higher_is_better,
        n_before=len(a),
        n_after=len(b),
        before=float(np.median(a)) if len(a) else None,
        after=float(np.median(b)) if len(b) else None,
        interval=interval,
        detectable=DETECTABLE_MINUTES,
        needed=lambda: needed_for_means(variance, DETECTABLE_MINUTES),
    )


def _nps_counts(scores: Sequence[int]) -> tuple[int, int, int]:
    """(promoters, passives, detractors) of 0..10 answers."""
    promoters = passives = detractors = 0
    for score in scores:
        if not 0 <= score <= 10:
            raise ValueError(f"NPS answers are 0..10, got {score}")
        if score >= 9:
            promoters += 1
        elif score >= 7:
            passives += 1
        else:
            detractors += 1
    return promoters, passives, detractors


def nps(scores: Sequence[int]) -> float | None:
    """Net promoter score in points (-100..100): % promoters (9-10) minus % detractors (0-6)."""
    promoters, passives, detractors = _nps_counts(scores)
    n = promoters + passives + detractors
    return 100.0 * (promoters - detractors) / n if n else None


def _bootstrap_nps(counts: tuple[int, int, int], rng: np.random.Generator, resamples: int) -> FloatArray:
    """NPS of bootstrap resamples. Resampling answers with replacement is a multinomial draw of the
    three categories with the observed shares, so it is drawn that way (same distribution, faster)."""
    n = sum(counts)
    shares = np.asarray(counts, dtype=np.float64) / n
    draws = rng.multinomial(n, shares, size=resamples)
    result: FloatArray = 100.0 * (draws[:, 0] - draws[:, 2]).astype(np.float64) / n
    return result


def _nps_variance(counts: tuple[int, int, int]) -> float:
    """Variance of one answer's NPS contribution (+100, 0, -100)."""
    n = sum(counts)
    if not n:
        return math.nan
    promoters, _passives, detractors = counts
    share_p, share_d = promoters / n, detractors / n
    return 100.0**2 * (share_p + share_d - (share_p - share_d) ** 2)


def compare_nps(before: Sequence[int], after: Sequence[int], *, seed: int = 0) -> Comparison:
    """NPS before vs after (0..10 answers); bootstrap percentile interval of the NPS difference.

    ``needed_per_side`` uses the observed variance of the answers' NPS contributions, pooled over
    both sides (the worst case, half promoters and half detractors, when there are no answers).
    """
    counts_before, counts_after = _nps_counts(before), _nps_counts(after)
    n_before, n_after = sum(counts_before), sum(counts_after)
    interval: Interval | None = None
    if n_before and n_after:
        rng = np.random.default_rng(seed)
        draws_before = _bootstrap_nps(counts_before, rng, BOOTSTRAP_RESAMPLES)
        draws_after = _bootstrap_nps(counts_after, rng, BOOTSTRAP_RESAMPLES)
        interval = _percentile_interval(draws_after - draws_before)
    pooled_counts = (
        counts_before[0] + counts_after[0],
        counts_before[1] + counts_after[1],
        counts_before[2] + counts_after[2],
    )
    variance = _nps_variance(pooled_counts) if n_before + n_after else 100.0**2
    return _comparison(
        kind="nps",
        higher_is_better=True,
        n_before=n_before,
        n_after=n_after,
        before=nps(before),
        after=nps(after),
        interval=interval,
        detectable=DETECTABLE_NPS,
        needed=lambda: needed_for_means(variance, DETECTABLE_NPS),
    )


# --- one value with its interval (the strategy page's current values) --------------------------------


@dataclass(frozen=True)
class Estimate:
    """One measure's value over a period, with its 95 % confidence interval (None when n == 0)."""

    value: float | None  # percent (0..100) for proportions, minutes, NPS points
    n: int
    low: float | None
    high: float | None


def estimate_proportion(flags: Sequence[bool]) -> Estimate:
    """The share of True answers in percent, with a Wilson 95 % interval."""
    n = len(flags)
    k = sum(1 for x in flags if x)
    interval = wilson(k, n)
    if interval is None:
        return Estimate(None, 0, None, None)
    return Estimate(100.0 * k / n, n, 100.0 * interval.low, 100.0 * interval.high)


def estimate_minutes(values: Sequence[float], *, seed: int = 0) -> Estimate:
    """The median, with a bootstrap percentile 95 % interval (as ``compare_minutes`` draws them)."""
    a = np.asarray(values, dtype=np.float64)
    if not len(a):
        return Estimate(None, 0, None, None)
    if np.isnan(a).any():
        raise ValueError("minutes must not contain NaN")
    interval = _percentile_interval(_bootstrap_medians(a, np.random.default_rng(seed), BOOTSTRAP_RESAMPLES))
    return Estimate(float(np.median(a)), len(a), interval.low, interval.high)


def estimate_nps(scores: Sequence[int], *, seed: int = 0) -> Estimate:
    """The NPS (0..10 answers), with a bootstrap percentile 95 % interval (as ``compare_nps`` draws them)."""
    counts = _nps_counts(scores)
    n = sum(counts)
    if not n:
        return Estimate(None, 0, None, None)
    interval = _percentile_interval(_bootstrap_nps(counts, np.random.default_rng(seed), BOOTSTRAP_RESAMPLES))
    return Estimate(nps(scores), n, interval.low, interval.high)
