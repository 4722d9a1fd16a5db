"""``time_freed``: a provider's time became bookable (a cancellation, a reschedule, new hours).

Sent after the transaction that freed it commits, with ids and aware datetimes only, never
patient detail. The waitlist listens and offers the time to waiting patients.
"""

from datetime import datetime

from django.db import transaction
from django.dispatch import Signal

# kwargs: practice_id, provider_id, location_id, start, end (aware datetimes, the freed visit range)
time_freed = Signal()


def announce_time_freed(
    *, practice_id: int, provider_id: int, location_id: int | None, start: datetime, end: datetime
) -> None:
    transaction.on_commit(
        lambda: time_freed.send(
            sender=None,
            practice_id=practice_id,
            provider_id=provider_id,
            location_id=location_id,
            start=start,
            end=end,
        )
    )


# ``waitlist_offer_due``: a time should go (again) to the waiting patients: staff offered new hours
# (``services.waitlist.offer_time``) or an offer came back (declined, withdrawn). kwargs: practice_id,
# provider_id, location_id, start, end (aware datetimes; end None: that one start). Sent after the
# transaction commits; scheduling's app config queues ``tasks.offer_freed_time`` for it. A signal, not
# a call, because that task runs the waitlist services: they must not import the task back.
waitlist_offer_due = Signal()


def announce_waitlist_offer_due(
    *, practice_id: int, provider_id: int, location_id: int | None, start: datetime, end: datetime | None = None
) -> None:
    transaction.on_commit(
        lambda: waitlist_offer_due.send(
            sender=None,
            practice_id=practice_id,
            provider_id=provider_id,
            location_id=location_id,
            start=start,
            end=end,
        )
    )


# ``appointment_notice``: the patient should be told about a booking, a new time or a cancellation.
# kwargs: appointment_id, kind (one of NOTICE_KINDS), sequence (the appointment's ``sequence`` when
# it changed). Sent after the transaction that made the change commits, with ids only. Messaging
# listens and queues the email (with its calendar file) in its outbox; scheduling never imports
# messaging.
appointment_notice = Signal()
NOTICE_KINDS = ("confirmation", "reschedule", "cancel")


def announce_appointment_notice(*, appointment_id: int, kind: str, sequence: int) -> None:
    if kind not in NOTICE_KINDS:
        raise ValueError(f"Unknown appointment notice {kind!r}.")
    transaction.on_commit(
        lambda: appointment_notice.send(sender=None, appointment_id=appointment_id, kind=kind, sequence=sequence)
    )


# ``waitlist_notice``: a waiting patient should be told about an offer, or that the time went to
# someone else. kwargs: offer_id, kind (one of WAITLIST_NOTICE_KINDS), link (the absolute offer link
# with its single-use token for "offer"; "" for "taken"). Sent after the transaction that made the
# offer (or lost it) commits; a failing receiver is logged and never breaks the request. Messaging
# listens and queues the email in its outbox; scheduling never imports messaging.
waitlist_notice = Signal()
WAITLIST_NOTICE_KINDS = ("offer", "taken")


def announce_waitlist_notice(*, offer_id: int, kind: str, link: str = "") -> None:
    if kind not in WAITLIST_NOTICE_KINDS:
        raise ValueError(f"Unknown waitlist notice {kind!r}.")
    if (kind == "offer") != bool(link):
        raise ValueError("An offer notice needs its link; a taken notice has none.")
    transaction.on_commit(
        lambda: waitlist_notice.send(sender=None, offer_id=offer_id, kind=kind, link=link), robust=True
    )


# ``booking_link``: a returning patient's online booking waits for them to confirm it. kwargs:
# confirmation_id, link (the absolute confirm link). Sent after the transaction that made the
# confirmation commits; a failing receiver is logged and never breaks the request. Messaging listens
# and queues the message to the patient's contact details ON FILE (never those typed on the booking
# pages); scheduling never imports messaging.
booking_link = Signal()


def announce_booking_link(*, confirmation_id: int, link: str) -> None:
    transaction.on_commit(
        lambda: booking_link.send(sender=None, confirmation_id=confirmation_id, link=link), robust=True
    )
