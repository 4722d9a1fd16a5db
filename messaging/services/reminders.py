"""Writes of the reminders area: messaging settings, message templates, reminder plans, the
reminder scheduler, and the patient's answers to a reminder (confirm, cancel, ask to reschedule).

Every staff write takes keyword arguments, runs in one transaction and writes its audit entry (and,
for a patient's answer, its journey event) in that same transaction.

The scheduler
-------------
``queue_due_reminders(now=...)`` runs every minute (a periodic task in ``messaging/tasks.py``).
Which steps are due is the pure rule in ``messaging/reminder_schedule.py`` (``due_steps``); this
module reads the plans and appointments, and queues what is due through the outbox.

Exactly once: each message's ``dedupe_key`` is ``reminder:<appointment>:<sequence>:<step>:<channel>``.
The outbox's unique key makes a second run, or two schedulers at once, a no-op. The appointment's
``sequence`` (raised by every reschedule) is part of the key, so a rescheduled appointment is
reminded again for its new time; queued reminders of an earlier sequence, or of an appointment that
is no longer booked, are marked "not sent" (``skip_reason`` "visit_changed") at the start of each run.

Cost: a handful of queries per run whatever the number of appointments (plans with their steps,
settings, candidate appointments with their patient, location and practice, the keys already
queued for them, templates), plus one insert per message actually queued. Only appointments near
one of the plans' trigger moments are read.

Consent per channel is checked by ``messaging.services.outbox.queue_message``. Messages carry the
practice's name, the date and time (in the location's time zone, in the patient's language) and
the personal answer link; never the visit type.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

import journey
from accounts.models import User
from audit import services as audit
from audit.models import Action
from practices.models import Practice
from scheduling.models import Appointment, AppointmentStatus, CancellationReason, VisitType
from scheduling.services import booking as booking_services
from scheduling.services import online_booking as online_booking_services

from .. import answer_links, quiet_hours
from ..models import (
    AppointmentResponse,
    Channel,
    InboundAction,
    Message,
    MessageKind,
    MessageStatus,
    MessageTemplate,
    MessagingSettings,
    ReminderPlan,
    ReminderStep,
)
from ..reminder_schedule import MAX_PULL_FORWARD, STALE_AFTER, Due, booked_at, dedupe_key, due_steps
from ..rendering import TemplateBook, format_visit, template_errors
from .outbox import queue_message

logger = logging.getLogger("messaging.reminders")

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
VISIT_CHANGED = "visit_changed"
CHUNK = 500


class MessagingError(ValueError):
    """A change refused with a message for the person who asked for it."""


class TemplateInvalid(MessagingError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(e for errs in errors.values() for e in errs))
        self.errors = errors


# --- settings ---------------------------------------------------------------------------------


@transaction.atomic
def save_settings(*, practice: Practice, actor_user: User | None = None, **fields: object) -> MessagingSettings:
    """Change the practice's messaging settings (the row is created on the first save)."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown messaging settings fields: {sorted(unknown)}")
    found = MessagingSettings.objects.select_for_update().filter(practice=practice).first()
    created = found is None
    row = found if found is not None else MessagingSettings(practice=practice)
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
    *,
    practice: Practice,
    kind: str,
    channel: str,
    language: str,
    subject: str,
    body: str,
    actor_user: User | None = None,
) -> MessageTemplate:
    """Store the practice's own wording; refused (``TemplateInvalid``) with unknown variables or a too-long text."""
    _check_template_key(kind, channel, language)
    subject = "" if channel == Channel.SMS else subject.strip()
    body = body.strip()
    errors = template_errors(practice=practice, channel=channel, language=language, subject=subject, body=body)
    if errors:
        raise TemplateInvalid(errors)
    found = (
        MessageTemplate.objects.select_for_update()
        .filter(practice=practice, kind=kind, channel=channel, language=language)
        .first()
    )
    created = found is None
    row = (
        found
        if found is not None
        else MessageTemplate(practice=practice, kind=kind, channel=channel, language=language)
    )
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
def reset_template(
    *, practice: Practice, kind: str, channel: str, language: str, actor_user: User | None = None
) -> bool:
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


def default_plan_for(*, practice: Practice) -> ReminderPlan:
    """The practice's default reminder plan, created with ``DEFAULT_STEPS`` on first use."""
    plan = ReminderPlan.objects.filter(practice=practice, visit_type__isnull=True).first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            plan = ReminderPlan.objects.create(practice=practice)
            ReminderStep.objects.bulk_create(
                [ReminderStep(practice=practice, plan=plan, minutes_before=m, channel=c) for m, c in DEFAULT_STEPS]
            )
            audit.record(practice=practice, action=Action.CREATE, target=plan, summary="default reminder plan")
    except IntegrityError:  # created meanwhile by another process
        plan = ReminderPlan.objects.get(practice=practice, visit_type__isnull=True)
    return plan


