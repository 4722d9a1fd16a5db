"""before_after_power, before_after_false_positive_rate: how an improvement project's verdict behaves
on simulated before/after top-box answers (issue 13, "Checks").

Each simulation draws 200 answers a side and runs ``cx.stats.compare_proportions`` (Newcombe
interval, verdict only when the 95 % interval excludes 0):

- power: top box 71 % before, 81 % after (a real 10-point improvement); the share of 500 simulations
  whose verdict is "better" (goal at least 0.80);
- false-positive rate: 71 % before and after (no change); the share of 500 simulations whose verdict
  is "better" or "worse" (goal at most 0.05).

Pure computation, no database; the same 500 seeded simulations with or without --quick.

    python -m benchmarks.bench_cx_before_after [--quick]      (also run by `make bench`)
"""

import sys

import numpy as np
from scipy.stats import binom

from cx.stats import compare_proportions, newcombe

from .demo_db import log

ORDER = 70
SIMULATIONS = 500
PER_SIDE = 200
BASE = 0.71
IMPROVED = 0.81
SEED = 13


def _verdicts(rng: np.random.Generator, before_rate: float, after_rate: float) -> list[str]:
    verdicts = []
    for _ in range(SIMULATIONS):
        before = (rng.random(PER_SIDE) < before_rate).tolist()
        after = (rng.random(PER_SIDE) < after_rate).tolist()
        verdicts.append(compare_proportions(before, after).verdict)
    return verdicts


def _exact(before_rate: float, after_rate: float) -> tuple[float, float]:
    """Exact probabilities of "better" and "worse" over every pair of binomial outcomes (for the log:
    the simulated figures carry a standard error of about 0.01 at 500 simulations)."""
    outcomes = np.arange(PER_SIDE + 1)
    weights_before = binom.pmf(outcomes, PER_SIDE, before_rate)
    weights_after = binom.pmf(outcomes, PER_SIDE, after_rate)
    better = worse = 0.0
    for k_before in outcomes[weights_before > 1e-12]:
        for k_after in outcomes[weights_after > 1e-12]:
            interval = newcombe(int(k_before), PER_SIDE, int(k_after), PER_SIDE)
            assert interval is not None
            weight = weights_before[k_before] * weights_after[k_after]
            if interval.low > 0:
                better += weight
            elif interval.high < 0:
                worse += weight
    return better, worse


def run(quick: bool) -> list[tuple[str, float, str]]:
    rng = np.random.default_rng(SEED)
    improved = _verdicts(rng, BASE, IMPROVED)
    unchanged = _verdicts(rng, BASE, BASE)
    power = improved.count("better") / SIMULATIONS
    false_positive_rate = sum(v in ("better", "worse") for v in unchanged) / SIMULATIONS
    log(
        f"  before/after: {SIMULATIONS} simulations of {PER_SIDE} answers a side; "
        f"{BASE:.0%} -> {IMPROVED:.0%}: {improved.count('better')} better, {improved.count('worse')} worse; "
        f"no change: {unchanged.count('better')} better, {unchanged.count('worse')} worse"
    )
    exact_power, _ = _exact(BASE, IMPROVED)
    better, worse = _exact(BASE, BASE)
    log(f"  before/after exact: power {exact_power:.3f}, false-positive rate {better + worse:.4f}")
    return [
        ("before_after_power", round(power, 3), "fraction"),
        ("before_after_false_positive_rate", round(false_positive_rate, 3), "fraction"),
    ]


if __name__ == "__main__":
    for figure in run("--quick" in sys.argv):
        print("{}: {} {}".format(*figure), flush=True)
