"""Writes of the reminders area: messaging settings, message templates, reminder plans and the
patient's answers to a reminder (confirm, cancel, ask to reschedule).

Every function takes keyword arguments, runs in one transaction and writes its audit entry (and,
for a patient's answer, its journey event) in that same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import journey
from audit import services as audit
from audit.models import Action
from scheduling.models import Appointment, AppointmentStatus, CancellationReason
from scheduling.services import booking as booking_services
from scheduling.services import online_booking as online_booking_services

from .models import (
    AppointmentResponse,
    Channel,
    InboundAction,
    MessageKind,
    MessageTemplate,
    MessagingSettings,
    ReminderPlan,
    ReminderStep,
)
from .rendering import template_errors

SETTINGS_FIELDS = (
    "sender_name",
    "from_email",
    "sms_number",
    "quiet_start",
    "quiet_end",
    "recall_max_messages",
    "recall_days_between",
)
LANGUAGES = ("en", "es")
# What a new practice starts with: a week ahead by email, two days and two hours ahead by text.
DEFAULT_STEPS: tuple[tuple[int, str], ...] = (
    (7 * 24 * 60, Channel.EMAIL),
    (48 * 60, Channel.SMS),
    (2 * 60, Channel.SMS),
)
MAX_MINUTES_BEFORE = 30 * 24 * 60  # a month ahead at most


class MessagingError(ValueError):
    """A change refused with a message for the person who asked for it."""


class TemplateInvalid(MessagingError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(e for errs in errors.values() for e in errs))
        self.errors = errors


# --- settings ---------------------------------------------------------------------------------


@transaction.atomic
def save_settings(*, practice, actor_user=None, **fields) -> MessagingSettings:
    """Change the practice's messaging settings (the row is created on the first save)."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown messaging settings fields: {sorted(unknown)}")
    row = MessagingSettings.objects.select_for_update().filter(practice=practice).first()
    created = row is None
    if created:
        row = MessagingSettings(practice=practice)
    before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
    for name, value in fields.items():
        setattr(row, name, value)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise MessagingError(_("Another practice already sends from this text message number.")) from error
    audit.record(
        practice=practice,
        action=Action.CREATE if created else Action.UPDATE,
        target=row,
        actor_user=actor_user,
        summary="messaging settings",
        changes={
            name: {"from": str(before[name]), "to": str(getattr(row, name))}
            for name in SETTINGS_FIELDS
            if created or before[name] != getattr(row, name)
        },
    )
    return row


# --- templates --------------------------------------------------------------------------------


def _check_template_key(kind: str, channel: str, language: str) -> None:
    if kind not in MessageKind.values or channel not in Channel.values or language not in LANGUAGES:
        raise MessagingError(_("Unknown kind of message."))


@transaction.atomic
def save_template(
    *, practice, kind: str, channel: str, language: str, subject: str, body: str, actor_user=None
) -> MessageTemplate:
    """Store the practice's own wording; refused (``TemplateInvalid``) with unknown variables or a too-long text."""
    _check_template_key(kind, channel, language)
    subject = "" if channel == Channel.SMS else subject.strip()
    body = body.strip()
    errors = template_errors(practice=practice, channel=channel, language=language, subject=subject, body=body)
    if errors:
        raise TemplateInvalid(errors)
    row = (
        MessageTemplate.objects.select_for_update()
        .filter(practice=practice, kind=kind, channel=channel, language=language)
        .first()
    )
    created = row is None
    if created:
        row = MessageTemplate(practice=practice, kind=kind, channel=channel, language=language)
    before = {"subject": row.subject, "body": row.body}
    row.subject, row.body, row.updated_by = subject, body, actor_user
    row.save()
    audit.record(
        practice=practice,
        action=Action.CREATE if created else Action.UPDATE,
        target=row,
        actor_user=actor_user,
        summary=f"message template {kind} {channel} {language}",
        changes={
            name: {"from": before[name], "to": getattr(row, name)}
            for name in ("subject", "body")
            if created or before[name] != getattr(row, name)
        },
    )
    return row


@transaction.atomic
def reset_template(*, practice, kind: str, channel: str, language: str, actor_user=None) -> bool:
    """Go back to the shipped wording (delete the practice's row). True when there was one."""
    _check_template_key(kind, channel, language)
    row = MessageTemplate.objects.filter(practice=practice, kind=kind, channel=channel, language=language).first()
    if row is None:
        return False
    audit.record(
        practice=practice,
        action=Action.DELETE,
        target=row,
        actor_user=actor_user,
        summary=f"message template {kind} {channel} {language} reset to default",
        changes={"subject": {"from": row.subject, "to": ""}, "body": {"from": row.body, "to": ""}},
    )
    row.delete()
    return True


# --- reminder plans ---------------------------------------------------------------------------


def default_plan_for(practice) -> ReminderPlan:
    """The practice's default reminder plan, created with ``DEFAULT_STEPS`` on first use."""
    plan = ReminderPlan.objects.filter(practice=practice, visit_type__isnull=True).first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            plan = ReminderPlan.objects.create(practice=practice)
            ReminderStep.objects.bulk_create(
                [ReminderStep(plan=plan, minutes_before=m, channel=c) for m, c in DEFAULT_STEPS]
            )
            audit.record(practice=practice, action=Action.CREATE, target=plan, summary="default reminder plan")
    except IntegrityError:  # created meanwhile by another process
        plan = ReminderPlan.objects.get(practice=practice, visit_type__isnull=True)
    return plan


