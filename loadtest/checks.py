"""What the load run proves from the database afterwards: three counts that must be zero.

- ``double_bookings``: pairs of appointments of one provider that are not cancelled and overlap in
  time (PostgreSQL's exclusion constraint refuses them; this counts what got past anything).
- ``message_faults``: duplicate or missing messages. Duplicate: more than one outbox row for one
  (practice, dedupe key), or two rows of one kind to one address with the same text for the same
  appointment written since the run began. Missing: a message that was due (``send_after`` before
  ``due_before``) and is still queued; a reminder step due by the scheduler's own rule
  (``messaging.reminder_schedule.due_steps``) with no outbox row; an appointment booked since the run
  began with no confirmation row.
- ``journey_faults``: journey events written twice (same practice, patient, kind, touch point, moment
  and data) since the run began, and appointments booked, rescheduled or cancelled since the run began
  without their event (counted per kind: events of the kind fewer than the changes).

Each count is a number of faults, so a report can say how far from zero a run was.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from feedback.models import Invitation, InvitationStatus
from journey.models import JourneyEvent
from messaging import quiet_hours
from messaging.models import Message, MessageKind, MessageStatus, MessagingSettings, ReminderPlan
from messaging.reminder_schedule import booked_at, dedupe_key, due_steps
from scheduling.models import Appointment, AppointmentStatus


def double_bookings() -> int:
    """Overlapping pairs of non-cancelled appointments of one provider (each pair once)."""
    table = Appointment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*) FROM {table} a JOIN {table} b
              ON a.provider_id = b.provider_id AND a.id < b.id
             AND a.start < b."end" AND b.start < a."end"
             WHERE a.status <> %s AND b.status <> %s
            """,  # noqa: S608 - the table name is the model's, the values are parameters
            [AppointmentStatus.CANCELLED, AppointmentStatus.CANCELLED],
        )
        return int(cursor.fetchone()[0])


def duplicate_messages(*, since: datetime) -> int:
    by_key = Message.objects.values("practice_id", "dedupe_key").annotate(n=Count("id")).filter(n__gt=1).order_by()
    duplicates = sum(row["n"] - 1 for row in by_key)
    same_text = (
        Message.objects.filter(created_at__gte=since, appointment__isnull=False)
        .exclude(kind=MessageKind.REMINDER)  # two steps of one visit may read alike
        .values("practice_id", "appointment_id", "kind", "to", "body")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()
    )
    return duplicates + sum(row["n"] - 1 for row in same_text)


def _plans() -> tuple[dict[int, ReminderPlan], dict[int, ReminderPlan]]:
    defaults, by_visit_type = {}, {}
    for plan in ReminderPlan.objects.prefetch_related("steps"):
        if plan.visit_type_id is None:
            defaults[plan.practice_id] = plan
        else:
            by_visit_type[plan.visit_type_id] = plan
    return defaults, by_visit_type


def missing_reminders(*, now: datetime) -> int:
    """Reminder steps due at ``now`` by the scheduler's rule that have no outbox row (any status)."""
    defaults, by_visit_type = _plans()
    if not defaults and not by_visit_type:
        return 0
    longest = max(
        (s.minutes_before for p in [*defaults.values(), *by_visit_type.values()] for s in p.steps.all()), default=0
    )
    rows = {row.practice_id: row for row in MessagingSettings.objects.all()}
    keys = set(Message.objects.filter(kind=MessageKind.REMINDER).values_list("practice_id", "dedupe_key"))
    missing = 0
    candidates = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED, start__gt=now, start__lte=now + timedelta(minutes=longest + 1)
    ).select_related("practice", "patient")
    for appointment in candidates.iterator(chunk_size=2000):
        plan = by_visit_type.get(appointment.visit_type_id) or defaults.get(appointment.practice_id)
        if plan is None or not plan.is_active:
            continue
        row = rows.get(appointment.practice_id)
        for due in due_steps(
            start=appointment.start,
            booked=booked_at(appointment),
            steps=[(s.pk, s.minutes_before, s.channel) for s in plan.steps.all()],
            now=now,
            tz=quiet_hours.zone_or(appointment.patient.time_zone, appointment.practice.timezone),
            quiet_start=row.quiet_start if row else quiet_hours.DEFAULT_QUIET_START,
            quiet_end=row.quiet_end if row else quiet_hours.DEFAULT_QUIET_END,
        ):
            key = dedupe_key(appointment.pk, appointment.sequence, due.step_id, due.channel)
            if (appointment.practice_id, key) not in keys:
                missing += 1
    return missing


