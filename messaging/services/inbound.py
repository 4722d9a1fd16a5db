"""What happens when a patient texts the practice: ``receive_sms``.

The webhook view (``messaging/views/webhooks.py``) checks the provider's signature and refuses
replays; this module decides what the text means and acts on it, once:

- the practice is the one whose ``MessagingSettings.sms_number`` the text was sent to; the patient
  is the practice's one patient with that mobile number (numbers compared as digits). Several
  patients on one number are not guessed between: the text goes to the inbox with the number only
  (unless the front desk already linked that number's conversation to one of them);
- every text is kept (``InboundMessage``), from unknown numbers too; a repeat of the same
  ``provider_message_id`` returns the row already kept and changes nothing;
- the keywords are in ``messaging/keywords.py``. STOP (and UNSUBSCRIBE, CANCEL, ALTO…) turns text
  messages off at once for every patient of the practice on that number, audited as the patient's
  own change, and answers with the opt-out confirmation; START (or YES after STOP) turns them on
  again. C / YES confirms the next upcoming visit; R asks to reschedule it (recorded on the
  visit and put in the inbox for the front desk, the same way as an answer by link:
  ``services.reminders.record_answer``). Anything else opens a conversation in the inbox.

Journey events carry no message text.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

import journey
from audit import services as audit
from audit.masking import diff
from audit.models import Action
from patients import services as patient_services
from patients.models import Patient
from practices.models import Practice

from .. import keywords
from ..models import (
    Channel,
    Conversation,
    ConversationStatus,
    InboundAction,
    InboundMessage,
    MessageKind,
    MessagingSettings,
)
from ..rendering import render
from ..selectors import inbox as inbox_selectors
from .outbox import queue_message
from .reminders import MessagingError, record_answer

MAX_BODY = 2000


def receive_sms(
    *, to_number: str, from_number: str, body: str, provider_message_id: str, received_at: datetime | None = None
) -> InboundMessage:
    """Keep one inbound text and act on it; a repeated ``provider_message_id`` changes nothing."""
    provider_message_id = (provider_message_id or "").strip()[:120]
    if not provider_message_id:
        raise ValueError("An inbound text needs the provider's message id.")
    existing = InboundMessage.objects.filter(provider_message_id=provider_message_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _receive(
                to_number=to_number or "",
                from_number=from_number or "",
                body=body or "",
                provider_message_id=provider_message_id,
                received_at=received_at or timezone.now(),
            )
    except IntegrityError:
        # Two deliveries of the same text at once: the other one kept it.
        existing = InboundMessage.objects.filter(provider_message_id=provider_message_id).first()
        if existing is None:
            raise
        return existing


def display_number(number: str) -> str:
    digits = keywords.normalise_phone(number)
    return "+" + digits if digits else (number or "").strip()[:32]


def _clean(body: str) -> str:
    return body.replace("\x00", "").strip()[:MAX_BODY]


def _receive(
    *, to_number: str, from_number: str, body: str, provider_message_id: str, received_at: datetime
) -> InboundMessage:
    phone = display_number(from_number)
    found = inbox_selectors.settings_for_sms_number(to_number)
    practice = found.practice if found else None
    inbound = InboundMessage(
        practice=practice,
        from_number=phone,
        to_number=display_number(to_number),
        body=_clean(body),
        provider_message_id=provider_message_id,
        action=InboundAction.NONE,
        received_at=received_at,
    )
    if found is None or practice is None:
        # Sent to a number no practice here owns: kept for the record, nothing else to do.
        inbound.save()
        return inbound
    # One inbound text of a practice at a time: conversations are found or opened without races.
    MessagingSettings.objects.select_for_update().filter(pk=found.pk).first()
    on_number = inbox_selectors.patients_with_phone(practice=practice, phone=phone)
    patient = _the_patient(practice, phone, on_number)
    inbound.patient = patient
    action = keywords.parse_reply(body, opted_out=inbox_selectors.number_opted_out(practice=practice, phone=phone))
    inbound.save()
    _act(inbound, practice, action, patient=patient, phone=phone, on_number=on_number or ([patient] if patient else []))
    inbound.save(update_fields=["action", "conversation"])
    return inbound


def _act(
    inbound: InboundMessage,
    practice: Practice,
    action: str,
    *,
    patient: Patient | None,
    phone: str,
    on_number: list[Patient],
) -> None:
    if action == keywords.STOP:
        _opt_out(inbound, practice, phone, on_number, patient)
    elif action == keywords.START:
        _opt_in(inbound, practice, on_number, patient)
    elif action == keywords.CONFIRM and patient is not None and _respond(inbound, practice, patient, action):
        return
    elif action == keywords.RESCHEDULE:
        if patient is not None:
            _respond(inbound, practice, patient, action)
        inbound.action = InboundAction.RESCHEDULE
        _to_inbox(inbound, practice, patient, phone)
    else:
        # Not understood, or "yes" with no visit to confirm: a person answers.
        _to_inbox(inbound, practice, patient, phone)


def _the_patient(practice: Practice, phone: str, on_number: list[Patient]) -> Patient | None:
    """The one patient on this number; when there are none or several, the patient the front desk
    linked this number's conversation to (never a guess)."""
    if len(on_number) == 1:
        return on_number[0]
    linked = (
        Conversation.objects.filter(practice=practice, phone=phone, patient__isnull=False)
        .select_related("patient__practice")
        .order_by("-last_message_at", "-pk")
        .first()
    )
    if linked is not None and (not on_number or linked.patient in on_number):
        return linked.patient
    return None


