"""Front desk: book by phone (inside the rules or with an override), move, cancel, the appointment page
and the patient page's appointments section."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from audit.models import Action, AuditEntry
from practices.models import Role
from scheduling.models import Appointment, AppointmentStatus, BookedVia, VisitType
from scheduling.services.booking import book_appointment
from scheduling.services.schedule import offer_visit_type
from tests.factories import NOW, TUESDAY_10, make_weekday_hours

TUESDAY = "2030-01-08"
# Tuesday 8 January 2030, 19:00 in Chicago: after the provider's hours (09:00-17:00).
TUESDAY_19 = datetime(2030, 1, 9, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    """Every ``timezone.now()`` is Monday 7 January 2030, 09:00 in Chicago."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def desk(client, front_desk):
    client.force_login(front_desk)
    return client


def slot(provider, location, start) -> str:
    return f"{provider.pk}.{location.pk}.{int(start.timestamp())}"


def book_url(practice, patient) -> str:
    return reverse("scheduling:fd_book", args=[practice.slug, patient.pk])


def post_book(client, practice, patient, **fields):
    data = {"idempotency_key": uuid.uuid4().hex, "day": TUESDAY, "book": "1", **fields}
    return client.post(book_url(practice, patient), data)


def _book_directly(practice, patient, provider, location, visit_type, start=TUESDAY_10):
    return book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        booked_via=BookedVia.PHONE,
        now=NOW,
    )


def _audit_for(appointment):
    return AuditEntry.objects.filter(object_type="scheduling.appointment", object_id=str(appointment.pk))


# --- booking --------------------------------------------------------------------------------------


def test_it_offers_the_open_times_of_a_day(desk, practice, patient, provider, location, visit_type):
    first = desk.get(book_url(practice, patient))
    assert first.context["times"] == {"ready": False}
    # The choices travel in the POST body: the visit type never lands in a URL (logs, browser history).
    assert 'method="post"' in first.content.decode() and "hx-get" not in first.content.decode()
    response = desk.post(book_url(practice, patient), {"visit_type": visit_type.pk, "day": TUESDAY, "show": "1"})
    assert response.status_code == 200
    assert not Appointment.objects.exists()
    values = [s["value"] for s in response.context["times"]["slots"]]
    assert slot(provider, location, TUESDAY_10) in values
    assert len(values) == 31  # 09:00 to 16:30 (the last 30-minute visit), every 15 minutes
    assert response.context["form"]["idempotency_key"].value()

    partial = desk.post(book_url(practice, patient), {"visit_type": visit_type.pk}, HTTP_HX_REQUEST="true")
    assert [t.name for t in partial.templates][0] == "scheduling/front_desk/_times.html"
    # Without a day: the first open times from now (Monday 09:00 is "now", so 09:00 itself counts).
    assert partial.context["times"]["slots"][0]["start"] == NOW


def test_it_books_an_open_time_by_phone(desk, practice, patient, provider, location, visit_type, front_desk):
    response = post_book(desk, practice, patient, visit_type=visit_type.pk, slot=slot(provider, location, TUESDAY_10))
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("scheduling:fd_appointment", args=[practice.slug, appointment.pk])
    assert (appointment.patient, appointment.provider, appointment.start) == (patient, provider, TUESDAY_10)
    assert appointment.booked_via == BookedVia.PHONE
    entry = _audit_for(appointment).get(action=Action.CREATE)
    assert entry.actor_user == front_desk
    assert "outside the rules" not in entry.summary


def test_it_books_a_phone_only_visit_type(desk, practice, patient, provider, location):
    phone_only = VisitType.objects.create(
        practice=practice, name="Mole removal", slug="mole-removal", duration_minutes=30, bookable_online=False
    )
    offer_visit_type(visit_type=phone_only, providers=[provider], locations=[location])
    make_weekday_hours(provider, location)
    page = desk.get(book_url(practice, patient))
    assert phone_only in page.context["picker"].fields["visit_type"].queryset

    response = post_book(desk, practice, patient, visit_type=phone_only.pk, slot=slot(provider, location, TUESDAY_10))
    assert response.status_code == 302
    assert Appointment.objects.get().visit_type == phone_only


