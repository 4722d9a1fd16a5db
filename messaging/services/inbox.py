"""Every write of the front-desk inbox: staff replies, marking a conversation done, linking an
unknown number's conversation to a patient, and the audit entries of reading threads and a
patient's message history (PHI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action
from patients.models import Patient
from practices.models import Practice

from ..models import Channel, Conversation, ConversationStatus, InboundMessage, Message, MessageKind, MessageStatus
from ..selectors import inbox as inbox_selectors
from .outbox import address_of, queue_message

# --- reading (audited) ----------------------------------------------------------------------------


def record_inbox_viewed(*, practice: Practice, actor_user: User, page_number: int, shown: int) -> None:
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=Conversation,
        actor_user=actor_user,
        summary=f"inbox, page {page_number}, {shown} shown",
    )


def record_conversation_viewed(*, conversation: Conversation, actor_user: User) -> None:
    audit.record(
        practice=conversation.practice,
        action=Action.VIEW,
        target=conversation,
        patient=conversation.patient,
        actor_user=actor_user,
        summary="conversation",
    )


def record_history_viewed(*, practice: Practice, patient: Patient, actor_user: User, shown: int) -> None:
    audit.record(
        practice=practice,
        action=Action.VIEW,
        target=Message,
        patient=patient,
        actor_user=actor_user,
        summary=f"message history, {shown} shown",
    )


# --- replying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyChannel:
    """How a reply would go out, or why it cannot."""

    channel: str
    to: str
    blocked: str = ""  # a reason for staff, translated; empty when the reply can go


def reply_channel(conversation: Conversation) -> ReplyChannel:
    """SMS to the number that texted (else the patient's number on file); email when there is no number."""
    patient = conversation.patient
    phone = conversation.phone or (address_of(patient, Channel.SMS) if patient is not None else "")
    if phone:
        if patient is not None and not patient.sms_consent:
            return ReplyChannel(
                Channel.SMS,
                phone,
                gettext("This patient has not agreed to text messages (or replied STOP), so a reply cannot be sent."),
            )
        if inbox_selectors.number_opted_out(practice=conversation.practice, phone=conversation.phone):
            return ReplyChannel(
                Channel.SMS, phone, gettext("This number replied STOP, so a text message cannot be sent to it.")
            )
        return ReplyChannel(Channel.SMS, phone)
    email = address_of(patient, Channel.EMAIL)
    if email and patient is not None:
        if not patient.email_consent:
            return ReplyChannel(
                Channel.EMAIL, email, gettext("This patient has not agreed to email, so a reply cannot be sent.")
            )
        return ReplyChannel(Channel.EMAIL, email)
    return ReplyChannel(Channel.SMS, "", gettext("There is no phone number or email address to reply to."))


class ReplyRefused(Exception):
    """The reply cannot be sent; ``str()`` says why, for the page."""


def reply(*, conversation: Conversation, body: str, key: str, actor_user: User, now: datetime | None = None) -> Message:
    """Queue the front desk's answer to the conversation once per ``key`` (a double submit sends once).

    Refused (``ReplyRefused``) when the patient has not agreed to the channel, the number opted
    out, or there is no address. ``require_consent`` stays on: the outbox is the last guard.
    """
    now = now or timezone.now()
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ReplyRefused(gettext("Write a reply first."))
    route = reply_channel(conversation)
    with transaction.atomic():
        locked = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("patient", "practice")
            .get(pk=conversation.pk)
        )
        existing = Message.objects.filter(practice=locked.practice, dedupe_key=f"reply:{key}").first()
        if existing is not None:
            return existing
        if route.blocked:
            raise ReplyRefused(route.blocked)
        patient = locked.patient
        subject = ""
        if route.channel == Channel.EMAIL:
            with translation.override(patient.preferred_language if patient else "en"):
                subject = gettext("A message from %(practice)s") % {"practice": locked.practice.name}
        message = queue_message(
            practice=locked.practice,
            kind=MessageKind.CONVERSATION,
            channel=route.channel,
            dedupe_key=f"reply:{key}",
            body=body,
            subject=subject,
            patient=patient,
            to=route.to,
            conversation=locked,
            require_consent=True,
            now=now,
        )
        if message.status == MessageStatus.SKIPPED:
            # The outbox refused too (consent changed a moment ago): nothing is kept; say so.
            raise ReplyRefused(gettext("The reply was not sent: the patient has not agreed to this kind of message."))
        locked.last_message_at = now
        locked.save(update_fields=["last_message_at"])
        audit.record(
            practice=locked.practice,
            action=Action.SEND,
            target=locked,
            patient=patient,
            actor_user=actor_user,
            summary=f"reply by {route.channel}",
        )
        if patient is not None:
            journey.record(
                practice=locked.practice,
                patient=patient,
                touchpoint="reminders",
                kind="reply.sent",
                at=now,
                data={"channel": route.channel},
            )
    return message


# --- done, reopen, link -----------------------------------------------------------------------


@transaction.atomic
def set_status(*, conversation: Conversation, status: str, actor_user: User) -> Conversation:
    if status not in ConversationStatus.values:
        raise ValueError(f"Unknown status {status!r}.")
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.status != status:
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        audit.record(
            practice=locked.practice,
            action=Action.UPDATE,
            target=locked,
            patient=locked.patient,
            actor_user=actor_user,
            changes={"status": {"from": before, "to": status}},
        )
    return locked


@transaction.atomic
def link_patient(*, conversation: Conversation, patient: Patient, actor_user: User) -> Conversation:
    """File an unknown number's conversation (and its texts) under a patient of the same practice."""
    if patient.practice_id != conversation.practice_id:
        raise ValueError("The patient belongs to another practice.")
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.patient_id is not None and locked.patient_id != patient.pk:
        raise ValueError("The conversation belongs to another patient already.")
    locked.patient = patient
    locked.save(update_fields=["patient"])
    InboundMessage.objects.filter(practice=locked.practice, conversation=locked).update(patient=patient)
    Message.objects.filter(practice=locked.practice, conversation=locked, patient__isnull=True).update(patient=patient)
    audit.record(
        practice=locked.practice,
        action=Action.UPDATE,
        target=locked,
        patient=patient,
        actor_user=actor_user,
        summary="conversation linked to patient",
    )
    return locked
