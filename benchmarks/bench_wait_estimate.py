"""How far off the patient's two wait estimates are on the demo history (the large demo; the medium
one with --quick), through the product's own replay (``frontdesk.selectors.wait.estimate_errors``).

Every past visit of the demo practice with an arrival and a call-in time is replayed: both estimates are
made again at the moment the patient arrived, from what the flow board knew then, with the model fitted
on the weeks before (as the worker refits it nightly), and compared with when they were really called in
and seen by the provider. Baselines: the patient's own guess ("at my appointment time") and the
provider's current lag ("my time plus how late the provider runs now"). Mean absolute errors in minutes;
``wait_range_coverage`` is how often the stated 80 % range held the real call-in time.

    wait_called_in_mae, wait_called_in_naive_mae, wait_called_in_lag_mae
    wait_with_provider_mae, wait_with_provider_naive_mae, wait_with_provider_lag_mae
    wait_range_coverage, wait_with_provider_range_coverage
    wait_in_room_mae, wait_in_room_naive_mae, wait_in_room_range_coverage (asked again once in the exam room)
    wait_estimate_mae, wait_estimate_naive_mae (the same as called-in, the names earlier runs used)
    wait_estimate_visits

``benchmarks.bench_wait_worlds`` scores the same on a clinic-flow generator written apart from the estimator.

    python -m benchmarks.bench_wait_estimate [--quick]      (also run by `make bench`)
    python -m benchmarks.bench_wait_estimate measure        (internal: runs inside the bench's environment)
"""

import json
import sys

from .demo_db import log, seeded

ORDER = 60


def run(quick: bool) -> list[tuple[str, float, str]]:
    database = seeded("sqlite", quick)
    out = database._run("-m", "benchmarks.bench_wait_estimate", "measure", timeout=600)
    raw = json.loads(out.strip().splitlines()[-1])
    result = {key.removesuffix("_minutes"): value for key, value in raw.items()}
    if not result["n"]:
        raise AssertionError("the demo history has no visits with arrival and call-in times")
    log(f"  wait estimate: {result['n']} visits replayed in {result['seconds']:.1f} s")
    figures = [
        ("wait_called_in_mae", result["mae"], "min"),
        ("wait_called_in_naive_mae", result["naive_mae"], "min"),
        ("wait_called_in_lag_mae", result["lag_mae"], "min"),
        ("wait_with_provider_mae", result["seen_mae"], "min"),
        ("wait_with_provider_naive_mae", result["seen_naive_mae"], "min"),
        ("wait_with_provider_lag_mae", result["seen_lag_mae"], "min"),
        ("wait_range_coverage", result["coverage"], "share"),
        ("wait_in_room_mae", result["in_room_mae"], "min"),
        ("wait_in_room_naive_mae", result["in_room_naive_mae"], "min"),
        ("wait_in_room_range_coverage", result["in_room_coverage"], "share"),
        ("wait_with_provider_range_coverage", result["seen_coverage"], "share"),
        ("wait_estimate_mae", result["mae"], "min"),
        ("wait_estimate_naive_mae", result["naive_mae"], "min"),
    ]
    return [(name, round(value, 3 if unit == "share" else 2), unit) for name, value, unit in figures] + [
        ("wait_estimate_visits", result["n"], "visits")
    ]


def measure() -> None:
    import dataclasses
    import os
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone

    from demo.practices import DEMO_SLUG
    from frontdesk.selectors.flow import day_bounds
    from frontdesk.selectors.wait import estimate_errors
    from practices.models import Practice
    from scheduling.models import Appointment

    practice = Practice.objects.get(slug=DEMO_SLUG)
    first = Appointment.objects.filter(practice=practice).order_by("start").values_list("start", flat=True).first()
    # The demo's "now" is the start of the day it was seeded: everything before is history.
    today_start, _end = day_bounds(practice, timezone.localdate())
    started = time.perf_counter()
    accuracy = estimate_errors(practice=practice, start=first or today_start, end=today_start)
    seconds = time.perf_counter() - started
    print(json.dumps({**dataclasses.asdict(accuracy), "seconds": seconds}))


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
    else:
        for figure in run("--quick" in sys.argv):
            print("{}: {} {}".format(*figure), flush=True)
