"""Writes of the notices area: the outbox rows scheduling's signals ask for (what they say, and
their dedupe keys: ``messaging/notices.py``).

Scheduling never imports messaging. Its services send ``scheduling.signals`` after the transaction
that booked, moved or cancelled a visit, made a waitlist offer (or lost its time), or asked a
returning patient to confirm an online booking commits; ``messaging/receivers.py`` (connected in
``apps.MessagingConfig.ready``) hands each to one function here:

- ``queue_notice``: the booking confirmation, new time or cancellation email, right away in the
  signal's own call (so the email waits for one task hop, the sender's, not two); the task
  ``confirmations.queue_appointment_notice`` (ids only) runs it again only if that call failed;
- ``queue_waitlist_notice``: the offer of a freed time, or "someone else took it", right away in the
  signal's own call: the offer link carries a single-use token that exists nowhere else (only its
  hash is stored), so it is not handed to a task queue;
- ``queue_booking_link``: the link that confirms a returning patient's online booking, right away
  like a waitlist offer, to the patient's contact details ON FILE, never to what was typed on the
  booking pages.

Each is one outbox row per dedupe key: a repeated signal, a retried task or a second worker finds
the row and queues nothing new. Consent: these are transactional messages the patient expects (after
booking, moving or cancelling; by joining the waitlist; by asking to book), so they go without the
reminders' consent (``require_consent=False``; delivery does not skip them as ``opted_out``).
Without an address the row is ``skipped`` (``no_address``) so staff can see why nothing went out.
"""

from __future__ import annotations

from datetime import datetime

from scheduling.models import Appointment, AppointmentStatus, BookingConfirmation, WaitlistOffer

from .. import notices
from ..models import Channel, Message, MessageKind
from .outbox import queue_message


def queue_notice(*, appointment_id: int, kind: str, sequence: int, now: datetime | None = None) -> Message | None:
    """Queue the appointment email once; None when there is nothing to send (gone, or changed again)."""
    message_kind = notices.APPOINTMENT_KIND.get(kind)
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
    subject, body = notices.appointment_text(appointment, message_kind)
    return queue_message(
        practice=appointment.practice,
        kind=message_kind,
        channel=Channel.EMAIL,
        dedupe_key=notices.appointment_dedupe_key(appointment.pk, kind, sequence),
        subject=subject,
        body=body,
        patient=appointment.patient,
        appointment=appointment,
        require_consent=False,
        now=now,
    )


def queue_waitlist_notice(*, offer_id: int, kind: str, link: str = "", now: datetime | None = None) -> Message | None:
    """Queue the waitlist email once; returns its outbox row (None when there is nothing to send)."""
    message_kind = notices.WAITLIST_KIND.get(kind)
    if message_kind is None or (kind == "offer" and not link):
        return None
    offer = (
        WaitlistOffer.objects.select_related("practice", "entry__patient", "provider", "location")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or offer.status != notices.OFFER_STATUS[kind]:
        return None
    subject, body = notices.waitlist_text(offer, message_kind, link)
    return queue_message(
        practice=offer.practice,
        kind=message_kind,
        channel=Channel.EMAIL,
        dedupe_key=notices.waitlist_dedupe_key(offer.pk, kind),
        subject=subject,
        body=body,
        patient=offer.entry.patient,
        require_consent=False,
        now=now,
    )


def queue_booking_link(*, confirmation_id: int, link: str, now: datetime | None = None) -> Message | None:
    """Queue the link once; returns its outbox row (None when there is nothing to send)."""
    confirmation = (
        BookingConfirmation.objects.select_related("practice", "patient", "provider", "location")
        .filter(pk=confirmation_id)
        .first()
    )
    if confirmation is None or confirmation.appointment_id or not link:
        return None
    patient = confirmation.patient
    channel = Channel.EMAIL if patient.email else Channel.SMS
    subject, body = notices.booking_link_text(confirmation, channel, link)
    return queue_message(
        practice=confirmation.practice,
        kind=MessageKind.BOOKING_LINK,
        channel=channel,
        dedupe_key=notices.booking_link_dedupe_key(confirmation.pk),
        subject=subject,
        body=body,
        patient=patient,
        require_consent=False,
        now=now,
    )
