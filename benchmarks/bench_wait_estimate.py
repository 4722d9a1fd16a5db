"""wait_estimate_mae, wait_estimate_naive_mae, wait_estimate_visits: how far off the patient's wait
estimate is on the demo history (the large demo; the medium one with --quick).

Every past visit of the demo practice with an arrival and a call-in time is replayed
(``frontdesk.selectors.wait.estimate_errors``): the estimate is made again at the moment the patient
arrived, from what the flow board knew then, and compared with when they were actually called in.
The naive figure is the patient's own guess, "I'll be called at my appointment time". Both are mean
absolute errors in minutes, on the run's seeded SQLite demo database.

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
    result = json.loads(out.strip().splitlines()[-1])
    if not result["n"]:
        raise AssertionError("the demo history has no visits with arrival and call-in times")
    log(f"  wait estimate: {result['n']} visits replayed in {result['seconds']:.1f} s")
    return [
        ("wait_estimate_mae", round(result["mae"], 2), "min"),
        ("wait_estimate_naive_mae", round(result["naive_mae"], 2), "min"),
        ("wait_estimate_visits", result["n"], "visits"),
    ]


def measure() -> None:
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
    print(
        json.dumps(
            {"n": accuracy.n, "mae": accuracy.mae_minutes, "naive_mae": accuracy.naive_mae_minutes, "seconds": seconds}
        )
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
    else:
        for figure in run("--quick" in sys.argv):
            print("{}: {} {}".format(*figure), flush=True)
