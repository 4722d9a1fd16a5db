"""tna_live_seconds, tna_live_queries: the live "time to third next available appointment" of the staff
measures page, for the whole demo practice (the large demo; the medium one with --quick).

``insights.selectors.live_third_next_available`` answers for every offered visit type, any provider
and each provider, from the slot engine exactly as patients see it. The figure is the median wall
time of that one call over a few repetitions (after one warm-up), database reads included, on the
run's seeded SQLite demo database; ``tna_live_queries`` is the number of SQL queries of one call.

    python -m benchmarks.bench_tna [--quick]      (also run by `make bench`)
    python -m benchmarks.bench_tna measure        (internal: runs inside the bench's environment)
"""

import json
import sys

from .demo_db import log, seeded

ORDER = 65
REPEATS = 5


def run(quick: bool) -> list[tuple[str, float, str]]:
    database = seeded("sqlite", quick)
    out = database._run("-m", "benchmarks.bench_tna", "measure", timeout=600)
    result = json.loads(out.strip().splitlines()[-1])
    if not result["rows"]:
        raise AssertionError("the demo practice has no visit types to measure")
    log(
        f"  tna: {result['rows']} rows ({result['visit_types']} visit types), "
        f"{result['repeats']} repeats, samples {', '.join(f'{s:.3f}' for s in result['samples'])} s"
    )
    return [
        ("tna_live_seconds", round(result["median"], 3), "s"),
        ("tna_live_queries", result["queries"], "queries"),
    ]


def measure() -> None:
    import os
    import statistics
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from demo.practices import DEMO_SLUG
    from insights.selectors import live_third_next_available
    from practices.models import Practice

    practice = Practice.objects.get(slug=DEMO_SLUG)
    now = timezone.now()  # as the measures page: the demo is seeded around today
    with CaptureQueriesContext(connection) as queries:  # also the warm-up
        rows = live_third_next_available(practice=practice, now=now)
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        live_third_next_available(practice=practice, now=now)
        samples.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "rows": len(rows),
                "visit_types": len({row.visit_type.pk for row in rows}),
                "queries": len(queries),
                "repeats": REPEATS,
                "samples": samples,
                "median": statistics.median(samples),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
    else:
        for figure in run("--quick" in sys.argv):
            print("{}: {} {}".format(*figure), flush=True)
