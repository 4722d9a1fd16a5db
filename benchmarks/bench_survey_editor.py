"""survey_editor_ms, survey_editor_post_ms, survey_editor_queries: the staff survey editor
(`GET /staff/<slug>/feedback/surveys/<id>/`) on the demo (the large one; the medium one with --quick).

Signed in as the demo owner, the editor page of the practice's survey with the most answers (the
post-visit survey, with every version's question, completed-response and answer counts) is fetched
through Django's test client, production settings, on the run's seeded SQLite demo database; the
figure is the median of a few GETs after one warm-up. ``survey_editor_post_ms`` is the median of an
empty POST (refused with 400, the page drawn again), ``survey_editor_queries`` the SQL queries of one GET,
``survey_editor_cpu_ms`` the mean CPU time of the GETs in this process (SQLite runs in it too): the
figure to compare on a busy machine.

    python -m benchmarks.bench_survey_editor [--quick]      (also run by `make bench`)
    python -m benchmarks.bench_survey_editor measure        (internal: runs inside the bench's environment)
"""

import json
import sys

from .demo_db import log, seeded

ORDER = 66
REPEATS = 10


def run(quick: bool) -> list[tuple[str, float, str]]:
    database = seeded("sqlite", quick)
    out = database._run("-m", "benchmarks.bench_survey_editor", "measure", timeout=600)
    result = json.loads(out.strip().splitlines()[-1])
    log(
        f"  survey editor: survey #{result['survey']} with {result['versions']} versions, {result['answers']} answers,"
        f" {result['responses']} responses; GET samples {', '.join(f'{s:.1f}' for s in result['get_ms'])} ms"
    )
    return [
        ("survey_editor_ms", round(result["get_median_ms"], 2), "ms"),
        ("survey_editor_cpu_ms", round(result["cpu_ms"], 2), "ms"),
        ("survey_editor_post_ms", round(result["post_median_ms"], 2), "ms"),
        ("survey_editor_queries", result["queries"], "queries"),
    ]


def measure() -> None:
    import os
    import statistics
    import time

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from demo.practices import DEMO_SLUG, DEMO_STAFF
    from feedback.models import Answer, Response, Survey
    from practices.models import Practice

    practice = Practice.objects.get(slug=DEMO_SLUG)
    survey = (
        Survey.objects.filter(practice=practice).annotate(n=Count("versions__responses")).order_by("-n", "pk").first()
    )
    if survey is None:
        raise AssertionError("the demo practice has no survey")
    client = Client()
    client.force_login(get_user_model().objects.get(email=DEMO_STAFF[0][0]))
    url = reverse("feedback:survey_edit", kwargs={"practice_slug": practice.slug, "pk": survey.pk})

    def timed(method: str, expected: int) -> float:
        started = time.perf_counter()
        response = getattr(client, method)(url, secure=True)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == expected, f"{method.upper()} {url} answered {response.status_code}"
        return elapsed

    queries = []

    def count(execute, sql, params, many, context):  # survives the reconnect at each request's start
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # also the warm-up
        timed("get", 200)
    cpu_started = time.process_time()
    get_ms = [timed("get", 200) for _ in range(REPEATS)]
    cpu_ms = (time.process_time() - cpu_started) * 1000 / REPEATS
    post_ms = [timed("post", 400) for _ in range(REPEATS)]
    print(
        json.dumps(
            {
                "survey": survey.pk,
                "versions": survey.versions.count(),
                "responses": Response.objects.filter(version__survey=survey).count(),
                "answers": Answer.objects.filter(question__version__survey=survey).count(),
                "queries": len(queries),
                "get_ms": get_ms,
                "get_median_ms": statistics.median(get_ms),
                "post_median_ms": statistics.median(post_ms),
                "cpu_ms": cpu_ms,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        measure()
    else:
        for figure in run("--quick" in sys.argv):
            print("{}: {} {}".format(*figure), flush=True)
