"""Measurements that need Django, run in a subprocess against one seeded demo database.

``python -m benchmarks.measure shape|search|page [--repeats N]`` with DATABASE_URL (and the rest
of the environment) set by ``benchmarks/demo_db.py``; prints one JSON object.
"""

import argparse
import json
import os
import statistics
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from practices.models import Practice

MISS = "zzq"  # a typo that matches nobody


def realistic_searches(practice: "Practice") -> list[str]:
    """What the front desk types, taken from the seeded data so every search but the typo has hits:
    the plain list (no query), the commonest surname, the start of the commonest first name, a
    patient's full name, the start of an email, a phone fragment, and a typo."""
    from django.db.models import Count

    patients = practice.patients.all()
    surname = patients.values("last_name").annotate(n=Count("id")).order_by("-n", "last_name")[0]["last_name"]
    first = patients.values("first_name").annotate(n=Count("id")).order_by("-n", "first_name")[0]["first_name"]
    someone = patients.exclude(email="").order_by("pk")[patients.count() // 2]
    return [
        "",
        surname.lower(),
        first[:3].lower(),
        f"{someone.first_name} {someone.last_name}",
        someone.email[:6],
        "555-12",
        MISS,
    ]


def _demo_practice():
    from demo.practices import DEMO_SLUG
    from practices.models import Practice

    return Practice.objects.get(slug=DEMO_SLUG)


def shape(repeats: int) -> dict:
    from journey.models import JourneyEvent

    practice = _demo_practice()
    return {
        "locations": practice.locations.count(),
        "providers": practice.providers.count(),
        "patients": practice.patients.count(),
        "registered": JourneyEvent.objects.filter(practice=practice, kind="patient.registered").count(),
    }


def search(repeats: int) -> dict:
    """Median time to get the first page of 25 results (count and rows), as the patient list does."""
    from django.core.paginator import Paginator

    from patients.selectors import search_patients

    practice = _demo_practice()
    samples, hits = [], {}
    for query in realistic_searches(practice):
        for attempt in range(repeats + 1):  # the first run warms caches and is not counted
            started = time.perf_counter()
            page = Paginator(search_patients(practice=practice, query=query), 25).get_page(1)
            rows = list(page.object_list)
            elapsed = time.perf_counter() - started
            if attempt:
                samples.append(elapsed)
        hits[query] = page.paginator.count
        assert rows or query == MISS, f"the search {query!r} found nobody in the demo"
    return {"median_ms": statistics.median(samples) * 1000, "samples": len(samples), "hits": hits}


def page(repeats: int) -> dict:
    """Median time of a GET of a patient's staff page, signed in as the demo owner."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from demo.practices import DEMO_STAFF

    practice = _demo_practice()
    client = Client()
    client.force_login(get_user_model().objects.get(email=DEMO_STAFF[0][0]))
    ids = list(practice.patients.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // (repeats + 3))
    chosen = ids[::step][: repeats + 3]
    samples = []
    for n, pk in enumerate(chosen):
        url = reverse("patients:staff_detail", args=[practice.slug, pk])
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, f"GET {url} answered {response.status_code}"
        if n >= 3:  # three warm-up requests
            samples.append(elapsed)
    return {"median_ms": statistics.median(samples) * 1000, "samples": len(samples)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["shape", "search", "page"])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    result = {"shape": shape, "search": search, "page": page}[args.what](args.repeats)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