@transaction.atomic
def create_visit_type_plan(*, practice, visit_type, actor_user=None) -> ReminderPlan:
    """Give a visit type its own plan, starting from a copy of the practice's default steps."""
    if visit_type.practice_id != practice.pk:
        raise MessagingError(_("That visit type belongs to another practice."))
    existing = ReminderPlan.objects.filter(practice=practice, visit_type=visit_type).first()
    if existing is not None:
        return existing
    default = default_plan_for(practice)
    plan = ReminderPlan.objects.create(practice=practice, visit_type=visit_type, is_active=default.is_active)
    ReminderStep.objects.bulk_create(
        [ReminderStep(plan=plan, minutes_before=s.minutes_before, channel=s.channel) for s in default.steps.all()]
    )
    audit.record(
        practice=practice, action=Action.CREATE, target=plan, actor_user=actor_user, summary="visit type reminder plan"
    )
    return plan


@transaction.atomic
def delete_visit_type_plan(*, plan: ReminderPlan, actor_user=None) -> None:
    """Remove a visit type's own plan: its visits follow the practice's default plan again."""
    if plan.visit_type_id is None:
        raise MessagingError(_("The practice's default plan cannot be removed; turn it off instead."))
    audit.record(
        practice=plan.practice, action=Action.DELETE, target=plan, actor_user=actor_user, summary="reminder plan"
    )
    plan.delete()


@transaction.atomic
def set_plan_active(*, plan: ReminderPlan, is_active: bool, actor_user=None) -> ReminderPlan:
    if plan.is_active != is_active:
        before = plan.is_active
        plan.is_active = is_active
        plan.save(update_fields=["is_active"])
        audit.record(
            practice=plan.practice,
            action=Action.UPDATE,
            target=plan,
            actor_user=actor_user,
            summary="reminder plan on" if is_active else "reminder plan off",
            changes={"is_active": {"from": before, "to": is_active}},
        )
    return plan


def add_step(*, plan: ReminderPlan, minutes_before: int, channel: str, actor_user=None) -> ReminderStep:
    if channel not in Channel.values:
        raise MessagingError(_("Choose email or text message."))
    if not 0 < minutes_before <= MAX_MINUTES_BEFORE:
        raise MessagingError(_("A reminder goes out between one minute and 30 days before the visit."))
    try:
        with transaction.atomic():
            step = ReminderStep.objects.create(plan=plan, minutes_before=minutes_before, channel=channel)
            audit.record(
                practice=plan.practice,
                action=Action.CREATE,
                target=step,
                actor_user=actor_user,
                summary=f"reminder step {minutes_before} min {channel}",
            )
    except IntegrityError as error:
        raise MessagingError(_("This plan already has that reminder.")) from error
    return step


@transaction.atomic
def remove_step(*, step: ReminderStep, actor_user=None) -> None:
    audit.record(
        practice=step.plan.practice,
        action=Action.DELETE,
        target=step,
        actor_user=actor_user,
        summary=f"reminder step {step.minutes_before} min {step.channel}",
    )
    step.delete()


# --- the patient's answer ---------------------------------------------------------------------

JOURNEY_KINDS = {
    InboundAction.CONFIRM: "reminder.confirmed",
    InboundAction.CANCEL: "reminder.cancelled",
    InboundAction.RESCHEDULE: "reminder.reschedule_requested",
}


def _record_answer(*, appointment, action: str, channel: str, now: datetime) -> AppointmentResponse:
    response = AppointmentResponse.objects.create(
        practice=appointment.practice, appointment=appointment, action=action, channel=channel, at=now
    )
    audit.record(
        practice=appointment.practice,
        action=Action.CREATE,
        target=response,
        patient=appointment.patient,
        actor_patient=appointment.patient,
        summary=f"reminder answer {action} by {channel}",
    )
    journey.record(
        practice=appointment.practice,
        patient=appointment.patient,
        touchpoint="reminders",
        kind=JOURNEY_KINDS[action],
        at=now,
        data={"channel": channel},
    )
    return response


def record_answer(
    *, appointment, action: str, channel: str = "link", now: datetime | None = None
) -> AppointmentResponse | None:
    """Record a patient's confirm or reschedule request. Answering the same twice in a row records it once.

    Returns the new response, or None when it repeated the latest one. Only a booked appointment
    can be confirmed or asked to move (``MessagingError`` otherwise).
    """
    if action not in (InboundAction.CONFIRM, InboundAction.RESCHEDULE):
        raise MessagingError(_("Unknown answer."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != AppointmentStatus.BOOKED or locked.start <= now:
            raise MessagingError(_("This appointment can no longer be confirmed or changed here."))
        latest = AppointmentResponse.objects.filter(appointment=locked).order_by("-at", "-pk").first()
        if latest is not None and latest.action == action and latest.at >= locked.updated_at:
            return None
        appointment.practice = locked.practice
        return _record_answer(appointment=appointment, action=action, channel=channel, now=now)


def cancel_by_answer(*, appointment, channel: str = "link", now: datetime | None = None):
    """The patient cancels from the reminder: the booking policy's cutoff applies, the email goes out."""
    now = now or timezone.now()
    if online_booking_services.online_change_refusal(appointment, now=now):
        raise booking_services.BookingRefused(_("This appointment can no longer be changed online."))
    with transaction.atomic():
        cancelled = booking_services.cancel_appointment(
            appointment=appointment,
            reason=CancellationReason.PATIENT_REQUEST,
            actor_patient=appointment.patient,
            notify=True,
            now=now,
        )
        _record_answer(appointment=cancelled, action=InboundAction.CANCEL, channel=channel, now=now)
    return cancelled
