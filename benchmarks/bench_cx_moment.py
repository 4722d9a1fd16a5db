"""cx_moment_build_ms, cx_moment_build_queries: building the experience moment's draft for the demo
practice's next meeting (the large demo; the medium one with --quick).

``cx.selectors.moments.moment_draft`` reads the meeting's week and the twelve weeks before it: story
candidates (ranked and redacted), failed experiences, recognitions, each survey touch point's top box
and the operational measures against their control limits, open and overdue recovery cases. The figure
is the median wall time of that one call over a few repetitions (after one warm-up), database reads
included, on the run's seeded SQLite demo database; ``cx_moment_build_queries`` is the number of SQL
queries of one call. The moment is prepared once before (not timed).

    python -m benchmarks.bench_cx_moment [--quick]      (also run by `make bench`)
    python -m benchmarks.bench_cx_moment measure        (internal: runs inside the bench's environment)
"""

import json
import sys

from .demo_db import log, seeded

ORDER = 70
REPEATS = 5


def run(quick: bool) -> list[tuple[str, float, str]]:
    database = seeded("sqlite", quick)
    out = database._run("-m", "benchmarks.bench_cx_moment", "measure", timeout=600)
    result = json.loads(out.strip().splitlines()[-1])
    log(
        f"  cx moment: {result['answers']} scored answers in the 13 weeks, {result['stories']} stories, "
        f"{result['moves']} moves; samples {', '.join(f'{s * 1000:.0f}' for s in result['samples'])} ms"
    )
    return [
        ("cx_moment_build_ms", round(result["median"] * 1000), "ms"),
        ("cx_moment_build_queries", result["queries"], "queries"),
    ]


def measure() -> None:
    import os
    import statistics
    import time
    from zoneinfo import ZoneInfo

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cx.selectors import moments as selectors
    from cx.services import moments as services
    from demo.practices import DEMO_SLUG
    from feedback.selectors import scores as score_selectors
    from practices.models import Practice

    practice = Practice.objects.get(slug=DEMO_SLUG)
    now = timezone.now()  # the demo is seeded around today
    moment = services.prepare_next_moment(practice=practice, actor_user=None, now=now)
    with CaptureQueriesContext(connection) as queries:  # also the warm-up
        draft = selectors.moment_draft(practice, moment, now=now)
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        selectors.moment_draft(practice, moment, now=now)
        samples.append(time.perf_counter() - started)
    bounds = selectors.week_bounds(practice, moment.meeting_date, settings=selectors.cx_settings(practice))
    zone = ZoneInfo(practice.timezone)
    answers = score_selectors.scored_answers(
        practice,
        score_selectors.Filters(
            first_day=bounds[0].astimezone(zone).date(), last_day=bounds[-1].astimezone(zone).date()
        ),
    )
    movement = draft.movement
    print(
        json.dumps(
            {
                "median": statistics.median(samples),
                "samples": samples,
                "queries": len(queries),
                "answers": len(answers),
                "stories": len(draft.stories),
                "moves": len(movement.moves) if movement else 0,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
    else:
        for name, value, unit in run("--quick" in sys.argv):
            print(f"{name}: {value} {unit}")
