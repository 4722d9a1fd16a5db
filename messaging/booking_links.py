"""The link that confirms a returning patient's online booking, through the outbox.

Scheduling's ``ask_patient_to_confirm`` sends ``scheduling.signals.booking_link`` (confirmation id,
link) after its transaction commits; ``on_booking_link`` (connected in ``apps.MessagingConfig.ready``)
writes one outbox row right away, in the signal's own call, like a waitlist offer:

- to the patient's contact details ON FILE, never to what was typed on the booking pages: their
  email when there is one, else a text to their mobile phone (no address: a visible ``skipped`` row);
- kind ``booking_link``, dedupe key ``booking-link:<confirmation id>``;
- text from the practice's template (shipped wording in ``defaults``) in the language the patient
  booked in: the practice, date, time, phone, the link and how many minutes it works; the email adds
  the provider and the place below its first paragraph. Never the visit type;
- consent: asked for on the booking pages and transactional (``require_consent=False``); it says
  what to do if the patient did not ask for it (nothing: nothing is booked).
"""

from __future__ import annotations

import logging

from scheduling.models import BookingConfirmation

from .confirmations import with_visit_facts
from .models import Channel, Message, MessageKind
from .outbox import queue_message
from .rendering import format_visit, render

log = logging.getLogger("messaging.booking_links")


def dedupe_key(confirmation_id: int) -> str:
    return f"booking-link:{confirmation_id}"


def on_booking_link(sender, *, confirmation_id: int, link: str, **kwargs) -> None:
    """The confirmation has committed: queue the link. A failure is logged, never raised."""
    try:
        queue_booking_link(confirmation_id=confirmation_id, link=link)
    except Exception:
        log.exception("could not queue the link of booking confirmation %s", confirmation_id)


def queue_booking_link(*, confirmation_id: int, link: str, now=None) -> Message | None:
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
    subject, body = link_text(confirmation, channel, link)
    return queue_message(
        practice=confirmation.practice,
        kind=MessageKind.BOOKING_LINK,
        channel=channel,
        dedupe_key=dedupe_key(confirmation.pk),
        subject=subject,
        body=body,
        patient=patient,
        require_consent=False,
        now=now,
    )


def link_text(confirmation: BookingConfirmation, channel: str, link: str) -> tuple[str, str]:
    practice, location = confirmation.practice, confirmation.location
    language = confirmation.language or "en"
    minutes = max(int((confirmation.expires_at - confirmation.created_at).total_seconds() // 60), 1)
    values = {
        **format_visit(confirmation.start, location.timezone or practice.timezone, language),
        "phone": location.phone or practice.phone,
        "link": link,
        "minutes": str(minutes),
    }
    subject, body = render(practice, MessageKind.BOOKING_LINK, channel, language, values)
    if channel == Channel.EMAIL:
        body = with_visit_facts(body, provider=confirmation.provider, location=location, language=language)
    return subject, body
