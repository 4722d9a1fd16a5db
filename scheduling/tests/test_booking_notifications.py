"""Confirmation, reschedule and cancellation emails: once each, in the patient's language, no visit reason.

The services only announce the change (``signals.appointment_notice``, after commit); messaging
queues the outbox row and delivery sends it with its calendar file. With HUEY immediate mode the
whole path runs inline inside ``django_capture_on_commit_callbacks(execute=True)``.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from icalendar import Calendar

from scheduling.models import BookedVia
from scheduling.services import booking as booking_services
from scheduling.signals import appointment_notice
from tests.factories import NOW, TUESDAY_10


@pytest.fixture
def book(practice, patient, provider, location, visit_type, django_capture_on_commit_callbacks):
    def make(**changes):
        for name, value in changes.items():
            setattr(patient, name, value)
        patient.save()
        with django_capture_on_commit_callbacks(execute=True):
            return booking_services.book_appointment(
                practice=practice,
                patient=patient,
                provider=provider,
                location=location,
                visit_type=visit_type,
                start=TUESDAY_10,
                booked_via=BookedVia.ONLINE,
                notify=True,
                now=NOW,
            )

    return make


def calendar_of(message):
    (name, content, mimetype) = message.attachments[0]
    assert name == "appointment.ics"
    return Calendar.from_ical(content), mimetype


def test_it_emails_the_confirmation_with_a_calendar_request_and_no_visit_reason(book, mailoutbox, visit_type):
    appointment = book()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [appointment.patient.email]
    calendar, mimetype = calendar_of(message)
    assert "method=REQUEST" in mimetype
    assert str(calendar["METHOD"]) == "REQUEST"
    text = message.subject + message.body + calendar.to_ical().decode()
    assert visit_type.name not in text and "skin check" not in text.lower()
    assert "ClearSkin Test" in message.subject
    assert "Tuesday, January 8" in message.body and "10:00 AM" in message.body  # Chicago time
    assert f"{settings.SITE_URL}/p/{appointment.practice.slug}/manage/" in message.body
    assert "Hannah Cole" in message.body and "410 Elm Street" in message.body


def test_it_emails_a_patient_who_did_not_consent_to_reminder_emails(book, mailoutbox):
    book(email_consent=False)
    assert len(mailoutbox) == 1


def test_it_writes_in_the_patients_language(book, mailoutbox):
    book(preferred_language="es")
    assert "martes 8 de enero" in mailoutbox[0].body
    assert mailoutbox[0].subject.startswith("Su cita")


def test_it_sends_nothing_without_an_email_address(book, mailoutbox):
    book(email="")
    assert mailoutbox == []


def test_it_sends_once_when_the_notice_is_announced_again(book, mailoutbox, django_capture_on_commit_callbacks):
    appointment = book()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            appointment_notice.send(sender=None, appointment_id=appointment.pk, kind="confirmation", sequence=0)
    assert len(mailoutbox) == 1


def test_it_sends_an_updated_request_on_reschedule_and_a_cancel(book, mailoutbox, django_capture_on_commit_callbacks):
    appointment = book()
    with django_capture_on_commit_callbacks(execute=True):
        moved = booking_services.reschedule_appointment(
            appointment=appointment, start=TUESDAY_10 + timedelta(hours=1), notify=True, now=NOW
        )
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.cancel_appointment(appointment=moved, reason="other", notify=True, now=NOW)
    assert len(mailoutbox) == 3
    uids, sequences, methods = [], [], []
    for message in mailoutbox:
        calendar, _ = calendar_of(message)
        event = next(iter(calendar.walk("VEVENT")))
        uids.append(str(event["UID"]))
        sequences.append(int(event["SEQUENCE"]))
        methods.append(str(calendar["METHOD"]))
    assert len(set(uids)) == 1
    assert sequences == [0, 1, 2]
    assert methods == ["REQUEST", "REQUEST", "CANCEL"]
    assert "STATUS:CANCELLED" in str(mailoutbox[2].attachments[0][1])
    assert "11:00 AM" in mailoutbox[1].body and "cancelled" in mailoutbox[2].subject
    # A stale notice (an older sequence) sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        appointment_notice.send(sender=None, appointment_id=appointment.pk, kind="reschedule", sequence=1)
    assert len(mailoutbox) == 3


def test_it_sends_nothing_without_notify(
    practice, patient, provider, location, visit_type, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking_services.book_appointment(
            practice=practice,
            patient=patient,
            provider=provider,
            location=location,
            visit_type=visit_type,
            start=TUESDAY_10,
            booked_via=BookedVia.STAFF,
            now=NOW,
        )
    assert mailoutbox == []
