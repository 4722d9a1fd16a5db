"""The outbox: the one way any part of the product sends a patient a message.

``queue_message`` writes one ``Message`` row per ``dedupe_key`` (per practice) and hands it to
delivery after the transaction commits. Calling it again with the same key returns the row that
exists and sends nothing new. Consent is checked here: a patient without consent for the channel
(or with no address) gets a row with status ``skipped`` and a reason, so staff can see why
nothing went out.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

import journey

from .models import Channel, Message, MessageKind, MessageStatus

# The journey touch point each kind of message belongs to.
TOUCHPOINT = {
    MessageKind.CONFIRMATION: "confirmation",
    MessageKind.RESCHEDULE: "confirmation",
    MessageKind.CANCELLATION: "confirmation",
    MessageKind.REMINDER: "reminders",
    MessageKind.RUNNING_LATE: "running-late",
    MessageKind.RECALL: "recall",
    MessageKind.REACTIVATION: "recall",
    MessageKind.THANK_YOU: "survey",
    MessageKind.CONVERSATION: "reminders",
    MessageKind.OPT_OUT: "reminders",
    MessageKind.WAITLIST_OFFER: "waitlist",
    MessageKind.WAITLIST_TAKEN: "waitlist",
    MessageKind.SURVEY: "survey",
    MessageKind.REVIEW_INVITATION: "service-recovery",
    MessageKind.BOOKING_LINK: "self-scheduling",
}


def address_of(patient, channel: str) -> str:
    if patient is None:
        return ""
    return patient.email if channel == Channel.EMAIL else patient.phone


def has_consent(patient, channel: str) -> bool:
    if patient is None:
        return True
    return patient.email_consent if channel == Channel.EMAIL else patient.sms_consent


def queue_message(
    *,
    practice,
    kind: str,
    channel: str,
    dedupe_key: str,
    body: str,
    subject: str = "",
    patient=None,
    to: str = "",
    appointment=None,
    conversation=None,
    send_after: datetime | None = None,
    require_consent: bool = True,
    now: datetime | None = None,
) -> Message:
    """Queue one message (once per ``dedupe_key``); returns its row, new or existing."""
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel {channel!r}.")
    now = now or timezone.now()
    to = to or address_of(patient, channel)
    skip_reason = ""
    if not to:
        skip_reason = "no_address"
    elif require_consent and not has_consent(patient, channel):
        skip_reason = "no_consent"
    try:
        with transaction.atomic():
            message = Message.objects.create(
                practice=practice,
                patient=patient,
                appointment=appointment,
                conversation=conversation,
                kind=kind,
                channel=channel,
                dedupe_key=dedupe_key,
                to=to,
                subject=subject,
                body=body,
                status=MessageStatus.SKIPPED if skip_reason else MessageStatus.QUEUED,
                skip_reason=skip_reason,
                send_after=send_after or now,
                created_at=now,
            )
            journey.record(
                practice=practice,
                patient=patient,
                touchpoint=TOUCHPOINT[kind],
                kind=f"message.{'skipped' if skip_reason else 'queued'}",
                at=now,
                data={
                    "message_kind": kind,
                    "channel": channel,
                    **({"skipped_because": skip_reason} if skip_reason else {}),
                },
            )
    except IntegrityError:
        return Message.objects.get(practice=practice, dedupe_key=dedupe_key)
    if not skip_reason:
        _hand_to_delivery(message)
    return message


def _hand_to_delivery(message: Message) -> None:
    """Wake the sender once the row is committed (it also finds due rows on its own every minute)."""
    from .tasks import send_due_messages

    transaction.on_commit(lambda: send_due_messages.enqueue())