def _existing_conversation(practice: Practice, patient: Patient | None, phone: str) -> Conversation | None:
    qs = Conversation.objects.filter(practice=practice)
    qs = qs.filter(patient=patient) if patient is not None else qs.filter(patient__isnull=True, phone=phone)
    return qs.order_by("-last_message_at", "-pk").first()


def _to_inbox(inbound: InboundMessage, practice: Practice, patient: Patient | None, phone: str) -> None:
    """Attach the text to the patient's (or the number's) conversation and open it for the front desk."""
    conversation = _existing_conversation(practice, patient, phone)
    if conversation is None:
        conversation = Conversation.objects.create(
            practice=practice,
            patient=patient,
            phone=phone,
            status=ConversationStatus.OPEN,
            last_message_at=inbound.received_at,
        )
    else:
        conversation.status = ConversationStatus.OPEN
        conversation.last_message_at = max(conversation.last_message_at, inbound.received_at)
        conversation.phone = conversation.phone or phone
        conversation.save(update_fields=["status", "last_message_at", "phone"])
    inbound.conversation = conversation
    if patient is not None:
        journey.record(
            practice=practice,
            patient=patient,
            touchpoint="reminders",
            kind="reply.received",
            at=inbound.received_at,
            data={"channel": "sms", "action": inbound.action},
        )


def _attach_quietly(inbound: InboundMessage, practice: Practice, patient: Patient | None, phone: str) -> None:
    """Keep the thread whole without asking the front desk for anything."""
    inbound.conversation = _existing_conversation(practice, patient, phone)


def _respond(inbound: InboundMessage, practice: Practice, patient: Patient, action: str) -> bool:
    """Record a confirmation or reschedule request on the next upcoming visit, the same way as an
    answer by link (``reminders.record_answer``: audited, journey event). False when there is none."""
    appointment = inbox_selectors.next_upcoming_appointment(
        practice=practice, patient=patient, after=inbound.received_at
    )
    if appointment is None:
        return False
    response_action = InboundAction.CONFIRM if action == keywords.CONFIRM else InboundAction.RESCHEDULE
    try:
        with transaction.atomic():
            record_answer(appointment=appointment, action=response_action, channel="sms", now=inbound.received_at)
    except MessagingError:
        return False
    if response_action == InboundAction.CONFIRM:
        inbound.action = InboundAction.CONFIRM
        _attach_quietly(inbound, practice, patient, inbound.from_number)
    return True


def set_sms_consent(*, patient: Patient, value: bool) -> None:
    """The patient's own change of text-message consent, audited (``update_patient`` with the patient as actor).

    Record data that fails validation elsewhere (an old, malformed field) never blocks an opt-out:
    then only this field is written, with the same audit entry.
    """
    try:
        patient_services.update_patient(patient=patient, actor_patient=patient, sms_consent=value)
    except ValidationError:
        with transaction.atomic():
            locked = Patient.objects.select_for_update().get(pk=patient.pk)
            before = model_to_dict(locked, fields=["sms_consent"])
            if locked.sms_consent == value:
                return
            locked.sms_consent = value
            locked.save(update_fields=["sms_consent", "updated_at"])
            audit.record(
                practice=locked.practice,
                action=Action.UPDATE,
                target=locked,
                patient=locked,
                actor_patient=locked,
                changes=diff(before, {"sms_consent": value}, Patient.PROTECTED_FIELDS),
            )
    patient.sms_consent = value


def _opt_out(
    inbound: InboundMessage, practice: Practice, phone: str, patients: list[Patient], patient: Patient | None
) -> None:
    inbound.action = InboundAction.STOP
    for each in patients:
        if each.sms_consent:
            set_sms_consent(patient=each, value=False)
        journey.record(
            practice=practice,
            patient=each,
            touchpoint="reminders",
            kind="consent.sms_withdrawn",
            at=inbound.received_at,
            data={"channel": "sms"},
        )
    language = patient.preferred_language if patient is not None else "en"
    _subject, body = render(practice, MessageKind.OPT_OUT, Channel.SMS, language, {})
    queue_message(
        practice=practice,
        kind=MessageKind.OPT_OUT,
        channel=Channel.SMS,
        dedupe_key=f"optout:{inbound.pk}",
        body=body,
        patient=patient,
        to=phone,
        require_consent=False,
    )
    _attach_quietly(inbound, practice, patient, phone)


def _opt_in(inbound: InboundMessage, practice: Practice, patients: list[Patient], patient: Patient | None) -> None:
    inbound.action = InboundAction.START
    for each in patients:
        if not each.sms_consent:
            set_sms_consent(patient=each, value=True)
            journey.record(
                practice=practice,
                patient=each,
                touchpoint="reminders",
                kind="consent.sms_given",
                at=inbound.received_at,
                data={"channel": "sms"},
            )
    _attach_quietly(inbound, practice, patient, inbound.from_number)
