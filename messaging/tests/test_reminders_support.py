"""Helpers for the reminder tests (no tests here): a visit type and appointments booked through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduling.models import Appointment, BookedVia, VisitType
from scheduling.services import booking as booking_services
from scheduling.services import schedule as schedule_services

# Monday 7 January 2030, 09:00 in Chicago.
BASE = datetime.fromisoformat("2030-01-07T15:00:00+00:00")
VISIT_TYPE_NAME = "Mohs surgery follow-up for melanoma"


def make_visit_type(practice, provider, location, *, name: str = VISIT_TYPE_NAME, slug: str = "mohs") -> VisitType:
    visit_type = VisitType.objects.create(practice=practice, name=name, slug=slug, duration_minutes=30)
    schedule_services.offer_visit_type(visit_type=visit_type, providers=[provider], locations=[location])
    return visit_type


def book(*, practice, patient, provider, location, visit_type, start: datetime, booked: datetime, staff) -> Appointment:
    """Book through the scheduling service (a staff override, so no availability is needed), made at ``booked``."""
    appointment = booking_services.book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=start,
        booked_via=BookedVia.STAFF,
        actor_user=staff,
        override_reason="test",
        now=booked,
    )
    Appointment.objects.filter(pk=appointment.pk).update(created_at=booked, updated_at=booked)
    appointment.refresh_from_db()
    return appointment


def make_reminder_world(practice, patient, provider, location, owner):
    """For a ``reminder_world`` fixture: a patient who agreed to email and text, a visit type, a booking helper."""
    patient.email_consent = True
    patient.sms_consent = True
    patient.save()
    visit_type = make_visit_type(practice, provider, location)

    def booker(start: datetime, *, booked: datetime | None = None, who=None, kind=None, by=None) -> Appointment:
        return book(
            practice=practice,
            patient=who or patient,
            provider=by or provider,
            location=location,
            visit_type=kind or visit_type,
            start=start,
            booked=booked or start - timedelta(days=30),
            staff=owner,
        )

    booker.visit_type = visit_type
    booker.patient = patient
    booker.practice = practice
    booker.owner = owner
    return booker
