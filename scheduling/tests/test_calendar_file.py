"""Calendar files parsed back with icalendar: stable UID, rising SEQUENCE, the right METHOD, no visit reason."""

from datetime import UTC, timedelta

import pytest
from icalendar import Calendar

from scheduling import calendar_file
from scheduling.models import BookedVia
from scheduling.services import booking as booking_services
from tests.factories import NOW, TUESDAY_10


@pytest.fixture
def appointment(practice, patient, provider, location, visit_type):
    practice.email = "desk@clearskin.example"
    practice.save()
    return booking_services.book_appointment(
        practice=practice,
        patient=patient,
        provider=provider,
        location=location,
        visit_type=visit_type,
        start=TUESDAY_10,
        booked_via=BookedVia.ONLINE,
        now=NOW,
    )


def parse(data: bytes):
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


def test_it_builds_a_request_without_the_visit_reason(appointment):
    calendar, event = parse(
        calendar_file.appointment_calendar(appointment, host="book.example", manage_url="https://x/m/")
    )
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{appointment.uid}@book.example"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == TUESDAY_10
    assert event.decoded("DTSTART").tzinfo is not None and event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == TUESDAY_10 + timedelta(minutes=30)
    assert "DTSTAMP" in event
    assert str(event["SUMMARY"]) == "Appointment at ClearSkin Test"
    assert "410 Elm Street" in str(event["LOCATION"])
    assert str(event["ORGANIZER"]) == "mailto:desk@clearskin.example"
    text = calendar.to_ical().decode()
    assert appointment.visit_type.name not in text
    assert "DTSTART:20300108T160000Z" in text


def test_it_keeps_the_uid_and_raises_the_sequence_on_reschedule_and_cancel(appointment):
    _, first = parse(calendar_file.appointment_calendar(appointment))
    moved = booking_services.reschedule_appointment(
        appointment=appointment, start=TUESDAY_10 + timedelta(hours=1), actor_patient=appointment.patient, now=NOW
    )
    _, second = parse(calendar_file.appointment_calendar(moved))
    assert str(second["UID"]) == str(first["UID"]) == f"{appointment.uid}@touchpoints"
    assert int(second["SEQUENCE"]) == 1
    assert second.decoded("DTSTART") == (TUESDAY_10 + timedelta(hours=1)).astimezone(UTC)
    cancelled = booking_services.cancel_appointment(appointment=moved, reason="patient_request", now=NOW)
    calendar, third = parse(calendar_file.appointment_calendar(cancelled, method=calendar_file.CANCEL))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(third["STATUS"]) == "CANCELLED"
    assert int(third["SEQUENCE"]) == 2
    assert str(third["UID"]) == str(first["UID"])


def test_it_leaves_out_the_organizer_without_a_practice_email_and_refuses_unknown_methods(appointment):
    appointment.practice.email = ""
    _, event = parse(calendar_file.appointment_calendar(appointment, method=calendar_file.PUBLISH))
    assert "ORGANIZER" not in event
    with pytest.raises(ValueError):
        calendar_file.appointment_calendar(appointment, method="REFRESH")
