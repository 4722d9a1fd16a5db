"""Appointment emails through the outbox: booking confirmation, new time, cancellation.

Scheduling's services send ``scheduling.signals.appointment_notice`` (appointment id, kind,
sequence) after the transaction that booked, moved or cancelled the visit commits; scheduling never
imports messaging. ``on_appointment_notice`` (connected in ``apps.MessagingConfig.ready``) enqueues
``queue_appointment_notice``, which writes one outbox row:

- channel email, kind ``confirmation`` / ``reschedule`` / ``cancellation``;
- dedupe key ``appointment:<id>:<notice kind>:<sequence>``: a repeated signal, a retried task or a
  second worker finds the row and queues nothing new;
- text from the practice's template (``rendering``, shipped wording in ``defaults``) in the patient's
  language, with the practice, date, time and manage link (the booking page for a cancellation),
  plus the provider and the place below the first paragraph. Never the visit reason;
- consent: these are transactional messages the patient expects after booking, moving or
  cancelling, so they go to the patient's email address without the reminders' email consent
  (``require_consent=False``, and delivery does not skip them as ``opted_out``). Without an
  address the row is ``skipped`` (``no_address``) so staff can see why nothing went out.

The calendar file is built at SEND time by delivery (``calendar_attachment``), from the appointment
as it is then: its UID and ``SEQUENCE`` with METHOD REQUEST, or CANCEL for a cancellation. The
sequence in the dedupe key is the one the message was queued for; when the appointment has moved on
(a later notice exists), delivery skips the older message as ``visit_changed`` (``is_stale``), so
a calendar never receives an older SEQUENCE after a newer one.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from scheduling import calendar_file
from scheduling.models import Appointment, AppointmentStatus
from scheduling.notifications import manage_url, site_host

from .models import Channel, Message, MessageKind
from .outbox import queue_message
from .rendering import format_visit, render

log = logging.getLogger("messaging.confirmations")

# The signal's kinds (scheduling's words) -> the outbox's kinds.
MESSAGE_KIND = {
    "confirmation": MessageKind.CONFIRMATION,
    "reschedule": MessageKind.RESCHEDULE,
    "cancel": MessageKind.CANCELLATION,
}
NOTICE_KINDS = frozenset(MESSAGE_KIND.values())
CALENDAR_METHOD = {
    MessageKind.CONFIRMATION: calendar_file.REQUEST,
    MessageKind.RESCHEDULE: calendar_file.REQUEST,
    MessageKind.CANCELLATION: calendar_file.CANCEL,
}


def dedupe_key(appointment_id: int, notice: str, sequence: int) -> str:
    return f"appointment:{appointment_id}:{notice}:{sequence}"


def queued_sequence(message: Message) -> int | None:
    """The appointment sequence this notice was queued for (the last part of its dedupe key)."""
    try:
        return int(message.dedupe_key.rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def is_stale(message: Message, appointment: Appointment | None) -> bool:
    """A notice whose appointment is gone or has changed since it was queued: a later notice exists."""
    return appointment is None or queued_sequence(message) != appointment.sequence


# --- Queueing ---------------------------------------------------------------------------------------


def on_appointment_notice(sender, *, appointment_id: int, kind: str, sequence: int, **kwargs) -> None:
    """The change has committed: queue the email in the background (ids only)."""
    try:
        queue_appointment_notice.enqueue(appointment_id, kind, sequence)
    except Exception:
        # The booking has committed; a failed enqueue must not turn it into an error page.
        log.exception("could not enqueue the %s notice of appointment %s", kind, appointment_id)


@task
def queue_appointment_notice(appointment_id: int, kind: str, sequence: int) -> int | None:
    """Queue the notice once; returns the outbox row's id (None when there is nothing to send)."""
    message = queue_notice(appointment_id=appointment_id, kind=kind, sequence=sequence)
    return message.pk if message else None


