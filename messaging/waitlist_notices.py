"""Waitlist emails through the outbox: the offer of a freed time, and "someone else took it".

Scheduling's waitlist services send ``scheduling.signals.waitlist_notice`` (offer id, kind, link)
after the transaction that made the offer (or lost its time) commits; scheduling never imports
messaging. ``on_waitlist_notice`` (connected in ``apps.MessagingConfig.ready``) writes one outbox row
right away, in the signal's own call: the offer link carries a single-use token that exists nowhere
else (only its hash is stored), so it is not handed to a task queue; the row then has a state,
retries, a journey event (touch point ``waitlist``) and a place in the patient's message history.

- channel email, kind ``waitlist_offer`` / ``waitlist_taken``;
- dedupe key ``waitlist-offer:<offer id>`` / ``waitlist-taken:<offer id>``: a repeated signal finds
  the row and queues nothing new;
- text from the practice's template (``rendering``, shipped wording in ``defaults``) in the patient's
  language: the practice, date, time, phone, the offer link and how many minutes it stays open,
  plus (for an offer) the provider and the place below the first paragraph. Never the visit type;
- consent: the patient asked to be told when a time opens by joining the waitlist, and the "taken"
  notice answers an offer we sent, so both go to the patient's email address without the reminders'
  email consent (``require_consent=False``). Without an address the row is ``skipped``
  (``no_address``) so staff can see why nothing went out.
"""

from __future__ import annotations

import logging

from scheduling.models import OfferStatus, WaitlistOffer

from .confirmations import with_visit_facts
from .models import Channel, Message, MessageKind
from .outbox import queue_message
from .rendering import format_visit, render

log = logging.getLogger("messaging.waitlist_notices")

# The signal's kinds (scheduling's words) -> the outbox's kinds, and the offer status each expects.
MESSAGE_KIND = {"offer": MessageKind.WAITLIST_OFFER, "taken": MessageKind.WAITLIST_TAKEN}
OFFER_STATUS = {"offer": OfferStatus.SENT, "taken": OfferStatus.TAKEN}


def dedupe_key(offer_id: int, kind: str) -> str:
    return f"waitlist-{kind}:{offer_id}"


def on_waitlist_notice(sender, *, offer_id: int, kind: str, link: str = "", **kwargs) -> None:
    """The offer (or its loss) has committed: queue the email. A failure is logged, never raised."""
    try:
        queue_waitlist_notice(offer_id=offer_id, kind=kind, link=link)
    except Exception:
        # The offer has committed; a failed queue must not turn the request or the task into an error.
        log.exception("could not queue the %s notice of waitlist offer %s", kind, offer_id)


def queue_waitlist_notice(*, offer_id: int, kind: str, link: str = "", now=None) -> Message | None:
    """Queue the notice once; returns its outbox row (None when there is nothing to send)."""
    message_kind = MESSAGE_KIND.get(kind)
    if message_kind is None or (kind == "offer" and not link):
        return None
    offer = (
        WaitlistOffer.objects.select_related("practice", "entry__patient", "provider", "location")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or offer.status != OFFER_STATUS[kind]:
        return None
    subject, body = notice_text(offer, message_kind, link)
    return queue_message(
        practice=offer.practice,
        kind=message_kind,
        channel=Channel.EMAIL,
        dedupe_key=dedupe_key(offer.pk, kind),
        subject=subject,
        body=body,
        patient=offer.entry.patient,
        require_consent=False,
        now=now,
    )


def offer_minutes(offer: WaitlistOffer) -> int:
    """How long the offer stays open, in whole minutes (at least one)."""
    return max(int((offer.expires_at - offer.sent_at).total_seconds() // 60), 1)


def notice_text(offer: WaitlistOffer, message_kind: str, link: str = "") -> tuple[str, str]:
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