def missing_message_parts(*, since: datetime, due_before: datetime, reminders_at: datetime) -> dict[str, int]:
    unsent = Message.objects.filter(status=MessageStatus.QUEUED, send_after__lt=due_before).count()
    booked = list(Appointment.objects.filter(created_at__gte=since).values_list("pk", flat=True))
    with_message = set(Message.objects.filter(appointment_id__in=booked).values_list("appointment_id", flat=True))
    return {
        "due_but_unsent": unsent,
        "reminders_missing": missing_reminders(now=reminders_at),
        "bookings_without_confirmation": sum(1 for pk in booked if pk not in with_message),
    }


def missing_messages(*, since: datetime, due_before: datetime, reminders_at: datetime) -> int:
    return sum(missing_message_parts(since=since, due_before=due_before, reminders_at=reminders_at).values())


# Written once per invitation by the invitation job, which stamps every event of one pass with the same
# moment: two invitations of one patient (two triggers) give two identical events. They are counted
# against the invitations instead of against each other.
PER_INVITATION = {"survey.invited": False, "survey.skipped": True}  # kind -> written for a skipped invitation


def journey_fault_parts(*, since: datetime, changes: dict[str, int] | None = None) -> dict[str, int]:
    """Events written twice since ``since`` (by kind); invitation events not one per invitation made
    since then; and changes (from the load run's own count, per kind of event) with fewer events than
    changes (``missing <kind>``)."""
    recent = JourneyEvent.objects.filter(recorded_at__gte=since)
    twice = (
        recent.exclude(kind__in=list(PER_INVITATION))
        .values("practice_id", "patient_id", "kind", "touchpoint", "occurred_at", "data")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()
    )
    parts: Counter[str] = Counter()
    for row in twice:
        parts[f"twice {row['kind']}"] += row["n"] - 1
    invitations = Invitation.objects.filter(created_at__gte=since)
    for kind, skipped in PER_INVITATION.items():
        made = (
            invitations.filter(status=InvitationStatus.SKIPPED)
            if skipped
            else invitations.exclude(status=InvitationStatus.SKIPPED)
        )
        # Both sides on the job's own clock: the invitation's created_at and the event's occurred_at are
        # the same ``now``; recorded_at is the wall clock, which differs when the job ran with another now.
        written = JourneyEvent.objects.filter(occurred_at__gte=since, kind=kind).count()
        if written != made.count():
            parts[f"{kind} not one per invitation"] += abs(written - made.count())
    if changes:
        written_by_kind = Counter(recent.filter(kind__in=list(changes)).values_list("kind", flat=True))
        for kind, expected in changes.items():
            if expected > written_by_kind[kind]:
                parts[f"missing {kind}"] += expected - written_by_kind[kind]
    return dict(parts)


def journey_faults(*, since: datetime, changes: dict[str, int] | None = None) -> int:
    return sum(journey_fault_parts(since=since, changes=changes).values())


def zero_counts(
    *,
    since: datetime,
    due_before: datetime | None = None,
    reminders_at: datetime | None = None,
    changes: dict[str, int] | None = None,
) -> dict[str, int]:
    """``due_before``: messages due before it must be sent; ``reminders_at``: a moment the reminder
    scheduler has run since (its last minute tick)."""
    now = timezone.now()
    return {
        "double_bookings": double_bookings(),
        "message_faults": duplicate_messages(since=since)
        + missing_messages(
            since=since,
            due_before=due_before or now - timedelta(seconds=90),
            reminders_at=reminders_at or now - timedelta(seconds=90),
        ),
        "journey_faults": journey_faults(since=since, changes=changes),
    }


def breakdown(
    *, since: datetime, due_before: datetime, reminders_at: datetime, changes: dict[str, int] | None = None
) -> dict[str, int]:
    """The parts of the message and journey counts, to say which fault a non-zero count is."""
    return {
        "duplicate_messages": duplicate_messages(since=since),
        **missing_message_parts(since=since, due_before=due_before, reminders_at=reminders_at),
        **journey_fault_parts(since=since, changes=changes),
    }
