"""The demo practice's message history: reminder plans, a month of reminders (delivered, some failed),
patients' answers by link and by text, a few inbox conversations (one from an unknown number) and
a recall list.

Deterministic from the seed with its own ``random.Random`` stream, written with ``bulk_create``.
Call ``build_messaging(practice=..., seed=..., today=...)`` after ``demo.scheduling.build_schedule``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from messaging import answer_links, quiet_hours
from messaging.models import (
    AppointmentResponse,
    Channel,
    Conversation,
    ConversationStatus,
    InboundAction,
    InboundMessage,
    Message,
    MessageKind,
    MessageStatus,
    MessagingSettings,
    Recall,
    ReminderStep,
)
from messaging.reminder_schedule import dedupe_key
from messaging.rendering import TemplateBook, format_visit
from messaging.services.reminders import create_visit_type_plan, default_plan_for
from patients.models import Patient
from practices.models import Practice
from scheduling.models import Appointment, AppointmentStatus, VisitType

HISTORY_DAYS = 30
UNCLEAR_REPLIES = (
    ("en", "Is there parking near the office?"),
    ("es", "¿Puedo llevar a mi hija a la cita también?"),
    ("en", "Running 10 min behind, sorry!"),
)


@transaction.atomic
def build_messaging(*, practice: Practice, seed: int, today: date) -> None:
    rng = random.Random(f"messaging:{seed}:{practice.slug}")
    tz = ZoneInfo(practice.timezone)
    now = datetime.combine(today, time(9), tzinfo=tz)
    MessagingSettings.objects.get_or_create(
        practice=practice,
        defaults={"sender_name": practice.name, "from_email": f"hello@{practice.slug}.example"},
    )
    default = default_plan_for(practice=practice)
    plans: dict[int | None, list[ReminderStep]] = {None: list(default.steps.all())}
    surgery = VisitType.objects.filter(practice=practice).order_by("-duration_minutes", "name").first()
    if surgery is not None:
        own = create_visit_type_plan(practice=practice, visit_type=surgery)
        own.steps.all().delete()
        ReminderStep.objects.bulk_create(
            [
                ReminderStep(practice=practice, plan=own, minutes_before=7 * 24 * 60, channel=Channel.EMAIL),
                ReminderStep(practice=practice, plan=own, minutes_before=3 * 24 * 60, channel=Channel.EMAIL),
                ReminderStep(practice=practice, plan=own, minutes_before=24 * 60, channel=Channel.SMS),
            ]
        )
        plans[surgery.pk] = list(own.steps.all())

    appointments = list(
        Appointment.objects.filter(
            practice=practice, start__gte=now - timedelta(days=HISTORY_DAYS), start__lt=now + timedelta(days=8)
        )
        .select_related("patient", "location", "practice")
        .order_by("start")
    )
    book = TemplateBook([practice.pk], kinds=[MessageKind.REMINDER])
    messages, responses = [], []
    for appointment in appointments:
        patient = appointment.patient
        steps = plans.get(appointment.visit_type_id) or plans[None]
        language = patient.preferred_language or "en"
        values = None
        reminded = False
        for step in steps:
            planned = appointment.start - timedelta(minutes=step.minutes_before)
            if planned < appointment.created_at or planned > now:
                continue
            send_at = quiet_hours.send_time(
                planned,
                tz=quiet_hours.zone_or(patient.time_zone, practice.timezone),
                start=time(21),
                end=time(8),
                visit_start=appointment.start,
            )
            if values is None:
                values = {
                    **format_visit(appointment.start, appointment.location.timezone or practice.timezone, language),
                    "link": answer_links.answer_url(appointment),
                }
            subject, body = book.render(practice, MessageKind.REMINDER, step.channel, language, values)
            address = patient.email if step.channel == Channel.EMAIL else patient.phone
            consent = patient.email_consent if step.channel == Channel.EMAIL else patient.sms_consent
            status, skip, error, delivered = _outcome(rng, address, consent, step.channel)
            sent_at = send_at + timedelta(seconds=rng.randint(2, 50)) if status != MessageStatus.SKIPPED else None
            messages.append(
                Message(
                    practice=practice,
                    patient=patient,
                    appointment=appointment,
                    kind=MessageKind.REMINDER,
                    channel=step.channel,
                    dedupe_key=dedupe_key(appointment.pk, appointment.sequence, step.pk, step.channel),
                    to=address,
                    subject=subject,
                    body=body,
                    status=status,
                    skip_reason=skip,
                    error=error,
                    send_after=send_at,
                    attempts=0 if status == MessageStatus.SKIPPED else (3 if status == MessageStatus.FAILED else 1),
                    created_at=planned,
                    sent_at=sent_at if status in (MessageStatus.SENT, MessageStatus.DELIVERED) else None,
                    delivered_at=sent_at + timedelta(seconds=rng.randint(1, 30)) if delivered and sent_at else None,
                    provider_message_id=f"demo-{practice.slug}-{appointment.pk}-{step.pk}" if sent_at else "",
                )
            )
            reminded = reminded or status in (MessageStatus.SENT, MessageStatus.DELIVERED)
        if reminded and appointment.status != AppointmentStatus.CANCELLED:
            roll = rng.random()
            if roll < 0.5:
                at = min(now, appointment.start - timedelta(hours=rng.randint(2, 40)))
                channel = "link" if rng.random() < 0.6 else "sms"
                responses.append(
                    AppointmentResponse(
                        practice=practice, appointment=appointment, action=InboundAction.CONFIRM, channel=channel, at=at
                    )
                )
            elif roll < 0.55:
                at = min(now, appointment.start - timedelta(hours=rng.randint(26, 60)))
                responses.append(
                    AppointmentResponse(
                        practice=practice,
                        appointment=appointment,
                        action=InboundAction.RESCHEDULE,
                        channel="link",
                        at=at,
                    )
                )
    Message.objects.bulk_create(messages, batch_size=500, ignore_conflicts=True)
    AppointmentResponse.objects.bulk_create(responses, batch_size=500)
    _conversations(practice, rng, now)
    _recalls(practice, rng, today, now)


def _outcome(rng: random.Random, address: str, consent: bool, channel: str):
    """(status, skip reason, error, delivered) for one past reminder."""
    if not address:
        return MessageStatus.SKIPPED, "no_address", "", False
    if not consent:
        return MessageStatus.SKIPPED, "no_consent", "", False
    roll = rng.random()
    if roll < 0.04:
        return (
            MessageStatus.FAILED,
            "",
            "The provider refused the number." if channel == Channel.SMS else "Timeout",
            False,
        )
    if roll < 0.06 and channel == Channel.EMAIL:
        return MessageStatus.BOUNCED, "", "Mailbox does not exist", False
    if roll < 0.12:
        return MessageStatus.SENT, "", "", False
    return MessageStatus.DELIVERED, "", "", True


def _conversations(practice: Practice, rng: random.Random, now: datetime) -> None:
    patients = list(Patient.objects.filter(practice=practice).exclude(phone="").order_by("pk")[:200])
    if not patients:
        return
    chosen = rng.sample(patients, k=min(len(UNCLEAR_REPLIES), len(patients)))
    for serial, (patient, (_language, text)) in enumerate(zip(chosen, UNCLEAR_REPLIES, strict=False), start=1):
        at = now - timedelta(hours=rng.randint(1, 72))
        answered = serial == 1
        conversation = Conversation.objects.create(
            practice=practice,
            patient=patient,
            phone=patient.phone,
            status=ConversationStatus.CLOSED if answered else ConversationStatus.OPEN,
            last_message_at=at + timedelta(minutes=20) if answered else at,
        )
        InboundMessage.objects.create(
            practice=practice,
            patient=patient,
            conversation=conversation,
            from_number=patient.phone,
            body=text,
            provider_message_id=f"demo-in-{practice.slug}-{serial}",
            received_at=at,
        )
        if answered:
            Message.objects.create(
                practice=practice,
                patient=patient,
                conversation=conversation,
                kind=MessageKind.CONVERSATION,
                channel=Channel.SMS,
                dedupe_key=f"conversation:{conversation.pk}:1",
                to=patient.phone,
                body="Yes, there is a garage right behind the building. See you soon!",
                status=MessageStatus.DELIVERED,
                created_at=at + timedelta(minutes=20),
                sent_at=at + timedelta(minutes=20),
                delivered_at=at + timedelta(minutes=20, seconds=8),
            )
    at = now - timedelta(hours=5)
    unknown = Conversation.objects.create(practice=practice, phone="+15125550777", last_message_at=at)
    InboundMessage.objects.create(
        practice=practice,
        conversation=unknown,
        from_number="+15125550777",
        body="Hi, this is Maria's husband, she can't make it Thursday. Can she come next week?",
        provider_message_id=f"demo-in-{practice.slug}-unknown",
        received_at=at,
    )


def _recalls(practice: Practice, rng: random.Random, today: date, now: datetime) -> None:
    patients = list(Patient.objects.filter(practice=practice).order_by("pk").values_list("pk", flat=True))
    if not patients:
        return
    chosen = rng.sample(patients, k=max(1, len(patients) // 10))
    recalls = []
    for patient_id in chosen:
        interval = 6 if rng.random() < 0.2 else 12
        due = today + timedelta(days=rng.randint(-90, 60))
        sent = 0 if due > today else rng.randint(0, 3)
        recalls.append(
            Recall(
                practice=practice,
                patient_id=patient_id,
                due_on=due,
                interval_months=interval,
                messages_sent=sent,
                last_sent_at=now - timedelta(days=rng.randint(1, 29)) if sent else None,
            )
        )
    Recall.objects.bulk_create(recalls, batch_size=500, ignore_conflicts=True)
