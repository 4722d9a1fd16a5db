"""A visit type for established patients only ("Follow-up") is never offered to a new patient: not online
(the patient said they are new) and not at the front desk (the patient has had no visit yet)."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from scheduling.models import Appointment, BookedVia, PatientKind, VisitType
from scheduling.selectors import booking as booking_selectors
from scheduling.services import booking as booking_services
from scheduling.services import schedule as schedule_services
from tests.factories import NOW, TUESDAY_10

TUESDAY = "2030-01-08"


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def follow_up(practice, provider, location, visit_type):
    follow_up = VisitType.objects.create(
        practice=practice, name="Follow-up", slug="follow-up", duration_minutes=15, patient_kind=PatientKind.RETURNING
    )
    schedule_services.offer_visit_type(visit_type=follow_up, providers=[provider], locations=[location])
    return follow_up


def _had_a_visit(patient, provider, location, visit_type):
    booking_services.book_appointment(
        practice=patient.practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10 - timedelta(days=1),
        booked_via=BookedVia.PHONE,
        now=NOW - timedelta(days=7),
    )


def test_online_a_new_patient_is_not_offered_a_follow_up(client, practice, follow_up):
    base = reverse("scheduling:book", kwargs={"practice_slug": practice.slug})
    assert "Follow-up" not in client.get(f"{base}?kind=new").content.decode()
    assert "Follow-up" in client.get(f"{base}?kind=returning").content.decode()


def test_the_front_desk_offers_a_follow_up_only_to_a_patient_who_has_had_a_visit(
    client, front_desk, practice, patient, provider, location, visit_type, follow_up
):
    client.force_login(front_desk)
    url = reverse("scheduling:fd_book", args=[practice.slug, patient.pk])
    page = client.get(url)
    assert "Follow-up" not in page.content.decode()
    assert "Full-body skin check" in page.content.decode()
    assert "open to new patients" in page.content.decode()  # the desk is told why
    # A forged choice is refused too, and nothing is booked.
    start = TUESDAY_10 + timedelta(hours=2)
    slot = f"{provider.pk}.{location.pk}.{int(start.timestamp())}"
    data = {"idempotency_key": uuid.uuid4().hex, "day": TUESDAY, "book": "1", "visit_type": follow_up.pk, "slot": slot}
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Appointment.objects.filter(visit_type=follow_up).exists()
    with pytest.raises(booking_services.BookingRefused):
        booking_services.book_appointment(
            practice=practice,
            patient=patient,
            provider=provider,
            location=location,
            visit_type=follow_up,
            start=start,
            booked_via=BookedVia.PHONE,
            patient_kind=booking_selectors.patient_kind_of(practice, patient),
            now=NOW,
        )

    _had_a_visit(patient, provider, location, visit_type)
    assert "Follow-up" in client.get(url).content.decode()
    response = client.post(url, {**data, "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 302
    assert Appointment.objects.filter(visit_type=follow_up, patient=patient).exists()


def test_the_waitlist_offers_a_follow_up_only_to_a_patient_who_has_had_a_visit(
    client, practice, patient, provider, location, visit_type, follow_up
):
    # An offer is booked online, which refuses a follow-up for a new patient: never let them wait for one.
    session = client.session
    session["patient_id"], session["patient_practice_id"] = patient.pk, practice.pk
    session.save()
    url = reverse("scheduling:waitlist_join", args=[practice.slug])
    page = client.get(url).content.decode()
    assert "Full-body skin check" in page and "Follow-up" not in page
    response = client.post(url, {"visit_type": follow_up.pk, "day_parts": ["morning"], "latest_day": "2030-02-01"})
    assert response.status_code == 200 and not patient.waitlist_entries.exists()
    _had_a_visit(patient, provider, location, visit_type)
    assert "Follow-up" in client.get(url).content.decode()
