"""Returning patients who book online: confident match books; doubtful and no match look the same."""

from datetime import date

import pytest
from django.urls import reverse

from journey.models import JourneyEvent
from patients import selectors as patient_selectors
from patients.models import Patient
from scheduling.models import Appointment, BookingConfirmation, BookingHold, BookingRequest
from tests.factories import TUESDAY_10

from .booking_steps import details_key, hold_post

DOB = date(1985, 4, 12)


@pytest.fixture
def known(practice, make_patient):
    return make_patient(
        practice, first_name="Anabelle", last_name="Rivera-Gutiérrez", phone="(512) 555-0199", email="Ana@Example.com"
    )


def match(practice, **given):
    fields = {"first_name": "Anabelle", "last_name": "Rivera-Gutiérrez", "date_of_birth": DOB, "phone": "", "email": ""}
    return patient_selectors.match_returning_patient(practice=practice, **{**fields, **given})


def test_it_matches_with_confidence_on_name_birthday_and_phone_or_email(practice, known):
    assert match(practice, phone="512.555.0199").patient == known
    assert match(practice, phone="+1 512 555 0199", last_name="rivera gutierrez").patient == known
    assert match(practice, email=" ana@example.COM", first_name="Ana").patient == known  # same initial
    assert match(practice, email="ana@example.com").kind == patient_selectors.CONFIDENT


def test_it_is_doubtful_when_the_contact_differs_or_several_fit(practice, known, make_patient):
    assert match(practice, phone="(512) 555-0000").kind == patient_selectors.DOUBTFUL
    make_patient(practice, first_name="Anita", last_name="Rivera Gutierrez", phone="(512) 555-0199")
    assert match(practice, phone="5125550199").kind == patient_selectors.DOUBTFUL


def test_it_finds_no_match_for_another_birthday_name_or_practice(practice, other_practice, known):
    assert match(practice, phone="5125550199", date_of_birth=date(1985, 4, 13)).kind == patient_selectors.NO_MATCH
    assert match(practice, phone="5125550199", first_name="Beatriz").kind == patient_selectors.NO_MATCH
    assert match(other_practice, phone="5125550199").kind == patient_selectors.NO_MATCH


def _returning_details(client, practice, visit_type, provider, location, **given):
    hold_post(client, practice, visit_type, provider, location, TUESDAY_10, kind="returning")
    data = {
        "first_name": "Anabelle",
        "last_name": "Rivera-Gutiérrez",
        "date_of_birth": "04/12/1985",
        "phone": "",
        "email": "",
        "idempotency_key": details_key(client, practice),
        **given,
    }
    return client.post(reverse("scheduling:book_details", kwargs={"practice_slug": practice.slug}), data)


def test_it_asks_a_confident_match_to_confirm_by_the_contact_details_on_file(
    client,
    practice,
    online,
    provider,
    location,
    known,
):
    """Booked only when the patient follows the link (scheduling/tests/test_booking_confirm_link.py)."""
    response = _returning_details(client, practice, online, provider, location, phone="512-555-0199")
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:book_requested", kwargs={"practice_slug": practice.slug})
    assert not Appointment.objects.exists()
    assert BookingConfirmation.objects.get().patient == known
    assert not BookingRequest.objects.exists()
    assert Patient.objects.count() == 1


@pytest.mark.parametrize("given", [{"phone": "512-555-0000"}, {"first_name": "Zed", "phone": "512-555-0199"}])
def test_it_answers_doubtful_and_unknown_patients_the_same_way(
    client,
    practice,
    online,
    provider,
    location,
    known,
    given,
):
    response = _returning_details(client, practice, online, provider, location, **given)
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:book_requested", kwargs={"practice_slug": practice.slug})
    page = client.get(response["Location"])
    assert "the front desk will call you" in page.content.decode().lower()
    assert Patient.objects.count() == 1  # never a duplicate from the returning path
    assert not Appointment.objects.exists()
    request = BookingRequest.objects.get()
    assert request.start == TUESDAY_10 and request.last_name == "Rivera-Gutiérrez"
    # The time stays held for the confirm window, as for a matched patient (the two look alike).
    assert BookingHold.objects.get().token == request.hold_token
    event = JourneyEvent.objects.get(kind="booking_request.created")
    assert event.patient is None and event.data == {"channel": "online"}


def test_it_asks_a_returning_patient_for_a_phone_or_an_email(client, practice, online, provider, location):
    response = _returning_details(client, practice, online, provider, location)
    assert "Enter your phone number or your email." in response.content.decode()
    assert not BookingRequest.objects.exists()
