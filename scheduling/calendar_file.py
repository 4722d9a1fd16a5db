"""Calendar files (iCalendar, RFC 5545/5546) for an appointment, built with the icalendar library.

One appointment is one VEVENT whose UID never changes (``<appointment.uid>@<host>``) and whose
SEQUENCE is ``appointment.sequence`` (it rises on every reschedule and cancellation), so a calendar
that already has the event updates it instead of adding a second one.

- ``METHOD:REQUEST`` in the confirmation and reschedule emails (an invitation the calendar updates);
- ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` in the cancellation email;
- ``METHOD:PUBLISH`` for the "Add to calendar" download.

The SUMMARY names the practice only: never the visit reason. Times are in UTC.
No database access here: everything comes from the appointment and its related rows passed in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from icalendar import Calendar, Event, vCalAddress, vText

if TYPE_CHECKING:
    from .models import Appointment

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"
METHODS = (REQUEST, CANCEL, PUBLISH)
PRODID = "-//Touchpoints//Appointments//EN"


def event_uid(appointment: Appointment, host: str | None = None) -> str:
    return f"{appointment.uid}@{host or 'touchpoints'}"


def appointment_calendar(
    appointment: Appointment,
    *,
    method: str = REQUEST,
    host: str | None = None,
    manage_url: str = "",
    summary: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """The .ics file of ``appointment`` for ``method`` (REQUEST, CANCEL or PUBLISH).

    ``summary`` replaces "Appointment at <practice>" (e.g. translated); it must not name the visit reason.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown iCalendar method {method!r}.")
    practice = appointment.practice
    location = appointment.location
    provider = appointment.provider

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)

    event = Event()
    event.add("uid", event_uid(appointment, host))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("summary", summary or f"Appointment at {practice.name}")
    event.add("location", vText(f"{location.name}, {location.one_line_address}"))
    lines = [f"{practice.name}", f"With {provider.display_name}", f"{location.name}, {location.one_line_address}"]
    phone = location.phone or practice.phone
    if phone:
        lines.append(f"Phone: {phone}")
    if manage_url:
        lines.append(f"Change or cancel: {manage_url}")
        event.add("url", manage_url)
    event.add("description", "\n".join(lines))
    if practice.email:
        organizer = vCalAddress(f"mailto:{practice.email}")
        organizer.params["cn"] = vText(practice.name)
        event.add("organizer", organizer)
    patient_email = getattr(appointment.patient, "email", "")
    if patient_email and method != PUBLISH:
        attendee = vCalAddress(f"mailto:{patient_email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        event.add("attendee", attendee)
    if method == CANCEL:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()
