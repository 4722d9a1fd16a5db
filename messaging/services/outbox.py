"""The outbox: the one way any part of the product sends a patient a message.

``queue_message`` writes one ``Message`` row per ``dedupe_key`` (per practice) and hands it to
delivery after the transaction commits. Calling it again with the same key returns the row that
exists and sends nothing new. Consent is checked here: a patient without consent for the channel
(or with no address) gets a row with status ``skipped`` and a reason, so staff can see why
nothing went out.

Other apps (feedback's survey and review invitations) send through this module only:

- ``queue_message``: a message whose text the caller wrote;
- ``queue_from_template``: a message in the practice's wording of a ``MessageKind`` (the templates
  staff edit in messaging), rendered with the caller's values and then queued;
- ``contact_channel``: the channel the patient agreed to and has an address for, if any;
- ``after_quiet_hours``: the moment, or the end of the practice's quiet hours in the patient's time
  zone when the moment falls inside them.

They may read messaging's models (``Message`` rows, ``MessageKind``); everything else in messaging is
its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

import journey
from patients.models import Patient
from practices.models import Practice
from scheduling.models import Appointment

from .. import quiet_hours, signals
from ..models import Channel, Conversation, Message, MessageKind, MessageStatus, MessagingSettings
from ..rendering import render

# The journey touch point each kind of message belongs to.
TOUCHPOINT: dict[str, str] = {
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


def address_of(patient: Patient | None, channel: str) -> str:
    if patient is None:
        return ""
    return patient.email if channel == Channel.EMAIL else patient.phone


def has_consent(patient: Patient | None, channel: str) -> bool:
    if patient is None:
        return True
    return patient.email_consent if channel == Channel.EMAIL else patient.sms_consent


def contact_channel(patient: Patient) -> str | None:
    """A channel the patient agreed to and has an address for: SMS first, then email; None if neither."""
    if patient.sms_consent and patient.phone:
        return Channel.SMS
    if patient.email_consent and patient.email:
        return Channel.EMAIL
    return None


def after_quiet_hours(*, practice: Practice, patient: Patient, moment: datetime) -> datetime:
    """``moment``, or the end of the practice's quiet hours (in the patient's time zone) when it falls inside them."""
    quiet = MessagingSettings.objects.filter(practice=practice).values_list("quiet_start", "quiet_end").first()
    start, end = quiet or (quiet_hours.DEFAULT_QUIET_START, quiet_hours.DEFAULT_QUIET_END)
    tz = quiet_hours.zone_or(patient.time_zone, practice.timezone)
    window = quiet_hours.quiet_window(moment, tz=tz, start=start, end=end)
    return window[1] if window else moment


def queue_message(
    *,
    practice: Practice,
    kind: str,
    channel: str,
    dedupe_key: str,
    body: str,
    subject: str = "",
    patient: Patient | None = None,
    to: str = "",
    appointment: Appointment | None = None,
    conversation: Conversation | None = None,
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


def queue_from_template(
    *,
    practice: Practice,
    kind: str,
    channel: str,
    language: str,
    values: Mapping[str, object],
    dedupe_key: str,
    patient: Patient | None = None,
    appointment: Appointment | None = None,
    send_after: datetime | None = None,
    now: datetime | None = None,
) -> Message:
    """Queue the practice's wording of ``kind`` for ``channel`` in ``language``, filled with ``values``."""
    subject, body = render(practice, kind, channel, language, values)
    return queue_message(
        practice=practice,
        kind=kind,
        channel=channel,
        dedupe_key=dedupe_key,
        body=body,
        subject=subject,
        patient=patient,
        appointment=appointment,
        send_after=send_after,
        now=now,
    )


def _hand_to_delivery(message: Message) -> None:
    """Wake the sender once the row is committed (it also finds due rows on its own every minute)."""
    transaction.on_commit(lambda: signals.message_queued.send(sender=Message))
