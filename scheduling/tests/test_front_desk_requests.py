"""The booking-request queue: find the patient record (or add one) and book, or close; the dashboard count."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import Action, AuditEntry
from patients.models import Patient
from practices.models import Location, Role
from scheduling.models import Appointment, BookedVia, BookingRequest, BookingRequestStatus, VisitType
from scheduling.services.booking import book_appointment
from tests.factories import NOW, TUESDAY_10


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def desk(client, front_desk):
    client.force_login(front_desk)
    return client


@pytest.fixture
def make_request(practice, location, visit_type):
    def make(**fields) -> BookingRequest:
        values = {
            "practice": practice,
            "visit_type": visit_type,
            "location": location,
            "start": TUESDAY_10,
            "first_name": "Marisol",
            "last_name": "Ortega",
            "date_of_birth": date(1990, 3, 4),
            "phone": "512-555-0133",
            "email": "marisol@example.com",
            **fields,
        }
        return BookingRequest.objects.create(**values)

    return make


@pytest.fixture
def booking_request(make_request, provider):
    return make_request(provider=provider)


def url(name, practice, booking_request=None) -> str:
    args = [practice.slug] if booking_request is None else [practice.slug, booking_request.pk]
    return reverse(f"scheduling:{name}", args=args)


def test_it_lists_open_requests_and_audits_the_view(desk, practice, other_practice, make_request, front_desk):
    waiting = make_request()
    make_request(status=BookingRequestStatus.CLOSED)
    response = desk.get(url("fd_booking_requests", practice))
    assert response.status_code == 200
    assert response.context["booking_requests"] == [waiting]
    assert AuditEntry.objects.filter(
        action=Action.VIEW, object_type="scheduling.bookingrequest", actor_user=front_desk
    ).exists()


def test_it_finds_candidate_records_by_name_and_birth_date_phone_and_email(
    desk, practice, other_practice, make_patient, booking_request
):
    by_name = make_patient(practice, last_name="ORTEGA", date_of_birth=date(1990, 3, 4), phone="", email="")
    accented = make_patient(practice, last_name="Ortéga", date_of_birth=date(1990, 3, 4), phone="", email="")
    by_phone = make_patient(practice, last_name="Smith", phone="+1 (512) 555 0133", email="")
    by_email = make_patient(practice, last_name="Jones", phone="", email="MARISOL@example.com")
    make_patient(practice, last_name="Ortega", date_of_birth=date(1991, 3, 4), phone="512-555-9999", email="")
    make_patient(other_practice, last_name="Ortega", date_of_birth=date(1990, 3, 4), email="marisol@example.com")

    response = desk.get(url("fd_booking_request", practice, booking_request))
    assert response.status_code == 200
    found = {c.patient: c.reasons for c in response.context["candidates"]}
    assert found == {
        by_name: ["name_and_birth_date"],
        accented: ["name_and_birth_date"],
        by_phone: ["phone"],
        by_email: ["email"],
    }
    assert AuditEntry.objects.filter(
        action=Action.VIEW, object_type="scheduling.bookingrequest", object_id=str(booking_request.pk)
    ).exists()


def test_it_books_the_request_for_an_existing_patient(desk, practice, make_patient, booking_request, provider):
    patient = make_patient(practice, last_name="Ortega", date_of_birth=date(1990, 3, 4))
    response = desk.post(url("fd_booking_request_book", practice, booking_request), {"patient": patient.pk})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.patient, appointment.provider, appointment.start) == (patient, provider, TUESDAY_10)
    assert appointment.booked_via == BookedVia.PHONE
    booking_request.refresh_from_db()
    assert booking_request.status == BookingRequestStatus.BOOKED
    assert booking_request.appointment == appointment
    assert booking_request.resolved_at == NOW
    assert AuditEntry.objects.filter(
        action=Action.UPDATE, object_type="scheduling.bookingrequest", summary="booking request booked"
    ).exists()

    again = desk.post(url("fd_booking_request_book", practice, booking_request), {"patient": patient.pk}, follow=True)
    assert "already been dealt with" in again.content.decode()
    assert Appointment.objects.count() == 1


def test_it_books_the_first_available_provider_when_none_was_asked_for(
    desk, practice, make_patient, make_request, make_provider, provider, location, visit_type
):
    other = make_provider()
    # The first provider (lowest id) is busy then; the request goes to the other.
    book_appointment(
        practice=practice,
        patient=make_patient(practice),
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10,
        booked_via=BookedVia.PHONE,
        now=NOW,
    )
    booking_request = make_request()
    patient = make_patient(practice, last_name="Ortega", date_of_birth=date(1990, 3, 4))
    response = desk.post(url("fd_booking_request_book", practice, booking_request), {"patient": patient.pk})
    assert response.status_code == 302
    assert Appointment.objects.get(patient=patient).provider == other


def test_it_keeps_the_request_open_and_offers_alternatives_when_the_time_is_taken(
    desk, practice, make_patient, booking_request, provider, location, visit_type
):
    book_appointment(
        practice=practice,
        patient=make_patient(practice),
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10,
        booked_via=BookedVia.PHONE,
        now=NOW,
    )
    patient = make_patient(practice, last_name="Ortega", date_of_birth=date(1990, 3, 4))
    page = desk.get(url("fd_booking_request", practice, booking_request))
    assert page.context["requested_open"] is False
    alternative = page.context["alternatives"][0]["value"]

    response = desk.post(url("fd_booking_request_book", practice, booking_request), {"patient": patient.pk})
    assert response.status_code == 200
    assert response.context["taken"] is True
    assert "still open" in response.content.decode()
    booking_request.refresh_from_db()
    assert booking_request.status == BookingRequestStatus.OPEN
    assert not Appointment.objects.filter(patient=patient).exists()

    chosen = desk.post(
        url("fd_booking_request_book", practice, booking_request), {"patient": patient.pk, "slot": alternative}
    )
    assert chosen.status_code == 302
    booking_request.refresh_from_db()
    assert booking_request.status == BookingRequestStatus.BOOKED
    assert booking_request.appointment.start != TUESDAY_10


NEW_PATIENT = {
    "first_name": "Marisol",
    "last_name": "Ortega",
    "date_of_birth": "1990-03-04",
    "phone": "512-555-0133",
    "email": "marisol@example.com",
    "preferred_language": "es",
}


def test_it_creates_a_new_patient_and_books(desk, practice, booking_request, front_desk):
    response = desk.post(url("fd_booking_request_new_patient", practice, booking_request), NEW_PATIENT)
    assert response.status_code == 302
    patient = Patient.objects.get()
    assert (patient.practice, patient.last_name, patient.preferred_language) == (practice, "Ortega", "es")
    appointment = Appointment.objects.get()
    assert appointment.patient == patient
    booking_request.refresh_from_db()
    assert (booking_request.status, booking_request.appointment) == (BookingRequestStatus.BOOKED, appointment)
    assert AuditEntry.objects.filter(
        action=Action.CREATE, object_type="patients.patient", actor_user=front_desk
    ).exists()


def test_a_failed_booking_leaves_no_new_patient(
    desk, practice, make_patient, booking_request, provider, location, visit_type
):
    someone = make_patient(practice)
    book_appointment(
        practice=practice,
        patient=someone,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10 - timedelta(minutes=15),
        booked_via=BookedVia.PHONE,
        now=NOW,
    )
    audit_before = AuditEntry.objects.count()
    response = desk.post(url("fd_booking_request_new_patient", practice, booking_request), NEW_PATIENT)
    assert response.status_code == 200
    assert response.context["taken"] is True
    assert list(Patient.objects.all()) == [someone]
    assert Appointment.objects.count() == 1
    booking_request.refresh_from_db()
    assert (booking_request.status, booking_request.appointment, booking_request.resolved_at) == (
        BookingRequestStatus.OPEN,
        None,
        None,
    )
    # Only the view of the request page was added to the audit log: no patient, no booking.
    added = AuditEntry.objects.order_by("id")[audit_before:]
    assert [e.action for e in added] == [Action.VIEW]


def test_it_refuses_bad_new_patient_details(desk, practice, booking_request):
    response = desk.post(
        url("fd_booking_request_new_patient", practice, booking_request), {**NEW_PATIENT, "date_of_birth": "2999-01-01"}
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Patient.objects.exists() and not Appointment.objects.exists()


def test_it_closes_a_request_without_booking(desk, practice, booking_request):
    response = desk.post(url("fd_booking_request_close", practice, booking_request))
    assert response.status_code == 302
    booking_request.refresh_from_db()
    assert booking_request.status == BookingRequestStatus.CLOSED
    assert booking_request.resolved_at == NOW
    assert not Appointment.objects.exists()
    assert AuditEntry.objects.filter(action=Action.UPDATE, object_type="scheduling.bookingrequest").exists()


def test_it_only_books_for_one_of_the_candidate_records(desk, practice, other_practice, make_patient, booking_request):
    unrelated = make_patient(practice, last_name="Nobody", phone="", email="")
    foreign = make_patient(other_practice, last_name="Ortega", date_of_birth=date(1990, 3, 4))
    for patient_id in (unrelated.pk, foreign.pk, "abc", 10**12):
        response = desk.post(url("fd_booking_request_book", practice, booking_request), {"patient": patient_id})
        assert response.status_code == 200, patient_id
        assert response.context["patient_form"].errors["patient"], patient_id
    assert not Appointment.objects.exists()
    booking_request.refresh_from_db()
    assert booking_request.status == BookingRequestStatus.OPEN


def test_the_dashboard_links_to_the_waiting_requests(client, practice, other_practice, make_request, make_staff):
    make_request()
    make_request()
    make_request(status=BookingRequestStatus.CLOSED)
    elsewhere = Location.objects.create(
        practice=other_practice,
        name="Uptown",
        address_line1="1 Main",
        city="Austin",
        region="TX",
        postal_code="78701",
        phone="512",
        timezone="America/Chicago",
    )
    their_visit = VisitType.objects.create(practice=other_practice, name="Check", slug="check", duration_minutes=20)
    make_request(practice=other_practice, location=elsewhere, visit_type=their_visit)

    client.force_login(make_staff(practice, Role.FRONT_DESK))
    html = client.get(reverse("practices:dashboard", args=[practice.slug])).content.decode()
    assert "Booking requests waiting: 2" in html
    assert url("fd_booking_requests", practice) in html

    client.force_login(make_staff(practice, Role.BILLING))
    html = client.get(reverse("practices:dashboard", args=[practice.slug])).content.decode()
    assert "Booking requests waiting" not in html
