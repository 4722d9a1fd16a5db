"""cx_map_page_p95_ms, cx_map_new_patients_page_p95_ms, cx_map_page_cached_p95_ms, cx_map_page_queries:
the empathy map page (`GET /staff/<slug>/experience/maps/<id>/`) on the demo (the large one; the
medium one with --quick).

Signed in as the demo's experience lead, through Django's test client with the production settings, on
the run's seeded SQLite demo database. Two maps of online booking (the busiest touch point), six ideas
each: every patient (``cx_map_page_p95_ms``), and new patients (``cx_map_new_patients_page_p95_ms``,
the costliest group: an EXISTS over each response's earlier visits). Each is the nearest-rank p95 of
10 GETs with the cache emptied before each one, so every GET reads what patients said from the
database (the first look after a new response). ``cx_map_page_cached_p95_ms``: the 20 GETs right
after, answered from the cache (the next looks within ten minutes). ``cx_map_page_queries``: the SQL
queries of one uncached GET of the every-patient map.

    python -m benchmarks.bench_cx_map [--quick]      (also run by `make bench`)
    python -m benchmarks.bench_cx_map measure        (internal: runs inside the bench's environment)
"""

import json
import sys

from .demo_db import log, percentile, seeded

ORDER = 67
REPEATS = 10


def run(quick: bool) -> list[tuple[str, float, str]]:
    database = seeded("sqlite", quick)
    out = database._run("-m", "benchmarks.bench_cx_map", "measure", timeout=900)
    result = json.loads(out.strip().splitlines()[-1])
    log(
        f"  empathy map: {result['answers']} answers, {result['comments']} comments in 12 months; uncached GETs "
        f"{', '.join(f'{s:.0f}' for s in result['cold_ms'][0])} ms, new patients "
        f"{', '.join(f'{s:.0f}' for s in result['cold_ms'][1])} ms"
    )
    return [
        ("cx_map_page_p95_ms", round(percentile(result["cold_ms"][0], 0.95), 1), "ms"),
        ("cx_map_new_patients_page_p95_ms", round(percentile(result["cold_ms"][1], 0.95), 1), "ms"),
        ("cx_map_page_cached_p95_ms", round(percentile(result["warm_ms"], 0.95), 1), "ms"),
        ("cx_map_page_queries", result["queries"], "queries"),
    ]


def measure() -> None:
    import os
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from cx.models import EmpathyMap, Idea, PatientGroup
    from cx.selectors.patients_said import patients_said
    from demo.practices import DEMO_SLUG, DEMO_STAFF
    from practices.models import Practice, Role

    practice = Practice.objects.get(slug=DEMO_SLUG)
    new_patients, _ = PatientGroup.objects.get_or_create(
        practice=practice, name="Benchmark: new patients", defaults={"visits": PatientGroup.Visits.NEW}
    )
    maps = []
    for group in (None, new_patients):
        the_map = EmpathyMap.objects.filter(practice=practice, touchpoint="self-scheduling", group=group).first()
        if the_map is None:
            the_map = EmpathyMap.objects.create(
                practice=practice, touchpoint="self-scheduling", group=group, thinks="Booking online is quick."
            )
        for i in range(6 - the_map.ideas.count()):
            Idea.objects.create(
                practice=practice, empathy_map=the_map, text=f"Idea {i}", impact=1 + i % 5, effort=5 - i % 5
            )
        maps.append(the_map)
    lead_email = next(email for email, _name, role in DEMO_STAFF if role == Role.EXPERIENCE_LEAD)
    client = Client()
    client.force_login(get_user_model().objects.get(email=lead_email))
    urls = [reverse("cx:map", kwargs={"practice_slug": practice.slug, "pk": m.pk}) for m in maps]

    def timed(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url, secure=True)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, f"GET {url} answered {response.status_code}"
        return elapsed

    queries: list[str] = []

    def count(execute, sql, params, many, context):  # survives the reconnect at each request's start
        queries.append(sql)
        return execute(sql, params, many, context)

    for url in urls:  # warm-up: imports, templates, the redaction's name lists
        timed(url)
    cold: list[list[float]] = [[], []]
    warm = []
    for i in range(REPEATS):
        for which, url in enumerate(urls):
            cache.clear()
            if i == 0 and which == 0:
                with connection.execute_wrapper(count):
                    cold[which].append(timed(url))
            else:
                cold[which].append(timed(url))
            warm.append(timed(url))
    said = patients_said(practice=practice, touchpoint="self-scheduling")
    answers = sum(item.top_box.n for item in said.items)
    print(
        json.dumps(
            {"cold_ms": cold, "warm_ms": warm, "queries": len(queries), "answers": answers, "comments": said.comments}
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        measure()
    else:
        for name, value, unit in run("--quick" in sys.argv):
            print(f"{name}: {value} {unit}")
