"""Who may use the front-desk pages: strangers get 404 everywhere (also with another practice's ids),
roles that may not get 403, and nothing changes for either."""

from datetime import date

import pytest
from django.urls import reverse

from practices.models import Location, Provider, Role
from scheduling.models import Appointment, AppointmentStatus, BookedVia, BookingRequest, BookingRequestStatus, VisitType
from scheduling.services.booking import book_appointment
from scheduling.services.schedule import offer_visit_type
from tests.factories import NOW, TUESDAY_10, make_weekday_hours


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def world(practice, patient, provider, location, visit_type):
    appointment = book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10,
        booked_via=BookedVia.PHONE,
        now=NOW,
    )
    booking_request = BookingRequest.objects.create(
        practice=practice,
        visit_type=visit_type,
        location=location,
        provider=provider,
        start=TUESDAY_10,
        first_name="Marisol",
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
    )
    return {"patient": patient, "appointment": appointment, "request": booking_request}


# (url name, object kind in the URL, method, data, roles that may)
VIEWERS = {Role.OWNER, Role.FRONT_DESK, Role.CLINICIAN}
EDITORS = {Role.OWNER, Role.FRONT_DESK}
VIEWS = [
    ("fd_patient_appointments", "patient", "get", None, VIEWERS),
    ("fd_book", "patient", "get", None, EDITORS),
    ("fd_book", "patient", "post", {"slot": "x", "book": "1"}, EDITORS),
    ("fd_appointment", "appointment", "get", None, VIEWERS),
    ("fd_appointment_move", "appointment", "get", None, EDITORS),
    ("fd_appointment_move", "appointment", "post", {"slot": "x", "book": "1"}, EDITORS),
    ("fd_appointment_cancel", "appointment", "get", None, EDITORS),
    ("fd_appointment_cancel", "appointment", "post", {"reason": "patient_request"}, EDITORS),
    ("fd_booking_requests", None, "get", None, VIEWERS),
    ("fd_booking_request", "request", "get", None, VIEWERS),
    ("fd_booking_request_book", "request", "post", {"patient": 1}, EDITORS),
    ("fd_booking_request_new_patient", "request", "post", {"first_name": "A"}, EDITORS),
    ("fd_booking_request_close", "request", "post", {}, EDITORS),
]


def _url(name, kind, practice, world) -> str:
    args = [practice.slug] if kind is None else [practice.slug, world[kind].pk]
    return reverse(f"scheduling:{name}", args=args)


def _call(client, method, url, data):
    return client.post(url, data or {}) if method == "post" else client.get(url)


def _unchanged(world) -> None:
    appointment = Appointment.objects.get(pk=world["appointment"].pk)
    assert (appointment.status, appointment.start, appointment.sequence) == (AppointmentStatus.BOOKED, TUESDAY_10, 0)
    assert BookingRequest.objects.get(pk=world["request"].pk).status == BookingRequestStatus.OPEN
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(("name", "kind", "method", "data", "allowed"), VIEWS)
def test_it_answers_404_to_staff_of_another_practice(
    client, practice, other_practice, make_staff, world, name, kind, method, data, allowed
):
    client.force_login(make_staff(other_practice, Role.OWNER))
    response = _call(client, method, _url(name, kind, practice, world), data)
    assert response.status_code == 404
    _unchanged(world)


@pytest.mark.parametrize(("name", "kind", "method", "data", "allowed"), [v for v in VIEWS if v[1] is not None])
def test_it_answers_404_for_another_practices_records_under_ones_own_practice(
    client, practice, other_practice, make_staff, make_patient, world, name, kind, method, data, allowed
):
    """Staff of another practice, under their own practice's slug, with a record id of this practice."""
    user = make_staff(other_practice, Role.OWNER)
    client.force_login(user)
    response = _call(client, method, _url(name, kind, other_practice, world), data)
    assert response.status_code == 404
    _unchanged(world)


@pytest.mark.parametrize(("name", "kind", "method", "data", "allowed"), VIEWS)
def test_it_answers_403_to_roles_that_may_not(client, practice, make_staff, world, name, kind, method, data, allowed):
    for role in set(Role.values) - allowed:
        client.force_login(make_staff(practice, role))
        response = _call(client, method, _url(name, kind, practice, world), data)
        assert response.status_code == 403, role
    _unchanged(world)


# Writes by allowed roles are tested in test_front_desk_booking and test_front_desk_requests.
@pytest.mark.parametrize(("name", "kind", "method", "data", "allowed"), [v for v in VIEWS if v[2] != "post"])
def test_it_lets_the_roles_that_may_in(client, practice, make_staff, world, name, kind, method, data, allowed):
    for role in allowed:
        client.force_login(make_staff(practice, role))
        assert _call(client, method, _url(name, kind, practice, world), data).status_code == 200, role


def test_it_never_books_with_another_practices_visit_type_location_or_provider(
    client, practice, other_practice, front_desk, world
):
    their_location = Location.objects.create(
        practice=other_practice,
        name="Uptown",
        address_line1="1 Main",
        city="Austin",
        region="TX",
        postal_code="78701",
        phone="512",
        timezone="America/Chicago",
    )
    their_provider = Provider.objects.create(practice=other_practice, first_name="Zed", last_name="Other")
    their_visit = VisitType.objects.create(practice=other_practice, name="Check", slug="check", duration_minutes=30)
    offer_visit_type(visit_type=their_visit, providers=[their_provider], locations=[their_location])
    make_weekday_hours(their_provider, their_location)
    client.force_login(front_desk)
    url = reverse("scheduling:fd_book", args=[practice.slug, world["patient"].pk])
    start = int(TUESDAY_10.timestamp()) + 3600
    attempts = [
        {"visit_type": their_visit.pk, "slot": f"{their_provider.pk}.{their_location.pk}.{start}"},
        {
            "visit_type": their_visit.pk,
            "provider": their_provider.pk,
            "location": their_location.pk,
            "day": "2030-01-08",
            "override_time": "19:00",
            "override_reason": "test",
        },
    ]
    for data in attempts:
        response = client.post(url, {"idempotency_key": "a" * 32, "book": "1", **data})
        assert response.status_code == 200
        assert response.context["form"].errors
    _unchanged(world)
    # The booking page's choices hold this practice's records only.
    picker = client.get(url).context["picker"]
    assert their_visit not in picker.fields["visit_type"].queryset
    assert their_provider not in picker.fields["provider"].queryset
    assert their_location not in picker.fields["location"].queryset


def test_a_foreign_idempotency_key_does_not_show_another_patients_appointment(
    client, practice, make_patient, front_desk, world, provider, location, visit_type
):
    """Guessing the key of another booking returns an error, not that booking."""
    Appointment.objects.filter(pk=world["appointment"].pk).update(idempotency_key="b" * 32)
    other = make_patient(practice, date_of_birth=date(1970, 1, 1))
    client.force_login(front_desk)
    response = client.post(
        reverse("scheduling:fd_book", args=[practice.slug, other.pk]),
        {
            "idempotency_key": "b" * 32,
            "book": "1",
            "visit_type": visit_type.pk,
            "day": "2030-01-08",
            "slot": f"{provider.pk}.{location.pk}.{int(TUESDAY_10.timestamp()) + 7200}",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Appointment.objects.filter(patient=other).exists()
