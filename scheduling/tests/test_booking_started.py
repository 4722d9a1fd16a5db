"""Anonymous GETs of the booking pages write nothing; the start is recorded on the first POST (issue 11, item 6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journey.models import JourneyEvent
from tests.factories import TUESDAY_10

from .booking_steps import NEW_PATIENT, book_url, details_key, hold_post, post_details

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def _started(practice):
    return list(JourneyEvent.objects.filter(practice=practice, kind="booking.started").order_by("pk"))


def test_it_writes_nothing_when_a_visitor_reads_the_booking_pages(client, practice, online, location):
    steps = [
        book_url(practice),
        book_url(practice, src="widget"),
        book_url(practice, kind="new"),
        book_url(practice, kind="new", vt=online.pk),
        book_url(practice, kind="new", vt=online.pk, loc=location.pk),
        book_url(practice, kind="new", vt=online.pk, loc=location.pk, prov="any"),
        book_url(practice, kind="new", vt=online.pk, loc=location.pk, prov="any", day="2030-01-08"),
    ]
    for url in steps:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert _writes(queries.captured_queries) == [], url
    assert _started(practice) == []


def test_it_records_the_start_once_on_the_first_post_of_the_flow_with_its_source(
    client,
    practice,
    online,
    provider,
    location,
    django_capture_on_commit_callbacks,
):
    page = client.get(book_url(practice, src="widget")).content.decode()
    assert "src=widget" in page  # the source travels with the choices, not in a database row
    times = client.get(
        book_url(practice, kind="new", vt=online.pk, loc=location.pk, prov="any", day="2030-01-08", src="widget")
    ).content.decode()
    assert 'name="src" value="widget"' in times
    response = client.post(
        reverse("scheduling:book_hold", kwargs={"practice_slug": practice.slug}),
        {
            "kind": "new",
            "vt": online.pk,
            "loc": location.pk,
            "prov": "any",
            "day": "2030-01-08",
            "src": "widget",
            "slot": f"{provider.pk}:{location.pk}:{int(TUESDAY_10.timestamp())}",
        },
    )
    assert response.status_code == 302
    (started,) = _started(practice)
    assert started.touchpoint == "booking-widget" and started.data == {"source": "widget"}
    # Choosing another time is the same flow: no second start.
    client.post(reverse("scheduling:book_release", kwargs={"practice_slug": practice.slug}))
    hold_post(client, practice, online, provider, location, TUESDAY_10.replace(hour=17))
    assert len(_started(practice)) == 1
    # The funnel: started -> booked.
    post_details(
        client,
        practice,
        {**NEW_PATIENT, "idempotency_key": details_key(client, practice)},
        django_capture_on_commit_callbacks,
    )
    assert JourneyEvent.objects.filter(practice=practice, kind="appointment.booked").count() == 1
    # A new flow after the booking is a new start.
    hold_post(client, practice, online, provider, location, TUESDAY_10.replace(hour=18))
    assert [e.data for e in _started(practice)] == [{"source": "widget"}, {"source": "direct"}]


@pytest.mark.parametrize("src", ["page", "bogus"])
def test_it_keeps_only_known_sources(client, practice, online, provider, location, src):
    hold_post(client, practice, online, provider, location, TUESDAY_10)
    client.post(reverse("scheduling:book_release", kwargs={"practice_slug": practice.slug}))
    assert len(_started(practice)) == 1
    page = client.get(book_url(practice, src=src)).content.decode()
    assert ("kind=new&amp;src=page" in page) == (src == "page")
    assert "kind=new&amp;src=bogus" not in page