def test_it_books_outside_hours_with_a_reason_and_audits_it(desk, practice, patient, provider, location, visit_type):
    response = post_book(
        desk,
        practice,
        patient,
        visit_type=visit_type.pk,
        location=location.pk,
        provider=provider.pk,
        override_time="19:00",
        override_reason="Approved by Dr Cole",
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.start == TUESDAY_19
    entry = _audit_for(appointment).get(action=Action.CREATE)
    assert "outside the rules" in entry.summary
    assert "Approved by Dr Cole" in entry.summary


def test_it_refuses_an_override_over_another_appointment(
    desk, practice, patient, make_patient, provider, location, visit_type
):
    existing = _book_directly(practice, make_patient(practice), provider, location, visit_type)
    response = post_book(
        desk,
        practice,
        patient,
        visit_type=visit_type.pk,
        location=location.pk,
        provider=provider.pk,
        override_time="10:15",
        override_reason="Squeeze in",
    )
    assert response.status_code == 200
    assert response.context["taken"] is True
    assert "That time is no longer available" in response.content.decode()
    assert list(Appointment.objects.all()) == [existing]


def test_it_refuses_an_override_without_a_reason(desk, practice, patient, provider, location, visit_type):
    response = post_book(
        desk,
        practice,
        patient,
        visit_type=visit_type.pk,
        location=location.pk,
        provider=provider.pk,
        override_time="19:00",
        override_reason="   ",
    )
    assert response.status_code == 200
    assert "Give a short reason for booking outside the rules" in response.content.decode()
    assert not Appointment.objects.exists()


def test_it_refuses_an_override_reason_that_is_too_long(desk, practice, patient, provider, location, visit_type):
    response = post_book(
        desk,
        practice,
        patient,
        visit_type=visit_type.pk,
        location=location.pk,
        provider=provider.pk,
        override_time="19:00",
        override_reason="x" * 161,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["override_reason"]
    assert not Appointment.objects.exists()


def test_it_needs_a_provider_to_book_outside_the_rules(desk, practice, patient, location, visit_type):
    response = post_book(
        desk,
        practice,
        patient,
        visit_type=visit_type.pk,
        location=location.pk,
        override_time="19:00",
        override_reason="Approved",
    )
    assert response.status_code == 200
    assert "first choose a day, a location and a provider" in response.content.decode()
    assert not Appointment.objects.exists()


def test_it_books_once_on_a_double_submit(desk, practice, patient, provider, location, visit_type):
    data = {
        "idempotency_key": uuid.uuid4().hex,
        "day": TUESDAY,
        "visit_type": visit_type.pk,
        "slot": slot(provider, location, TUESDAY_10),
        "book": "1",
    }
    first = desk.post(book_url(practice, patient), data)
    second = desk.post(book_url(practice, patient), data)
    assert Appointment.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert _audit_for(Appointment.objects.get()).filter(action=Action.CREATE).count() == 1


def test_it_shows_alternatives_when_the_time_is_taken(
    desk, practice, patient, make_patient, provider, location, visit_type
):
    _book_directly(practice, make_patient(practice), provider, location, visit_type)
    response = post_book(desk, practice, patient, visit_type=visit_type.pk, slot=slot(provider, location, TUESDAY_10))
    assert response.status_code == 200
    assert response.context["taken"] is True
    alternatives = [a["start"] for a in response.context["alternatives"]]
    assert alternatives and TUESDAY_10 not in alternatives
    assert TUESDAY_10 + timedelta(minutes=30) in alternatives
    assert Appointment.objects.filter(patient=patient).count() == 0


def test_it_refuses_a_made_up_time_and_another_practices_provider(
    desk, practice, other_practice, patient, provider, location, visit_type
):
    from practices.models import Provider

    stranger = Provider.objects.create(practice=other_practice, first_name="Zed", last_name="Other")
    for bad in ("nonsense", slot(stranger, location, TUESDAY_10), f"{provider.pk}.{location.pk}.99999999999"):
        response = post_book(desk, practice, patient, visit_type=visit_type.pk, slot=bad)
        assert response.status_code == 200, bad
        assert not Appointment.objects.exists(), bad
    # A time inside the hours but off the grid (10:07) is not bookable without an override.
    response = post_book(
        desk,
        practice,
        patient,
        visit_type=visit_type.pk,
        slot=slot(provider, location, TUESDAY_10 + timedelta(minutes=7)),
    )
    assert response.context["taken"] is True
    assert not Appointment.objects.exists()


# --- moving and cancelling ------------------------------------------------------------------------


@pytest.fixture
def appointment(practice, patient, provider, location, visit_type):
    return _book_directly(practice, patient, provider, location, visit_type)


def test_it_moves_an_appointment(desk, practice, appointment, provider, location, front_desk):
    url = reverse("scheduling:fd_appointment_move", args=[practice.slug, appointment.pk])
    assert desk.get(url).context["picker"].data["provider"] == str(provider.pk)
    page = desk.post(url, {"provider": provider.pk, "location": location.pk, "go_day": TUESDAY})
    assert page.context["times"]["day"].isoformat() == TUESDAY
    # The appointment does not block its own neighbourhood: 10:00 itself is offered again.
    assert slot(provider, location, TUESDAY_10) in [s["value"] for s in page.context["times"]["slots"]]
    later = TUESDAY_10 + timedelta(hours=2)
    data = {"idempotency_key": uuid.uuid4().hex, "day": TUESDAY, "slot": slot(provider, location, later), "book": "1"}
    response = desk.post(url, data)
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == later
    assert appointment.sequence == 1
    entry = _audit_for(appointment).get(action=Action.UPDATE)
    assert entry.actor_user == front_desk and entry.summary == "rescheduled"
    # The same form again changes nothing.
    desk.post(url, data)
    appointment.refresh_from_db()
    assert appointment.sequence == 1


def test_it_moves_outside_the_rules_with_a_reason(desk, practice, appointment, provider, location):
    url = reverse("scheduling:fd_appointment_move", args=[practice.slug, appointment.pk])
    data = {
        "idempotency_key": uuid.uuid4().hex,
        "day": TUESDAY,
        "provider": provider.pk,
        "location": location.pk,
        "override_time": "19:00",
        "override_reason": "Evening clinic agreed",
        "book": "1",
    }
    assert desk.post(url, data).status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == TUESDAY_19
    assert "Evening clinic agreed" in _audit_for(appointment).get(action=Action.UPDATE).summary


def test_it_cancels_with_a_reason_code(desk, practice, appointment):
    url = reverse("scheduling:fd_appointment_cancel", args=[practice.slug, appointment.pk])
    assert desk.get(url).status_code == 200
    bad = desk.post(url, {"reason": "the rash is better"})
    assert bad.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED

    response = desk.post(url, {"reason": "patient_request"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancellation_reason) == (AppointmentStatus.CANCELLED, "patient_request")
    # Cancelling again (a double submit) is a clear message, not an error page.
    again = desk.post(url, {"reason": "patient_request"}, follow=True)
    assert again.status_code == 200
    assert "cannot be cancelled" in again.content.decode()


def test_it_shows_an_appointment_with_its_history_and_audits_the_view(client, practice, appointment, make_staff):
    clinician = make_staff(practice, Role.CLINICIAN)
    client.force_login(clinician)
    response = client.get(reverse("scheduling:fd_appointment", args=[practice.slug, appointment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Booked (Phone)" in html
    assert reverse("scheduling:fd_appointment_move", args=[practice.slug, appointment.pk]) not in html
    view = _audit_for(appointment).get(action=Action.VIEW)
    assert view.actor_user == clinician and view.patient == appointment.patient


def test_it_lists_a_patients_appointments_on_the_patient_page(
    desk, practice, patient, appointment, provider, location, visit_type
):
    past = Appointment.objects.create(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=NOW - timedelta(days=30),
        end=NOW - timedelta(days=30) + timedelta(minutes=30),
        blocked_start=NOW - timedelta(days=30),
        blocked_end=NOW - timedelta(days=30) + timedelta(minutes=30),
        status=AppointmentStatus.FULFILLED,
        booked_via=BookedVia.PHONE,
    )
    detail = desk.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk])).content.decode()
    section = reverse("scheduling:fd_patient_appointments", args=[practice.slug, patient.pk])
    assert f'hx-get="{section}"' in detail
    assert reverse("scheduling:fd_book", args=[practice.slug, patient.pk]) in detail

    fragment = desk.get(section, HTTP_HX_REQUEST="true")
    assert [t.name for t in fragment.templates][0] == "scheduling/front_desk/_patient_appointments.html"
    assert fragment.context["upcoming"] == [appointment]
    assert fragment.context["past"] == [past]
    assert reverse("scheduling:fd_appointment_move", args=[practice.slug, appointment.pk]) in fragment.content.decode()
    assert AuditEntry.objects.filter(action=Action.VIEW, patient=patient, object_type="scheduling.appointment").exists()


def test_it_hides_booking_from_clinicians_and_the_section_from_billing(client, practice, patient, make_staff):
    client.force_login(make_staff(practice, Role.CLINICIAN))
    html = client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk])).content.decode()
    assert reverse("scheduling:fd_patient_appointments", args=[practice.slug, patient.pk]) in html
    assert reverse("scheduling:fd_book", args=[practice.slug, patient.pk]) not in html

    client.force_login(make_staff(practice, Role.BILLING))
    html = client.get(reverse("patients:staff_detail", args=[practice.slug, patient.pk])).content.decode()
    assert reverse("scheduling:fd_patient_appointments", args=[practice.slug, patient.pk]) not in html
