"""The notices scheduling's signals ask for: what each one says, its dedupe key, and (for the
appointment emails) its calendar file at send time. No writes: ``services/notices.py`` queues them,
``delivery.py`` attaches the calendar file.

Appointment emails (booking confirmation, new time, cancellation)
----------------------------------------------------------------
- channel email, kind ``confirmation`` / ``reschedule`` / ``cancellation``;
- dedupe key ``appointment:<id>:<notice kind>:<sequence>``: a repeated signal, a retried task or a
  second worker finds the row and queues nothing new;
- text from the practice's template (``rendering``, shipped wording in ``defaults``) in the patient's
  language, with the practice, date, time and manage link (the booking page for a cancellation),
  plus the provider and the place below the first paragraph (``with_visit_facts``). Never the visit
  reason.

The calendar file is built at SEND time by delivery (``calendar_attachment``), from the appointment
as it is then: its UID and ``SEQUENCE`` with METHOD REQUEST, or CANCEL for a cancellation. The
sequence in the dedupe key is the one the message was queued for; when the appointment has moved on
(a later notice exists), delivery skips the older message as ``visit_changed`` (``is_stale``), so
a calendar never receives an older SEQUENCE after a newer one.

Waitlist emails (an offer of a freed time, "someone else took it")
-----------------------------------------------------------------
- channel email, kind ``waitlist_offer`` / ``waitlist_taken``, dedupe key
  ``waitlist-offer:<offer id>`` / ``waitlist-taken:<offer id>``;
- the practice, date, time, phone, the offer link and how many minutes it stays open, plus (for an
  offer) the provider and the place below the first paragraph. Never the visit type.

The link that confirms a returning patient's online booking
-----------------------------------------------------------
- kind ``booking_link``, dedupe key ``booking-link:<confirmation id>``; by email when the patient
  has an address on file, else by text;
- in the language the patient booked in: the practice, date, time, phone, the link and how many
  minutes it works; the email adds the provider and the place below its first paragraph.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from practices.models import Location, Provider
from scheduling import calendar_file
from scheduling.models import Appointment, BookingConfirmation, OfferStatus, WaitlistOffer
from scheduling.notifications import manage_url, site_host

from .models import Channel, Message, MessageKind
from .rendering import format_visit, render

# --- appointment emails -----------------------------------------------------------------------------

# The signal's kinds (scheduling's words) -> the outbox's kinds.
APPOINTMENT_KIND: dict[str, str] = {
    "confirmation": MessageKind.CONFIRMATION,
    "reschedule": MessageKind.RESCHEDULE,
    "cancel": MessageKind.CANCELLATION,
}
NOTICE_KINDS = frozenset(APPOINTMENT_KIND.values())
CALENDAR_METHOD: dict[str, str] = {
    MessageKind.CONFIRMATION: calendar_file.REQUEST,
    MessageKind.RESCHEDULE: calendar_file.REQUEST,
    MessageKind.CANCELLATION: calendar_file.CANCEL,
}


def appointment_dedupe_key(appointment_id: int, notice: str, sequence: int) -> str:
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


def _appointment_link(appointment: Appointment, message_kind: str) -> str:
    if message_kind == MessageKind.CANCELLATION:
        return settings.SITE_URL + reverse("scheduling:book", kwargs={"practice_slug": appointment.practice.slug})
    return manage_url(appointment)


def appointment_text(appointment: Appointment, message_kind: str) -> tuple[str, str]:
    """(subject, body) in the patient's language: the practice's template, then who and where."""
    practice, location = appointment.practice, appointment.location
    language = appointment.patient.preferred_language or "en"
    values = {
        **format_visit(appointment.start, location.timezone or practice.timezone, language),
        "phone": location.phone or practice.phone,
        "link": _appointment_link(appointment, message_kind),
    }
    subject, body = render(practice, message_kind, Channel.EMAIL, language, values)
    return subject, with_visit_facts(body, provider=appointment.provider, location=location, language=language)


def with_visit_facts(body: str, *, provider: Provider, location: Location, language: str) -> str:
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


# --- waitlist emails --------------------------------------------------------------------------------

# The signal's kinds (scheduling's words) -> the outbox's kinds, and the offer status each expects.
WAITLIST_KIND: dict[str, str] = {"offer": MessageKind.WAITLIST_OFFER, "taken": MessageKind.WAITLIST_TAKEN}
OFFER_STATUS: dict[str, str] = {"offer": OfferStatus.SENT, "taken": OfferStatus.TAKEN}


def waitlist_dedupe_key(offer_id: int, kind: str) -> str:
    return f"waitlist-{kind}:{offer_id}"


def offer_minutes(offer: WaitlistOffer) -> int:
    """How long the offer stays open, in whole minutes (at least one)."""
    return max(int((offer.expires_at - offer.sent_at).total_seconds() // 60), 1)


def waitlist_text(offer: WaitlistOffer, message_kind: str, link: str = "") -> tuple[str, str]:
    """(subject, body) in the patient's language: the practice's template, then (offer) who and where."""
    practice, location = offer.practice, offer.location
    language = offer.entry.patient.preferred_language or "en"
    values = {
        **format_visit(offer.start, location.timezone or practice.timezone, language),
        "phone": location.phone or practice.phone,
        "link": link,
        "minutes": str(offer_minutes(offer)),
    }
    subject, body = render(practice, message_kind, Channel.EMAIL, language, values)
    if message_kind != MessageKind.WAITLIST_OFFER:
        return subject, body
    return subject, with_visit_facts(body, provider=offer.provider, location=location, language=language)


# --- the booking link -------------------------------------------------------------------------------


def booking_link_dedupe_key(confirmation_id: int) -> str:
    return f"booking-link:{confirmation_id}"


def booking_link_text(confirmation: BookingConfirmation, channel: str, link: str) -> tuple[str, str]:
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
