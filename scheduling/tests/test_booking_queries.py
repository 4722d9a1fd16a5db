"""The SQL queries of one online booking, page by page: a budget a change must not exceed.

The five pages a patient goes through once the day is chosen (the times, the hold, the details form,
"Book this time", the confirmation), as ``benchmarks/bench_booking_http.py`` counts them
(``booking_flow_queries``, ``booking_post_queries``). Counted as a web process runs them with Redis:
the cache (rate-limit counters) is not the database, and the work queued for the worker (sending the
email) is not the request's. Every statement counts, savepoints included (the test's transaction
turns each atomic block into one).
"""

import re
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging.models import Message
from scheduling.models import Appointment
from scheduling.slot_display import slot_value
from tests.factories import TUESDAY_10

from .booking_steps import NEW_PATIENT, book_url

# Today's budget (after issue 19's first cut): a change that adds a query fails here.
PAGE_BUDGETS = {"times": 9, "hold": 22, "details": 8, "book": 34, "done": 6}


@dataclass
class Worker:
    """Stands in for the worker's queue: records the sender's wake-ups instead of sending."""

    woken: list[str] = field(default_factory=list)

    def enqueue(self, *args: object) -> None:
        self.woken.append("send_due_messages")


@pytest.fixture
def counted_flow(
    client, practice, online, provider, location, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Book once through the five pages; each page's queries (after-commit work included)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    worker = Worker()
    monkeypatch.setattr("messaging.tasks.send_due_messages", worker)
    pages: dict[str, int] = {}

    def page(name, send):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            response = send()
        pages[name] = len(queries.captured_queries)
        return response

    details_url = reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug})
    choices = {"kind": "new", "vt": online.pk, "loc": location.pk, "prov": provider.pk, "day": "2030-01-08"}
    page("times", lambda: client.get(book_url(practice, **choices)))
    hold = {**choices, "slot": slot_value(provider.pk, location.pk, TUESDAY_10)}
    response = page("hold", lambda: client.post(reverse("scheduling:book_hold", args=[practice.slug]), hold))
    assert response.status_code == 302
    form = page("details", lambda: client.get(details_url))
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.content.decode()).group(1)
    response = page("book", lambda: client.post(details_url, {**NEW_PATIENT, "idempotency_key": key}))
    assert response.status_code == 302 and "/book/done/" in response["Location"]
    assert page("done", lambda: client.get(response["Location"])).status_code == 200
    # The booking is real, its email's outbox row was written by the request, and the sender woken.
    assert Appointment.objects.filter(practice=practice, start=TUESDAY_10).count() == 1
    assert Message.objects.filter(practice=practice, kind="confirmation").count() == 1
    assert worker.woken == ["send_due_messages"]
    return pages


def test_each_page_of_an_online_booking_stays_within_its_query_budget(counted_flow):
    over = {name: (counted_flow[name], budget) for name, budget in PAGE_BUDGETS.items() if counted_flow[name] > budget}
    assert not over, f"queries over budget (counted, budget): {over}; all pages: {counted_flow}"