@transaction.atomic
def create_visit_type_plan(
    *, practice: Practice, visit_type: VisitType, actor_user: User | None = None
) -> ReminderPlan:
    """Give a visit type its own plan, starting from a copy of the practice's default steps."""
    if visit_type.practice_id != practice.pk:
        raise MessagingError(_("That visit type belongs to another practice."))
    existing = ReminderPlan.objects.filter(practice=practice, visit_type=visit_type).first()
    if existing is not None:
        return existing
    default = default_plan_for(practice=practice)
    plan = ReminderPlan.objects.create(practice=practice, visit_type=visit_type, is_active=default.is_active)
    ReminderStep.objects.bulk_create(
        [
            ReminderStep(practice=practice, plan=plan, minutes_before=s.minutes_before, channel=s.channel)
            for s in default.steps.all()
        ]
    )
    audit.record(
        practice=practice, action=Action.CREATE, target=plan, actor_user=actor_user, summary="visit type reminder plan"
    )
    return plan


@transaction.atomic
def delete_visit_type_plan(*, plan: ReminderPlan, actor_user: User | None = None) -> None:
    """Remove a visit type's own plan: its visits follow the practice's default plan again."""
    if plan.visit_type_id is None:
        raise MessagingError(_("The practice's default plan cannot be removed; turn it off instead."))
    audit.record(
        practice=plan.practice, action=Action.DELETE, target=plan, actor_user=actor_user, summary="reminder plan"
    )
    plan.delete()


@transaction.atomic
def set_plan_active(*, plan: ReminderPlan, is_active: bool, actor_user: User | None = None) -> ReminderPlan:
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


def add_step(*, plan: ReminderPlan, minutes_before: int, channel: str, actor_user: User | None = None) -> ReminderStep:
    if channel not in Channel.values:
        raise MessagingError(_("Choose email or text message."))
    if not 0 < minutes_before <= MAX_MINUTES_BEFORE:
        raise MessagingError(_("A reminder goes out between one minute and 30 days before the visit."))
    try:
        with transaction.atomic():
            step = ReminderStep.objects.create(
                practice_id=plan.practice_id, plan=plan, minutes_before=minutes_before, channel=channel
            )
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
def remove_step(*, step: ReminderStep, actor_user: User | None = None) -> None:
    audit.record(
        practice=step.plan.practice,
        action=Action.DELETE,
        target=step,
        actor_user=actor_user,
        summary=f"reminder step {step.minutes_before} min {step.channel}",
    )
    step.delete()


# --- the patient's answer ---------------------------------------------------------------------

JOURNEY_KINDS: dict[str, str] = {
    InboundAction.CONFIRM: "reminder.confirmed",
    InboundAction.CANCEL: "reminder.cancelled",
    InboundAction.RESCHEDULE: "reminder.reschedule_requested",
}


def _record_answer(*, appointment: Appointment, action: str, channel: str, now: datetime) -> AppointmentResponse:
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
    *, appointment: Appointment, action: str, channel: str = "link", now: datetime | None = None
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


def cancel_by_answer(*, appointment: Appointment, channel: str = "link", now: datetime | None = None) -> Appointment:
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


# --- the scheduler -----------------------------------------------------------------------------


def _plans(practice_ids: Iterable[int] | None = None) -> tuple[dict[int, ReminderPlan], dict[int, ReminderPlan], int]:
    """({practice id: default plan}, {visit type id: plan}, the largest minutes_before of any active step)."""
    plans = ReminderPlan.objects.prefetch_related("steps")
    if practice_ids is not None:
        plans = plans.filter(practice_id__in=practice_ids)
    defaults: dict[int, ReminderPlan] = {}
    by_visit_type: dict[int, ReminderPlan] = {}
    largest = 0
    for plan in plans:
        if plan.visit_type_id is None:
            defaults[plan.practice_id] = plan
        else:
            by_visit_type[plan.visit_type_id] = plan
        if plan.is_active:
            largest = max([largest, *(s.minutes_before for s in plan.steps.all())])
    return defaults, by_visit_type, largest


def _candidate_filter(offsets: set[int], now: datetime) -> Q:
    """Appointments whose trigger for one of ``offsets`` may lie in (now - STALE_AFTER, now]."""
    condition = Q(pk__in=[])
    for minutes in sorted(offsets):
        before = timedelta(minutes=minutes)
        condition |= Q(start__gt=now - STALE_AFTER + before, start__lte=now + before + MAX_PULL_FORWARD)
    return condition


