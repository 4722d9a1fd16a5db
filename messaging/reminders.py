"""The reminder scheduler: which reminders are due now, queued once each through the outbox.

``queue_due_reminders(now=...)`` runs every minute (a periodic task). For every booked appointment
still ahead and each step of its reminder plan (the visit type's own plan, else the practice's
default plan; an inactive plan sends nothing) it works out:

- the *planned* moment: the visit's start minus the step's ``minutes_before``;
- the *send* moment: the planned one moved out of quiet hours in the patient's own time zone
  (``Patient.time_zone``, else the practice's), by the rule in ``messaging/quiet_hours.py``:
  deferred to the end of quiet hours, or, when that would be too close to or after the visit,
  brought forward to just before quiet hours began;
- the *trigger*: the earlier of the two. Once the trigger has come, the message is queued with
  ``send_after`` = the send moment (so a deferred reminder shows as queued until 08:00).

What is never sent (nothing stale):

- a step whose planned or send moment came before the appointment was booked (or, for a
  rescheduled appointment, before its last change): the confirmation has just said it all;
- a step whose trigger is more than ``STALE_AFTER`` ago (the scheduler was down): late reminders
  are dropped rather than sent in a bunch;
- of several due steps of one appointment only the closest to the visit goes out (with every channel
  of that step);
- a reminder that missed its moment and would now land in the patient's quiet hours is deferred to
  their end, or dropped when that is too close to the visit.

Exactly once: each message's ``dedupe_key`` is ``reminder:<appointment>:<sequence>:<step>:<channel>``.
The outbox's unique key makes a second run, or two schedulers at once, a no-op. The appointment's
``sequence`` (raised by every reschedule) is part of the key, so a rescheduled appointment is
reminded again for its new time; queued reminders of an earlier sequence, or of an appointment that
is no longer booked, are marked "not sent" (``skip_reason`` "visit_changed") at the start of each run.

Cost: a handful of queries per run whatever the number of appointments (plans with their steps,
settings, candidate appointments with their patient, location and practice, the keys already
queued for them, templates), plus one insert per message actually queued. Only appointments near
one of the plans' trigger moments are read.

Consent per channel is checked by ``messaging.outbox.queue_message``. Messages carry the practice's
name, the date and time (in the location's time zone, in the patient's language) and the personal
answer link; never the visit type.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from scheduling.models import Appointment, AppointmentStatus

from . import answer_links, quiet_hours
from .models import Message, MessageKind, MessageStatus, MessagingSettings, ReminderPlan
from .outbox import queue_message
from .rendering import TemplateBook, format_visit

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=12)
# Bringing a reminder forward out of quiet hours moves it at most this much earlier.
MAX_PULL_FORWARD = timedelta(hours=24, minutes=1)
VISIT_CHANGED = "visit_changed"
CHUNK = 500

DEFAULT_QUIET_START = time(21)
DEFAULT_QUIET_END = time(8)


def dedupe_key(appointment_id: int, sequence: int, step_id: int, channel: str) -> str:
    return f"reminder:{appointment_id}:{sequence}:{step_id}:{channel}"


@dataclass(frozen=True)
class Due:
    step_id: int
    channel: str
    minutes_before: int
    send_at: datetime


def booked_at(appointment) -> datetime:
    """When the appointment got its current time: booking, or its last change after a reschedule."""
    if appointment.sequence == 0:
        return appointment.created_at
    return max(appointment.created_at, appointment.updated_at)


def due_steps(
    *,
    start: datetime,
    booked: datetime,
    steps,
    now: datetime,
    tz,
    quiet_start: time,
    quiet_end: time,
) -> list[Due]:
    """The steps to queue now for a visit at ``start`` (the rules in the module's docstring).

    ``steps``: (step id, minutes before, channel). Pure apart from its arguments; tested directly.
    """
    if start <= now:
        return []
    found = []
    for step_id, minutes_before, channel in steps:
        planned = start - timedelta(minutes=minutes_before)
        send_at = quiet_hours.send_time(planned, tz=tz, start=quiet_start, end=quiet_end, visit_start=start)
        trigger = min(planned, send_at)
        if trigger > now or now - trigger > STALE_AFTER:
            continue
        if planned < booked or send_at < booked:
            continue
        if send_at <= now and quiet_hours.quiet_window(now, tz=tz, start=quiet_start, end=quiet_end):
            # Missed its moment and would go out in the middle of the night: wait for the morning.
            later = quiet_hours.send_time(now, tz=tz, start=quiet_start, end=quiet_end, visit_start=start)
            if later <= now:
                continue
            send_at = later
        found.append(Due(step_id, channel, minutes_before, send_at))
    if not found:
        return []
    closest = min(d.minutes_before for d in found)
    return [d for d in found if d.minutes_before == closest]


def _plans(practice_ids=None) -> tuple[dict, dict, int]:
    """({practice id: default plan}, {visit type id: plan}, the largest minutes_before of any active step)."""
    plans = ReminderPlan.objects.prefetch_related("steps")
    if practice_ids is not None:
        plans = plans.filter(practice_id__in=practice_ids)
    defaults, by_visit_type, largest = {}, {}, 0
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
    from .services import DEFAULT_STEPS, default_plan_for

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
        default_plan_for(practices[pid])
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
            quiet_start=row.quiet_start if row else DEFAULT_QUIET_START,
            quiet_end=row.quiet_end if row else DEFAULT_QUIET_END,
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