def queue_notice(*, appointment_id: int, kind: str, sequence: int, now=None) -> Message | None:
    message_kind = MESSAGE_KIND.get(kind)
    if message_kind is None:
        return None
    appointment = (
        Appointment.objects.select_related("practice", "patient", "provider", "location")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or appointment.sequence != sequence:
        # Gone, or changed again before we ran: that later change sends its own, up-to-date notice.
        return None
    if (message_kind == MessageKind.CANCELLATION) != (appointment.status == AppointmentStatus.CANCELLED):
        return None
    subject, body = notice_text(appointment, message_kind)
    return queue_message(
        practice=appointment.practice,
        kind=message_kind,
        channel=Channel.EMAIL,
        dedupe_key=dedupe_key(appointment.pk, kind, sequence),
        subject=subject,
        body=body,
        patient=appointment.patient,
        appointment=appointment,
        require_consent=False,
        now=now,
    )


def _link(appointment: Appointment, message_kind: str) -> str:
    if message_kind == MessageKind.CANCELLATION:
        return settings.SITE_URL + reverse("scheduling:book", kwargs={"practice_slug": appointment.practice.slug})
    return manage_url(appointment)


def notice_text(appointment: Appointment, message_kind: str) -> tuple[str, str]:
    """(subject, body) in the patient's language: the practice's template, then who and where."""
    practice, location = appointment.practice, appointment.location
    language = appointment.patient.preferred_language or "en"
    values = {
        **format_visit(appointment.start, location.timezone or practice.timezone, language),
        "phone": location.phone or practice.phone,
        "link": _link(appointment, message_kind),
    }
    subject, body = render(practice, message_kind, Channel.EMAIL, language, values)
    return subject, with_visit_facts(body, provider=appointment.provider, location=location, language=language)


def with_visit_facts(body: str, *, provider, location, language: str) -> str:
    """``body`` with "With: <provider>" and "Where: <place>" below its first paragraph, in ``language``.

    The labels are looked up outside any f-string, so ``makemessages`` finds them (inside one it
    did not, and their Spanish was dropped as obsolete: Spanish emails said "With:" and "Where:").
    """
    with translation.override(language):
        with_label = gettext("With:")
        where_label = gettext("Where:")
    place = f"{location.name}, {location.one_line_address}".strip(", ")
    paragraphs = body.split("\n\n")
    paragraphs.insert(1, f"{with_label} {provider.display_name}\n{where_label} {place}")
    return "\n\n".join(paragraphs)


# --- The calendar file, at send time ----------------------------------------------------------------


def appointments_for(messages) -> dict[int, Appointment | None]:
    """{message id: its appointment as it is now (None if gone)} for the appointment emails among
    ``messages``, with what the calendar file needs; one query, none when there are no such emails."""
    notices = [m for m in messages if m.kind in NOTICE_KINDS and m.channel == Channel.EMAIL and m.appointment_id]
    if not notices:
        return {}
    appointments = Appointment.objects.filter(pk__in={m.appointment_id for m in notices}).select_related(
        "practice", "patient", "provider", "location"
    )
    by_id = {a.pk: a for a in appointments}
    return {m.pk: by_id.get(m.appointment_id) for m in notices}


def calendar_attachment(appointment: Appointment, message_kind: str) -> tuple[str, bytes, str]:
    """("appointment.ics", content, mimetype) for a notice of ``appointment`` as it is now."""
    method = CALENDAR_METHOD[message_kind]
    with translation.override(appointment.patient.preferred_language or "en"):
        summary = gettext("Appointment at %(practice)s") % {"practice": appointment.practice.name}
    content = calendar_file.appointment_calendar(
        appointment,
        method=method,
        host=site_host(),
        manage_url=manage_url(appointment),
        summary=summary,
        now=timezone.now(),
    )
    return "appointment.ics", content, f"text/calendar; charset=utf-8; method={method}"