def skip_changed_reminders(*, now: datetime | None = None) -> int:
    """Mark queued reminders of cancelled, moved or past visits as not sent. Returns how many."""
    now = now or timezone.now()
    gone = (
        Message.objects.filter(kind=MessageKind.REMINDER, status=MessageStatus.QUEUED)
        .filter(
            Q(appointment__isnull=True)
            | ~Q(appointment__status=AppointmentStatus.BOOKED)
            | Q(appointment__start__lte=now)
        )
        .update(status=MessageStatus.SKIPPED, skip_reason=VISIT_CHANGED)
    )
    stale_ids = [
        pk
        for pk, key, sequence in Message.objects.filter(
            kind=MessageKind.REMINDER, status=MessageStatus.QUEUED
        ).values_list("pk", "dedupe_key", "appointment__sequence")
        if key.split(":")[2:3] != [str(sequence)]
    ]
    if stale_ids:
        gone += Message.objects.filter(pk__in=stale_ids, status=MessageStatus.QUEUED).update(
            status=MessageStatus.SKIPPED, skip_reason=VISIT_CHANGED
        )
    return gone


def _existing_keys(appointment_ids: list[int]) -> set[tuple[int, str]]:
    keys: set[tuple[int, str]] = set()
    for i in range(0, len(appointment_ids), CHUNK):
        keys.update(
            Message.objects.filter(
                kind=MessageKind.REMINDER, appointment_id__in=appointment_ids[i : i + CHUNK]
            ).values_list("practice_id", "dedupe_key")
        )
    return keys


def queue_due_reminders(*, now: datetime | None = None) -> int:
    """Queue every reminder whose moment has come; returns how many new outbox rows were written."""
    now = now or timezone.now()
    skip_changed_reminders(now=now)
    defaults, by_visit_type, largest = _plans()
    offsets = {
        m
        for plan in [*defaults.values(), *by_visit_type.values()]
        for m in (s.minutes_before for s in plan.steps.all())
    }
    offsets |= {m for m, _channel in DEFAULT_STEPS}  # practices whose default plan is made on first use
    appointments = list(
        Appointment.objects.filter(status=AppointmentStatus.BOOKED)
        .filter(_candidate_filter(offsets, now))
        .select_related("practice", "patient", "location")
        .order_by("start")
    )
    if not appointments:
        return 0
    practices = {a.practice_id: a.practice for a in appointments}
    missing = [pid for pid in practices if pid not in defaults]
    for pid in missing:
        default_plan_for(practice=practices[pid])
    if missing:
        defaults, by_visit_type, largest = _plans()
    settings_by_practice = {
        row.practice_id: row for row in MessagingSettings.objects.filter(practice_id__in=list(practices))
    }

    work: list[tuple[Appointment, list[Due]]] = []
    for appointment in appointments:
        plan = by_visit_type.get(appointment.visit_type_id) or defaults.get(appointment.practice_id)
        if plan is None or not plan.is_active:
            continue
        practice = appointment.practice
        row = settings_by_practice.get(practice.pk)
        due = due_steps(
            start=appointment.start,
            booked=booked_at(appointment),
            steps=[(s.pk, s.minutes_before, s.channel) for s in plan.steps.all()],
            now=now,
            tz=quiet_hours.zone_or(appointment.patient.time_zone, practice.timezone),
            quiet_start=row.quiet_start if row else quiet_hours.DEFAULT_QUIET_START,
            quiet_end=row.quiet_end if row else quiet_hours.DEFAULT_QUIET_END,
        )
        if due:
            work.append((appointment, due))
    if not work:
        return 0

    existing = _existing_keys([a.pk for a, _due in work])
    book = TemplateBook(practices, kinds=[MessageKind.REMINDER])
    created = 0
    by_practice_count: dict[int, int] = defaultdict(int)
    for appointment, due in work:
        patient = appointment.patient
        language = patient.preferred_language or "en"
        values = None
        for d in due:
            key = dedupe_key(appointment.pk, appointment.sequence, d.step_id, d.channel)
            if (appointment.practice_id, key) in existing:
                continue
            if values is None:
                zone = appointment.location.timezone or appointment.practice.timezone
                values = {
                    **format_visit(appointment.start, zone, language),
                    "link": answer_links.answer_url(appointment),
                }
            subject, body = book.render(appointment.practice, MessageKind.REMINDER, d.channel, language, values)
            message = queue_message(
                practice=appointment.practice,
                kind=MessageKind.REMINDER,
                channel=d.channel,
                dedupe_key=key,
                subject=subject,
                body=body,
                patient=patient,
                appointment=appointment,
                send_after=max(d.send_at, now),
                now=now,
            )
            if message.created_at == now and message.appointment_id == appointment.pk:
                created += 1
                by_practice_count[appointment.practice_id] += 1
    if created:
        logger.info("queued %s reminders for %s practices", created, len(by_practice_count))
    return created
