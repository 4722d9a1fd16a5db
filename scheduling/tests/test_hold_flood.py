"""A flood of holds from one address cannot take a day's times away from real patients (issue 11, item 2)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from scheduling.models import Appointment, BookingHold
from scheduling.slot_display import slot_value
from tests.factories import TUESDAY_10

from .booking_steps import NEW_PATIENT, book_url, details_key, hold_post

# Counted limits: no rate-limit window may end halfway through a test (conftest.RateLimitClock).
pytestmark = pytest.mark.usefixtures("ratelimit_clock")

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
PATIENT = {"REMOTE_ADDR": "198.51.100.20"}
SLOT = re.compile(r'name="slot" value="([^"]+)"')


def test_it_keeps_a_day_bookable_through_100_holds_from_one_address(
    practice, online, provider, location, django_capture_on_commit_callbacks
):
    times = [TUESDAY_10 + timedelta(minutes=30 * i) for i in range(-2, 14)]  # 09:00 to 16:30 in Chicago
    answers = []
    for attempt in range(100):
        attacker = Client(**ATTACKER)  # a fresh cookie jar, so a fresh session, every time
        answers.append(hold_post(attacker, practice, online, provider, location, times[attempt % len(times)]))
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(302) <= 20 and 429 in statuses
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert "Too many requests" in refused.content.decode()
    assert "Traceback" not in refused.content.decode()
    # The address never holds more than a few times at once.
    assert BookingHold.objects.filter(practice=practice).count() <= settings.BOOKING_HOLDS_PER_ADDRESS

    patient = Client(**PATIENT)
    page = patient.get(book_url(practice, kind="new", vt=online.pk, loc=location.pk, prov="any", day="2030-01-08"))
    offered = SLOT.findall(page.content.decode())
    assert len(offered) >= len(times) - settings.BOOKING_HOLDS_PER_ADDRESS
    assert offered[0] in {slot_value(provider.pk, location.pk, start) for start in times}
    response = patient.post(
        reverse("scheduling:book_hold", kwargs={"practice_slug": practice.slug}),
        {"kind": "new", "vt": online.pk, "loc": location.pk, "prov": "any", "day": "2030-01-08", "slot": offered[0]},
    )
    assert response.status_code == 302
    key = details_key(patient, practice)
    with django_capture_on_commit_callbacks(execute=True):
        booked = patient.post(
            reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}),
            {**NEW_PATIENT, "idempotency_key": key},
        )
    assert booked.status_code == 302
    assert "/book/done/" in booked["Location"]
    assert Appointment.objects.filter(practice=practice, patient__last_name="Lopez").count() == 1


def test_it_replaces_the_oldest_hold_of_an_address_past_the_limit(practice, online, provider, location):
    times = [TUESDAY_10 + timedelta(minutes=30 * i) for i in range(settings.BOOKING_HOLDS_PER_ADDRESS + 1)]
    for start in times:
        assert hold_post(Client(**ATTACKER), practice, online, provider, location, start).status_code == 302
    held = set(BookingHold.objects.filter(practice=practice).values_list("start", flat=True))
    assert held == set(times[1:])


def test_a_new_hold_from_the_same_session_replaces_its_previous_one(client, practice, online, provider, location):
    for start in (TUESDAY_10, TUESDAY_10 + timedelta(minutes=30)):
        assert hold_post(client, practice, online, provider, location, start).status_code == 302
    assert list(BookingHold.objects.values_list("start", flat=True)) == [TUESDAY_10 + timedelta(minutes=30)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_says_too_many_requests_kindly_in_the_patients_language(practice, online, provider, location, language):
    client = Client(**ATTACKER, HTTP_ACCEPT_LANGUAGE=language)
    rate = int(settings.BOOKING_HOLD_RATE.split("/")[0])
    for _ in range(rate):
        hold_post(client, practice, online, provider, location, TUESDAY_10)
    refused = hold_post(client, practice, online, provider, location, TUESDAY_10)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert f'<html lang="{language}">' in html
    expected = "Too many requests" if language == "en" else "Demasiadas solicitudes"
    assert expected in html
